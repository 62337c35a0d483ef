/**
 * Static analysis of an Assetline pipeline project: TypeScript sources -> asset graph and
 * diagnostics. No user code is run. Used by the language server (a long-lived
 * `AnalysisSession` fed with unsaved buffers) and by the command line (`analyzeProject`).
 */
import fs from "node:fs";
import path from "node:path";
import { ts } from "ts-morph";
import { isTypeScriptModule, type AssetGraph } from "@assetline/core";
import { AssetlineReader } from "./assetline/reader";
import type { ModuleState } from "./evaluator";
import type { AssetFunction } from "./model";
import {
  PackageNames,
  isExcludedPath,
  defaultCompilerOptions,
  filesReachingLibrary,
  holdsDefinitions,
  isIncluded,
  listSourceFiles,
  matchesExcluded,
  reachesLibrary,
  readCompilerOptions,
} from "./files";
import { assembleGraph, buildGraph, type BuiltGraph, type CycleCache } from "./graph";
import {
  emptyFileResult,
  type AssetRecord,
  type CheckRecord,
  type TriggerRecord,
  type FileResult,
  type RawDiagnostic,
} from "./model";
import { TypeChecks } from "./types";
import { ProgramHost } from "./program";
import { libraryCallee, libraryNameAt } from "./library";

export type { AssetRecord, CheckRecord, DepRef, RawDiagnostic, SourceSpan } from "./model";
export { closestKey, keyProblem, levenshtein } from "./graph";
export { OccurrenceIndex, type Occurrence, type OccurrenceKind } from "./occurrences";
export { LIBRARY_PACKAGES } from "./library";
/** The editor features (completion, hover, navigation, rename, code actions, symbols). */
export * as ide from "./ide";
import { OccurrenceIndex } from "./occurrences";

export interface AnalysisOptions {
  /** Where problems of the analysis itself are reported (never thrown). */
  log?: (message: string) => void;
  /** Folders under the root that belong to other (nested) pipeline projects. */
  exclude?: string[];
  /**
   * A TypeScript entry of the `assetline` package to use when the project has none installed
   * (the command line passes its own), so that a pipeline is analysed before `npm install`.
   */
  libraryFallback?: string;
}

interface FileInfo {
  sourceFile: ts.SourceFile;
  calls: { call: ts.CallExpression; fn: AssetFunction }[];
  syntax: RawDiagnostic[];
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function syntaxDiagnostics(program: ts.Program, sourceFile: ts.SourceFile): RawDiagnostic[] {
  const result: RawDiagnostic[] = [];
  for (const diagnostic of program.getSyntacticDiagnostics(sourceFile)) {
    if (diagnostic.start === undefined) continue;
    result.push({
      span: {
        file: sourceFile.fileName,
        start: diagnostic.start,
        end: diagnostic.start + (diagnostic.length ?? 0),
      },
      severity: "error",
      code: "syntax-error",
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
    });
  }
  return result;
}

/**
 * The type diagnostics of one analysis, computed a slice at a time so that the server can
 * answer requests in between and drop the job when an edit makes it stale.
 */
export class TypeCheckJob {
  readonly diagnostics: RawDiagnostic[] = [];
  private readonly queue: AssetRecord[];
  private checks: TypeChecks | undefined;
  private readonly seen = new Set<AssetRecord>();

  /**
   * The checker is taken on the first step (building the typed program is the slow part of the
   * first job: it runs after the structural diagnostics are out, and not at all when a newer
   * analysis drops the job first).
   */
  constructor(
    private readonly result: AnalysisResult,
    priorityFiles: readonly string[] = [],
  ) {
    const first = new Set(priorityFiles);
    const withInputs = result.records.filter((record) => record.deps.some((dep) => dep.input !== undefined));
    this.queue = [
      ...withInputs.filter((record) => first.has(record.call.file)),
      ...withInputs.filter((record) => !first.has(record.call.file)),
    ];
  }

  get done(): boolean {
    return this.queue.length === 0;
  }

  /** Files whose every asset with inputs has been checked. */
  checkedFiles(): string[] {
    const pending = new Set(this.queue.map((record) => record.call.file));
    return [...new Set([...this.seen].map((record) => record.call.file))].filter(
      (file) => !pending.has(file),
    );
  }

