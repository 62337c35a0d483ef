/**
 * `input-type-mismatch`: an asset's compute function declares the type of its inputs
 * (`(ctx, { orders }: { orders: Order[] }) => ...`) and an upstream's output type (the awaited
 * return type of its compute function) is not assignable to it. Needs the type checker, which
 * is slow on inferred types: run after the structural diagnostics, in slices, cancellable.
 */
import { ts } from "ts-morph";
import type { AssetRecord, RawDiagnostic } from "./model";

// The compiler API's members, read once: every `ts.x` through ts-morph's re-exports is a
// chain of property getters, and the analysis calls these in its hottest loops.
const {
  ObjectFlags,
  SymbolFlags,
  TypeFlags,
  TypeFormatFlags,
  isArrowFunction,
  isAsExpression,
  isFunctionDeclaration,
  isFunctionExpression,
  isFunctionLike,
  isIdentifier,
  isParenthesizedExpression,
  isReturnStatement,
  isSatisfiesExpression,
  isVariableDeclaration,
} = ts;

function functionOf(
  node: ts.Node | undefined,
  checker: ts.TypeChecker,
): ts.FunctionLikeDeclaration | undefined {
  if (!node) return undefined;
  let current: ts.Node = node;
  while (isParenthesizedExpression(current) || isAsExpression(current) || isSatisfiesExpression(current)) {
    current = current.expression;
  }
  if (isArrowFunction(current) || isFunctionExpression(current) || isFunctionDeclaration(current))
    return current;
  if (isIdentifier(current)) {
    let symbol = checker.getSymbolAtLocation(current);
    if (symbol && symbol.flags & SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    if (!declaration) return undefined;
    if (isFunctionDeclaration(declaration)) return declaration;
    if (isVariableDeclaration(declaration) && declaration.initializer)
      return functionOf(declaration.initializer, checker);
  }
  return undefined;
}

/** The function whose result a call is (`return call`, or an arrow function's body). */
function returningFunction(call: ts.CallExpression): ts.SignatureDeclaration | undefined {
  let node: ts.Node = call;
  while (
    isParenthesizedExpression(node.parent) ||
    isAsExpression(node.parent) ||
    isSatisfiesExpression(node.parent)
  )
    node = node.parent;
  const parent = node.parent;
  if (isArrowFunction(parent) && parent.body === node) return parent;
  if (!isReturnStatement(parent)) return undefined;
  for (let current: ts.Node = parent.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** Whether a type names a type parameter (`Row[]`, `{ rows: Row }`), looking a few levels in. */
function mentionsTypeParameter(type: ts.Type, checker: ts.TypeChecker, depth = 0): boolean {
  if (type.flags & TypeFlags.TypeParameter) return true;
  if (depth > 3) return false;
  const inner = (other: ts.Type): boolean => mentionsTypeParameter(other, checker, depth + 1);
  if (type.isUnionOrIntersection()) return type.types.some(inner);
  if (!(type.flags & TypeFlags.Object)) return false;
  const object = type as ts.ObjectType;
  if (object.objectFlags & ObjectFlags.Reference) {
    if (checker.getTypeArguments(object as ts.TypeReference).some(inner)) return true;
  }
  if (object.objectFlags & ObjectFlags.Anonymous || object.objectFlags & ObjectFlags.Mapped) {
    return type.getProperties().some((property) => inner(checker.getTypeOfSymbol(property)));
  }
  return false;
}

export class TypeChecks {
  private readonly outputs = new Map<AssetRecord, ts.Type | null>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly byKey: Map<string, AssetRecord>,
  ) {}

  /**
   * The awaited return type of an asset's compute function (for an external asset, its declared
   * output type); null when unknown or `any`.
   */
  outputType(record: AssetRecord): ts.Type | null {
    const cached = this.outputs.get(record);
    if (cached !== undefined) return cached;
    let result: ts.Type | null = null;
    const compute = record.computeNode;
    if (compute) {
      const signature = this.checker.getTypeAtLocation(compute).getCallSignatures()[0];
      if (signature) {
        const returned = this.checker.getReturnTypeOfSignature(signature);
        const awaited = this.checker.getAwaitedType(returned) ?? returned;
        if (!(awaited.flags & (TypeFlags.Any | TypeFlags.Unknown))) result = awaited;
      }
    } else {
      // No compute (an external asset): the output type is the one the declaration states,
      // `externalAsset<Invoice[]>(...)`, carried by the asset's phantom `__output`.
      const phantom = this.checker.getTypeAtLocation(record.callNode).getProperty("__output");
      if (phantom) {
        const raw = this.checker.getTypeOfSymbolAtLocation(phantom, record.callNode);
        const declared = this.checker.getNonNullableType(raw);
        const vague = TypeFlags.Any | TypeFlags.Unknown | TypeFlags.Never;
        if (!(raw.flags & vague) && !(declared.flags & vague)) result = declared;
      }
    }
    // Inside a generic factory (`function source<Row>() { return externalAsset<Row[]>(...) }`)
    // the type names the factory's type parameter: known only where the factory is called.
    if (result && mentionsTypeParameter(result, this.checker)) result = this.outputAtSite(record);
    this.outputs.set(record, result);
    return result;
  }

  /**
   * The output type of an asset that a factory returns, read from the factory's call in the
   * module (`const trips = source<Trip>("fleet", "trips")`); null for any other asset a factory
   * makes (which of its type arguments it would take is not known).
   */
  private outputAtSite(record: AssetRecord): ts.Type | null {
    const site = record.siteNode;
    const factory = returningFunction(record.callNode);
    if (!site || !factory || this.checker.getResolvedSignature(site)?.declaration !== factory) return null;
    const phantom = this.checker.getTypeAtLocation(site).getProperty("__output");
    if (!phantom) return null;
    const output = this.checker.getNonNullableType(this.checker.getTypeOfSymbolAtLocation(phantom, site));
    const vague = TypeFlags.Any | TypeFlags.Unknown | TypeFlags.Never;
    return output.flags & vague || mentionsTypeParameter(output, this.checker) ? null : output;
  }

  /** Type diagnostics of one asset (empty when its compute does not declare input types). */
  check(record: AssetRecord): RawDiagnostic[] {
    const inputs = record.deps.filter(
      (dep) => dep.input !== undefined && dep.key !== undefined && !dep.problem,
    );
    if (inputs.length === 0) return [];
    const compute = functionOf(record.computeNode, this.checker);
    const annotation = compute?.parameters[1]?.type;
    if (!compute || !annotation) return [];
    const declared = this.checker.getTypeFromTypeNode(annotation);
    const sourceFile = annotation.getSourceFile();
    const diagnostics: RawDiagnostic[] = [];
    for (const dep of inputs) {
      const upstream = this.byKey.get(dep.key as string);
      if (!upstream) continue;
      const output = this.outputType(upstream);
      if (!output) continue;
      const property = declared.getProperty(dep.input as string);
      if (!property) continue;
      const expected = this.checker.getTypeOfSymbol(property);
      if (expected.flags & (TypeFlags.Any | TypeFlags.Unknown)) continue;
      if (this.checker.isTypeAssignableTo(output, expected)) continue;
      const produced = this.checker.typeToString(output, undefined, TypeFormatFlags.NoTruncation);
      const wanted = this.checker.typeToString(expected, undefined, TypeFormatFlags.NoTruncation);
      const upstreamCompute = upstream.computeNode;
      diagnostics.push({
        span: dep.span,
        severity: "error",
        code: "input-type-mismatch",
        message: `Input "${dep.input}" is declared as ${wanted}, but "${dep.key}" produces ${produced}.`,
        related: [
          {
            span: {
              file: sourceFile.fileName,
              start: annotation.getStart(sourceFile),
              end: annotation.getEnd(),
            },
            message: `the input types are declared here`,
          },
          ...(upstreamCompute
            ? [
                {
                  span: {
                    file: upstreamCompute.getSourceFile().fileName,
                    start: upstreamCompute.getStart(),
                    end: upstreamCompute.getEnd(),
                  },
                  message: `"${dep.key}" produces ${produced}`,
                },
              ]
            : [
                {
                  span: {
                    file: upstream.callNode.getSourceFile().fileName,
                    start: upstream.callNode.getStart(),
                    end: upstream.callNode.getEnd(),
                  },
                  message: `"${dep.key}" is declared to produce ${produced}`,
                },
              ]),
        ],
      });
    }
    return diagnostics;
  }
}
