/**
 * Which calls are Assetline's: `asset`, `check`, `externalAsset` of the `assetline` package,
 * found by symbol (named, aliased, namespace imports, re-exports, `const` aliases), never by
 * name alone. A first walk over each file's syntax finds the calls that may be the library's
 * (by the names its imports bind); the checker confirms them.
 */
import { ts } from "ts-morph";
import type { PackageNames } from "../files";
import { declaresNoNames, type TopLevelImports } from "../imports";
import type { AssetFunction } from "../model";
import { isDataFunction, type DataFunction } from "./data";

/** `schedule(...)` and `sensor(...)`: what starts runs besides the assets' own conditions. */
export type TriggerFunction = "schedule" | "sensor";

type LibraryFunction = AssetFunction | DataFunction | TriggerFunction;
import { MAX_ALIAS_DEPTH, constAliasStep, libraryExportName } from "../library";
import { isConstList, unwrap } from "../syntax";

const {
  SyntaxKind,
  forEachChild,
  isIdentifier,
  isImportDeclaration,
  isNamedImports,
  isNamespaceImport,
  isObjectBindingPattern,
  isPropertyAccessExpression,
} = ts;

interface ImportNames {
  /** Local names bound by named or default imports. */
  direct: Set<string>;
  /** Local names of namespace or default imports, used as `ns.asset(...)`. */
  qualifiers: Set<string>;
  /**
   * Names bound by `const` to an imported name or a member of one (`const make = al.asset`,
   * `const { asset: make } = al`, `const lib = al`): candidates the checker then confirms.
   */
  aliases: Set<string>;
}

/** What one walk over a file finds that only depends on its syntax. */
interface FileSyntax {
  names: ImportNames;
  /**
   * Calls shaped like a call of the library (`name(...)`, `name.member(...)` with an imported
   * or aliased name), in source order: the checker decides which of them really are.
   */
  calls: ts.CallExpression[];
}

/**
 * Where the text mentions any of the words as a whole identifier (comments and strings too),
 * sorted. A neighbour outside ASCII counts as a boundary: a mention too many only walks more.
 */
function wordPositions(text: string, words: Set<string>): number[] {
  const positions: number[] = [];
  const identifierCharacter = (code: number): boolean =>
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    code === 95 ||
    code === 36;
  for (const word of words) {
    // An empty word would be found at every offset without advancing: never search for one.
    if (word.length === 0) continue;
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
      if (at > 0 && identifierCharacter(text.charCodeAt(at - 1))) continue;
      if (identifierCharacter(text.charCodeAt(at + word.length))) continue;
      positions.push(at);
    }
  }
  return positions.sort((a, b) => a - b);
}

/** Whether a sorted list of positions has one in [start, end). */
function mentionsBetween(positions: number[], start: number, end: number): boolean {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (positions[middle]! < start) low = middle + 1;
    else high = middle;
  }
  return low < positions.length && positions[low]! < end;
}

/** By source file: kept while the file is unchanged (programs after an edit reuse it). */
const fileSyntax = new WeakMap<ts.SourceFile, FileSyntax>();

