/**
 * The partial evaluator: runs the top level of each module over a small subset of TypeScript
 * (constants, `as const` data, imported JSON, template literals, `.map/.flatMap/.filter/.reduce`,
 * loops with `push`, `if`/`switch`, simple functions) and records every `asset`/`check`/`externalAsset`
 * call it reaches with the values of its key and spec. What it cannot know (environment
 * variables, calls into unknown code, `await`) becomes an `Unknown` with a reason.
 *
 * Identifiers are resolved through the type checker (symbol -> aliased symbol -> declaration),
 * so references work whatever the import path: named, aliased, namespace, barrels, renamed
 * re-exports and default exports.
 */
import path from "node:path";
import { ts } from "ts-morph";
import {
  emptyFileResult,
  emptyMarks,
  type AssetFunction,
  type AssetRecord,
  type CheckRecord,
  type CodeMarks,
  type DepRef,
  type FileResult,
  type SourceSpan,
} from "./model";
import {
  AssetValue,
  CollectionValue,
  BuiltinValue,
  CheckValue,
  FunctionValue,
  NamespaceValue,
  Scope,
  Unknown,
  classes,
  describe,
  isPlainObject,
  newObject,
  toJson,
  type PlainObject,
  type Value,
} from "./values";
import { PackageNames } from "./files";
import { TopLevelImports, declaresNoNames } from "./imports";
import { missingResourceDiagnostics } from "./resources";
import { unknownFieldDiagnostics } from "./specs";
import { MAX_ALIAS_DEPTH, constAliasStep, libraryExportName } from "./library";
import { isConstList, unwrap } from "./syntax";

// The compiler API's members, read once: every `ts.x` through ts-morph's re-exports is a
// chain of property getters, and the analysis calls these in its hottest loops.
const {
  SymbolFlags,
  SyntaxKind,
  forEachChild,
  isArrayLiteralExpression,
  isArrowFunction,
  isBindingElement,
  isBlock,
  isBreakStatement,
  isComputedPropertyName,
  isCaseClause,
  isClassDeclaration,
  isConstructorDeclaration,
  isClassElement,
  isClassLike,
  isClassStaticBlockDeclaration,
  isContinueStatement,
  isDoStatement,
  isElementAccessExpression,
  isEmptyStatement,
  isEnumDeclaration,
  isExportAssignment,
  isExportDeclaration,
  isExpression,
  isExpressionStatement,
  isForInStatement,
  isForOfStatement,
  isForStatement,
  isFunctionDeclaration,
  isFunctionExpression,
  isFunctionLike,
  isIdentifier,
  isGetAccessorDeclaration,
  isParameterPropertyDeclaration,
  isIfStatement,
  isLabeledStatement,
  isImportDeclaration,
  isImportEqualsDeclaration,
  isImportSpecifier,
  isIterationStatement,
  isMethodDeclaration,
  isModuleBlock,
  isModuleDeclaration,
  isNamedImports,
  isNamespaceImport,
  isNoSubstitutionTemplateLiteral,
  isNumericLiteral,
  isObjectBindingPattern,
  isObjectLiteralExpression,
  isOmittedExpression,
  isParameter,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isPropertyDeclaration,
  isReturnStatement,
  isShorthandPropertyAssignment,
  isSourceFile,
  isSpreadAssignment,
  isSpreadElement,
  isStringLiteral,
  isStringLiteralLike,
  isSwitchStatement,
  isTryStatement,
  isVariableDeclaration,
  isVariableDeclarationList,
  isVariableStatement,
  isWhileStatement,
  getModeForUsageLocation,
  getCombinedModifierFlags,
  canHaveModifiers,
  getModifiers,
  ModifierFlags,
} = ts;

/** What the evaluator needs from its session. */
export interface EvaluatorHost {
  /** True for files whose top level the evaluator may run (the project's own sources). */
  isProjectFile(file: string): boolean;
  /** Parsed contents of a JSON file, or undefined when it cannot be read. */
  readJson(file: string): unknown;
  packages: PackageNames;
  /**
   * The checker of the program with the standard library. The evaluator's own checker has none
   * (it is built faster): a name that does not resolve there is looked up here, so that
   * `Math` or `console` read as "known at run time", as with the library, not as undefined.
   */
  typedChecker?: () => ts.TypeChecker;
}

/** Thrown when a module's evaluation exceeds its step budget (an accidental infinite loop). */
class BudgetExceeded extends Error {}

const STEP_BUDGET = 2_000_000;
/** Passes of a `for (;;)`, `while` or `do` loop before the evaluator gives up on it. */
const MAX_LOOP_PASSES = 10_000;
const MAX_CALL_DEPTH = 64;

/** `a += b` and its kin, by the operator they apply. */
const COMPOUND_ASSIGNMENT = new Map<ts.SyntaxKind, ts.SyntaxKind>([
  [SyntaxKind.PlusEqualsToken, SyntaxKind.PlusToken],
  [SyntaxKind.MinusEqualsToken, SyntaxKind.MinusToken],
  [SyntaxKind.AsteriskEqualsToken, SyntaxKind.AsteriskToken],
  [SyntaxKind.SlashEqualsToken, SyntaxKind.SlashToken],
  [SyntaxKind.PercentEqualsToken, SyntaxKind.PercentToken],
]);

/** How a statement is named in a message ("a `for...in` statement ..."). */
function statementKind(statement: ts.Statement): string {
  switch (statement.kind) {
    case SyntaxKind.ForInStatement:
      return "for...in";
    case SyntaxKind.LabeledStatement:
      return "labelled";
    case SyntaxKind.ThrowStatement:
      return "throw";
    case SyntaxKind.ClassDeclaration:
      return "class";
    case SyntaxKind.WithStatement:
      return "with";
    default:
      return SyntaxKind[statement.kind] ?? "statement";
  }
}

type Completion =
  | { type: "return"; value: Value }
  | { type: "break"; label?: string }
  | { type: "continue"; label?: string }
  | undefined;

/** The label of a loop (`outer: for ...`), for labelled `break` and `continue`. */
function labelOf(statement: ts.Statement): string | undefined {
  return isLabeledStatement(statement.parent) ? statement.parent.label.text : undefined;
}

/**
 * What a loop does with its body's completion: "next" pass, "stop" the loop, or pass it on
 * (a return, or a labelled break/continue of an outer statement).
 */
function loopControl(completion: Completion, label: string | undefined): "next" | "stop" | Completion {
  if (!completion) return "next";
  if (completion.type === "return") return completion;
  if (completion.label !== undefined && completion.label !== label) return completion;
  return completion.type === "break" ? "stop" : "next";
}

/** A module's evaluation: its top-level values, what it contributed, what it read. */
export interface ModuleState {
  file: string;
  sourceFile: ts.SourceFile;
  scope: Scope;
  result: FileResult;
  done: boolean;
  /** What importers can observe of this module (values, re-exports); compared across rounds. */
  signature: string;
  /** True when this round evaluated the module again and its signature differs from the last round's. */
  changed: boolean;
}

/** What the evaluator may reuse from the previous round. */
export interface PreviousRound {
  states: Map<string, ModuleState>;
  /** Files (sources and JSON) whose contents changed since. */
  dirty: ReadonlySet<string>;
}

function spanOf(node: ts.Node, sourceFile?: ts.SourceFile): SourceSpan {
  const sf = sourceFile ?? node.getSourceFile();
  return { file: sf.fileName, start: node.getStart(sf), end: node.getEnd() };
}

function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, " ");
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** True when the node lies inside a function or a loop: then a call there is a factory. */
export function isInsideFactory(node: ts.Node): boolean {
  for (let current = node.parent; current && !isSourceFile(current); current = current.parent) {
    if (isFunctionLike(current) || isIterationStatement(current, false)) return true;
  }
  return false;
}

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

/** A getter of objects made with `new`: run on each read, with the object as `this`. */
class Getter {
  constructor(readonly fn: FunctionValue) {}
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

export class Evaluator {
  private readonly modules = new Map<string, ModuleState>();
  private readonly stack: ModuleState[] = [];
  private readonly classified = new WeakMap<ts.CallExpression, AssetFunction | null>();
  private readonly imports: TopLevelImports;
  /** What callees resolve to at the top level of a module, by name (`asset`, `al.asset`). */
  private readonly topLevelCallees = new WeakMap<ts.SourceFile, Map<string, AssetFunction | null>>();

  private readonly specChecked = new WeakSet<ts.CallExpression>();
  private readonly libraryBySymbol = new Map<ts.Symbol, AssetFunction | null>();
  private steps = 0;
  private depth = 0;
  /** Calls of project functions written elsewhere, outermost first (where generated assets point). */
  private readonly callSites: (ts.CallExpression | ts.NewExpression)[] = [];
  /** Methods of objects made by `new` (their prototype), by instance. */
  private readonly prototypes = new WeakMap<PlainObject, Map<string, FunctionValue | Getter>>();
  /** Constructors running (innermost last): what a `super(...)` call initialises. */
  private readonly constructing: { node: ts.ClassLikeDeclaration; scope: Scope; instance: PlainObject }[] =
    [];

  constructor(
    private readonly program: ts.Program,
    private readonly checker: ts.TypeChecker,
    private readonly host: EvaluatorHost,
    /** The previous round: modules are reused when neither they nor what they read changed. */
    private readonly previous: PreviousRound = { states: new Map(), dirty: new Set() },
  ) {
    this.imports = new TopLevelImports(checker);
  }

  /** Modules being validated for reuse (to stop at import cycles). */
  private readonly validating = new Set<string>();

  /** Evaluates a module (once) and returns what it contributed. */
  evaluateModule(sourceFile: ts.SourceFile): FileResult {
    return this.moduleState(sourceFile).result;
  }

  /** Every module state of this round (for the next round). */
  get states(): Map<string, ModuleState> {
    return this.modules;
  }

  /** Whether this round evaluated the module again (rather than reusing the last round's). */
  wasEvaluated(file: string): boolean {
    const state = this.modules.get(file);
    return state !== undefined && state !== this.previous.states.get(file);
  }

  /**
   * The previous round's state of a module, when the file is unchanged and every module it read
   * is unchanged as far as it can observe (early cutoff: a re-evaluated module with the same
   * signature does not invalidate its readers).
   */
  private reusable(sourceFile: ts.SourceFile): ModuleState | undefined {
    const file = sourceFile.fileName;
    const previous = this.previous.states.get(file);
    if (!previous || previous.sourceFile !== sourceFile || this.previous.dirty.has(file)) return undefined;
    this.validating.add(file);
    try {
      for (const read of previous.result.reads) {
        if (read === file || this.validating.has(read)) continue;
        if (read.endsWith(".json")) {
          if (this.previous.dirty.has(read)) return undefined;
          continue;
        }
        const readSource = this.program.getSourceFile(read);
        if (!readSource || !this.host.isProjectFile(read)) return undefined;
        if (this.moduleState(readSource).changed) return undefined;
      }
    } finally {
      this.validating.delete(file);
    }
    return previous;
  }

  private moduleState(sourceFile: ts.SourceFile): ModuleState {
    const file = sourceFile.fileName;
    const existing = this.modules.get(file);
    if (existing) return existing;
    const reused = this.reusable(sourceFile);
    if (reused) {
      reused.changed = false;
      this.modules.set(file, reused);
      return reused;
    }
    const state: ModuleState = {
      file,
      sourceFile,
      scope: new Scope(),
      result: emptyFileResult(file),
      done: false,
      signature: "",
      changed: true,
    };
    this.modules.set(file, state);
    this.stack.push(state);
    const savedSteps = this.steps;
    const savedDepth = this.depth;
    this.steps = 0;
    this.depth = 0;
    try {
      this.readImports(sourceFile, state.result.reads);
      this.hoistFunctions(sourceFile.statements, state.scope);
      for (const statement of sourceFile.statements) {
        try {
          this.execTopLevel(statement, state.scope);
        } catch (error) {
          // A runaway loop, or values or nesting too large for the engine (RangeError).
          if (error instanceof BudgetExceeded || error instanceof RangeError) {
            state.result.diagnostics.push({
              span: spanOf(statement, sourceFile),
              severity: "info",
              code: "dynamic-asset",
              message:
                "Assetline stopped evaluating this statement (too many steps); assets it would create are not in the graph.",
            });
            break;
          }
          throw error;
        }
      }
    } finally {
      state.done = true;
      this.stack.pop();
      this.steps = savedSteps;
      this.depth = savedDepth;
    }
    state.signature = moduleSignature(state);
    const before = this.previous.states.get(file);
    state.changed = !before || before.signature !== state.signature;
    return state;
  }