  /** Checks assets until `deadline` (a `performance.now()` value); true when everything is checked. */
  step(deadline = Infinity): boolean {
    if (this.queue.length > 0) this.checks ??= new TypeChecks(this.result.checker, this.result.built.byKey);
    while (this.queue.length > 0) {
      const record = this.queue.shift()!;
      if (this.seen.has(record)) continue;
      this.seen.add(record);
      this.diagnostics.push(...this.checks!.check(record));
      if (performance.now() >= deadline) break;
    }
    return this.queue.length === 0;
  }
}

export interface AnalysisResult {
  graph: AssetGraph;
  /** Every asset record with a key, for editor features (ranges, references). */
  records: AssetRecord[];
  checks: CheckRecord[];
  built: BuiltGraph;
  /** Milliseconds spent in this analysis. */
  elapsedMs: number;
  /**
   * The type checker of the analysed files with the standard library (for the type checks that
   * follow the analysis): the typed program is built on first use.
   */
  readonly checker: ts.TypeChecker;
  /** Modules this analysis evaluated again (the others were reused from the previous one). */
  evaluatedFiles: string[];
  /** Files whose text changed since the previous analysis (all of them on the first). */
  changedFiles: string[];
  /** Milliseconds per phase: program, checker, evaluate, unreached, graph. */
  phases: Record<string, number>;
}

/**
 * A pipeline project held in memory: a compiler program over the project's sources (and any
 * unsaved editor contents), re-analysed on demand.
 */
export class AnalysisSession {
  readonly root: string;
  private readonly host: ProgramHost;
  private readonly files = new Set<string>();
  private readonly overlays = new Map<string, string>();
  private readonly jsonCache = new Map<string, unknown>();
  private readonly packages = new PackageNames();
  private readonly log: (message: string) => void;
  private readonly configErrors: string[];
  private readonly exclude: string[];
  private readonly compilerOptions: ts.CompilerOptions;
  /** tsconfig.json's `exclude` globs. */
  private readonly excludedPatterns: RegExp[];
  /** Module states of the last round, reused when their file and what they read are unchanged. */
  private previousStates = new Map<string, ModuleState<FileResult>>();
  /** Per-file facts that only change with the file: its library calls and syntax errors. */
  private fileInfos = new Map<string, FileInfo>();
  private dirty = new Set<string>();
  private last: AnalysisResult | undefined;
  private readonly cycleCache: CycleCache = {};

  constructor(root: string, options: AnalysisOptions = {}) {
    this.root = path.resolve(root);
    this.log = options.log ?? (() => undefined);
    this.exclude = (options.exclude ?? []).map((dir) => path.resolve(dir));
    const config = readCompilerOptions(this.root);
    const { errors } = config;
    this.configErrors = errors;
    for (const error of errors) this.log(`tsconfig.json: ${error}`);
    this.exclude.push(...config.excluded);
    this.excludedPatterns = config.excludedPatterns;
    // Only the files that can reach the library are the project's (tsconfig's `include` is no
    // fence: a pipeline folder is often outside the repository's own); what they import joins
    // through the program. The rest of a repository is never parsed.
    const candidates = listSourceFiles(this.root, this.exclude).filter(
      (file) => !matchesExcluded(this.root, file, this.excludedPatterns),
    );
    const reach = filesReachingLibrary(candidates, config.options, this.packages);
    const files = [...reach.files.keys()].sort();
    this.log(`${files.length} of ${reach.read} source files under ${this.root} can reach assetline`);
    // A pipeline wholly outside tsconfig.json's include is not compiled with its options (the
    // repository's `lib`, `types` and `paths` are for its own code): the defaults, as an editor
    // gives a file no tsconfig covers.
    let projectOptions = config.options;
    const outside = files.filter((file) => !isIncluded(this.root, file, config));
    if (outside.length > 0 && outside.length === files.length) {
      projectOptions = defaultCompilerOptions();
      this.log(
        `The pipeline's files (${this.relative(outside[0]!)}, ...) are outside tsconfig.json's include: analysed with default compiler options. ` +
          "Add their folder to include, or give it a tsconfig.json of its own, to choose the options.",
      );
    }
    const compilerOptions = withLibraryFallback(this.root, projectOptions, options.libraryFallback, this.log);
    this.compilerOptions = compilerOptions;
    this.host = new ProgramHost(compilerOptions);
    for (const file of files) this.addFile(file, reach.files.get(file));
  }

  /** Absolute paths of the project's own source files. */
  get sourceFiles(): string[] {
    return [...this.files];
  }