function syntaxOf(sourceFile: ts.SourceFile): FileSyntax {
  let syntax = fileSyntax.get(sourceFile);
  if (syntax) return syntax;
  const names: ImportNames = { direct: new Set(), qualifiers: new Set(), aliases: new Set() };
  // A clause the parser recovered from (`import * as ` half-typed) has a name with no text,
  // which binds nothing: only names with text count.
  const add = (set: Set<string>, name: ts.Identifier | undefined): void => {
    if (name && name.text.length > 0) set.add(name.text);
  };
  for (const statement of sourceFile.statements) {
    if (!isImportDeclaration(statement) || !statement.importClause) continue;
    const clause = statement.importClause;
    add(names.direct, clause.name);
    add(names.qualifiers, clause.name);
    const bindings = clause.namedBindings;
    if (bindings && isNamespaceImport(bindings)) add(names.qualifiers, bindings.name);
    if (bindings && isNamedImports(bindings)) {
      for (const element of bindings.elements) add(names.direct, element.name);
    }
  }
  syntax = { names, calls: [] };
  fileSyntax.set(sourceFile, syntax);
  if (names.direct.size === 0 && names.qualifiers.size === 0) return syntax;

  // One walk: `const` declarations that may alias an imported name, and calls by a simple name.
  // It skips the code whose text never mentions an imported name or an alias (compute bodies,
  // mostly): nothing there can call the library. A walk that finds a new alias is redone with
  // it among the names (an alias of an alias declared in code the first walk skipped).
  let constants: ts.VariableDeclaration[] = [];
  let calls: ts.CallExpression[] = [];
  const text = sourceFile.text;
  // Identifiers written with escapes (`\u0061sset`) are not found in the text: walk everything.
  const everything = text.includes("\\u");
  let words = new Set([...names.direct, ...names.qualifiers]);
  for (;;) {
    const positions = everything ? undefined : wordPositions(text, words);
    constants = [];
    calls = [];
    const visit = (node: ts.Node): void => {
      // Tokens, identifiers, types and type declarations hold no calls or declarations.
      const kind = node.kind;
      if (
        kind < SyntaxKind.FirstNode ||
        (kind >= SyntaxKind.FirstTypeNode && kind <= SyntaxKind.LastTypeNode) ||
        kind === SyntaxKind.InterfaceDeclaration ||
        kind === SyntaxKind.TypeAliasDeclaration ||
        kind === SyntaxKind.ImportDeclaration
      )
        return;
      if (positions && node.end - node.pos > 12 && !mentionsBetween(positions, node.pos, node.end)) return;
      if (kind === SyntaxKind.CallExpression) {
        const callee = (node as ts.CallExpression).expression;
        if (isIdentifier(callee) || (isPropertyAccessExpression(callee) && isIdentifier(callee.expression)))
          calls.push(node as ts.CallExpression);
      } else if (kind === SyntaxKind.VariableDeclaration) {
        const declaration = node as ts.VariableDeclaration;
        if (declaration.initializer && isConstList(declaration.parent)) constants.push(declaration);
      }
      forEachChild(node, visit);
    };
    visit(sourceFile);

    // Aliases in source order, so that aliases of aliases are found too.
    const known = (node: ts.Expression): boolean => {
      const inner = unwrap(node);
      if (isIdentifier(inner))
        return (
          names.direct.has(inner.text) || names.qualifiers.has(inner.text) || names.aliases.has(inner.text)
        );
      return isPropertyAccessExpression(inner) && known(inner.expression);
    };
    for (const declaration of constants) {
      if (!known(declaration.initializer!)) continue;
      if (isIdentifier(declaration.name)) add(names.aliases, declaration.name);
      else if (isObjectBindingPattern(declaration.name)) {
        for (const element of declaration.name.elements) {
          if (!element.dotDotDotToken && isIdentifier(element.name)) add(names.aliases, element.name);
        }
      }
    }
    // Done when this walk found no alias the previous ones had not (an alias read before its
    // declaration in the text, as in a function, is found by the next walk).
    if ([...names.aliases].every((alias) => words.has(alias))) break;
    words = new Set([...words, ...names.aliases]);
  }
  const isName = (name: string): boolean =>
    names.direct.has(name) || names.qualifiers.has(name) || names.aliases.has(name);
  for (const call of calls) {
    const callee = call.expression;
    const name = isIdentifier(callee)
      ? callee.text
      : ((callee as ts.PropertyAccessExpression).expression as ts.Identifier).text;
    if (isName(name)) syntax.calls.push(call);
  }
  return syntax;
}