  /** Every project module a module imports or re-exports from is something it reads. */
  private readImports(sourceFile: ts.SourceFile, reads: Set<string>): void {
    // The program's own resolution (internal API, with the checker as the fallback).
    const program = this.program as ts.Program & {
      getResolvedModule?: (
        file: ts.SourceFile,
        name: string,
        mode: ts.ResolutionMode,
      ) => { resolvedModule?: { resolvedFileName: string } } | undefined;
    };
    for (const statement of sourceFile.statements) {
      const specifier =
        isImportDeclaration(statement) || isExportDeclaration(statement)
          ? statement.moduleSpecifier
          : undefined;
      if (!specifier || !isStringLiteral(specifier)) continue;
      let target: string | undefined;
      if (program.getResolvedModule) {
        // The program's options (a project has one tsconfig.json), not `program.getModeForUsageLocation`,
        // which looks for project-reference redirects on every call.
        const mode = getModeForUsageLocation(sourceFile, specifier, this.program.getCompilerOptions());
        target = program.getResolvedModule(sourceFile, specifier.text, mode)?.resolvedModule
          ?.resolvedFileName;
      } else {
        const declaration = this.checker.getSymbolAtLocation(specifier)?.declarations?.[0];
        if (declaration && isSourceFile(declaration)) target = declaration.fileName;
      }
      if (target && this.host.isProjectFile(target)) reads.add(target);
    }
  }

  private get current(): ModuleState {
    const state = this.stack[this.stack.length - 1];
    if (!state) throw new Error("no module is being evaluated");
    return state;
  }

  // ---------------------------------------------------------------- recognising the library

  private namesImported(sourceFile: ts.SourceFile): ImportNames {
    return syntaxOf(sourceFile).names;
  }

  /** Which library function a call invokes, resolved through the checker; null for any other call. */
  classify(call: ts.CallExpression): AssetFunction | null {
    const cached = this.classified.get(call);
    if (cached !== undefined) return cached;
    let result: AssetFunction | null = null;
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
        this.topLevelCallees.set(sourceFile, (byName = new Map<string, AssetFunction | null>()));
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

  private libraryFunction(nameNode: ts.Node, depth = 0): AssetFunction | null {
    const found =
      (isIdentifier(nameNode) ? this.imports.resolve(nameNode) : undefined) ??
      this.checker.getSymbolAtLocation(nameNode);
    return found ? this.assetlineSymbol(found, depth) : null;
  }

  private assetlineSymbol(found: ts.Symbol, depth: number): AssetFunction | null {
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
  private throughConst(found: ts.Symbol, depth: number): AssetFunction | null {
    const step = constAliasStep(this.checker, found);
    if (!step) return null;
    return "node" in step ? this.libraryFunction(step.node, depth) : this.assetlineSymbol(step.symbol, depth);
  }

  private libraryFunctionOf(found: ts.Symbol): AssetFunction | null {
    const name = libraryExportName(this.checker, this.host.packages, found);
    return name === "asset" || name === "check" || name === "externalAsset" ? name : null;
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

  // ---------------------------------------------------------------- statements

  /**
   * Code not run, that may run at run time (a branch on an unknown condition, a callback of an
   * unknown call): recorded by the module being evaluated, valid as long as its evaluation is.
   */
  private skip(node: ts.Node, reason: string): void {
    this.current.result.marks.skipped.set(node, reason);
  }

  /** Code that cannot run: a branch whose condition is known and not taken, a loop run 0 times. */
  private kill(node: ts.Node): void {
    this.current.result.marks.dead.add(node);
  }

  private tick(): void {
    if (++this.steps > STEP_BUDGET) throw new BudgetExceeded();
  }

  /**
   * Charges work proportional to what a step builds (the items a spread copies, the length of
   * text), so that a loop doubling a list or a string stops at the budget, not out of memory.
   */
  private charge(units: number): void {
    this.steps += units;
    if (this.steps > STEP_BUDGET) throw new BudgetExceeded();
  }

  private hoistFunctions(statements: ts.NodeArray<ts.Statement>, scope: Scope): void {
    for (const statement of statements) {
      if (isFunctionDeclaration(statement) && statement.body) {
        scope.set(statement, new FunctionValue(statement, scope));
      }
    }
  }

  private execTopLevel(statement: ts.Statement, scope: Scope): void {
    if (isExportAssignment(statement)) {
      scope.set(statement, this.eval(statement.expression, scope));
      return;
    }
    if (isVariableStatement(statement)) {
      const ambient = statement.modifiers?.some((modifier) => modifier.kind === SyntaxKind.DeclareKeyword);
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer
          ? this.eval(declaration.initializer, scope)
          : ambient
            ? new Unknown(
                `\`${declaration.name.getText()}\` is declared, not defined: known only at run time`,
              )
            : undefined;
        if (value instanceof AssetValue && isIdentifier(declaration.name) && declaration.initializer) {
          const init = unwrap(declaration.initializer);
          if (value.record.callNode === init) value.record.exportName = declaration.name.text;
        }
        this.bind(declaration.name, value, scope);
      }
      return;
    }
    this.exec(statement, scope);
  }

  private exec(statement: ts.Statement, scope: Scope): Completion {
    this.tick();
    if (isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer ? this.eval(declaration.initializer, scope) : undefined;
        this.bind(declaration.name, value, scope);
      }
      return undefined;
    }
    if (isExpressionStatement(statement)) {
      this.eval(statement.expression, scope);
      return undefined;
    }
    if (isReturnStatement(statement)) {
      return {
        type: "return",
        value: statement.expression ? this.eval(statement.expression, scope) : undefined,
      };
    }
    if (isBlock(statement)) return this.execBlock(statement.statements, new Scope(scope));
    if (isIfStatement(statement)) {
      const condition = this.eval(statement.expression, scope);
      if (condition instanceof Unknown) {
        const reason = `the condition \`${shortText(statement.expression)}\` is known only at run time`;
        this.skip(statement.thenStatement, reason);
        if (statement.elseStatement) this.skip(statement.elseStatement, reason);
        return undefined;
      }
      if (truthy(condition)) {
        if (statement.elseStatement) this.kill(statement.elseStatement);
        return this.exec(statement.thenStatement, scope);
      }
      this.kill(statement.thenStatement);
      if (statement.elseStatement) return this.exec(statement.elseStatement, scope);
      return undefined;
    }
    if (isForOfStatement(statement) || isForInStatement(statement)) {
      const iterable = this.eval(statement.expression, scope);
      const items = isForOfStatement(statement) ? iterate(iterable) : keysOf(iterable);
      if (!items) {
        this.skip(
          statement.statement,
          iterable instanceof Unknown
            ? iterable.reason
            : isForOfStatement(statement)
              ? `\`${shortText(statement.expression)}\` is not a list`
              : `the keys of \`${shortText(statement.expression)}\` are not known`,
        );
        return undefined;
      }
      if (items.length === 0) this.kill(statement.statement);
      for (const item of items) {
        const loopScope = new Scope(scope);
        const initializer = statement.initializer;
        if (isVariableDeclarationList(initializer)) {
          const declaration = initializer.declarations[0];
          if (declaration) this.bind(declaration.name, item, loopScope);
        } else {
          this.assignTo(initializer, item, scope);
        }
        const control = loopControl(this.exec(statement.statement, loopScope), labelOf(statement));
        if (control === "stop") break;
        if (control !== "next") return control;
      }
      return undefined;
    }
    if (isForStatement(statement) || isWhileStatement(statement) || isDoStatement(statement)) {
      return this.loop(statement, scope);
    }
    if (isSwitchStatement(statement)) return this.switchOver(statement, scope);
    if (isTryStatement(statement)) {
      // Statically the `try` block runs to its end; `catch` is for failures at run time.
      const completion = this.execBlock(statement.tryBlock.statements, new Scope(scope));
      if (statement.catchClause) {
        this.skip(statement.catchClause.block, "a `catch` block runs only when something fails at run time");
      }
      const after = statement.finallyBlock
        ? this.execBlock(statement.finallyBlock.statements, new Scope(scope))
        : undefined;
      return after ?? completion;
    }
    if (isModuleDeclaration(statement) && isIdentifier(statement.name) && statement.body) {
      const ambient = getCombinedModifierFlags(statement) & ModifierFlags.Ambient;
      if (!ambient) scope.set(statement, this.namespaceValue(statement, scope));
      return undefined;
    }
    if (isEnumDeclaration(statement)) {
      scope.set(statement, this.enumValue(statement, scope));
      return undefined;
    }
    if (isClassDeclaration(statement)) {
      const value = this.classValue(statement, scope);
      if (statement.name) scope.set(statement, value);
      return undefined;
    }
    if (isBreakStatement(statement)) return { type: "break", label: statement.label?.text };
    if (isContinueStatement(statement)) return { type: "continue", label: statement.label?.text };
    if (isLabeledStatement(statement)) {
      const completion = this.exec(statement.statement, scope);
      return completion?.type === "break" && completion.label === statement.label.text
        ? undefined
        : completion;
    }
    if (isFunctionDeclaration(statement) || isEmptyStatement(statement)) return undefined;
    // Anything else (for...in, labels, classes, throw): its calls are reported as not evaluated.
    this.skip(statement, `a \`${statementKind(statement)}\` statement is not evaluated statically`);
    return undefined;
  }

  /**
   * An enum as at run time (`const enum` too: its members are the same values): string members,
   * numbers counting on from the last one, and numeric members mapped back to their names.
   */
  private enumValue(node: ts.EnumDeclaration, scope: Scope): Value {
    const value = newObject();
    const inner = new Scope(scope);
    let next: Value = 0;
    for (const member of node.members) {
      const name = this.propertyName(member.name, scope);
      let item: Value = member.initializer ? this.eval(member.initializer, inner) : next;
      if (item === undefined) item = new Unknown(`the enum member \`${member.name.getText()}\` has no value`);
      if (name === undefined) continue;
      value[name] = item;
      inner.set(member, item);
      if (typeof item === "number") {
        value[String(item)] = name;
        next = item + 1;
      } else next = new Unknown(`the enum member after \`${name}\` has no value`);
    }
    return value;
  }

  /** `namespace Treasury { export const ... }`: its statements run, its exports are members. */
  private namespaceValue(node: ts.ModuleDeclaration, scope: Scope): Value {
    const value = newObject();
    const inner = new Scope(scope);
    const body = node.body;
    if (body && isModuleDeclaration(body) && isIdentifier(body.name)) {
      // `namespace A.B { ... }`: B is a member of A.
      value[body.name.text] = this.namespaceValue(body, inner);
      return value;
    }
    if (!body || !isModuleBlock(body)) return value;
    this.hoistFunctions(body.statements, inner);
    for (const statement of body.statements) {
      this.execTopLevel(statement, inner);
      const exported =
        canHaveModifiers(statement) &&
        getModifiers(statement)?.some((modifier) => modifier.kind === SyntaxKind.ExportKeyword) === true;
      if (!exported) continue;
      if (isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (isIdentifier(declaration.name)) {
            const item = inner.lookup(declaration);
            if (item !== Scope.NOT_FOUND) value[declaration.name.text] = item;
          }
        }
      } else if (
        (isFunctionDeclaration(statement) ||
          isClassDeclaration(statement) ||
          isModuleDeclaration(statement)) &&
        statement.name &&
        isIdentifier(statement.name)
      ) {
        const item = inner.lookup(statement);
        if (item !== Scope.NOT_FOUND) value[statement.name.text] = item;
      }
    }
    return value;
  }