  /**
   * True when the file belongs to this project (its own sources, not dependencies): a file that
   * may hold definitions (core's rule: no tests, no build output), or one a project file imports.
   */
  contains(file: string): boolean {
    const absolute = path.resolve(file);
    if (isExcludedPath(this.root, absolute, this.exclude)) return false;
    if (!holdsDefinitions(this.root, absolute) && !this.imported.has(absolute)) return false;
    return !matchesExcluded(this.root, absolute, this.excludedPatterns);
  }

  /**
   * Whether a file takes part in the analysis, with this text: it already does (a project file,
   * or one a project file imports), or it can reach the library now.
   */
  private takesPart(file: string, text: string): boolean {
    if (this.files.has(file) || this.imported.has(file)) return true;
    return reachesLibrary(file, text, this.compilerOptions, (target) => this.files.has(target));
  }

  /** Files the project's files import (outside them), as of the last analysis. */
  private imported = new Set<string>();

  private addFile(file: string, text?: string): void {
    if (text !== undefined) this.host.set(file, text);
    else if (!this.host.load(file)) {
      this.log(`Cannot read ${file}`);
      return;
    }
    // A new file may be what an import of another module was waiting for: that module read
    // nothing from it, so no signature says it must run again. Everything runs again once.
    if (!this.files.has(file)) this.filesAdded = true;
    this.files.add(file);
  }

  /** A file joined the project since the last analysis (see addFile). */
  private filesAdded = false;

  /**
   * Sets the contents of a file as the editor has it (unsaved), or, with `undefined`, goes back
   * to the contents on disk (after a close or a save). Files outside the project, and files that
   * cannot reach the library, are ignored. Returns whether the next analysis changes.
   */
  setFileText(file: string, text: string | undefined): boolean {
    const absolute = path.resolve(file);
    if (text === undefined) this.overlays.delete(absolute);
    else this.overlays.set(absolute, text);
    if (absolute.endsWith(".json")) {
      this.jsonCache.delete(absolute);
      this.dirty.add(absolute);
      return true;
    }
    return this.update(absolute, text ?? readText(absolute));
  }

  /**
   * A file changed, appeared or disappeared on disk (ignored while the editor has it open).
   * Returns whether the next analysis changes.
   */
  fileChangedOnDisk(file: string): boolean {
    const absolute = path.resolve(file);
    if (this.overlays.has(absolute)) return false;
    if (absolute.endsWith(".json")) {
      this.jsonCache.delete(absolute);
      this.dirty.add(absolute);
      return true;
    }
    return this.update(absolute, readText(absolute));
  }

  /** A source file's current text (undefined: it is gone). */
  private update(file: string, text: string | undefined): boolean {
    if (!isTypeScriptModule(file) || !this.contains(file)) return false;
    if (text === undefined) {
      if (!this.files.has(file)) return false;
      this.removeFile(file);
    } else {
      if (!this.takesPart(file, text) || this.host.text(file) === text) return false;
      this.addFile(file, text);
    }
    this.dirty.add(file);
    return true;
  }

  private removeFile(file: string): void {
    this.host.delete(file);
    this.files.delete(file);
  }

  private readJson(file: string): unknown {
    if (this.jsonCache.has(file)) return this.jsonCache.get(file);
    let data: unknown;
    try {
      const text = this.overlays.get(file) ?? fs.readFileSync(file, "utf8");
      // A byte order mark is allowed in a JSON file (TypeScript and editors accept it).
      data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
    } catch {
      data = undefined;
    }
    this.jsonCache.set(file, data);
    return data;
  }

  /** The result of the last analysis, if any. */
  get lastResult(): AnalysisResult | undefined {
    return this.last;
  }

