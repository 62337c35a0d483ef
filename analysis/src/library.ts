/**
 * The one rule for recognising Assetline's library in a program: by symbol, never by name. A
 * name is the library's function when the checker resolves it (through imports, re-exports and
 * `const` aliases such as `const make = al.asset` or `const { check } = al`) to a declaration in
 * one of the library's packages. The evaluator recognises `asset`/`check`/`externalAsset` calls
 * with it; the editor features (./ide) recognise every call they complete inside with it.
 */
import { ts } from "ts-morph";
import type { PackageNames } from "./files";
import { isConstList, unwrap } from "./syntax";

const {
  SymbolFlags,
  isBindingElement,
  isIdentifier,
  isObjectBindingPattern,
  isPropertyAccessExpression,
  isStringLiteral,
  isVariableDeclaration,
} = ts;

/**
 * The packages whose declarations are the library: `assetline`, and `@assetline/core`, whose
 * functions it re-exports (`parseSelection`, ...).
 */
export const LIBRARY_PACKAGES: ReadonlySet<string> = new Set(["assetline", "@assetline/core"]);

/** The name of the library's export a symbol is (its aliases followed), or undefined. */
export function libraryExportName(
  checker: ts.TypeChecker,
  packages: PackageNames,
  found: ts.Symbol,
): string | undefined {
  const symbol = found.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(found) : found;
  const declaration = symbol.declarations?.[0];
  if (!declaration) return undefined;
  const name = packages.nameOf(declaration.getSourceFile().fileName);
  return name !== null && LIBRARY_PACKAGES.has(name) ? symbol.name : undefined;
}

/**
 * One step through a `const` bound to something else: the name node it is bound to
 * (`const make = asset`, `const make = al.asset`), or the property symbol it destructures
 * (`const { asset } = al`). Undefined for anything else (a `let`, a call, a parameter).
 */
export function constAliasStep(
  checker: ts.TypeChecker,
  found: ts.Symbol,
): { node: ts.Node } | { symbol: ts.Symbol } | undefined {
  const symbol = found.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(found) : found;
  const declaration = symbol.declarations?.[0];
  if (!declaration) return undefined;
  if (isVariableDeclaration(declaration) && isConstList(declaration.parent) && declaration.initializer) {
    const initializer = unwrap(declaration.initializer);
    if (isIdentifier(initializer)) return { node: initializer };
    if (isPropertyAccessExpression(initializer)) return { node: initializer.name };
    return undefined;
  }
  if (
    isBindingElement(declaration) &&
    !declaration.dotDotDotToken &&
    isObjectBindingPattern(declaration.parent)
  ) {
    const variable = declaration.parent.parent;
    if (!isVariableDeclaration(variable) || !isConstList(variable.parent) || !variable.initializer)
      return undefined;
    const property = declaration.propertyName ?? declaration.name;
    const name = isIdentifier(property) || isStringLiteral(property) ? property.text : undefined;
    if (name === undefined) return undefined;
    const member = checker.getTypeAtLocation(variable.initializer).getProperty(name);
    return member ? { symbol: member } : undefined;
  }
  return undefined;
}

/** How many `const` aliases are followed before giving up (a self-referential one ends too). */
export const MAX_ALIAS_DEPTH = 8;

/**
 * The library function a name node (a callee, or the name of `al.check`) stands for, or
 * undefined: resolved by symbol, aliases and `const` bindings followed.
 */
export function libraryNameAt(
  checker: ts.TypeChecker,
  packages: PackageNames,
  nameNode: ts.Node,
): string | undefined {
  const seen = new Set<ts.Symbol>();
  let symbol = checker.getSymbolAtLocation(nameNode);
  for (let depth = 0; symbol && depth <= MAX_ALIAS_DEPTH && !seen.has(symbol); depth++) {
    seen.add(symbol);
    const name = libraryExportName(checker, packages, symbol);
    if (name !== undefined) return name;
    const step = constAliasStep(checker, symbol);
    if (!step) return undefined;
    symbol = "node" in step ? checker.getSymbolAtLocation(step.node) : step.symbol;
  }
  return undefined;
}

/** The library function a call invokes (`check(...)`, `al.check(...)`, an alias), or undefined. */
export function libraryCallee(
  checker: ts.TypeChecker,
  packages: PackageNames,
  call: ts.CallExpression,
): string | undefined {
  const callee = unwrap(call.expression);
  const nameNode = isPropertyAccessExpression(callee)
    ? callee.name
    : isIdentifier(callee)
      ? callee
      : undefined;
  return nameNode ? libraryNameAt(checker, packages, nameNode) : undefined;
}