  /**
   * A class as the evaluator sees it: its static methods and fields (`Pipelines.training(...)`
   * is a factory like any function) and static blocks run; instance members run only on objects
   * made at run time.
   */
  private classValue(node: ts.ClassLikeDeclaration, scope: Scope): Value {
    const value = newObject();
    classes.set(value, { node, scope });
    // Static members are inherited: the base class's first, this class's over them.
    const base = node.members[0] ? this.superOf(node.members[0], scope) : undefined;
    if (isPlainObject(base)) Object.assign(value, base);
    const classScope = new Scope(scope);
    classScope.set(node, value);
    scope = classScope;
    for (const member of node.members) {
      const isStatic = (getCombinedModifierFlags(member) & ModifierFlags.Static) !== 0;
      if (isClassStaticBlockDeclaration(member)) {
        this.execBlock(member.body.statements, new Scope(scope));
        continue;
      }
      if (!isStatic) {
        // Run when an object is made with `new` and its methods are called on it; until then,
        // code that may run (an object made where Assetline cannot follow).
        this.skip(member, "a method of a class instance runs only at run time");
        continue;
      }
      const name = member.name ? this.propertyName(member.name, scope) : undefined;
      if (name === undefined) continue;
      if (isMethodDeclaration(member) && member.body) value[name] = new FunctionValue(member, scope);
      else if (isPropertyDeclaration(member) && member.initializer) {
        value[name] = this.eval(member.initializer, scope);
      } else this.skip(member, "a class accessor runs only at run time");
    }
    return value;
  }

  /** `for (init; condition; step)`, `while` and `do...while`, each pass costing budget steps. */
  private loop(statement: ts.ForStatement | ts.WhileStatement | ts.DoStatement, scope: Scope): Completion {
    const loopScope = new Scope(scope);
    let condition: ts.Expression | undefined;
    if (isForStatement(statement)) {
      const init = statement.initializer;
      if (init && isVariableDeclarationList(init)) {
        for (const declaration of init.declarations) {
          const value = declaration.initializer ? this.eval(declaration.initializer, loopScope) : undefined;
          this.bind(declaration.name, value, loopScope);
        }
      } else if (init) this.eval(init, loopScope);
      condition = statement.condition;
    } else condition = statement.expression;
    let first = isDoStatement(statement);
    for (let pass = 0; ; pass++) {
      // A loop that is not over a list stops early: endless ones are usually half-typed code.
      if (pass === MAX_LOOP_PASSES) throw new BudgetExceeded();
      if (!first && condition) {
        const test = this.eval(condition, loopScope);
        if (test instanceof Unknown) {
          this.skip(
            statement.statement,
            `the loop condition \`${shortText(condition)}\` is known only at run time`,
          );
          return undefined;
        }
        if (!truthy(test)) {
          if (pass === 0) this.kill(statement.statement);
          return undefined;
        }
      }
      first = false;
      const control = loopControl(this.exec(statement.statement, new Scope(loopScope)), labelOf(statement));
      if (control === "stop") return undefined;
      if (control !== "next") return control;
      if (isForStatement(statement) && statement.incrementor) this.eval(statement.incrementor, loopScope);
    }
  }

  private switchOver(statement: ts.SwitchStatement, scope: Scope): Completion {
    const subject = this.eval(statement.expression, scope);
    const clauses = statement.caseBlock.clauses;
    if (subject instanceof Unknown) {
      const reason = `the \`switch\` on \`${shortText(statement.expression)}\` is decided at run time`;
      for (const clause of clauses) this.skip(clause, reason);
      return undefined;
    }
    let start = clauses.findIndex((clause) => {
      if (!isCaseClause(clause)) return false;
      const value = this.eval(clause.expression, scope);
      return !(value instanceof Unknown) && value === subject;
    });
    if (start < 0) start = clauses.findIndex((clause) => !isCaseClause(clause));
    const blockScope = new Scope(scope);
    let end = clauses.length;
    let completion: Completion;
    for (let index = Math.max(start, 0); start >= 0 && index < clauses.length; index++) {
      completion = this.execBlock(clauses[index]!.statements, blockScope);
      if (completion) {
        end = index + 1;
        break;
      }
    }
    clauses.forEach((clause, index) => {
      if (start < 0 || index < start || index >= end) this.kill(clause);
    });
    return completion?.type === "break" && completion.label === undefined ? undefined : completion;
  }

  private execBlock(statements: ts.NodeArray<ts.Statement>, scope: Scope): Completion {
    this.hoistFunctions(statements, scope);
    for (const statement of statements) {
      const completion = this.exec(statement, scope);
      if (completion) return completion;
    }
    return undefined;
  }

  private bind(name: ts.BindingName, value: Value, scope: Scope): void {
    if (isIdentifier(name)) {
      scope.set(name.parent, value);
      return;
    }
    if (isObjectBindingPattern(name)) {
      const used = new Set<string>();
      for (const element of name.elements) {
        if (element.dotDotDotToken) {
          if (isPlainObject(value)) {
            const rest = newObject();
            for (const [key, item] of Object.entries(value)) if (!used.has(key)) rest[key] = item;
            this.bind(element.name, rest, scope);
          } else this.bind(element.name, unknownFrom(value), scope);
          continue;
        }
        const propertyNode = element.propertyName ?? element.name;
        const key = this.propertyName(propertyNode, scope);
        if (key === undefined) {
          this.bind(element.name, new Unknown("a computed property name"), scope);
          continue;
        }
        used.add(key);
        let item = this.member(value, key);
        if (item === undefined && element.initializer) item = this.eval(element.initializer, scope);
        this.bind(element.name, item, scope);
      }
      return;
    }
    name.elements.forEach((element, index) => {
      if (isOmittedExpression(element)) return;
      let item: Value;
      if (element.dotDotDotToken) item = Array.isArray(value) ? value.slice(index) : unknownFrom(value);
      else item = Array.isArray(value) ? value[index] : this.member(value, String(index));
      if (item === undefined && element.initializer) item = this.eval(element.initializer, scope);
      this.bind(element.name, item, scope);
    });
  }

  private propertyName(node: ts.PropertyName | ts.BindingName, scope: Scope): string | undefined {
    if (isIdentifier(node) || isStringLiteral(node) || isNumericLiteral(node)) return node.text;
    if (isNoSubstitutionTemplateLiteral(node)) return node.text;
    if (isComputedPropertyName(node)) {
      const key = this.eval(node.expression, scope);
      return typeof key === "string" || typeof key === "number" ? String(key) : undefined;
    }
    return undefined;
  }

  private assignTo(target: ts.Node, value: Value, scope: Scope): void {
    if (isIdentifier(target)) {
      const declaration = this.declarationOf(target);
      if (declaration) scope.assign(declaration, value);
      return;
    }
    // `out[name] = ...`, `registry.orders = ...` on an object or list the evaluator holds.
    if (isPropertyAccessExpression(target) || isElementAccessExpression(target)) {
      const object = this.eval(target.expression, scope);
      const key = isPropertyAccessExpression(target)
        ? target.name.text
        : this.eval(target.argumentExpression, scope);
      if (typeof key !== "string" && typeof key !== "number") return;
      if (isPlainObject(object)) object[String(key)] = value;
      else if (Array.isArray(object) && typeof key === "number" && key >= 0 && key <= object.length) {
        object[key] = value;
      }
    }
  }

  // ---------------------------------------------------------------- expressions

  eval(node: ts.Expression, scope: Scope): Value {
    this.tick();
    switch (node.kind) {
      case SyntaxKind.StringLiteral:
      case SyntaxKind.NoSubstitutionTemplateLiteral:
        return (node as ts.StringLiteral).text;
      case SyntaxKind.NumericLiteral:
        return Number((node as ts.NumericLiteral).text);
      case SyntaxKind.TrueKeyword:
        return true;
      case SyntaxKind.FalseKeyword:
        return false;
      case SyntaxKind.NullKeyword:
        return null;
      case SyntaxKind.Identifier:
        return this.identifier(node as ts.Identifier, scope);
      case SyntaxKind.TemplateExpression:
        return this.template(node as ts.TemplateExpression, scope);
      case SyntaxKind.ParenthesizedExpression:
      case SyntaxKind.AsExpression:
      case SyntaxKind.SatisfiesExpression:
      case SyntaxKind.NonNullExpression:
      case SyntaxKind.TypeAssertionExpression:
        return this.eval(unwrap(node), scope);
      case SyntaxKind.ArrayLiteralExpression:
        return this.arrayLiteral(node as ts.ArrayLiteralExpression, scope);
      case SyntaxKind.ObjectLiteralExpression:
        return this.objectLiteral(node as ts.ObjectLiteralExpression, scope);
      case SyntaxKind.PropertyAccessExpression:
        return this.propertyAccess(node as ts.PropertyAccessExpression, scope);
      case SyntaxKind.ElementAccessExpression: {
        const access = node as ts.ElementAccessExpression;
        const target = this.eval(access.expression, scope);
        const key = this.eval(access.argumentExpression, scope);
        if (target instanceof Unknown) return target;
        if (key instanceof Unknown) return key;
        if ((target === undefined || target === null) && access.questionDotToken) return undefined;
        if (typeof key !== "string" && typeof key !== "number") return new Unknown("a computed member name");
        return this.member(target, String(key));
      }
      case SyntaxKind.CallExpression:
        return this.call(node as ts.CallExpression, scope);
      case SyntaxKind.ArrowFunction:
      case SyntaxKind.FunctionExpression:
        return new FunctionValue(node as ts.FunctionLikeDeclaration, scope);
      case SyntaxKind.ConditionalExpression: {
        const conditional = node as ts.ConditionalExpression;
        const condition = this.eval(conditional.condition, scope);
        if (condition instanceof Unknown) {
          const reason = `the condition \`${shortText(conditional.condition)}\` is known only at run time`;
          this.skip(conditional.whenTrue, reason);
          this.skip(conditional.whenFalse, reason);
          return condition;
        }
        this.kill(truthy(condition) ? conditional.whenFalse : conditional.whenTrue);
        return this.eval(truthy(condition) ? conditional.whenTrue : conditional.whenFalse, scope);
      }
      case SyntaxKind.BinaryExpression:
        return this.binary(node as ts.BinaryExpression, scope);
      case SyntaxKind.PrefixUnaryExpression: {
        const unary = node as ts.PrefixUnaryExpression;
        const operand = this.eval(unary.operand, scope);
        if (operand instanceof Unknown) return operand;
        if (unary.operator === SyntaxKind.ExclamationToken) return !truthy(operand);
        if (unary.operator === SyntaxKind.MinusToken && typeof operand === "number") return -operand;
        if (unary.operator === SyntaxKind.PlusToken && typeof operand === "number") return operand;
        if (unary.operator === SyntaxKind.PlusPlusToken || unary.operator === SyntaxKind.MinusMinusToken) {
          const result =
            typeof operand === "number"
              ? operand + (unary.operator === SyntaxKind.PlusPlusToken ? 1 : -1)
              : new Unknown(`\`${shortText(node)}\` is not evaluated`);
          this.assignTo(unary.operand, result, scope);
          return result;
        }
        return new Unknown(`\`${shortText(node)}\` is not evaluated`);
      }
      case SyntaxKind.PostfixUnaryExpression: {
        const unary = node as ts.PostfixUnaryExpression;
        const operand = this.eval(unary.operand, scope);
        if (typeof operand !== "number") {
          const result =
            operand instanceof Unknown ? operand : new Unknown(`\`${shortText(node)}\` is not evaluated`);
          this.assignTo(unary.operand, result, scope);
          return result;
        }
        this.assignTo(
          unary.operand,
          unary.operator === SyntaxKind.PlusPlusToken ? operand + 1 : operand - 1,
          scope,
        );
        return operand;
      }
      case SyntaxKind.TaggedTemplateExpression:
        return this.taggedTemplate(node as ts.TaggedTemplateExpression, scope);
      case SyntaxKind.ThisKeyword:
        return this.thisAt(node, scope);
      case SyntaxKind.TypeOfExpression: {
        const operand = this.eval((node as ts.TypeOfExpression).expression, scope);
        if (operand instanceof Unknown) return operand;
        if (operand instanceof FunctionValue || operand instanceof BuiltinValue) return "function";
        return operand === null || typeof operand === "object" ? "object" : typeof operand;
      }
      case SyntaxKind.NewExpression:
        return this.construct(node as ts.NewExpression, scope);
      case SyntaxKind.AwaitExpression: {
        this.eval((node as ts.AwaitExpression).expression, scope);
        return new Unknown(`\`${shortText(node)}\` is awaited at run time`);
      }
      case SyntaxKind.SpreadElement:
        return this.eval((node as ts.SpreadElement).expression, scope);
      default:
        return new Unknown(`\`${shortText(node)}\` is not evaluated statically`);
    }
  }

