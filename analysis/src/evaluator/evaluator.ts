/**
 * A partial evaluator of TypeScript: runs the top level of each module over a subset of the
 * language (constants, `as const` data, imported JSON, template literals, `.map/.flatMap/
 * .filter/.reduce`, loops with `push`, `if`/`switch`, functions, classes, enums, namespaces)
 * and gives what it cannot know (environment variables, calls into unknown code, `await`) an
 * `Unknown` value with a reason. It knows no library: its host recognises the calls it cares
 * about (`EvaluatorHost.call`) and keeps what it learns in each module's record.
 *
 * Identifiers are resolved through the type checker (symbol -> aliased symbol -> declaration),
 * so references work whatever the import path: named, aliased, namespace, barrels, renamed
 * re-exports and default exports.
 *
 * The work is split by what is evaluated (`statements.ts`, `expressions.ts`, `names.ts`,
 * `functions.ts`, `classes.ts`, `builtins.ts`, `modules.ts`): functions of this class's state.
 */
import { ts } from "ts-morph";
import { TopLevelImports } from "../imports";
import { Budget, isStop } from "./budget";
import { evaluate, propertyName } from "./expressions";
import { moduleState } from "./modules";
import { declarationOf, shorthand } from "./names";
import { Scope } from "./scope";
import type { FunctionValue, Getter, PlainObject, Value } from "./values";

const { isClassDeclaration, isClassElement, isFunctionLike, isSourceFile } = ts;

/**
 * Code an evaluation did not run, and why: `skipped` may run at run time (the reason says on
 * what it depends); `dead` cannot (a branch whose condition is known and not taken).
 */
export interface CodeMarks {
  skipped: Map<ts.Node, string>;
  dead: Set<ts.Node>;
}

export function emptyMarks(): CodeMarks {
  return { skipped: new Map(), dead: new Set() };
}

/** What the evaluator records of each module; the host's record extends it with its own. */
export interface ModuleRecord {
  /** Absolute paths of the project files (and JSON files) this module's evaluation read. */
  reads: Set<string>;
  /** What this module's evaluation learnt about code it did not run (anywhere in the project). */
  marks: CodeMarks;
}

/** A module's evaluation: its top-level values and its record. */
export interface ModuleState<R extends ModuleRecord = ModuleRecord> {
  file: string;
  sourceFile: ts.SourceFile;
  scope: Scope;
  result: R;
  done: boolean;
  /** What importers can observe of this module (values, re-exports); compared across rounds. */
  signature: string;
  /** True when this round evaluated the module again and its signature differs from the last round's. */
  changed: boolean;
}

/** What the evaluator may reuse from the previous round. */
export interface PreviousRound<R extends ModuleRecord = ModuleRecord> {
  states: Map<string, ModuleState<R>>;
  /** Files (sources and JSON) whose contents changed since. */
  dirty: ReadonlySet<string>;
}

/** Returned by `EvaluatorHost.call` for a call the host leaves to the evaluator. */
export const NOT_RECOGNISED: unique symbol = Symbol("not recognised");

/** What the evaluator needs from its host: the project, and the calls the host evaluates itself. */
export interface EvaluatorHost<R extends ModuleRecord = ModuleRecord> {
  /** How messages name the reader ("... Reader cannot evaluate"). */
  readonly name: string;
  /** True for files whose top level the evaluator may run (the project's own sources). */
  isProjectFile(file: string): boolean;
  /** Parsed contents of a JSON file, or undefined when it cannot be read. */
  readJson(file: string): unknown;
  /**
   * The checker of the program with the standard library, when the evaluator's own checker has
   * none (it is built faster): a name that does not resolve there is looked up here, so that
   * `Math` or `console` read as "known at run time", not as undefined.
   */
  typedChecker?: () => ts.TypeChecker;
  /** A new record for a module about to be evaluated. */
  newRecord(file: string): R;
  /**
   * Every call the evaluator reaches, before it evaluates it: the value of a call the host
   * recognises (it evaluates the arguments it needs through `Evaluator.eval`), else
   * `NOT_RECOGNISED`.
   */
  call(node: ts.CallExpression, scope: Scope): Value | typeof NOT_RECOGNISED;
  /** A top-level `const`/`let` declaration with an initialiser was bound to its value. */
  declared(declaration: ts.VariableDeclaration, value: Value): void;
  /** The evaluation of a top-level statement stopped (its budget ran out); the module's next ones do not run. */
  stopped(statement: ts.Statement, state: ModuleState<R>): void;
}

