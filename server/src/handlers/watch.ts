/**
 * Changes on disk (a `git checkout`, another editor, a run writing its records). A client that
 * can register watchers dynamically watches the globs below for the server
 * (`workspace/didChangeWatchedFiles`); for any other client the server watches the workspace
 * folders itself with `FolderWatcher`. Both end in the same handler in server.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { isSkippedFolder } from "@assetline/core";
import { MAX_DEPTH } from "./projects";

/** What the server needs to hear about: sources, manifests and configs, and the run index. */
export const WATCHED_GLOBS = ["**/*.{ts,tsx,mts,cts,json}", "**/.assetline/index.json"];

const RUN_RECORDS = ".assetline";

/** True for a file the globs above match. */
export function isWatchedFile(file: string): boolean {
  if (path.basename(path.dirname(file)) === RUN_RECORDS) return path.basename(file) === "index.json";
  return /\.(?:[cm]?ts|tsx|json)$/.test(file);
}

/** How long changes are gathered before they are handed on (a checkout touches many files at once). */
const BATCH_MS = 50;
/** At most this many folders are watched (one inotify watch each on Linux). */
const MAX_WATCHED_DIRS = 4000;

/**
 * Watches every folder of the workspace folders that can hold project sources (the folders
 * project discovery walks), plus the `.assetline` folders for the run index. Reports changed
 * paths in batches: watched files that changed, appeared or went, the files of a folder that
 * appeared, and a folder that went (its files are the caller's to find).
 */
export class FolderWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private folders: string[] = [];
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private warnedLimit = false;

  constructor(
    private readonly changed: (files: string[]) => void,
    private readonly error: (message: string) => void,
  ) {}

  get watchedDirs(): number {
    return this.watchers.size;
  }

  setFolders(folders: string[]): void {
    this.folders = folders.map((folder) => path.resolve(folder));
    for (const dir of [...this.watchers.keys()]) if (this.depthOf(dir) === undefined) this.unwatch(dir);
    for (const folder of this.folders) this.watchTree(folder, false);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /** Depth of a folder under the nearest workspace folder holding it, undefined outside them. */
  private depthOf(dir: string): number | undefined {
    let best: number | undefined;
    for (const folder of this.folders) {
      const relative = path.relative(folder, dir);
      if (relative.startsWith("..") || path.isAbsolute(relative)) continue;
      const depth = relative === "" ? 0 : relative.split(path.sep).length;
      if (best === undefined || depth < best) best = depth;
    }
    return best;
  }

  /** Watches a folder and those under it; `appeared`: its files are new, report them. */
  private watchTree(dir: string, appeared: boolean): void {
    if (this.watchers.has(dir)) return;
    const depth = this.depthOf(dir);
    if (depth === undefined || depth > MAX_DEPTH) return;
    if (this.watchers.size >= MAX_WATCHED_DIRS) {
      if (!this.warnedLimit) {
        this.warnedLimit = true;
        this.error(
          `Assetline watches at most ${MAX_WATCHED_DIRS} folders for changes on disk; changes in others are not seen until a file there is opened. Open a smaller folder, or use an editor that watches files for its language servers.`,
        );
      }
      return;
    }
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
        if (name) this.onEvent(dir, name.toString());
      });
    } catch {
      return; // Gone already, or not readable: nothing to watch.
    }
    watcher.on("error", () => this.unwatch(dir));
    this.watchers.set(dir, watcher);
    const isRecords = path.basename(dir) === RUN_RECORDS;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isRecords && this.descends(entry.name)) this.watchTree(full, appeared);
      } else if (appeared && isWatchedFile(full)) this.queue(full);
    }
  }

  /** `.assetline` is watched (for its index) but not walked; other hidden and skipped folders are neither. */
  private descends(name: string): boolean {
    return name === RUN_RECORDS || !isSkippedFolder(name);
  }

  private onEvent(dir: string, name: string): void {
    const full = path.join(dir, name);
    const isRecords = path.basename(dir) === RUN_RECORDS;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(full);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      // Deleted (or renamed away): a folder we watched, or a file.
      if (this.watchers.has(full)) {
        this.unwatch(full);
        this.queue(full);
      } else if (isWatchedFile(full)) this.queue(full);
      return;
    }
    if (stat.isDirectory()) {
      if (!isRecords && this.descends(name)) this.watchTree(full, true);
      return;
    }
    if (isWatchedFile(full)) this.queue(full);
  }

  private unwatch(dir: string): void {
    for (const [watched, watcher] of this.watchers) {
      if (watched === dir || watched.startsWith(dir + path.sep)) {
        watcher.close();
        this.watchers.delete(watched);
      }
    }
  }

  private queue(file: string): void {
    this.pending.add(file);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const files = [...this.pending];
      this.pending.clear();
      this.changed(files);
    }, BATCH_MS);
  }
}