  private declarationOf(identifier: ts.Node): ts.Node | undefined {
    let symbol =
      this.checker.getSymbolAtLocation(identifier) ??
      this.librarySymbol((checker) => checker.getSymbolAtLocation(identifier));
    if (!symbol) return undefined;
    if (symbol.flags & SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol.valueDeclaration ?? symbol.declarations?.[0];
  }

  /**
   * The symbol of a name that the evaluator's checker (no standard library) cannot resolve,
   * from the typed checker (standard library included); undefined when it does not resolve there either.
   */
  private librarySymbol(resolve: (checker: ts.TypeChecker) => ts.Symbol | undefined): ts.Symbol | undefined {
    const typed = this.host.typedChecker?.();
    if (!typed || typed === this.checker) return undefined;
    const symbol = resolve(typed);
    // Only the library's own declarations are missing from the evaluator's program: anything
    // else resolves there. Library globals are never aliases.
    if (!symbol || symbol.flags & SymbolFlags.Alias) return undefined;
    return symbol;
  }

  private identifier(identifier: ts.Identifier, scope: Scope): Value {
    if (identifier.text === "undefined") return undefined;
    const symbol =
      this.imports.resolve(identifier) ??
      this.checker.getSymbolAtLocation(identifier) ??
      (BUILTIN_NAMESPACES.has(identifier.text)
        ? undefined
        : this.librarySymbol((checker) => checker.getSymbolAtLocation(identifier)));
    if (!symbol) {
      if (BUILTIN_NAMESPACES.has(identifier.text)) return builtinNamespace(identifier.text);
      const runtime = RUNTIME_GLOBALS.get(identifier.text);
      if (runtime) return new Unknown(runtime);
      return new Unknown(`\`${identifier.text}\` is not defined`, true);
    }
    return this.valueOfSymbol(symbol, identifier, scope);
  }

  private valueOfSymbol(symbol: ts.Symbol, at: ts.Node, scope: Scope): Value {
    let target = symbol;
    if (symbol.flags & SymbolFlags.Alias) {
      const json = this.jsonImport(symbol);
      if (json !== undefined) return json;
      target = this.checker.getAliasedSymbol(symbol);
    }
    let declaration = target.valueDeclaration ?? target.declarations?.[0];
    // An overloaded function: its implementation (the declaration with a body).
    if (declaration && isFunctionDeclaration(declaration) && !declaration.body) {
      declaration =
        target.declarations?.find((each) => isFunctionDeclaration(each) && each.body) ?? declaration;
    }
    const name = isIdentifier(at) ? at.text : target.name;
    if (!declaration) return new Unknown(`\`${name}\` has no declaration Assetline can read`);
    if (isSourceFile(declaration)) {
      if (declaration.fileName.endsWith(".json")) return this.readJson(declaration.fileName);
      return new NamespaceValue(declaration);
    }
    const found = scope.lookup(declaration);
    if (found !== Scope.NOT_FOUND) return found;
    const sourceFile = declaration.getSourceFile();
    const file = sourceFile.fileName;
    if (!this.host.isProjectFile(file)) {
      if (BUILTIN_NAMESPACES.has(name)) return builtinNamespace(name);
      return new Unknown(`\`${name}\` is known only at run time`);
    }
    if (file === this.current.file) return new Unknown(`\`${name}\` is known only at run time`);
    const state = this.moduleState(sourceFile);
    this.current.result.reads.add(file);
    const value = state.scope.lookup(declaration);
    if (value !== Scope.NOT_FOUND) return value;
    if (!state.done) return new Unknown(`\`${name}\` is used before it is initialised (an import cycle)`);
    return new Unknown(`\`${name}\` is known only at run time`);
  }

  /** `import data from "./x.json"` (also when the project does not enable resolveJsonModule). */
  private jsonImport(symbol: ts.Symbol): Value | undefined {
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
      const module = this.checker.getSymbolAtLocation(specifier)?.declarations?.[0];
      if (module && isSourceFile(module) && module.fileName.endsWith(".json")) file = module.fileName;
    }
    if (!file) return new Unknown(`the JSON module "${specifier.text}" cannot be found`);
    const data = this.readJson(file);
    if (isImportSpecifier(declaration)) {
      const name = (declaration.propertyName ?? declaration.name).text;
      return this.member(data, name);
    }
    return data;
  }

  private readJson(file: string): Value {
    this.current.result.reads.add(file);
    const data = this.host.readJson(file);
    if (data === undefined) return new Unknown(`${path.basename(file)} cannot be read as JSON`);
    return fromJson(data);
  }

