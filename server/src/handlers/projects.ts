/**
 * The pipeline projects of the workspace: discovery (folders with `assetline.config.json`, or
 * a package.json depending on `assetline`), one `AnalysisSession` each, debounced re-analysis
 * after edits, and the status the client and the tests wait on.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  AnalysisSession,
  type AnalysisResult,
  type RawDiagnostic,
  type TypeCheckJob,
} from "@assetline/analysis";
import { isSkippedFolder } from "@assetline/core";

/** How deep under a workspace folder projects are looked for (and the server watches folders). */
export const MAX_DEPTH = 8;

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return path.resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

function isPipelineRoot(dir: string): boolean {
  if (fs.existsSync(path.join(dir, "assetline.config.json"))) return true;
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
      name?: unknown;
      dependencies?: Record<string, unknown>;
      devDependencies?: Record<string, unknown>;
      peerDependencies?: Record<string, unknown>;
    };
    if (manifest.name === "assetline") return false;
    return Boolean(
      manifest.dependencies?.assetline ??
      manifest.devDependencies?.assetline ??
      manifest.peerDependencies?.assetline,
    );
  } catch {
    return false;
  }
}

/** Pipeline project roots under a folder (the folder itself included), nested ones too. */
export function discoverProjects(folder: string): string[] {
  const roots: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (isPipelineRoot(dir)) roots.push(dir);
    if (depth >= MAX_DEPTH) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || isSkippedFolder(entry.name)) continue;
      walk(path.join(dir, entry.name), depth + 1);
    }
  };
  walk(path.resolve(folder), 0);
  return roots;
}

export interface Project {
  root: string;
  rootUri: string;
  session: AnalysisSession;
  result?: AnalysisResult;
  /** A change is waiting for the next analysis. */
  pending: boolean;
  /** The last analysis failed with this message. */
  error?: string;
  /** Type diagnostics of the last analysis (filled in the background after it). */
  typeDiagnostics: RawDiagnostic[];
  /** True while the type checks of the last analysis run. */
  typing: boolean;
  /** Its assetline.config.json is not valid JSON (an error diagnostic on that file). */
  configInvalid?: boolean;
  /** The type checks ran to the end once (the typed program exists: later checks are quick). */
  typedOnce?: boolean;
  /** Increases with every analysis; a background job of an older one stops. */
  generation: number;
}

export interface ProjectEvents {
  log(message: string): void;
  /** A failure; `show`: the user must act on it (it is shown in the editor, not only logged). */
  error(message: string, show?: boolean): void;
  /** Called after each analysis of a project (successful or not). */
  analysed(project: Project): void;
  /** Called whenever the overall state may have changed. */
  stateChanged(): void;
  /** Files open in the editor: their type checks run first. */
  openFiles(): string[];
}

/** How long one slice of background type checking may hold the event loop. */
const TYPE_SLICE_MS = 15;
/** The type checks of the open files run before an analysis is published, up to this long. */
const TYPE_SYNC_MS = 40;

