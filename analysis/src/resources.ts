/**
 * `missing-resource`: a compute function that uses `ctx.resources.NAME` where the asset's spec
 * does not declare `resources: { NAME }`. Syntactic (names, no checker): cheap enough for every
 * keystroke.
 */
import { ts } from "ts-morph";
import type { RawDiagnostic } from "./model";
import { unwrap } from "./syntax";

// The compiler API's members, read once: every `ts.x` through ts-morph's re-exports is a
// chain of property getters, and the analysis calls these in its hottest loops.
const {
  forEachChild,
  isArrowFunction,
  isElementAccessExpression,
  isFunctionDeclaration,
  isFunctionExpression,
  isIdentifier,
  isObjectBindingPattern,
  isObjectLiteralExpression,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isSpreadAssignment,
  isStringLiteral,
  isVariableDeclaration,
} = ts;

/** Names declared in `spec.resources`; undefined when they cannot be read (a spread, a variable). */
export function declaredResources(spec: ts.Expression | undefined): Set<string> | undefined {
  if (!spec) return new Set();
  const literal = unwrap(spec);
  if (!isObjectLiteralExpression(literal))
    return isArrowFunction(literal) || isFunctionExpression(literal) ? new Set() : undefined;
  const property = literal.properties.find(
    (candidate) =>
      candidate.name !== undefined && isIdentifier(candidate.name) && candidate.name.text === "resources",
  );
  if (!property) {
    return literal.properties.some((candidate) => isSpreadAssignment(candidate)) ? undefined : new Set();
  }
  if (!isPropertyAssignment(property)) return undefined;
  const value = property.initializer;
  if (!isObjectLiteralExpression(value)) return undefined;
  const names = new Set<string>();
  for (const entry of value.properties) {
    if (isSpreadAssignment(entry)) return undefined;
    if (entry.name && (isIdentifier(entry.name) || isStringLiteral(entry.name))) names.add(entry.name.text);
  }
  return names;
}

/** Every `resources.NAME` the compute function reads, with the node of NAME. */
function usedResources(compute: ts.FunctionLikeDeclaration): { name: string; node: ts.Node }[] {
  const used: { name: string; node: ts.Node }[] = [];
  const context = compute.parameters[0]?.name;
  const body = compute.body;
  if (!context || !body) return used;
  /** Identifiers that hold the context, and identifiers that hold `ctx.resources`. */
  const contextNames = new Set<string>();
  const resourceNames = new Set<string>();

  const fromBindingOfResources = (pattern: ts.BindingName): void => {
    if (isIdentifier(pattern)) resourceNames.add(pattern.text);
    else if (isObjectBindingPattern(pattern)) {
      for (const element of pattern.elements) {
        const name = element.propertyName ?? element.name;
        if (isIdentifier(name) && !element.dotDotDotToken) used.push({ name: name.text, node: name });
      }
    }
  };
  const fromBindingOfContext = (pattern: ts.BindingName): void => {
    if (isIdentifier(pattern)) contextNames.add(pattern.text);
    else if (isObjectBindingPattern(pattern)) {
      for (const element of pattern.elements) {
        const name = element.propertyName ?? element.name;
        if (isIdentifier(name) && name.text === "resources") fromBindingOfResources(element.name);
      }
    }
  };
  fromBindingOfContext(context);

  const isResources = (node: ts.Expression): boolean =>
    (isIdentifier(node) && resourceNames.has(node.text)) ||
    (isPropertyAccessExpression(node) &&
      node.name.text === "resources" &&
      isIdentifier(node.expression) &&
      contextNames.has(node.expression.text));

  const visit = (node: ts.Node): void => {
    if (isVariableDeclaration(node) && node.initializer) {
      const init = node.initializer;
      if (isResources(init)) fromBindingOfResources(node.name);
      else if (isIdentifier(init) && contextNames.has(init.text)) fromBindingOfContext(node.name);
    }
    if (isPropertyAccessExpression(node) && isResources(node.expression)) {
      used.push({ name: node.name.text, node: node.name });
    }
    if (
      isElementAccessExpression(node) &&
      isResources(node.expression) &&
      isStringLiteral(node.argumentExpression)
    ) {
      used.push({ name: node.argumentExpression.text, node: node.argumentExpression });
    }
    forEachChild(node, visit);
  };
  visit(body);
  return used;
}

/** Where a file writes `resources` (ascending offsets), found once per file. */
const mentionsByFile = new WeakMap<ts.SourceFile, number[]>();

/** Whether the text of a node contains the word `resources` (in code, strings or comments). */
function mentionsResources(node: ts.Node): boolean {
  const sourceFile = node.getSourceFile();
  let mentions = mentionsByFile.get(sourceFile);
  if (!mentions) {
    mentions = [];
    const text = sourceFile.text;
    for (let at = text.indexOf("resources"); at >= 0; at = text.indexOf("resources", at + 1))
      mentions.push(at);
    mentionsByFile.set(sourceFile, mentions);
  }
  return mentions.some((at) => at >= node.pos && at < node.end);
}

/**
 * `evaluated`: the declared names as the evaluator read them (the spec or its `resources` in a
 * variable), used when the spec cannot be read syntactically; undefined when unknown.
 */
export function missingResourceDiagnostics(
  compute: ts.Node | undefined,
  spec: ts.Expression | undefined,
  evaluated?: Set<string>,
): RawDiagnostic[] {
  if (
    !compute ||
    !(isArrowFunction(compute) || isFunctionExpression(compute) || isFunctionDeclaration(compute))
  )
    return [];
  // Most compute functions never mention resources: skip the walk.
  if (!mentionsResources(compute)) return [];
  const declared = declaredResources(spec) ?? evaluated;
  if (!declared) return [];
  const sourceFile = compute.getSourceFile();
  const diagnostics: RawDiagnostic[] = [];
  const seen = new Set<number>();
  for (const { name, node } of usedResources(compute)) {
    if (declared.has(name) || seen.has(node.getStart(sourceFile))) continue;
    seen.add(node.getStart(sourceFile));
    const known = [...declared].sort();
    diagnostics.push({
      span: { file: sourceFile.fileName, start: node.getStart(sourceFile), end: node.getEnd() },
      severity: "error",
      code: "missing-resource",
      message:
        known.length > 0
          ? `The resource "${name}" is not declared in this asset's spec (resources: { ${known.join(", ")} }); add it to \`resources\`.`
          : `The resource "${name}" is not declared: add \`resources: { ${name} }\` to this asset's spec.`,
    });
  }
  return diagnostics;
}