  private template(node: ts.TemplateExpression, scope: Scope): Value {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const value = this.eval(span.expression, scope);
      if (value instanceof Unknown) return value;
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        text += String(value);
      } else if (value === null || value === undefined) {
        text += String(value);
      } else {
        return new Unknown(`\`${shortText(span.expression)}\` is ${describe(value)}, not text`);
      }
      text += span.literal.text;
    }
    this.charge(text.length >> 4);
    return text;
  }

  private arrayLiteral(node: ts.ArrayLiteralExpression, scope: Scope): Value {
    const result: Value[] = [];
    let unknown: Unknown | undefined;
    for (const element of node.elements) {
      if (isSpreadElement(element)) {
        const spread = this.eval(element.expression, scope);
        const items = iterate(spread);
        if (items) this.charge(items.length);
        if (items) for (const item of items) result.push(item);
        else unknown ??= spread instanceof Unknown ? spread : new Unknown("a spread of something not a list");
      } else if (isOmittedExpression(element)) {
        result.push(undefined);
      } else {
        result.push(this.eval(element, scope));
      }
    }
    return unknown ?? result;
  }

  private objectLiteral(node: ts.ObjectLiteralExpression, scope: Scope): Value {
    const result = newObject();
    for (const property of node.properties) {
      if (isPropertyAssignment(property)) {
        const key = this.propertyName(property.name, scope);
        const value = this.eval(property.initializer, scope);
        if (key !== undefined) result[key] = value;
      } else if (isShorthandPropertyAssignment(property)) {
        result[property.name.text] = this.shorthand(property, scope);
      } else if (isSpreadAssignment(property)) {
        const spread = this.eval(property.expression, scope);
        if (isPlainObject(spread)) Object.assign(result, spread);
      } else if (isMethodDeclaration(property)) {
        const key = this.propertyName(property.name, scope);
        if (key !== undefined) result[key] = new FunctionValue(property, scope);
      }
    }
    // Getters read once the object is built (statically they return the same each time).
    for (const property of node.properties) {
      if (!isGetAccessorDeclaration(property)) continue;
      const key = this.propertyName(property.name, scope);
      if (key !== undefined) result[key] = this.apply(new FunctionValue(property, scope), [], result);
    }
    return result;
  }

  shorthand(property: ts.ShorthandPropertyAssignment, scope: Scope): Value {
    const symbol =
      this.imports.resolve(property.name) ??
      this.checker.getShorthandAssignmentValueSymbol(property) ??
      this.librarySymbol((checker) => checker.getShorthandAssignmentValueSymbol(property));
    if (!symbol) return new Unknown(`\`${property.name.text}\` is not defined`, true);
    return this.valueOfSymbol(symbol, property.name, scope);
  }

  private propertyAccess(node: ts.PropertyAccessExpression, scope: Scope): Value {
    const target = this.eval(node.expression, scope);
    if (target instanceof NamespaceValue) {
      const symbol = this.checker.getSymbolAtLocation(node.name);
      if (!symbol) return new Unknown(`\`${shortText(node)}\` is not exported`, true);
      return this.valueOfSymbol(symbol, node.name, scope);
    }
    if (target instanceof Unknown) return target;
    if ((target === undefined || target === null) && node.questionDotToken) return undefined;
    return this.member(target, node.name.text);
  }

  /** An export of a module read by name (`const { orders } = ns`, `ns["orders"]`). */
  private namespaceMember(namespace: NamespaceValue, name: string): Value {
    const module = this.checker.getSymbolAtLocation(namespace.file);
    const symbol = module && this.checker.tryGetMemberInModuleExports(name, module);
    if (!symbol)
      return new Unknown(`\`${name}\` is not exported by ${path.basename(namespace.file.fileName)}`, true);
    return this.valueOfSymbol(symbol, namespace.file, this.current.scope);
  }

  private member(target: Value, name: string): Value {
    if (target instanceof Unknown) return target;
    if (Array.isArray(target)) {
      if (name === "length") return target.length;
      if (/^\d+$/.test(name)) return target[Number(name)];
      return undefined;
    }
    if (typeof target === "string") {
      if (name === "length") return target.length;
      if (/^\d+$/.test(name)) return target[Number(name)];
      return undefined;
    }
    if (target instanceof AssetValue) {
      if (name === "key")
        return target.record.key ?? new Unknown("the asset's key is known only at run time");
      return new Unknown(`the asset's \`${name}\` is known only at run time`);
    }
    if (target instanceof BuiltinValue) return builtinMember(target.name, name);
    if (target instanceof NamespaceValue) return this.namespaceMember(target, name);
    if (target instanceof CollectionValue && name === "size") return target.items.size;
    if (isPlainObject(target)) {
      if (Object.prototype.hasOwnProperty.call(target, name)) return target[name];
      const inherited = this.prototypes.get(target)?.get(name);
      return inherited instanceof Getter ? this.apply(inherited.fn, [], target) : inherited;
    }
    if (target === undefined || target === null)
      return new Unknown(`reading \`${name}\` of ${String(target)}`);
    return new Unknown(`\`${name}\` of ${describe(target)} is not evaluated`);
  }

  private binary(node: ts.BinaryExpression, scope: Scope): Value {
    const operator = node.operatorToken.kind;
    if (operator === SyntaxKind.EqualsToken) {
      const value = this.eval(node.right, scope);
      this.assignTo(node.left, value, scope);
      return value;
    }
    const compound = COMPOUND_ASSIGNMENT.get(operator);
    if (compound !== undefined) {
      const value = this.combine(compound, this.eval(node.left, scope), this.eval(node.right, scope), node);
      this.assignTo(node.left, value, scope);
      return value;
    }
    const left = this.eval(node.left, scope);
    if (
      operator === SyntaxKind.AmpersandAmpersandToken ||
      operator === SyntaxKind.BarBarToken ||
      operator === SyntaxKind.QuestionQuestionToken
    ) {
      if (left instanceof Unknown) {
        this.skip(node.right, `\`${shortText(node.left)}\` is known only at run time`);
        return left;
      }
      const evaluateRight =
        operator === SyntaxKind.AmpersandAmpersandToken
          ? truthy(left)
          : operator === SyntaxKind.BarBarToken
            ? !truthy(left)
            : left === null || left === undefined;
      if (evaluateRight) return this.eval(node.right, scope);
      this.kill(node.right);
      return left;
    }
    return this.combine(operator, left, this.eval(node.right, scope), node);
  }

  /** `left operator right` for an operator that evaluates both sides. */
  private combine(operator: ts.SyntaxKind, left: Value, right: Value, node: ts.Node): Value {
    if (left instanceof Unknown) return left;
    if (right instanceof Unknown) return right;
    const primitive = (value: Value): value is string | number | boolean | null | undefined =>
      value === null || value === undefined || ["string", "number", "boolean"].includes(typeof value);
    switch (operator) {
      case SyntaxKind.EqualsEqualsEqualsToken:
        return left === right;
      case SyntaxKind.ExclamationEqualsEqualsToken:
        return left !== right;
      case SyntaxKind.EqualsEqualsToken:
        return primitive(left) && primitive(right) ? left == right : left === right;
      case SyntaxKind.ExclamationEqualsToken:
        return primitive(left) && primitive(right) ? left != right : left !== right;
    }
    if (typeof left === "number" && typeof right === "number") {
      switch (operator) {
        case SyntaxKind.PlusToken:
          return left + right;
        case SyntaxKind.MinusToken:
          return left - right;
        case SyntaxKind.AsteriskToken:
          return left * right;
        case SyntaxKind.SlashToken:
          return left / right;
        case SyntaxKind.PercentToken:
          return left % right;
      }
    }
    if (operator === SyntaxKind.InKeyword && (typeof left === "string" || typeof left === "number")) {
      if (isPlainObject(right)) return Object.prototype.hasOwnProperty.call(right, String(left));
      if (Array.isArray(right))
        return String(left) === "length" || (Number(left) >= 0 && Number(left) < right.length);
    }
    // Numbers with numbers, text with text (`origin < dest`, as JavaScript compares them).
    const comparable =
      (typeof left === "number" && typeof right === "number") ||
      (typeof left === "string" && typeof right === "string");
    if (comparable) {
      const [a, b] = [left, right] as [number | string, number | string];
      switch (operator) {
        case SyntaxKind.LessThanToken:
          return a < b;
        case SyntaxKind.GreaterThanToken:
          return a > b;
        case SyntaxKind.LessThanEqualsToken:
          return a <= b;
        case SyntaxKind.GreaterThanEqualsToken:
          return a >= b;
      }
    }
    if (
      operator === SyntaxKind.PlusToken &&
      (typeof left === "string" || typeof right === "string") &&
      primitive(left) &&
      primitive(right)
    ) {
      const text = String(left) + String(right);
      this.charge(text.length >> 4);
      return text;
    }
    return new Unknown(`\`${shortText(node)}\` is not evaluated statically`);
  }

  // ---------------------------------------------------------------- calls

  private call(node: ts.CallExpression, scope: Scope): Value {
    const fn = this.classify(node);
    if (fn === "asset" || fn === "externalAsset") return this.assetCall(node, fn, scope);
    if (fn === "check") return this.checkCall(node, scope);

    const callee = unwrap(node.expression);
    if (callee.kind === SyntaxKind.SuperKeyword) return this.superCall(node, scope);
    if (isPropertyAccessExpression(callee) && callee.expression.kind === SyntaxKind.SuperKeyword) {
      // `super.make(...)` in a static method: the parent's method, with this class as `this`.
      const parent = this.superOf(callee, scope);
      return this.invoke(this.member(parent, callee.name.text), node, scope, this.thisAt(callee, scope));
    }
    if (isPropertyAccessExpression(callee)) {
      const receiver = this.eval(callee.expression, scope);
      if (receiver instanceof NamespaceValue) {
        return this.invoke(this.propertyAccess(callee, scope), node, scope);
      }
      const method = callee.name.text;
      if (receiver instanceof Unknown || receiver === undefined || receiver === null) {
        this.markSkippedCallbacks(
          node,
          receiver instanceof Unknown ? receiver.reason : `the receiver is ${String(receiver)}`,
        );
        this.evalArgumentsForEffects(node, scope);
        if (receiver instanceof Unknown) return receiver;
        if (callee.questionDotToken) return undefined;
        return new Unknown(`\`${shortText(callee)}\` is called on ${String(receiver)}`);
      }
      if (Array.isArray(receiver)) return this.arrayMethod(receiver, method, node, scope);
      if (receiver instanceof CollectionValue) {
        if (method === "forEach") {
          const entries = [...receiver.items].map(([key, item]): Value => [item, key]);
          const fn = this.callback(node, scope);
          if (fn instanceof Unknown) return fn;
          for (const [item, key] of entries as [Value, Value][])
            this.applyAny(fn, [item, key, receiver], node);
          return undefined;
        }
        return this.collectionMethod(receiver, method, node, scope);
      }
      if (typeof receiver === "string") return this.stringMethod(receiver, method, node, scope);
      if (receiver instanceof BuiltinValue) {
        if (receiver.name === "Array" && method === "from") return this.arrayFrom(node, scope);
        const member = builtinMember(receiver.name, method);
        return this.invoke(member, node, scope);
      }
      return this.invoke(this.member(receiver, method), node, scope, receiver);
    }
    const target = this.eval(callee, scope);
    return this.invoke(target, node, scope);
  }

  private invoke(target: Value, node: ts.CallExpression, scope: Scope, thisValue?: Value): Value {
    if (target instanceof FunctionValue) {
      const args = this.evalArguments(node, scope);
      if (args instanceof Unknown) {
        this.skip(
          target.node,
          `the arguments of \`${shortText(node.expression)}(...)\` are known only at run time`,
        );
        return args;
      }
      return this.applyAt(target, args, node, thisValue);
    }
    if (target instanceof BuiltinValue) {
      const args = this.evalArguments(node, scope);
      if (args instanceof Unknown) return args;
      return target.call(args);
    }
    const reason =
      target instanceof Unknown
        ? target.reason
        : `\`${shortText(node.expression)}\` is not a function Assetline can evaluate`;
    this.markSkippedCallbacks(
      node,
      `the result of \`${shortText(node.expression)}(...)\` is known only at run time`,
    );
    this.evalArgumentsForEffects(node, scope);
    return new Unknown(
      target instanceof Unknown && target.reason.includes("is known only at run time")
        ? `the result of \`${shortText(node.expression)}(...)\` is known only at run time`
        : reason,
    );
  }

  private evalArguments(node: ts.CallExpression | ts.NewExpression, scope: Scope): Value[] | Unknown {
    const args: Value[] = [];
    for (const argument of node.arguments ?? []) {
      if (isSpreadElement(argument)) {
        const spread = this.eval(argument.expression, scope);
        const items = iterate(spread);
        if (!items)
          return spread instanceof Unknown ? spread : new Unknown("a spread argument that is not a list");
        args.push(...items);
      } else {
        args.push(this.eval(argument, scope));
      }
    }
    return args;
  }

  /** Arguments of a call that cannot be evaluated may still contain asset declarations. */
  private evalArgumentsForEffects(node: ts.CallExpression, scope: Scope): void {
    for (const argument of node.arguments) {
      if (!isArrowFunction(argument) && !isFunctionExpression(argument)) this.eval(argument, scope);
    }
  }

  /** Functions passed to a call Assetline cannot follow may be run by it at run time. */
  private markSkippedCallbacks(node: ts.CallExpression, reason: string): void {
    for (const argument of node.arguments) {
      const inner = unwrap(isSpreadElement(argument) ? argument.expression : argument);
      if (isArrowFunction(inner) || isFunctionExpression(inner)) this.skip(inner, reason);
      else if (isIdentifier(inner) || isPropertyAccessExpression(inner)) {
        const declaration = this.declarationOf(isIdentifier(inner) ? inner : inner.name);
        const fn = declaration && isVariableDeclaration(declaration) ? declaration.initializer : declaration;
        if (fn && (isFunctionLike(fn) || isClassLike(fn))) this.skip(fn, reason);
      }
    }
  }

  apply(fn: FunctionValue, args: Value[], thisValue?: Value): Value {
    if (this.depth >= MAX_CALL_DEPTH) {
      this.skip(fn.node, "the call nesting is too deep to evaluate");
      return new Unknown("the call nesting is too deep to evaluate");
    }
    this.depth++;
    try {
      const scope = new Scope(fn.scope);
      // `this` of a method called on a known object (`Finance.make()`, `registry.make()`).
      if (!isArrowFunction(fn.node)) scope.set(fn.node, thisValue);
      this.bindParameters(fn.node, args, scope);
      const body = fn.node.body;
      if (!body) return new Unknown("a function without a body");
      if (isBlock(body)) {
        if (fn.node.modifiers?.some((modifier) => modifier.kind === SyntaxKind.AsyncKeyword)) {
          this.skip(body, "an async function's result is known only at run time");
          return new Unknown("an async function's result is known only at run time");
        }
        const completion = this.execBlock(body.statements, scope);
        return completion?.type === "return" ? completion.value : undefined;
      }
      return this.eval(body, scope);
    } finally {
      this.depth--;
    }
  }

  /** Binds a call's arguments to the parameters (rest parameters, defaults) in `scope`. */
  private bindParameters(fn: ts.SignatureDeclaration, args: Value[], scope: Scope): void {
    fn.parameters.forEach((parameter, index) => {
      let value: Value = parameter.dotDotDotToken ? args.slice(index) : args[index];
      if (value === undefined && parameter.initializer) value = this.eval(parameter.initializer, scope);
      this.bind(parameter.name, value, scope);
    });
  }

  private callback(node: ts.CallExpression, scope: Scope): FunctionValue | BuiltinValue | Unknown {
    const argument = node.arguments[0];
    if (!argument) return new Unknown("a missing callback");
    const value = this.eval(argument, scope);
    if (value instanceof FunctionValue || value instanceof BuiltinValue) return value;
    return value instanceof Unknown ? value : new Unknown("the callback is not a function");
  }

  private applyAny(fn: FunctionValue | BuiltinValue, args: Value[], site: ts.CallExpression): Value {
    return fn instanceof FunctionValue ? this.applyAt(fn, args, site) : fn.call(args);
  }

  /**
   * Applies a project function for the call `site`. When the function is written elsewhere
   * (a factory called several times, `.map(makeAsset)`), the assets it makes point at the call
   * that made them; an inline callback or IIFE keeps its own `asset(...)` call.
   */
  private applyAt(fn: FunctionValue, args: Value[], site: ts.CallExpression, thisValue?: Value): Value {
    const inline =
      fn.node.getSourceFile() === site.getSourceFile() && fn.node.pos >= site.pos && fn.node.end <= site.end;
    if (inline) return this.apply(fn, args, thisValue);
    this.callSites.push(site);
    try {
      return this.apply(fn, args, thisValue);
    } finally {
      this.callSites.pop();
    }
  }

  /** `` tag`text ${value}` `` with a project function as the tag: called as at run time. */
  private taggedTemplate(node: ts.TaggedTemplateExpression, scope: Scope): Value {
    const tag = this.eval(node.tag, scope);
    if (tag instanceof BuiltinValue && tag.name === "String.raw")
      return this.rawTemplate(node.template, scope);
    if (!(tag instanceof FunctionValue)) {
      return tag instanceof Unknown
        ? tag
        : new Unknown(`the tag \`${shortText(node.tag)}\` is not evaluated`);
    }
    const template = node.template;
    const strings: Value[] = [
      template.kind === SyntaxKind.NoSubstitutionTemplateLiteral ? template.text : template.head.text,
    ];
    const values: Value[] = [];
    if (template.kind === SyntaxKind.TemplateExpression) {
      for (const span of template.templateSpans) {
        values.push(this.eval(span.expression, scope));
        strings.push(span.literal.text);
      }
    }
    return this.apply(tag, [strings, ...values]);
  }

  /** ``String.raw`text ${value}` ``: the text as written (backslashes kept), values as text. */
  private rawTemplate(template: ts.TemplateLiteral, scope: Scope): Value {
    if (template.kind === SyntaxKind.NoSubstitutionTemplateLiteral) return template.rawText ?? template.text;
    let text = template.head.rawText ?? template.head.text;
    for (const span of template.templateSpans) {
      const value = primitiveText(this.eval(span.expression, scope));
      if (typeof value !== "string") return value;
      text += value + (span.literal.rawText ?? span.literal.text);
    }
    return text;
  }

  /** The function or class whose `this` a node sees (arrow functions see their parent's). */
  private thisContainer(node: ts.Node): ts.Node | undefined {
    for (let current = node.parent; !isSourceFile(current); current = current.parent) {
      if (isFunctionLike(current) && !isArrowFunction(current)) return current;
      if (isClassLike(current)) return current;
    }
    return undefined;
  }

  private thisAt(node: ts.Node, scope: Scope): Value {
    const container = this.thisContainer(node);
    const value = container ? scope.lookup(container) : Scope.NOT_FOUND;
    return value === Scope.NOT_FOUND || value === undefined
      ? new Unknown("`this` is known only at run time")
      : value;
  }

  /**
   * Runs a class's part of `new`: its constructor (whose `super(...)` runs the base class's
   * part), or, without one, the base class's part with the same arguments; then its parameter
   * properties and fields. Its methods become the object's (over the base class's).
   */
  private initialise(
    info: { node: ts.ClassLikeDeclaration; scope: Scope },
    args: Value[],
    instance: PlainObject,
  ): void {
    if (this.depth >= MAX_CALL_DEPTH) return;
    this.depth++;
    try {
      const methods = this.prototypes.get(instance)!;
      const constructor = info.node.members.find(
        (member): member is ts.ConstructorDeclaration =>
          isConstructorDeclaration(member) && member.body !== undefined,
      );
      if (!constructor) {
        this.initialiseBase(info, args, instance);
        this.initialiseFields(info, instance, methods);
        return;
      }
      this.constructing.push({ ...info, instance });
      try {
        const scope = new Scope(info.scope);
        scope.set(constructor, instance);
        this.bindParameters(constructor, args, scope);
        // Without a base class, fields are set before the body; with one, by `super(...)`.
        if (!this.baseClass(info)) this.initialiseFields(info, instance, methods, constructor, scope);
        this.execBlock(constructor.body!.statements, scope);
      } finally {
        this.constructing.pop();
      }
    } finally {
      this.depth--;
    }
  }

  /** The class a class extends, when it is a project class Assetline evaluated. */
  private baseClass(info: { node: ts.ClassLikeDeclaration; scope: Scope }) {
    const heritage = info.node.heritageClauses?.find((clause) => clause.token === SyntaxKind.ExtendsKeyword);
    const expression = heritage?.types[0]?.expression;
    if (!expression) return undefined;
    const base = this.eval(expression, info.scope);
    return isPlainObject(base) ? classes.get(base) : undefined;
  }

  private initialiseBase(
    info: { node: ts.ClassLikeDeclaration; scope: Scope },
    args: Value[],
    instance: PlainObject,
  ): void {
    const base = this.baseClass(info);
    if (base) this.initialise(base, args, instance);
  }

  /** Parameter properties (`constructor(readonly name: string)`), methods and fields. */
  private initialiseFields(
    info: { node: ts.ClassLikeDeclaration; scope: Scope },
    instance: PlainObject,
    methods: Map<string, FunctionValue | Getter>,
    constructor?: ts.ConstructorDeclaration,
    constructorScope?: Scope,
  ): void {
    if (constructor && constructorScope) {
      for (const parameter of constructor.parameters) {
        if (isParameterPropertyDeclaration(parameter, constructor) && isIdentifier(parameter.name)) {
          const value = constructorScope.lookup(parameter);
          instance[parameter.name.text] = value === Scope.NOT_FOUND ? undefined : value;
        }
      }
    }
    const scope = new Scope(info.scope);
    scope.set(info.node, instance);
    for (const member of info.node.members) {
      if (getCombinedModifierFlags(member) & ModifierFlags.Static) continue;
      const name = member.name ? this.propertyName(member.name, scope) : undefined;
      if (name === undefined) continue;
      if (isMethodDeclaration(member) && member.body)
        methods.set(name, new FunctionValue(member, info.scope));
      else if (isGetAccessorDeclaration(member) && member.body)
        methods.set(name, new Getter(new FunctionValue(member, info.scope)));
      else if (isPropertyDeclaration(member)) {
        instance[name] = member.initializer ? this.eval(member.initializer, scope) : undefined;
      }
    }
  }

  /** `super(...)` in a constructor: the base class's part of `new`, then this class's fields. */
  private superCall(node: ts.CallExpression, scope: Scope): Value {
    const current = this.constructing.at(-1);
    if (!current) return new Unknown("`super(...)` outside a constructor Assetline runs");
    const args = this.evalArguments(node, scope);
    this.initialiseBase(current, args instanceof Unknown ? [] : args, current.instance);
    const constructor = current.node.members.find(isConstructorDeclaration);
    this.initialiseFields(
      current,
      current.instance,
      this.prototypes.get(current.instance)!,
      constructor,
      scope,
    );
    return undefined;
  }

  /** The class a `super` refers to: what the enclosing class extends. */
  private superOf(node: ts.Node, scope: Scope): Value {
    for (let current = node.parent; !isSourceFile(current); current = current.parent) {
      if (isClassLike(current)) {
        const heritage = current.heritageClauses?.find(
          (clause) => clause.token === SyntaxKind.ExtendsKeyword,
        );
        const base = heritage?.types[0]?.expression;
        return base ? this.eval(base, scope) : new Unknown("`super` without a base class");
      }
    }
    return new Unknown("`super` outside a class");
  }

  /**
   * `new` of a project class (its constructor, fields and methods run as at run time), and
   * `new Map(entries)` and `new Set(items)` of known items; anything else is known at run time.
   */
  private construct(node: ts.NewExpression, scope: Scope): Value {
    const callee = unwrap(node.expression);
    const kind = isIdentifier(callee) ? callee.text : undefined;
    const global =
      (kind === "Map" || kind === "Set") &&
      !this.host.isProjectFile(this.declarationOf(callee)?.getSourceFile().fileName ?? "");
    if (!global) {
      const target = this.eval(callee, scope);
      const info = isPlainObject(target) ? classes.get(target) : undefined;
      if (info) {
        const args = node.arguments ? this.evalArguments(node, scope) : [];
        const instance = newObject();
        this.prototypes.set(instance, new Map());
        const inline =
          info.node.getSourceFile() === node.getSourceFile() &&
          info.node.pos >= node.pos &&
          info.node.end <= node.end;
        if (!inline) this.callSites.push(node);
        try {
          this.initialise(info, args instanceof Unknown ? [] : args, instance);
        } finally {
          if (!inline) this.callSites.pop();
        }
        return instance;
      }
      for (const argument of node.arguments ?? []) this.eval(argument, scope);
      return new Unknown(`\`${shortText(node)}\` is made at run time`);
    }
    const source = node.arguments?.[0] ? this.eval(node.arguments[0], scope) : [];
    if (source instanceof Unknown) return source;
    const items = source === undefined || source === null ? [] : iterate(source);
    if (!items) return new Unknown(`\`new ${kind}\` of ${describe(source)}`);
    this.charge(items.length);
    const collection = new CollectionValue(kind, new Map());
    for (const item of items) {
      if (kind === "Set") collection.items.set(item, item);
      else if (Array.isArray(item)) collection.items.set(item[0], item[1]);
      else return new Unknown(`\`new Map\` of entries Assetline cannot read`);
    }
    return collection;
  }

  private collectionMethod(
    collection: CollectionValue,
    method: string,
    node: ts.CallExpression,
    scope: Scope,
  ): Value {
    const args = this.evalArguments(node, scope);
    if (args instanceof Unknown) return args;
    this.charge(collection.items.size);
    switch (method) {
      case "get":
        return collection.kind === "Map" ? collection.items.get(args[0]) : undefined;
      case "has":
        return collection.items.has(args[0]);
      case "keys":
        return [...collection.items.keys()];
      case "values":
        return [...collection.items.values()];
      case "entries":
        return [...collection.items].map(([key, item]) => [key, item]);
    }
    return new Unknown(`the ${collection.kind} method \`${method}\` is not evaluated`);
  }

  /** `Array.from(items)` and `Array.from(items, (item, index) => ...)`. */
  private arrayFrom(node: ts.CallExpression, scope: Scope): Value {
    const source = node.arguments[0] ? this.eval(node.arguments[0], scope) : undefined;
    if (source instanceof Unknown) return source;
    const length = isPlainObject(source) ? source.length : undefined;
    if (typeof length === "number" && (!Number.isInteger(length) || length < 0)) {
      return new Unknown(`\`Array.from\` of a length of ${length}`);
    }
    if (typeof length === "number") this.charge(length);
    const items = typeof length === "number" ? Array.from<Value>({ length }) : iterate(source);
    if (!items) return new Unknown(`\`Array.from\` of ${describe(source)}`);
    this.charge(items.length);
    if (node.arguments.length < 2) return [...items];
    const mapper = this.eval(node.arguments[1]!, scope);
    if (mapper instanceof Unknown) return mapper;
    if (!(mapper instanceof FunctionValue || mapper instanceof BuiltinValue)) {
      return new Unknown("the callback is not a function");
    }
    return items.map((item, index) => this.applyAny(mapper, [item, index], node));
  }

  private arrayMethod(array: Value[], method: string, node: ts.CallExpression, scope: Scope): Value {
    switch (method) {
      case "reduce": {
        const fn = this.callback(node, scope);
        if (fn instanceof Unknown) return fn;
        let index = 0;
        let accumulator: Value;
        if (node.arguments.length >= 2) accumulator = this.eval(node.arguments[1]!, scope);
        else if (array.length > 0) accumulator = array[index++];
        else return new Unknown("reducing an empty array without a start value");
        for (; index < array.length; index++) {
          accumulator = this.applyAny(fn, [accumulator, array[index], index, array], node);
        }
        return accumulator;
      }
      case "map":
      case "flatMap":
      case "filter":
      case "forEach":
      case "find":
      case "some":
      case "every": {
        const fn = this.callback(node, scope);
        if (fn instanceof Unknown) return fn;
        const results: Value[] = [];
        for (let index = 0; index < array.length; index++) {
          const item = array[index];
          const result = this.applyAny(fn, [item, index, array], node);
          if (method === "map") results.push(result);
          else if (method === "flatMap") {
            if (Array.isArray(result)) results.push(...result);
            else results.push(result);
          } else if (method === "filter" || method === "find" || method === "some" || method === "every") {
            if (result instanceof Unknown) return result;
            if (method === "filter" && truthy(result)) results.push(item);
            if (method === "find" && truthy(result)) return item;
            if (method === "some" && truthy(result)) return true;
            if (method === "every" && !truthy(result)) return false;
          }
        }
        if (method === "forEach" || method === "find") return undefined;
        if (method === "some") return false;
        if (method === "every") return true;
        return results;
      }
      case "push": {
        const args = this.evalArguments(node, scope);
        if (args instanceof Unknown) return args;
        array.push(...args);
        return array.length;
      }
    }
    const args = this.evalArguments(node, scope);
    if (args instanceof Unknown) return args;
    this.charge(array.length);
    switch (method) {
      case "concat": {
        const result = [...array];
        for (const arg of args) {
          if (Array.isArray(arg)) result.push(...arg);
          else result.push(arg);
        }
        return result;
      }
      case "includes":
        return array.includes(args[0]);
      case "indexOf":
        return array.indexOf(args[0]);
      case "join": {
        if (!array.every((item) => ["string", "number", "boolean"].includes(typeof item))) {
          return new Unknown("joining values that are not text");
        }
        const separator = typeof args[0] === "string" ? args[0] : ",";
        return array.map((item) => String(item as string | number | boolean)).join(separator);
      }
      case "slice":
        return array.slice(
          typeof args[0] === "number" ? args[0] : undefined,
          typeof args[1] === "number" ? args[1] : undefined,
        );
      case "flat":
        return array.flatMap((item) => (Array.isArray(item) ? item : [item]));
      case "at":
        return typeof args[0] === "number" ? array.at(args[0]) : new Unknown("a computed index");
      case "entries":
        return array.map((item, index) => [index, item]);
      case "keys":
        return array.map((_, index) => index);
      case "values":
        return [...array];
      case "reverse":
        return array.reverse();
      case "toReversed":
        return [...array].reverse();
    }
    return new Unknown(`the array method \`${method}\` is not evaluated`);
  }

  private stringMethod(text: string, method: string, node: ts.CallExpression, scope: Scope): Value {
    const args = this.evalArguments(node, scope);
    if (args instanceof Unknown) return args;
    const a = args[0];
    const b = args[1];
    switch (method) {
      case "toLowerCase":
        return text.toLowerCase();
      case "toUpperCase":
        return text.toUpperCase();
      case "trim":
        return text.trim();
      case "split":
        return typeof a === "string" ? text.split(a) : new Unknown("split by something that is not text");
      case "replace":
        return typeof a === "string" && typeof b === "string"
          ? text.replace(a, b)
          : new Unknown("a replace Assetline cannot evaluate");
      case "replaceAll":
        return typeof a === "string" && typeof b === "string"
          ? text.split(a).join(b)
          : new Unknown("a replace Assetline cannot evaluate");
      case "startsWith":
        return typeof a === "string" && text.startsWith(a);
      case "endsWith":
        return typeof a === "string" && text.endsWith(a);
      case "includes":
        return typeof a === "string" && text.includes(a);
      case "slice":
        return text.slice(typeof a === "number" ? a : undefined, typeof b === "number" ? b : undefined);
      case "padStart":
        if (typeof a !== "number") return text;
        this.charge(a >> 4);
        return text.padStart(a, typeof b === "string" ? b : " ");
      case "concat":
        return (
          text + args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(toJson(arg)))).join("")
        );
      case "toString":
        return text;
    }
    return new Unknown(`the string method \`${method}\` is not evaluated`);
  }

  // ---------------------------------------------------------------- the library's functions

  private assetCall(node: ts.CallExpression, fn: "asset" | "externalAsset", scope: Scope): Value {
    const state = this.current;
    state.result.evaluatedCalls.add(node);
    const sourceFile = node.getSourceFile();
    const keyNode = node.arguments[0];
    const keyValue: Value = keyNode ? this.eval(keyNode, scope) : new Unknown("the key argument is missing");
    const record: AssetRecord = {
      call: spanOf(node, sourceFile),
      keySpan: spanOf(keyNode ?? node, sourceFile),
      generated: isInsideFactory(node),
      external: fn === "externalAsset",
      deps: [],
      checks: [],
      callNode: node,
    };
    const site = this.callSites.find((call) => call.getSourceFile().fileName === state.file);
    if (site && record.generated) {
      record.site = spanOf(site);
      record.siteNode = site;
    }
    if (typeof keyValue === "string") record.key = keyValue;
    else if (keyValue instanceof Unknown) {
      state.result.diagnostics.push({
        // Made by a project factory: where the factory is called (its arguments choose the key).
        span: record.site ?? record.keySpan,
        severity: "info",
        code: "dynamic-asset",
        message: `This asset's key cannot be evaluated statically (${keyValue.reason}); it is not in the graph.`,
      });
    } else {
      state.result.diagnostics.push({
        span: record.keySpan,
        severity: "error",
        code: "invalid-key",
        message: `An asset key must be a string, not ${describe(keyValue)}.`,
      });
    }
    const spec = node.arguments[1];
    const specIsCompute = spec !== undefined && (isArrowFunction(spec) || isFunctionExpression(spec));
    const outerSite = this.factorySite;
    this.factorySite = record.site;
    let evaluatedResources: Set<string> | undefined = new Set<string>();
    try {
      if (spec && !specIsCompute) evaluatedResources = this.readSpec(record, spec, scope);
    } finally {
      this.factorySite = outerSite;
    }
    if (fn === "asset") record.computeNode = specIsCompute ? spec : node.arguments[2];
    // What the spec says wrong, once per call, however many assets a factory makes from it.
    if (!this.specChecked.has(node)) {
      this.specChecked.add(node);
      if (!specIsCompute) state.result.diagnostics.push(...unknownFieldDiagnostics(fn, spec));
      if (fn === "asset") {
        state.result.diagnostics.push(
          ...missingResourceDiagnostics(
            this.functionOf(record.computeNode),
            specIsCompute ? undefined : spec,
            evaluatedResources,
          ),
        );
      }
    }
    state.result.assets.push(record);
    return new AssetValue(record);
  }

  /**
   * Reads the spec into the record; returns the names of the declared resources when the
   * evaluator can tell them (the spec or its `resources` held in variables), else undefined.
   */
  private readSpec(record: AssetRecord, spec: ts.Expression, scope: Scope): Set<string> | undefined {
    const literal = unwrap(spec);
    const fields = new Map<string, { node: ts.Node; value: () => Value; expression?: ts.Expression }>();
    let complete = true;
    if (isObjectLiteralExpression(literal)) {
      for (const property of literal.properties) {
        if (isPropertyAssignment(property)) {
          const name = this.propertyName(property.name, scope);
          if (name !== undefined) {
            fields.set(name, {
              node: property.initializer,
              expression: property.initializer,
              value: () => this.eval(property.initializer, scope),
            });
          }
        } else if (isShorthandPropertyAssignment(property)) {
          fields.set(property.name.text, {
            node: property.name,
            value: () => this.shorthand(property, scope),
          });
        } else if (isSpreadAssignment(property)) {
          const spread = this.eval(property.expression, scope);
          if (isPlainObject(spread)) {
            for (const [name, value] of Object.entries(spread)) {
              fields.set(name, { node: property, value: () => value });
            }
          } else complete = false;
        } else complete = false;
      }
    } else {
      const value = this.eval(spec, scope);
      if (isPlainObject(value)) {
        for (const [name, item] of Object.entries(value)) fields.set(name, { node: spec, value: () => item });
      } else complete = false;
    }

    const ins = fields.get("ins");
    if (ins) this.readIns(record, ins.expression, ins.node, ins.value, scope);
    const deps = fields.get("deps");
    if (deps) this.readDeps(record, deps.expression, deps.node, deps.value, scope);

    const text = (name: string): string | undefined => {
      const field = fields.get(name);
      const value = field?.value();
      return typeof value === "string" ? value : undefined;
    };
    const list = (name: string): string[] | undefined => {
      const field = fields.get(name);
      const value = field ? toJson(field.value()) : undefined;
      return Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;
    };
    const group = text("group");
    if (group !== undefined) record.group = group;
    const description = text("description");
    if (description !== undefined) record.description = description;
    const owners = list("owners");
    if (owners) record.owners = owners;
    const kinds = list("kinds");
    if (kinds) record.kinds = kinds;
    const tagsField = fields.get("tags");
    if (tagsField) {
      const tags = toJson(tagsField.value());
      if (tags && typeof tags === "object" && !Array.isArray(tags)) {
        const result: Record<string, string> = {};
        for (const [key, value] of Object.entries(tags)) {
          if (typeof value === "string") result[key] = value;
        }
        record.tags = result;
      }
    }
    const freshnessField = fields.get("freshness");
    if (freshnessField) {
      const freshness = toJson(freshnessField.value());
      if (freshness && typeof freshness === "object" && !Array.isArray(freshness)) {
        const maxLag = (freshness as Record<string, unknown>).maxLag;
        if (typeof maxLag === "string") record.maxLag = maxLag;
      }
    }
    const metadataField = fields.get("metadata");
    if (metadataField) {
      const metadata = toJson(metadataField.value());
      if (metadata && typeof metadata === "object" && !Array.isArray(metadata)) {
        record.metadata = metadata as Record<string, unknown>;
      }
    }
    const resourcesField = fields.get("resources");
    if (!resourcesField) return complete ? new Set() : undefined;
    const resources = resourcesField.value();
    return isPlainObject(resources) ? new Set(Object.keys(resources)) : undefined;
  }

  private readIns(
    record: AssetRecord,
    expression: ts.Expression | undefined,
    node: ts.Node,
    value: () => Value,
    scope: Scope,
  ): void {
    const literal = expression ? unwrap(expression) : undefined;
    if (literal && isObjectLiteralExpression(literal)) {
      // Evaluated property by property, so that each reference keeps its own range.
      for (const property of literal.properties) {
        if (isPropertyAssignment(property)) {
          const inputName =
            isIdentifier(property.name) || isStringLiteral(property.name)
              ? property.name.text
              : property.name.getText();
          const itemNode = unwrap(property.initializer);
          record.deps.push(this.depFrom(this.eval(property.initializer, scope), itemNode, inputName));
        } else if (isShorthandPropertyAssignment(property)) {
          record.deps.push(this.depFrom(this.shorthand(property, scope), property.name, property.name.text));
        } else if (isSpreadAssignment(property)) {
          const spread = this.eval(property.expression, scope);
          if (isPlainObject(spread)) {
            for (const [name, item] of Object.entries(spread))
              record.deps.push(this.depFrom(item, property, name));
          } else record.deps.push(this.depFrom(spread, property));
        }
      }
      return;
    }
    const evaluated = value();
    if (isPlainObject(evaluated)) {
      for (const [name, item] of Object.entries(evaluated)) record.deps.push(this.depFrom(item, node, name));
    } else {
      record.deps.push(this.depFrom(evaluated, node));
    }
  }

  private readDeps(
    record: AssetRecord,
    expression: ts.Expression | undefined,
    node: ts.Node,
    value: () => Value,
    scope: Scope,
  ): void {
    const literal = expression ? unwrap(expression) : undefined;
    if (literal && isArrayLiteralExpression(literal)) {
      for (const element of literal.elements) {
        if (isSpreadElement(element)) {
          const spread = this.eval(element.expression, scope);
          const items = iterate(spread);
          if (items) for (const item of items) record.deps.push(this.depFrom(item, element));
          else record.deps.push(this.depFrom(spread, element));
        } else if (!isOmittedExpression(element)) {
          record.deps.push(this.depFrom(this.eval(element, scope), unwrap(element)));
        }
      }
      return;
    }
    const evaluated = value();
    const items = iterate(evaluated);
    if (items) for (const item of items) record.deps.push(this.depFrom(item, node));
    else record.deps.push(this.depFrom(evaluated, node));
  }

  private depFrom(value: Value, node: ts.Node, input?: string): DepRef {
    // A key read from a larger expression (a spec built by a helper) points at its own string
    // when that string is written inside the expression, once.
    const written =
      typeof value === "string" && !isStringLiteralLike(node) ? this.literalIn(node, value) : undefined;
    const span = spanOf(written ?? node);
    const dep: DepRef = { span, via: "string" };
    if (this.factorySite && this.mentionsParameter(node)) dep.reportAt = this.factorySite;
    if (input !== undefined) dep.input = input;
    if (typeof value === "string") {
      dep.key = value;
      return dep;
    }
    dep.via = "reference";
    if (value instanceof AssetValue) {
      if (value.record.key !== undefined) dep.key = value.record.key;
      else dep.problem = { kind: "dynamic", message: "the upstream asset's key is known only at run time" };
      return dep;
    }
    if (value instanceof Unknown) {
      dep.problem = value.undefinedName
        ? { kind: "undefined-name", message: value.reason }
        : { kind: "dynamic", message: value.reason };
      return dep;
    }
    dep.problem = {
      kind: "not-an-asset",
      message: `\`${shortText(node)}\` is ${describe(value)}, not an asset (expected a reference to an asset or a key string)`,
    };
    return dep;
  }

  private checkCall(node: ts.CallExpression, scope: Scope): Value {
    const state = this.current;
    state.result.evaluatedCalls.add(node);
    const sourceFile = node.getSourceFile();
    const targetNode = node.arguments[0];
    const nameNode = node.arguments[1];
    const record: CheckRecord = {
      span: spanOf(node, sourceFile),
      targetSpan: spanOf(targetNode ? unwrap(targetNode) : node, sourceFile),
    };
    // `check(target, name, spec, fn)`; `check(target, name, fn)` has no spec.
    const spec = node.arguments[2];
    if (spec && !isArrowFunction(spec) && !isFunctionExpression(spec) && !this.specChecked.has(node)) {
      this.specChecked.add(node);
      state.result.diagnostics.push(...unknownFieldDiagnostics("check", spec));
    }
    // Made by a project helper (`const fresh = (target) => check(target, ...)`): a target that
    // comes from the helper's parameters is the caller's choice.
    const site = this.callSites.find((call) => call.getSourceFile().fileName === state.file);
    if (site && targetNode && isInsideFactory(node) && this.mentionsParameter(targetNode)) {
      record.targetReportAt = spanOf(site);
    }
    const name = nameNode ? this.eval(nameNode, scope) : undefined;
    if (typeof name === "string") record.name = name;
    const target = targetNode ? this.eval(targetNode, scope) : new Unknown("the target argument is missing");
    if (target instanceof AssetValue) record.target = target.record;
    else if (typeof target === "string") record.targetKey = target;
    else if (target instanceof Unknown) {
      // A target known only at run time is not an error; a name that resolves to nothing is.
      if (target.undefinedName)
        record.problem = `${target.reason}; a check needs a reference to an asset or its key`;
    } else {
      record.problem = `\`${targetNode ? shortText(targetNode) : "?"}\` is ${describe(target)}, not an asset`;
    }
    state.result.checks.push(record);
    return new CheckValue(record);
  }

  /** The function a compute argument is: written inline, or a project function by name. */
  private functionOf(node: ts.Node | undefined): ts.Node | undefined {
    const inner = node && isExpression(node) ? unwrap(node) : node;
    if (!inner || !isIdentifier(inner)) return inner;
    const declaration = this.declarationOf(inner);
    const fn = declaration && isVariableDeclaration(declaration) ? declaration.initializer : declaration;
    if (!fn || !this.host.isProjectFile(fn.getSourceFile().fileName)) return undefined;
    return isFunctionDeclaration(fn) || isArrowFunction(fn) || isFunctionExpression(fn) ? fn : undefined;
  }

  private readonly literalsIn = new WeakMap<ts.Node, Map<string, ts.Node | null>>();

  /** The string literal with this text inside a node; undefined when none or several. */
  private literalIn(node: ts.Node, text: string): ts.Node | undefined {
    let literals = this.literalsIn.get(node);
    if (!literals) {
      const found = new Map<string, ts.Node | null>();
      const visit = (current: ts.Node): void => {
        if (isStringLiteralLike(current)) {
          found.set(current.text, found.has(current.text) ? null : current);
        } else forEachChild(current, visit);
      };
      visit(node);
      literals = found;
      this.literalsIn.set(node, literals);
    }
    return literals.get(text) ?? undefined;
  }

  /** The factory call that made the asset whose spec is being read (see `DepRef.reportAt`). */
  private factorySite: SourceSpan | undefined;
  private readonly parameterMentions = new WeakMap<ts.Node, boolean>();

  /** Whether an expression reads a function parameter (its value then comes from the caller). */
  private mentionsParameter(node: ts.Node): boolean {
    let known = this.parameterMentions.get(node);
    if (known !== undefined) return known;
    const visit = (current: ts.Node): boolean => {
      if (isIdentifier(current)) {
        const shorthand = isShorthandPropertyAssignment(current.parent) && current.parent.name === current;
        const symbol = shorthand
          ? this.checker.getShorthandAssignmentValueSymbol(current.parent)
          : this.checker.getSymbolAtLocation(current);
        let declaration: ts.Node | undefined = symbol?.valueDeclaration;
        while (declaration && isBindingElement(declaration)) declaration = declaration.parent.parent;
        return declaration !== undefined && isParameter(declaration);
      }
      return forEachChild(current, visit) === true;
    };
    known = visit(node);
    this.parameterMentions.set(node, known);
    return known;
  }

  /** This round's marks of every module (reused ones included), merged for lookups. */
  private merged: { marks: CodeMarks; modules: number } | undefined;

  private allMarks(): CodeMarks {
    if (this.merged?.modules === this.modules.size) return this.merged.marks;
    const marks = emptyMarks();
    for (const state of this.modules.values()) {
      for (const [node, reason] of state.result.marks.skipped) marks.skipped.set(node, reason);
      for (const node of state.result.marks.dead) marks.dead.add(node);
    }
    this.merged = { marks, modules: this.modules.size };
    return marks;
  }

  /**
   * Why no evaluation reached a library call. `{ mayRun }`: it lies in code that may run at run
   * time (the reason says on what it depends). "never": in code that cannot run (a branch not
   * taken, a function nothing calls), as at run time. "module": at the top of its module, in a
   * construct the evaluator does not follow: evaluated there on its own.
   */
  private unreachedPlace(call: ts.CallExpression): { mayRun: string } | "never" | "module" {
    const marks = this.allMarks();
    for (let current: ts.Node = call; !isSourceFile(current); current = current.parent) {
      const reason = marks.skipped.get(current);
      if (reason) return { mayRun: reason };
      if (marks.dead.has(current)) return "never";
      if (isFunctionLike(current)) {
        if (isClassElement(current) && !isClassDeclaration(current.parent)) {
          return { mayRun: "a method of a class expression runs only at run time" };
        }
        return "never";
      }
    }
    return "module";
  }

  /**
   * Evaluates a library call the module evaluation never reached (inside a function nobody
   * calls with known values, a class, a skipped branch), in its module's scope.
   */
  evaluateUnreached(call: ts.CallExpression, fn: AssetFunction, result: FileResult): void {
    const place = this.unreachedPlace(call);
    if (place === "never") return;
    const sourceFile = call.getSourceFile();
    const state = this.moduleState(sourceFile);
    const fallback: ModuleState = { ...state, result, done: true };
    this.stack.push(fallback);
    try {
      if (fn === "check") {
        this.checkCall(call, state.scope);
        return;
      }
      const keyNode = call.arguments[0];
      const key = keyNode ? this.eval(keyNode, state.scope) : undefined;
      if (typeof key === "string") {
        this.assetCall(call, fn, state.scope);
        if (place !== "module") {
          result.diagnostics.push({
            span: spanOf(keyNode ?? call, sourceFile),
            severity: "info",
            code: "dynamic-asset",
            message: `Whether this asset exists is known only at run time (${place.mayRun}); the graph shows it.`,
          });
        }
        return;
      }
      const reason =
        place !== "module" ? place.mayRun : key instanceof Unknown ? key.reason : "the key is not a string";
      result.evaluatedCalls.add(call);
      result.diagnostics.push({
        span: spanOf(keyNode ?? call, sourceFile),
        severity: "info",
        code: "dynamic-asset",
        message: `This asset's key cannot be evaluated statically (${reason}); it is not in the graph.`,
      });
    } catch (error) {
      if (!(error instanceof BudgetExceeded || error instanceof RangeError)) throw error;
    } finally {
      this.stack.pop();
    }
  }
}