/** Recognises the library's calls for one round (its caches hold that round's checker's symbols). */
export class LibraryCalls {
  /** Each call's library function (null: not the library's), once. */
  private readonly classified = new WeakMap<ts.CallExpression, LibraryFunction | null>();
  /** What callees resolve to at the top level of a module, by name (`asset`, `al.asset`). */
  private readonly topLevelCallees = new WeakMap<ts.SourceFile, Map<string, LibraryFunction | null>>();
  /** The library function a symbol is (null: none, or being resolved). */
  private readonly libraryBySymbol = new Map<ts.Symbol, LibraryFunction | null>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly imports: TopLevelImports,
    private readonly packages: PackageNames,
  ) {}

  private namesImported(sourceFile: ts.SourceFile): ImportNames {
    return syntaxOf(sourceFile).names;
  }

  /** Which of asset, check, externalAsset a call invokes, resolved through the checker; null for any other call. */
  classify(call: ts.CallExpression): AssetFunction | null {
    const fn = this.resolve(call);
    return fn === "asset" || fn === "check" || fn === "externalAsset" ? fn : null;
  }

  /** Which of the library's data constructors (`eager()`, `dailyPartitions(...)`, ...) a call invokes. */
  dataFunction(call: ts.CallExpression): DataFunction | null {
    const fn = this.resolve(call);
    return fn !== null && isDataFunction(fn) ? fn : null;
  }

  /** Whether a call is the library's `schedule(...)` or `sensor(...)`. */
  triggerFunction(call: ts.CallExpression): TriggerFunction | null {
    const fn = this.resolve(call);
    return fn === "schedule" || fn === "sensor" ? fn : null;
  }

  private resolve(call: ts.CallExpression): LibraryFunction | null {
    const cached = this.classified.get(call);
    if (cached !== undefined) return cached;
    let result: LibraryFunction | null = null;
    const callee = call.expression;
    // The call's file, and whether any node around it can declare names (else the callee
    // resolves as at the top of the module, the same for every such call of the file).
    let topLevel = true;
    let node: ts.Node = call.parent;
    while (node.kind !== SyntaxKind.SourceFile) {
      if (!declaresNoNames(node)) topLevel = false;
      node = node.parent;
    }
    const sourceFile = node as ts.SourceFile;
    const names = this.namesImported(sourceFile);
    let nameNode: ts.Node | undefined;
    let key: string | undefined;
    if (isIdentifier(callee) && (names.direct.has(callee.text) || names.aliases.has(callee.text))) {
      nameNode = callee;
      key = callee.text;
    } else if (
      isPropertyAccessExpression(callee) &&
      isIdentifier(callee.expression) &&
      (names.qualifiers.has(callee.expression.text) || names.aliases.has(callee.expression.text))
    ) {
      nameNode = callee.name;
      key = `${callee.expression.text}.${callee.name.text}`;
    }
    if (nameNode && key !== undefined) {
      let byName = topLevel ? this.topLevelCallees.get(sourceFile) : undefined;
      if (topLevel && !byName)
        this.topLevelCallees.set(sourceFile, (byName = new Map<string, LibraryFunction | null>()));
      const known = byName?.get(key);
      if (known !== undefined) result = known;
      else {
        result = this.libraryFunction(nameNode);
        byName?.set(key, result);
      }
    }
    this.classified.set(call, result);
    return result;
  }

  private libraryFunction(nameNode: ts.Node, depth = 0): LibraryFunction | null {
    const found =
      (isIdentifier(nameNode) ? this.imports.resolve(nameNode) : undefined) ??
      this.checker.getSymbolAtLocation(nameNode);
    return found ? this.assetlineSymbol(found, depth) : null;
  }

  private assetlineSymbol(found: ts.Symbol, depth: number): LibraryFunction | null {
    const cached = this.libraryBySymbol.get(found);
    if (cached !== undefined) return cached;
    // Null while resolving, so that a (type-incorrect) self-referential alias ends.
    this.libraryBySymbol.set(found, null);
    const result =
      this.libraryFunctionOf(found) ?? (depth < MAX_ALIAS_DEPTH ? this.throughConst(found, depth + 1) : null);
    this.libraryBySymbol.set(found, result);
    return result;
  }

  /** A `const` bound to the library's function (`const make = al.asset`, `const { asset } = al`). */
  private throughConst(found: ts.Symbol, depth: number): LibraryFunction | null {
    const step = constAliasStep(this.checker, found);
    if (!step) return null;
    return "node" in step ? this.libraryFunction(step.node, depth) : this.assetlineSymbol(step.symbol, depth);
  }

  private libraryFunctionOf(found: ts.Symbol): LibraryFunction | null {
    const name = libraryExportName(this.checker, this.packages, found);
    if (name === "asset" || name === "check" || name === "externalAsset") return name;
    if (name === "schedule" || name === "sensor") return name;
    return name !== undefined && isDataFunction(name) ? name : null;
  }

  /** Every call of the library in a file, found syntactically then confirmed by the checker. */
  libraryCalls(sourceFile: ts.SourceFile): { call: ts.CallExpression; fn: AssetFunction }[] {
    const found: { call: ts.CallExpression; fn: AssetFunction }[] = [];
    for (const call of syntaxOf(sourceFile).calls) {
      const fn = this.classify(call);
      if (fn) found.push({ call, fn });
    }
    return found;
  }

  /**
   * Code not run, that may run at run time (a branch on an unknown condition, a callback of an
   * unknown call): recorded by the module being evaluated, valid as long as its evaluation is.
   */
}