export class Projects {
  private readonly projects = new Map<string, Project>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly events: ProjectEvents,
    private readonly debounceMs = 120,
  ) {}

  get all(): Project[] {
    return [...this.projects.values()];
  }

  get busy(): boolean {
    return this.running || this.all.some((project) => project.pending || project.typing);
  }

  /** Replaces the set of projects with those found under the workspace folders. */
  setFolders(folders: string[]): void {
    const roots = new Set<string>();
    for (const folder of folders) for (const root of discoverProjects(folder)) roots.add(root);
    for (const root of [...this.projects.keys()]) if (!roots.has(root)) this.projects.delete(root);
    for (const root of roots) {
      if (this.projects.has(root)) continue;
      try {
        const nested = [...roots].filter((other) => other !== root && other.startsWith(root + path.sep));
        const session = new AnalysisSession(root, {
          log: (message) => this.events.log(message),
          exclude: nested,
        });
        this.projects.set(root, {
          root,
          rootUri: pathToUri(root),
          session,
          pending: true,
          typeDiagnostics: [],
          typing: false,
          generation: 0,
        });
        this.events.log(`Pipeline project: ${root} (${session.sourceFiles.length} files)`);
      } catch (error) {
        this.events.error(
          `Assetline cannot open the pipeline project ${root}: ${describeError(error)}. Fix it, then save a file there or restart the language server.`,
          true,
        );
      }
    }
    this.schedule(0);
  }

  /** The project a file belongs to: the deepest project root that contains it. */
  projectOf(file: string): Project | undefined {
    let best: Project | undefined;
    for (const project of this.projects.values()) {
      const relative = path.relative(project.root, file);
      if (relative.startsWith("..") || path.isAbsolute(relative)) continue;
      if (!best || project.root.length > best.root.length) best = project;
    }
    return best;
  }

  /** An editor buffer changed (text) or was closed (undefined: back to the disk contents). */
  setText(file: string, text: string | undefined): void {
    const project = this.projectOf(file);
    if (!project) return;
    // A file that cannot reach the library (most of a repository) changes nothing.
    if (!project.session.setFileText(file, text)) return;
    project.pending = true;
    this.schedule();
  }

  /** A file changed on disk, or a folder went (each of its sources went with it). */
  fileChanged(file: string): void {
    const project = this.projectOf(file);
    if (!project) return;
    const inside = file + path.sep;
    const gone = fs.existsSync(file)
      ? []
      : project.session.sourceFiles.filter((source) => source.startsWith(inside));
    let changed = false;
    for (const each of gone.length > 0 ? gone : [file])
      changed = project.session.fileChangedOnDisk(each) || changed;
    if (!changed) return;
    project.pending = true;
    this.schedule();
  }

  /** Runs the pending analyses now (requests that need an up-to-date graph call this). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.runPending();
  }

  private schedule(delay = this.debounceMs): void {
    // A newer change restarts the wait: stale work is never started.
    if (this.timer) clearTimeout(this.timer);
    this.events.stateChanged();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runPending();
    }, delay);
  }

  private runPending(): void {
    if (this.running) return;
    this.running = true;
    try {
      for (const project of this.projects.values()) {
        if (!project.pending) continue;
        project.pending = false;
        project.generation++;
        const previous = project.typeDiagnostics;
        project.typeDiagnostics = [];
        project.typing = false;
        try {
          project.result = project.session.analyze();
          delete project.error;
        } catch (error) {
          project.error = describeError(error);
          this.events.error(
            `Analysis of ${project.root} failed: ${error instanceof Error ? (error.stack ?? error.message) : project.error}`,
          );
        }
        const job = project.result && !project.error ? this.typeCheckJob(project, previous) : undefined;
        this.events.analysed(project);
        if (job) this.startTypeChecks(project, job);
      }
    } finally {
      this.running = false;
      this.events.stateChanged();
    }
  }

  /**
   * The type checks of a new analysis. Until they end, the last ones stay for the files whose
   * text did not change (no diagnostic flickers away and back while typing elsewhere); once the
   * typed program has been built, the open files are checked at once (a few milliseconds), so
   * that the edited file's type diagnostics come with its structural ones.
   */
  private typeCheckJob(project: Project, previous: RawDiagnostic[]): TypeCheckJob | undefined {
    const result = project.result!;
    const job = project.session.typeCheckJob(this.events.openFiles());
    if (!job) return undefined;
    const changed = new Set(result.changedFiles);
    const stale = (diagnostic: RawDiagnostic): boolean =>
      changed.has(diagnostic.span.file) ||
      (diagnostic.related ?? []).some((related) => changed.has(related.span.file));
    const kept = previous.filter((diagnostic) => !stale(diagnostic));
    if (project.typedOnce) {
      try {
        job.step(performance.now() + TYPE_SYNC_MS);
      } catch (error) {
        this.events.error(`Type checks of ${project.root} failed: ${describeError(error)}`);
      }
    }
    const checked = new Set(job.checkedFiles());
    const id = (diagnostic: RawDiagnostic): string =>
      `${diagnostic.span.file}:${diagnostic.span.start}:${diagnostic.span.end}:${diagnostic.message}`;
    const fresh = new Set(job.diagnostics.map(id));
    project.typeDiagnostics = [
      ...kept.filter((diagnostic) => !checked.has(diagnostic.span.file) && !fresh.has(id(diagnostic))),
      ...job.diagnostics,
    ];
    return job;
  }

  /**
   * Type checks after the structural diagnostics are out: in slices of a few milliseconds,
   * open files first, abandoned as soon as a newer analysis exists.
   */
  private startTypeChecks(project: Project, job: TypeCheckJob): void {
    const generation = project.generation;
    project.typing = true;
    const slice = (): void => {
      if (project.generation !== generation) return;
      if (project.pending) {
        project.typing = false;
        return;
      }
      let done: boolean;
      try {
        done = job.step(performance.now() + TYPE_SLICE_MS);
      } catch (error) {
        this.events.error(`Type checks of ${project.root} failed: ${describeError(error)}`);
        done = true;
      }
      if (!done) {
        setImmediate(slice);
        return;
      }
      project.typing = false;
      project.typedOnce = true;
      const before = project.typeDiagnostics;
      project.typeDiagnostics = job.diagnostics;
      if (job.diagnostics.length > 0 || before.length > 0) this.events.analysed(project);
      this.events.stateChanged();
    };
    setImmediate(slice);
  }

  /** The graph of a project with its type diagnostics. */
  graphOf(project: Project) {
    if (!project.result) return { version: 1 as const, assets: [], diagnostics: [] };
    return project.session.graphWith(project.typeDiagnostics);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Converts a file URI from the client to a path, or undefined for other schemes. */
export function documentPath(uri: string): string | undefined {
  return uriToPath(uri);
}