function truthy(value: Value): boolean {
  return Boolean(value);
}

function unknownFrom(value: Value): Unknown {
  return value instanceof Unknown ? value : new Unknown(`${describe(value)} cannot be destructured`);
}

function iterate(value: Value): Value[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (value instanceof CollectionValue) {
    return value.kind === "Set"
      ? [...value.items.keys()]
      : [...value.items].map(([key, item]) => [key, item]);
  }
  return undefined;
}

function fromJson(data: unknown): Value {
  if (data === null || typeof data === "string" || typeof data === "number" || typeof data === "boolean")
    return data;
  if (Array.isArray(data)) return data.map(fromJson);
  if (typeof data === "object") {
    const result = newObject();
    for (const [key, item] of Object.entries(data as Record<string, unknown>)) result[key] = fromJson(item);
    return result;
  }
  return undefined;
}

/**
 * Globals of the runtime that a project may use without their declarations installed (no
 * `@types/node`): known only at run time, never "not defined".
 */
const RUNTIME_GLOBALS = new Map([
  ["process", "`process` (environment variables, arguments) is known only at run time"],
  ["Deno", "`Deno` is known only at run time"],
  ["Bun", "`Bun` is known only at run time"],
  ["globalThis", "`globalThis` is known only at run time"],
  ["require", "`require` loads modules at run time"],
  ["__dirname", "`__dirname` is known only at run time"],
  ["__filename", "`__filename` is known only at run time"],
  ["Date", "dates are known only at run time"],
  ["Math", "`Math` is not evaluated statically"],
  ["fetch", "`fetch` runs at run time"],
]);

