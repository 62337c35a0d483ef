/**
 * Imported names used at the top of a module, resolved through the checker a module at a time.
 *
 * The checker resolves a name by walking its scopes and, for an import, resolving the import
 * again (the module, then its export) at every use: ~10 µs a name, most of the evaluation of a
 * large workspace where each asset names its inputs. Where nothing but the module can declare a
 * name (an expression at the top of the module, outside any function, block or class), an
 * imported name can only be its import: the checker's symbol of the imported module and that
 * module's exports (`getExportsOfModule`), each looked up once, give the same symbol as
 * `getAliasedSymbol` of the import. Anything else (namespace, type-only and JSON imports,
 * `export =` modules, names inside functions) is left to the checker.
 */
import { ts } from "ts-morph";

const { SyntaxKind, SymbolFlags, isIdentifier, isImportDeclaration, isNamedImports, isStringLiteral } = ts;

/** Expressions and statements that declare no names. */
const DECLARE_NO_NAMES = new Set<ts.SyntaxKind>([
  SyntaxKind.CallExpression,
  SyntaxKind.VariableDeclaration,
  SyntaxKind.VariableDeclarationList,
  SyntaxKind.VariableStatement,
  SyntaxKind.ExportAssignment,
  SyntaxKind.ExpressionStatement,
  SyntaxKind.ParenthesizedExpression,
  SyntaxKind.AsExpression,
  SyntaxKind.SatisfiesExpression,
  SyntaxKind.NonNullExpression,
  SyntaxKind.PropertyAccessExpression,
  SyntaxKind.ElementAccessExpression,
  SyntaxKind.ObjectLiteralExpression,
  SyntaxKind.PropertyAssignment,
  SyntaxKind.ShorthandPropertyAssignment,
  SyntaxKind.SpreadAssignment,
  SyntaxKind.ArrayLiteralExpression,
  SyntaxKind.SpreadElement,
  SyntaxKind.ConditionalExpression,
  SyntaxKind.BinaryExpression,
]);

/** True when the node declares no names (a name inside only such nodes resolves at the top). */
export function declaresNoNames(node: ts.Node): boolean {
  return DECLARE_NO_NAMES.has(node.kind);
}

/** The source file of a node written at the top of its module (see above), else undefined. */
export function topLevelFile(node: ts.Node): ts.SourceFile | undefined {
  let current = node.parent;
  while (current.kind !== SyntaxKind.SourceFile) {
    if (!DECLARE_NO_NAMES.has(current.kind)) return undefined;
    current = current.parent;
  }
  return current as ts.SourceFile;
}

/** A value imported by name or by default: its import declaration and the name it exports. */
interface ImportBinding {
  declaration: ts.ImportDeclaration;
  name: string;
}

const bindingsByFile = new WeakMap<ts.SourceFile, Map<string, ImportBinding>>();

/**
 * A file's value imports by local name (`import { a as b }`, `import d from`): not type-only
 * ones, not namespaces, not JSON modules (the evaluator reads those itself).
 */
function importBindings(sourceFile: ts.SourceFile): Map<string, ImportBinding> {
  let bindings = bindingsByFile.get(sourceFile);
  if (bindings) return bindings;
  bindings = new Map();
  for (const statement of sourceFile.statements) {
    if (!isImportDeclaration(statement) || !statement.importClause || statement.importClause.isTypeOnly)
      continue;
    const specifier = statement.moduleSpecifier;
    if (!isStringLiteral(specifier) || specifier.text.endsWith(".json")) continue;
    const clause = statement.importClause;
    if (clause.name) bindings.set(clause.name.text, { declaration: statement, name: "default" });
    const named = clause.namedBindings;
    if (named && isNamedImports(named)) {
      for (const element of named.elements) {
        if (element.isTypeOnly) continue;
        const imported = element.propertyName ?? element.name;
        if (!isIdentifier(imported)) continue;
        bindings.set(element.name.text, { declaration: statement, name: imported.text });
      }
    }
  }
  bindingsByFile.set(sourceFile, bindings);
  return bindings;
}

const EXPORT_EQUALS = "export=" as ts.__String;

/** The resolver of one checker (symbols belong to a checker: one per analysis round). */
export class TopLevelImports {
  /** The checker's symbol of each imported module met (null: it does not resolve). */
  private readonly modules = new Map<ts.ImportDeclaration, ts.Symbol | null>();
  /** The exports of each imported module, by name. */
  private readonly exports = new Map<ts.Symbol, Map<string, ts.Symbol>>();

  constructor(private readonly checker: ts.TypeChecker) {}

  /**
   * The symbol an imported name used at the top of its module stands for (what
   * `getAliasedSymbol` of the import gives, or the export symbol when it is itself an alias);
   * undefined when the name is not such an import (then ask the checker).
   */
  resolve(identifier: ts.Identifier): ts.Symbol | undefined {
    const sourceFile = topLevelFile(identifier);
    if (!sourceFile) return undefined;
    const binding = importBindings(sourceFile).get(identifier.text);
    if (!binding) return undefined;
    let moduleSymbol = this.modules.get(binding.declaration);
    if (moduleSymbol === undefined) {
      moduleSymbol = this.checker.getSymbolAtLocation(binding.declaration.moduleSpecifier) ?? null;
      this.modules.set(binding.declaration, moduleSymbol);
    }
    if (!moduleSymbol) return undefined;
    let exports = this.exports.get(moduleSymbol);
    if (!exports) {
      exports = new Map();
      // `export =` modules have other rules for what a named import finds: left to the checker.
      if (!moduleSymbol.exports?.has(EXPORT_EQUALS)) {
        for (const symbol of this.checker.getExportsOfModule(moduleSymbol)) exports.set(symbol.name, symbol);
      }
      this.exports.set(moduleSymbol, exports);
    }
    const symbol = exports.get(binding.name);
    return symbol && symbol.flags & (SymbolFlags.Value | SymbolFlags.Alias) ? symbol : undefined;
  }
}
