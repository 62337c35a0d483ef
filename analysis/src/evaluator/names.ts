/**
 * Names: identifiers resolved through the checker to their declarations, and the values bound
 * there (in scope, or at the top of another project module, or read from a JSON file).
 */
import path from "node:path";
import { ts } from "ts-morph";
import { BUILTIN_NAMESPACES, RUNTIME_GLOBALS, builtinNamespace } from "./builtins";
import type { Evaluator } from "./evaluator";
import { member } from "./expressions";
import { moduleState } from "./modules";
import { Scope } from "./scope";
import { NamespaceValue, Unknown, fromJson, type Value } from "./values";

const {
  SymbolFlags,
  isFunctionDeclaration,
  isIdentifier,
  isImportDeclaration,
  isImportSpecifier,
  isSourceFile,
  isStringLiteral,
} = ts;

export function declarationOf(ev: Evaluator, identifier: ts.Node): ts.Node | undefined {
  let symbol =
    ev.checker.getSymbolAtLocation(identifier) ??
    librarySymbol(ev, (checker) => checker.getSymbolAtLocation(identifier));
  if (!symbol) return undefined;
  if (symbol.flags & SymbolFlags.Alias) symbol = ev.checker.getAliasedSymbol(symbol);
  return symbol.valueDeclaration ?? symbol.declarations?.[0];
}

/**
 * The symbol of a name that the evaluator's checker (no standard library) cannot resolve,
 * from the typed checker (standard library included); undefined when it does not resolve there either.
 */
export function librarySymbol(
  ev: Evaluator,
  resolve: (checker: ts.TypeChecker) => ts.Symbol | undefined,
): ts.Symbol | undefined {
  const typed = ev.host.typedChecker?.();
  if (!typed || typed === ev.checker) return undefined;
  const symbol = resolve(typed);
  // Only the library's own declarations are missing from the evaluator's program: anything
  // else resolves there. Library globals are never aliases.
  if (!symbol || symbol.flags & SymbolFlags.Alias) return undefined;
  return symbol;
}

export function identifier(ev: Evaluator, identifier: ts.Identifier, scope: Scope): Value {
  if (identifier.text === "undefined") return undefined;
  const symbol =
    ev.imports.resolve(identifier) ??
    ev.checker.getSymbolAtLocation(identifier) ??
    (BUILTIN_NAMESPACES.has(identifier.text)
      ? undefined
      : librarySymbol(ev, (checker) => checker.getSymbolAtLocation(identifier)));
  if (!symbol) {
    if (BUILTIN_NAMESPACES.has(identifier.text)) return builtinNamespace(identifier.text);
    const runtime = RUNTIME_GLOBALS.get(identifier.text);
    if (runtime) return new Unknown(runtime);
    return new Unknown(`\`${identifier.text}\` is not defined`, true);
  }
  return valueOfSymbol(ev, symbol, identifier, scope);
}

export function valueOfSymbol(ev: Evaluator, symbol: ts.Symbol, at: ts.Node, scope: Scope): Value {
  let target = symbol;
  if (symbol.flags & SymbolFlags.Alias) {
    const json = jsonImport(ev, symbol);
    if (json !== undefined) return json;
    target = ev.checker.getAliasedSymbol(symbol);
  }
  let declaration = target.valueDeclaration ?? target.declarations?.[0];
  // An overloaded function: its implementation (the declaration with a body).
  if (declaration && isFunctionDeclaration(declaration) && !declaration.body) {
    declaration =
      target.declarations?.find((each) => isFunctionDeclaration(each) && each.body) ?? declaration;
  }
  const name = isIdentifier(at) ? at.text : target.name;
  if (!declaration) return new Unknown(`\`${name}\` has no declaration ${ev.host.name} can read`);
  if (isSourceFile(declaration)) {
    if (declaration.fileName.endsWith(".json")) return readJson(ev, declaration.fileName);
    return new NamespaceValue(declaration);
  }
  const found = scope.lookup(declaration);
  if (found !== Scope.NOT_FOUND) return found;
  const sourceFile = declaration.getSourceFile();
  const file = sourceFile.fileName;
  if (!ev.host.isProjectFile(file)) {
    if (BUILTIN_NAMESPACES.has(name)) return builtinNamespace(name);
    return new Unknown(`\`${name}\` is known only at run time`);
  }
  if (file === ev.current.file) return new Unknown(`\`${name}\` is known only at run time`);
  const state = moduleState(ev, sourceFile);
  ev.current.result.reads.add(file);
  const value = state.scope.lookup(declaration);
  if (value !== Scope.NOT_FOUND) return value;
  if (!state.done) return new Unknown(`\`${name}\` is used before it is initialised (an import cycle)`);
  return new Unknown(`\`${name}\` is known only at run time`);
}

/** `import data from "./x.json"` (also when the project does not enable resolveJsonModule). */
export function jsonImport(ev: Evaluator, symbol: ts.Symbol): Value | undefined {
  const declaration = symbol.declarations?.[0];
  if (!declaration) return undefined;
  let importDeclaration: ts.Node | undefined = declaration;
  while (importDeclaration && !isImportDeclaration(importDeclaration))
    importDeclaration = importDeclaration.parent;
  if (!importDeclaration || !isImportDeclaration(importDeclaration)) return undefined;
  const specifier = importDeclaration.moduleSpecifier;
  if (!isStringLiteral(specifier) || !specifier.text.endsWith(".json")) return undefined;
  let file: string | undefined;
  if (specifier.text.startsWith(".")) {
    file = path.resolve(path.dirname(declaration.getSourceFile().fileName), specifier.text);
  } else {
    // Through `paths`, `baseUrl` or package `imports`: where the compiler resolved it.
    const module = ev.checker.getSymbolAtLocation(specifier)?.declarations?.[0];
    if (module && isSourceFile(module) && module.fileName.endsWith(".json")) file = module.fileName;
  }
  if (!file) return new Unknown(`the JSON module "${specifier.text}" cannot be found`);
  const data = readJson(ev, file);
  if (isImportSpecifier(declaration)) {
    const name = (declaration.propertyName ?? declaration.name).text;
    return member(ev, data, name);
  }
  return data;
}

export function readJson(ev: Evaluator, file: string): Value {
  ev.current.result.reads.add(file);
  const data = ev.host.readJson(file);
  if (data === undefined) return new Unknown(`${path.basename(file)} cannot be read as JSON`);
  return fromJson(data);
}

export function shorthand(ev: Evaluator, property: ts.ShorthandPropertyAssignment, scope: Scope): Value {
  const symbol =
    ev.imports.resolve(property.name) ??
    ev.checker.getShorthandAssignmentValueSymbol(property) ??
    librarySymbol(ev, (checker) => checker.getShorthandAssignmentValueSymbol(property));
  if (!symbol) return new Unknown(`\`${property.name.text}\` is not defined`, true);
  return valueOfSymbol(ev, symbol, property.name, scope);
}

/** An export of a module read by name (`const { orders } = ns`, `ns["orders"]`). */
export function namespaceMember(ev: Evaluator, namespace: NamespaceValue, name: string): Value {
  const module = ev.checker.getSymbolAtLocation(namespace.file);
  const symbol = module && ev.checker.tryGetMemberInModuleExports(name, module);
  if (!symbol)
    return new Unknown(`\`${name}\` is not exported by ${path.basename(namespace.file.fileName)}`, true);
  return valueOfSymbol(ev, symbol, namespace.file, ev.current.scope);
}