/** Globals the evaluator knows (their members are evaluated by `builtinMember`). */
const BUILTIN_NAMESPACES = new Set(["Object", "String", "Number", "Boolean", "JSON", "Array"]);

function builtinNamespace(name: string): Value {
  return new BuiltinValue(name, (args) => {
    if (name === "String") return args.length === 0 ? "" : primitiveText(args[0]);
    if (name === "Number") return args.length === 0 ? 0 : primitiveNumber(args[0]);
    if (name === "Boolean") return args[0] instanceof Unknown ? args[0] : truthy(args[0]);
    return new Unknown(`calling \`${name}\` is not evaluated`);
  });
}

/**
 * The keys a `for...in` visits: an object's own keys in the engine's order (integer-like keys
 * ascending, then the others as written), a list's indexes; undefined for anything else.
 */
function keysOf(value: Value): string[] | undefined {
  if (isPlainObject(value)) return Object.keys(value);
  if (Array.isArray(value)) return value.map((_, index) => String(index));
  if (typeof value === "string") return [...value].map((_, index) => String(index));
  if (value === null || value === undefined) return [];
  return undefined;
}

function primitiveNumber(value: Value): Value {
  if (
    value === null ||
    value === undefined ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  )
    return Number(value);
  return new Unknown(`${describe(value)} converted to a number`);
}