  /** Line and column (1-based) of an offset in a project file. */
  locate(file: string, offset: number): { line: number; column: number } {
    const sourceFile = this.sourceFileOf(file);
    if (!sourceFile) return { line: 1, column: 1 };
    const position = Math.min(offset, sourceFile.end);
    const starts = lineStarts(sourceFile);
    if (!starts) {
      const { line, character } = sourceFile.getLineAndCharacterOfPosition(position);
      return { line: line + 1, column: character + 1 };
    }
    // The last line starting at or before the position.
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= position) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: position - starts[low]! + 1 };
  }

  private readonly relatives = new Map<string, string>();

  relative(file: string): string {
    let relative = this.relatives.get(file);
    if (relative === undefined) {
      relative = path.relative(this.root, file).split(path.sep).join("/");
      this.relatives.set(file, relative);
    }
    return relative;
  }

  /** The last analysis's source files by name (`getSourceFile` normalises the path on each call). */
  private lastSourceFiles = new Map<string, ts.SourceFile>();

  /** The compiler's source file of a project file, as of the last analysis when there was one. */
  private sourceFileOf(file: string): ts.SourceFile | undefined {
    return this.lastSourceFiles.get(file) ?? this.host.sourceFile(file);
  }

  /** The current program with the standard library (for editor features that need the checker). */
  get program(): ts.Program {
    return this.host.typedProgram();
  }

  /** Analyses the project (incrementally: modules whose inputs did not change are reused). */
  analyze(): AnalysisResult {
    const started = performance.now();
    const phases: Record<string, number> = {};
    let mark = started;
    const phase = (name: string): void => {
      const now = performance.now();
      phases[name] = now - mark;
      mark = now;
    };
    // The structural program (no standard library): see program.ts.
    let program = this.host.getProgram();
    // An unsaved buffer of a file that took no part until a project file imported it: the
    // program read it from disk, the analysis must see what the editor has.
    const joined = [...this.overlays.keys()].filter(
      (file) =>
        isTypeScriptModule(file) && !this.files.has(file) && program.getSourceFile(file) !== undefined,
    );
    for (const file of joined) {
      this.addFile(file, this.overlays.get(file));
      this.dirty.add(file);
    }
    if (joined.length > 0) program = this.host.getProgram();
    const changedFiles = this.last ? [...this.dirty] : [...this.files];
    phase("program");
    const checker = program.getTypeChecker();
    this.lastChecker = checker;
    const host = this.host;
    let typedChecker: ts.TypeChecker | undefined;
    const getTypedChecker = (): ts.TypeChecker =>
      (typedChecker ??= host.typedProgram(program).getTypeChecker());
    phase("checker");
    // tsconfig's `exclude` is not a fence: a project file's import brings the file in (as it
    // does for TypeScript, and at run time).
    const imported = new Set<string>();
    for (const sourceFile of program.getSourceFiles()) {
      const file = sourceFile.fileName;
      if (this.files.has(file) || !isTypeScriptModule(file) || isExcludedPath(this.root, file)) continue;
      imported.add(file);
    }
    this.imported = imported;
    const files = [...this.files, ...imported].sort();
    const sourceFiles = new Map<string, ts.SourceFile>();
    for (const file of files) {
      const sourceFile = program.getSourceFile(file);
      if (sourceFile) sourceFiles.set(file, sourceFile);
    }
    this.lastSourceFiles = sourceFiles;
    const evaluator = new AssetlineReader(
      program,
      checker,
      {
        isProjectFile: (file) => this.files.has(file) || imported.has(file),
        readJson: (file) => this.readJson(file),
        packages: this.packages,
        typedChecker: getTypedChecker,
      },
      {
        states: this.filesAdded ? new Map<string, ModuleState<FileResult>>() : this.previousStates,
        dirty: this.dirty,
      },
    );

    const results: FileResult[] = [];
    const fileInfos = new Map<string, FileInfo>();
    for (const file of files) {
      const sourceFile = sourceFiles.get(file);
      if (!sourceFile) continue;
      try {
        results.push(evaluator.evaluateModule(sourceFile));
      } catch (error) {
        this.log(`Analysis of ${this.relative(file)} failed: ${describe(error)}`);
      }
    }
    const evaluatedFiles = files.filter((file) => evaluator.wasEvaluated(file));
    this.previousStates = evaluator.states;
    this.dirty = new Set();
    this.filesAdded = false;
    phase("evaluate");

    // Library calls no module evaluation reached (factories never called with known values,
    // branches that depend on run time) are evaluated on their own, fresh each round.
    const reached = new Set<ts.CallExpression>();
    for (const result of results) for (const call of result.evaluatedCalls) reached.add(call);
    const fallback: FileResult = emptyFileResult("");
    const syntax: RawDiagnostic[] = [];
    for (const file of this.host.unreadable) {
      if (!this.files.has(file)) continue;
      syntax.push({
        span: { file, start: 0, end: 0 },
        severity: "error",
        code: "unreadable-file",
        message:
          "Assetline cannot read this file: it is nested too deeply for the TypeScript parser (its call stack overflowed). " +
          "Its assets are not in the graph; split the deepest value into named parts.",
      });
    }
    for (const file of files) {
      const sourceFile = sourceFiles.get(file);
      if (!sourceFile) continue;
      let info = this.fileInfos.get(file);
      try {
        if (!info || info.sourceFile !== sourceFile || evaluator.wasEvaluated(file)) {
          info = {
            sourceFile,
            calls: evaluator.libraryCalls(sourceFile),
            syntax: syntaxDiagnostics(program, sourceFile),
          };
        }
        fileInfos.set(file, info);
        for (const { call, fn } of info.calls) {
          if (!reached.has(call)) evaluator.evaluateUnreached(call, fn, fallback);
        }
      } catch (error) {
        this.log(`Analysis of ${this.relative(file)} failed: ${describe(error)}`);
      }
      if (info) syntax.push(...info.syntax);
    }
    this.fileInfos = fileInfos;
    results.push(fallback);
    phase("unreached");

    const assets: AssetRecord[] = [];
    const checks: CheckRecord[] = [];
    const triggers: TriggerRecord[] = [];
    const diagnostics: RawDiagnostic[] = [...syntax];
    for (const result of results) {
      for (const record of result.assets) assets.push(record);
      for (const check of result.checks) checks.push(check);
      for (const trigger of result.triggers) triggers.push(trigger);
      for (const diagnostic of result.diagnostics) diagnostics.push(diagnostic);
    }
    const built = buildGraph({ assets, checks, diagnostics, triggers }, this.cycleCache);
    const graph = assembleGraph(
      built,
      (file) => this.relative(file),
      (file, offset) => this.locate(file, offset),
    );
    this.last = {
      graph,
      records: built.records,
      checks,
      built,
      elapsedMs: performance.now() - started,
      get checker() {
        return getTypedChecker();
      },
      evaluatedFiles,
      changedFiles,
      phases,
    };
    phase("graph");
    return this.last;
  }

  /** A type-check job over the last analysis (open files first). */
  typeCheckJob(priorityFiles: readonly string[] = []): TypeCheckJob | undefined {
    if (!this.last) return undefined;
    return new TypeCheckJob(this.last, priorityFiles);
  }

  private occurrenceCache: { result: AnalysisResult; index: OccurrenceIndex } | undefined;

  /** Where each key is written, as of the last analysis (built on first use). */
  occurrences(): OccurrenceIndex | undefined {
    const last = this.last;
    if (!last) return undefined;
    if (this.occurrenceCache?.result !== last) {
      const sourceFiles = this.lastSourceFiles;
      const index = new OccurrenceIndex(last.records, last.checks, sourceFiles);
      this.occurrenceCache = { result: last, index };
    }
    return this.occurrenceCache.index;
  }

  /** The structural checker of the last analysis (its trees' symbols; no standard library). */
  private lastChecker: ts.TypeChecker | undefined;

  /** The tree of a project file as the last analysis saw it (the editor features read it). */
  analysedSourceFile(file: string): ts.SourceFile | undefined {
    return this.lastSourceFiles.get(file);
  }

  /**
   * The library function a name node of the last analysis's trees stands for (a callee, the
   * name of `al.check`), by symbol as the analysis recognises calls (./library), or undefined.
   */
  libraryNameAt(node: ts.Node): string | undefined {
    return this.lastChecker ? libraryNameAt(this.lastChecker, this.packages, node) : undefined;
  }

  /** The library function a call of the last analysis's trees invokes, by symbol, or undefined. */
  libraryCallee(call: ts.CallExpression): string | undefined {
    return this.lastChecker ? libraryCallee(this.lastChecker, this.packages, call) : undefined;
  }

  /** What a name node of the last analysis's trees refers to, imports followed to their target. */
  targetOf(node: ts.Node): ts.Symbol | undefined {
    const checker = this.lastChecker;
    const symbol = checker?.getSymbolAtLocation(node);
    if (!checker || !symbol) return undefined;
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  }

  /** The text of a project file as the last analysis saw it. */
  analysedText(file: string): string | undefined {
    return this.lastSourceFiles.get(file)?.text;
  }

  /** The current text of a project file (unsaved edits included), parsed. */
  currentSourceFile(file: string): ts.SourceFile | undefined {
    return this.host.sourceFile(file);
  }

  /** Output type of an asset (awaited return type of its compute), as text. */
  outputTypeText(record: AssetRecord): string | undefined {
    const last = this.last;
    if (!last) return undefined;
    try {
      const type = new TypeChecks(last.checker, last.built.byKey).outputType(record);
      return type ? last.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The last graph with extra diagnostics (the type checks) merged in. */
  graphWith(extra: readonly RawDiagnostic[]): AssetGraph {
    if (!this.last) throw new Error("graphWith() before analyze()");
    if (extra.length === 0) return this.last.graph;
    return assembleGraph(
      { ...this.last.built, diagnostics: [...this.last.built.diagnostics, ...extra] },
      (file) => this.relative(file),
      (file, offset) => this.locate(file, offset),
    );
  }

  /** Problems reading the project's configuration (for the server's log and status). */
  get configurationErrors(): readonly string[] {
    return this.configErrors;
  }
}

/**
 * Analyses the pipeline project at `root` once: its sources (tsconfig.json's compiler options
 * when present; node_modules, dist and .assetline excluded) -> the asset graph with diagnostics,
 * the type checks (`input-type-mismatch`) included unless `types: false`.
 */
const lineStartsCache = new WeakMap<ts.SourceFile, number[] | null>();

/**
 * Where each line of a file starts, found with the string search built into the engine (the
 * compiler's own line map is a loop over every character, and positions of every asset are
 * converted on each analysis). Null when the file breaks lines with anything but `\n` and
 * `\r\n` (a lone `\r`, U+2028, U+2029): then the compiler's line map, which counts those too.
 */
function lineStarts(sourceFile: ts.SourceFile): number[] | null {
  let starts = lineStartsCache.get(sourceFile);
  if (starts !== undefined) return starts;
  const text = sourceFile.text;
  starts = null;
  if (!text.includes("\u2028") && !text.includes("\u2029") && !/\r(?!\n)/.test(text)) {
    starts = [0];
    for (let next = text.indexOf("\n"); next >= 0; next = text.indexOf("\n", next + 1)) starts.push(next + 1);
  }
  lineStartsCache.set(sourceFile, starts);
  return starts;
}

/**
 * When `assetline` does not resolve from the project (not installed yet, or a folder outside any
 * package), map it to the fallback entry so its calls are still recognised through the checker.
 */
function withLibraryFallback(
  root: string,
  options: ts.CompilerOptions,
  fallback: string | undefined,
  log: (message: string) => void,
): ts.CompilerOptions {
  if (options.paths?.["assetline"]) return options;
  const probe = path.join(root, "__assetline_probe__.ts");
  const resolved = ts.resolveModuleName("assetline", probe, options, ts.sys).resolvedModule;
  if (resolved && isTypeScriptFile(resolved.resolvedFileName)) return options;
  if (resolved) {
    // Installed, but as JavaScript alone (a checkout whose package was bundled without its
    // declarations): assets are recognised by their types, so read its sources when it ships
    // them under the `assetline-source` condition, else the fallback, and say so either way.
    const withSources = {
      ...options,
      customConditions: [...(options.customConditions ?? []), "assetline-source"],
    };
    const sources = ts.resolveModuleName("assetline", probe, withSources, ts.sys).resolvedModule;
    const missing = `"assetline" in ${root} has no type declarations (${resolved.resolvedFileName})`;
    if (sources && isTypeScriptFile(sources.resolvedFileName)) {
      log(`${missing}; analysing with its sources. Build them (npm run typecheck) to silence this.`);
      return withSources;
    }
    if (!fallback) {
      log(`${missing}: its assets cannot be recognised. Reinstall assetline, or build its declarations.`);
      return options;
    }
  }
  if (!fallback) return options;
  log(
    resolved
      ? `"assetline" in ${root} has no type declarations (${resolved.resolvedFileName}); analysing with ${fallback}.`
      : `"assetline" is not installed in ${root}; analysing with ${fallback}. Run npm install assetline there.`,
  );
  return { ...options, paths: { ...options.paths, assetline: [path.resolve(fallback)] } };
}

function isTypeScriptFile(file: string): boolean {
  return /\.(?:d\.)?[cm]?tsx?$/.test(file);
}

export function analyzeProject(
  root: string,
  options: AnalysisOptions & { types?: boolean } = {},
): AssetGraph {
  const session = new AnalysisSession(root, options);
  const result = session.analyze();
  if (options.types === false) return result.graph;
  const job = session.typeCheckJob();
  if (!job) return result.graph;
  try {
    job.step();
  } catch (error) {
    options.log?.(`Type checks failed: ${error instanceof Error ? error.message : String(error)}`);
    return result.graph;
  }
  return session.graphWith(job.diagnostics);
}
