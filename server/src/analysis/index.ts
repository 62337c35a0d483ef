/**
 * Static analysis of an Assetline pipeline project: TypeScript sources -> asset graph and
 * diagnostics. No user code is run. Used by the language server (a long-lived
 * `AnalysisSession` fed with unsaved buffers) and by the command line (`analyzeProject`).
 */
import fs from "node:fs";
import path from "node:path";
import { Project, ts } from "ts-morph";
import type { AssetGraph } from "@assetline/protocol";
import { Evaluator } from "./evaluate";
import { PackageNames, isExcludedPath, isSourceFile, listSourceFiles, readCompilerOptions } from "./files";
import { assembleGraph, buildGraph, type BuiltGraph } from "./graph";
import type { AssetRecord, CheckRecord, FileResult, RawDiagnostic } from "./model";

export type { AssetRecord, CheckRecord, DepRef, RawDiagnostic, SourceSpan } from "./model";
export { closestKey, keyProblem, levenshtein } from "./graph";

export interface AnalysisOptions {
  /** Where problems of the analysis itself are reported (never thrown). */
  log?: (message: string) => void;
  /** Folders under the root that belong to other (nested) pipeline projects. */
  exclude?: string[];
}

export interface AnalysisResult {
  graph: AssetGraph;
  /** Every asset record with a key, for editor features (ranges, references). */
  records: AssetRecord[];
  checks: CheckRecord[];
  built: BuiltGraph;
  /** Milliseconds spent in this analysis. */
  elapsedMs: number;
}

/**
 * A pipeline project held in memory: a ts-morph Project with the project's sources (and any
 * unsaved editor contents), re-analysed on demand.
 */
export class AnalysisSession {
  readonly root: string;
  private readonly project: Project;
  private readonly files = new Set<string>();
  private readonly overlays = new Map<string, string>();
  private readonly jsonCache = new Map<string, unknown>();
  private readonly packages = new PackageNames();
  private readonly log: (message: string) => void;
  private readonly configErrors: string[];
  private readonly exclude: string[];
  /** Module results of the last round, reused when their file and what they read are unchanged. */
  private previous = new Map<string, { sourceFile: ts.SourceFile; state: unknown; result: FileResult }>();
  private dirty = new Set<string>();
  private last: AnalysisResult | undefined;

  constructor(root: string, options: AnalysisOptions = {}) {
    this.root = path.resolve(root);
    this.log = options.log ?? (() => undefined);
    this.exclude = (options.exclude ?? []).map((dir) => path.resolve(dir));
    const { options: compilerOptions, errors } = readCompilerOptions(this.root);
    this.configErrors = errors;
    for (const error of errors) this.log(`tsconfig.json: ${error}`);
    this.project = new Project({
      compilerOptions,
      skipAddingFilesFromTsConfig: true,
      skipFileDependencyResolution: true,
    });
    for (const file of listSourceFiles(this.root, this.exclude)) this.addFile(file);
  }

  /** Absolute paths of the project's own source files. */
  get sourceFiles(): string[] {
    return [...this.files];
  }

  /** True when the file belongs to this project (its own sources, not dependencies). */
  contains(file: string): boolean {
    return !isExcludedPath(this.root, path.resolve(file), this.exclude);
  }

  private addFile(file: string, text?: string): void {
    try {
      const content = text ?? fs.readFileSync(file, "utf8");
      this.project.createSourceFile(file, content, { overwrite: true });
      this.files.add(file);
    } catch (error) {
      this.log(`Cannot read ${file}: ${String(error)}`);
    }
  }

  /**
   * Sets the contents of a file as the editor has it (unsaved), or, with `undefined`, goes back
   * to the contents on disk (after a close or a save). Files outside the project are ignored.
   */
  setFileText(file: string, text: string | undefined): void {
    const absolute = path.resolve(file);
    if (absolute.endsWith(".json")) {
      if (text === undefined) this.overlays.delete(absolute);
      else this.overlays.set(absolute, text);
      this.jsonCache.delete(absolute);
      this.dirty.add(absolute);
      return;
    }
    if (!isSourceFile(absolute) || !this.contains(absolute)) return;
    if (text === undefined) {
      this.overlays.delete(absolute);
      if (fs.existsSync(absolute)) this.addFile(absolute);
      else this.removeFile(absolute);
    } else {
      this.overlays.set(absolute, text);
      const existing = this.project.getSourceFile(absolute);
      if (existing && existing.getFullText() === text) return;
      this.addFile(absolute, text);
    }
    this.dirty.add(absolute);
  }

  /** A file changed, appeared or disappeared on disk (ignored while the editor has it open). */
  fileChangedOnDisk(file: string): void {
    const absolute = path.resolve(file);
    if (this.overlays.has(absolute)) return;
    if (absolute.endsWith(".json")) {
      this.jsonCache.delete(absolute);
      this.dirty.add(absolute);
      return;
    }
    if (!isSourceFile(absolute) || !this.contains(absolute)) return;
    if (fs.existsSync(absolute)) this.addFile(absolute);
    else this.removeFile(absolute);
    this.dirty.add(absolute);
  }