function primitiveText(value: Value): Value {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  return new Unknown(`${describe(value)} converted to text`);
}

function builtinMember(namespace: string, name: string): Value {
  const qualified = `${namespace}.${name}`;
  const entries = (value: Value): [string, Value][] | undefined =>
    isPlainObject(value) ? Object.entries(value) : undefined;
  switch (qualified) {
    case "Object.keys":
      return new BuiltinValue(
        qualified,
        ([value]) => entries(value)?.map(([key]) => key) ?? unknownFrom(value),
      );
    case "Object.values":
      return new BuiltinValue(
        qualified,
        ([value]) => entries(value)?.map(([, item]) => item) ?? unknownFrom(value),
      );
    case "Object.entries":
      return new BuiltinValue(
        qualified,
        ([value]) => entries(value)?.map(([key, item]) => [key, item]) ?? unknownFrom(value),
      );
    case "Object.fromEntries":
      return new BuiltinValue(qualified, ([value]) => {
        if (!Array.isArray(value)) return unknownFrom(value);
        const result: PlainObject = newObject();
        for (const entry of value) {
          if (!Array.isArray(entry) || typeof entry[0] !== "string")
            return new Unknown("entries Assetline cannot read");
          result[entry[0]] = entry[1];
        }
        return result;
      });
    case "Number.isInteger":
      return new BuiltinValue(qualified, ([value]) => Number.isInteger(value));
    case "Number.parseInt":
      return new BuiltinValue(qualified, ([text, radix]) =>
        typeof text === "string" && (radix === undefined || typeof radix === "number")
          ? Number.parseInt(text, radix)
          : new Unknown(`\`${qualified}\` of ${describe(text)}`),
      );
    case "String.raw":
      // Called as a tag (see rawTemplate); a direct call (`String.raw({ raw }, ...)`) is rare.
      return new BuiltinValue(qualified, () => new Unknown("`String.raw` called directly is not evaluated"));
    case "Array.isArray":
      return new BuiltinValue(qualified, ([value]) => Array.isArray(value));
    case "Array.of":
      return new BuiltinValue(qualified, (args) => [...args]);
    case "Object.assign":
      return new BuiltinValue(qualified, (args) => {
        const [target, ...sources] = args;
        if (!isPlainObject(target)) return unknownFrom(target);
        for (const source of sources) if (isPlainObject(source)) Object.assign(target, source);
        return target;
      });
  }
  return new Unknown(`\`${qualified}\` is not evaluated`);
}

/** What importers can observe of a module: its top-level values and its re-export statements. */
function moduleSignature(state: ModuleState): string {
  const parts: string[] = [];
  for (const statement of state.sourceFile.statements) {
    if (
      isExportDeclaration(statement) ||
      isExportAssignment(statement) ||
      isImportEqualsDeclaration(statement)
    ) {
      parts.push(statement.getText(state.sourceFile));
    }
  }
  for (const [declaration, value] of state.scope.entries()) {
    const name = (declaration as { name?: ts.Node }).name;
    const label = name ? name.getText(state.sourceFile) : isExportAssignment(declaration) ? "default" : "";
    parts.push(`${label}=${valueSignature(value, 0)}`);
  }
  return parts.join("\n");
}

function valueSignature(value: Value, depth: number): string {
  if (depth > 8) return "…";
  if (value === undefined) return "u";
  if (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  ) {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => valueSignature(item, depth + 1)).join(",")}]`;
  if (value instanceof AssetValue) return `asset(${value.record.key ?? "?"})`;
  if (value instanceof CheckValue) return `check(${value.record.name ?? "?"})`;
  if (value instanceof Unknown) return "?";
  if (value instanceof NamespaceValue) return `ns(${value.file.fileName})`;
  if (value instanceof BuiltinValue) return `builtin(${value.name})`;
  if (value instanceof FunctionValue) return `fn(${value.node.getText()})`;
  if (value instanceof CollectionValue) {
    const entries = [...value.items].map(
      ([key, item]) => `${valueSignature(key, depth + 1)}=>${valueSignature(item, depth + 1)}`,
    );
    return `${value.kind}(${entries.join(",")})`;
  }
  // A class: its text too (what its instances do lies in its methods, not in its statics).
  const declaration = classes.get(value)?.node;
  return `${declaration ? `class(${declaration.getText()})` : ""}{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}:${valueSignature(item, depth + 1)}`)
    .join(",")}}`;
}