export class Evaluator<R extends ModuleRecord = ModuleRecord> {
  /** Steps and call depth of the module being evaluated. */
  readonly budget = new Budget();
  /** Imported names at the top of modules, resolved a module at a time. */
  readonly imports: TopLevelImports;
  /** This round's module states, by file. */
  readonly modules = new Map<string, ModuleState<R>>();
  /** Modules being evaluated, innermost last. */
  readonly stack: ModuleState<R>[] = [];
  /** Modules being validated for reuse (to stop at import cycles). */
  readonly validating = new Set<string>();
  /** Calls of project functions written elsewhere, outermost first (see `callSites`). */
  readonly sites: (ts.CallExpression | ts.NewExpression)[] = [];
  /** Methods of objects made by `new` (their prototype), by instance. */
  readonly prototypes = new WeakMap<PlainObject, Map<string, FunctionValue | Getter>>();
  /** Constructors running (innermost last): what a `super(...)` call initialises. */
  readonly constructing: { node: ts.ClassLikeDeclaration; scope: Scope; instance: PlainObject }[] = [];
  /** This round's marks of every module (reused ones included), merged for lookups. */
  private merged: { marks: CodeMarks; modules: number } | undefined;

  constructor(
    readonly program: ts.Program,
    readonly checker: ts.TypeChecker,
    readonly host: EvaluatorHost<R>,
    /** The previous round: modules are reused when neither they nor what they read changed. */
    readonly previous: PreviousRound<R> = { states: new Map(), dirty: new Set() },
  ) {
    this.imports = new TopLevelImports(checker);
  }

  // ---------------------------------------------------------------- what the host asks

  /** Evaluates a module (once a round) and returns its state. */
  evaluateModule(sourceFile: ts.SourceFile): ModuleState<R> {
    return moduleState(this, sourceFile);
  }

  /** Every module state of this round (for the next round). */
  get states(): Map<string, ModuleState<R>> {
    return this.modules;
  }

  /** Whether this round evaluated the module again (rather than reusing the last round's). */
  wasEvaluated(file: string): boolean {
    const state = this.modules.get(file);
    return state !== undefined && state !== this.previous.states.get(file);
  }

  /** The module being evaluated. */
  get current(): ModuleState<R> {
    const state = this.stack[this.stack.length - 1];
    if (!state) throw new Error("no module is being evaluated");
    return state;
  }

  /**
   * Calls of project functions written elsewhere that the evaluation is inside, outermost
   * first (a factory called from a module: where what it makes comes from).
   */
  get callSites(): readonly (ts.CallExpression | ts.NewExpression)[] {
    return this.sites;
  }

  eval(node: ts.Expression, scope: Scope): Value {
    return evaluate(this, node, scope);
  }

  /** The value of `{ name }` in an object literal. */
  shorthand(property: ts.ShorthandPropertyAssignment, scope: Scope): Value {
    return shorthand(this, property, scope);
  }

  /** A property's name as text (computed names evaluated); undefined when it is not known. */
  propertyName(node: ts.PropertyName | ts.BindingName, scope: Scope): string | undefined {
    return propertyName(this, node, scope);
  }

  /** The declaration an identifier refers to, through imports. */
  declarationOf(identifier: ts.Node): ts.Node | undefined {
    return declarationOf(this, identifier);
  }

  /**
   * Runs `body` in the scope of a module's top level (evaluated first if need be), recording
   * into `record`; false when it stopped (its budget ran out).
   */
  inModule(sourceFile: ts.SourceFile, record: R, body: (scope: Scope) => void): boolean {
    const state = moduleState(this, sourceFile);
    this.stack.push({ ...state, result: record, done: true });
    try {
      body(state.scope);
      return true;
    } catch (error) {
      if (!isStop(error)) throw error;
      return false;
    } finally {
      this.stack.pop();
    }
  }

  /**
   * Why no evaluation reached a node. `{ mayRun }`: it lies in code that may run at run time
   * (the reason says on what it depends). "never": in code that cannot run (a branch not
   * taken, a function nothing calls), as at run time. "module": at the top of its module, in a
   * construct the evaluator does not follow.
   */
  unreachedPlace(node: ts.Node): { mayRun: string } | "never" | "module" {
    const marks = this.allMarks();
    for (let current: ts.Node = node; !isSourceFile(current); current = current.parent) {
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

  // ---------------------------------------------------------------- for the evaluator's modules

  /**
   * Code not run, that may run at run time (a branch on an unknown condition, a callback of an
   * unknown call): recorded by the module being evaluated, valid as long as its evaluation is.
   */
  skip(node: ts.Node, reason: string): void {
    this.current.result.marks.skipped.set(node, reason);
  }

  /** Code that cannot run: a branch whose condition is known and not taken, a loop run 0 times. */
  kill(node: ts.Node): void {
    this.current.result.marks.dead.add(node);
  }

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
}