  private removeFile(file: string): void {
    const sourceFile = this.project.getSourceFile(file);
    if (sourceFile) this.project.removeSourceFile(sourceFile);
    this.files.delete(file);
  }

  private readJson(file: string): unknown {
    if (this.jsonCache.has(file)) return this.jsonCache.get(file);
    let data: unknown;
    try {
      const text = this.overlays.get(file) ?? fs.readFileSync(file, "utf8");
      data = JSON.parse(text) as unknown;
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
    const sourceFile = this.project.getSourceFile(file)?.compilerNode;
    if (!sourceFile) return { line: 1, column: 1 };
    const position = sourceFile.getLineAndCharacterOfPosition(Math.min(offset, sourceFile.end));
    return { line: position.line + 1, column: position.character + 1 };
  }

  relative(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }

  /** The ts-morph project (for the editor features that need the checker). */
  get tsProject(): Project {
    return this.project;
  }

  /** Analyses the project (incrementally: modules whose inputs did not change are reused). */
  analyze(): AnalysisResult {
    const started = performance.now();
    const program = this.project.getProgram().compilerObject;
    const checker = program.getTypeChecker();
    const files = [...this.files].sort();

    // Modules to evaluate again: changed ones and every module that read one of them.
    const invalid = new Set<string>(this.dirty);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [file, entry] of this.previous) {
        if (invalid.has(file)) continue;
        for (const read of entry.result.reads) {
          if (invalid.has(read)) {
            invalid.add(file);
            grew = true;
            break;
          }
        }
      }
    }
    const reuse = new Map<string, { sourceFile: ts.SourceFile; state: unknown }>();
    for (const [file, entry] of this.previous) {
      if (!invalid.has(file) && this.files.has(file)) reuse.set(file, entry);
    }
    this.dirty.clear();

    const evaluator = new Evaluator(
      checker,
      {
        isProjectFile: (file) => this.files.has(file),
        readJson: (file) => this.readJson(file),
        packages: this.packages,
      },
      reuse,
    );

    const results: FileResult[] = [];
    const next = new Map<string, { sourceFile: ts.SourceFile; state: unknown; result: FileResult }>();
    for (const file of files) {
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile) continue;
      let result: FileResult;
      try {
        result = evaluator.evaluateModule(sourceFile);
      } catch (error) {
        this.log(
          `Analysis of ${this.relative(file)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        continue;
      }
      results.push(result);
      next.set(file, { sourceFile, state: evaluator.exportState(file), result });
    }
    this.previous = next;

    // Library calls no module evaluation reached: factories never called with known values,
    // branches that depend on run time. Evaluated on their own, fresh each round.
    const reached = new Set<ts.CallExpression>();
    for (const result of results) for (const call of result.evaluatedCalls) reached.add(call);
    const fallback: FileResult = {
      file: "",
      assets: [],
      checks: [],
      diagnostics: [],
      reads: new Set(),
      evaluatedCalls: new Set(),
    };
    const syntax: RawDiagnostic[] = [];
    for (const file of files) {
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile) continue;
      try {
        for (const { call, fn } of evaluator.libraryCalls(sourceFile)) {
          if (!reached.has(call)) evaluator.evaluateUnreached(call, fn, fallback);
        }
      } catch (error) {
        this.log(
          `Analysis of ${this.relative(file)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
      for (const diagnostic of program.getSyntacticDiagnostics(sourceFile)) {
        if (diagnostic.start === undefined) continue;
        syntax.push({
          span: { file, start: diagnostic.start, end: diagnostic.start + (diagnostic.length ?? 0) },
          severity: "error",
          code: "syntax-error",
          message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
        });
      }
    }
    results.push(fallback);

    const assets: AssetRecord[] = [];
    const checks: CheckRecord[] = [];
    const diagnostics: RawDiagnostic[] = [...syntax];
    for (const result of results) {
      assets.push(...result.assets);
      checks.push(...result.checks);
      diagnostics.push(...result.diagnostics);
    }
    const built = buildGraph({ assets, checks, diagnostics });
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
    };
    return this.last;
  }

  /** Problems reading the project's configuration (for the server's log and status). */
  get configurationErrors(): readonly string[] {
    return this.configErrors;
  }
}

/**
 * Analyses the pipeline project at `root` once: its sources (tsconfig.json's compiler options
 * when present; node_modules, dist and .assetline excluded) -> the asset graph with diagnostics.
 */
export function analyzeProject(root: string, options: AnalysisOptions = {}): AssetGraph {
  return new AnalysisSession(root, options).analyze().graph;
}
