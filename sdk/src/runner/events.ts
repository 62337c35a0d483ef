/** Run records: an append-only NDJSON event log per run, and an index of the latest materializations. */
import fs from "node:fs";
import path from "node:path";
import { processAlive, readJsonFile, sweepStaleTemps, writeFileAtomic } from "../fsutil";
import { applyToIndex, emptyIndex, endRun, type RunEvent, type RunIndex } from "@assetline/core";

export function assetlineDir(root: string): string {
  return path.join(root, ".assetline");
}
export function runsDir(root: string): string {
  return path.join(assetlineDir(root), "runs");
}
export function eventsFile(root: string, runId: string): string {
  return path.join(runsDir(root), runId, "events.ndjson");
}
export function indexFile(root: string): string {
  return path.join(assetlineDir(root), "index.json");
}

/** Sortable, readable and unique enough: 20261124T081500123Z-1a2b3c. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(".", "");
  return `${stamp}-${Math.random().toString(16).slice(2, 8)}`;
}

/** Reads a run's events; a truncated last line (a killed process) is ignored. */
export function readEvents(root: string, runId: string): RunEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(eventsFile(root, runId), "utf8");
  } catch {
    throw new Error(
      `No run "${runId}" in ${path.relative(process.cwd(), runsDir(root)) || runsDir(root)}; list runs with \`assetline runs\`.`,
    );
  }
  const events: RunEvent[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // A partial line left by a killed process.
    }
  }
  return events;
}

export function listRunIds(root: string): string[] {
  try {
    return fs
      .readdirSync(runsDir(root), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** Folds every run the index does not cover yet; returns whether anything changed. */
function foldPending(root: string, index: RunIndex): boolean {
  let changed = false;
  for (const runId of listRunIds(root)) {
    if (index.runs[runId] === "complete") continue;
    let events: RunEvent[];
    try {
      events = readEvents(root, runId);
    } catch {
      continue;
    }
    for (const event of events) applyToIndex(index, event);
    changed = true;
    const start = events.find((e) => e.type === "run_start");
    const ended = events.some((e) => e.type === "run_end");
    // A run without run_end whose process is gone was killed: its log will not grow any more.
    if (ended || (start && !processAlive(start.pid))) {
      index.runs[runId] = "complete";
      endRun(index, runId);
    }
  }
  return changed;
}

function loadIndexFile(root: string): RunIndex {
  try {
    const index = readJsonFile<RunIndex>(indexFile(root));
    if (index && index.version === 1 && typeof index.assets === "object") {
      index.runs ??= {};
      return index;
    }
  } catch {
    // A damaged index is rebuilt from the logs rather than trusted.
  }
  return emptyIndex();
}

function writeIndex(root: string, index: RunIndex): void {
  writeFileAtomic(indexFile(root), JSON.stringify(index, null, 2) + "\n");
}

/**
 * The latest materialization per asset: the index file, brought up to date from the run logs
 * (and written back, unless `write` is false: an editor reads without writing).
 */
export function readIndex(root: string, write = true): RunIndex {
  const index = loadIndexFile(root);
  if (foldPending(root, index) && write && fs.existsSync(assetlineDir(root))) {
    try {
      writeIndex(root, index);
    } catch {
      // read-only checkout: the index is only a cache
    }
  }
  return index;
}

/** Recomputes the index from every run's event log (and writes it). */
export function rebuildIndex(root: string, write = true): RunIndex {
  const index = emptyIndex();
  foldPending(root, index);
  if (write && fs.existsSync(assetlineDir(root))) writeIndex(root, index);
  return index;
}

/** Appends events to the run's log (one write per line) and keeps the index current. */
export class RunRecorder {
  private readonly fd: number;
  private readonly index: RunIndex;
  private lastWrite = 0;

  constructor(
    private readonly root: string,
    readonly runId: string,
    /** How often the index is rewritten during a run (it is always written at the end). */
    private readonly indexIntervalMs = 250,
  ) {
    const file = eventsFile(root, runId);
    // A previous run killed mid-write may have left temp files; its outputs were never renamed in.
    sweepStaleTemps(assetlineDir(root));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "a");
    this.index = readIndex(root);
  }

  record(event: RunEvent): void {
    // One write call per line: a kill leaves whole lines (at worst a missing last one).
    fs.writeSync(this.fd, JSON.stringify(event) + "\n");
    applyToIndex(this.index, event);
    // An outcome is written soon; a start rides along with the next write (a reader that wants
    // the running assets folds the log, as readIndex does).
    if (event.type === "asset_success" || event.type === "asset_failure" || event.type === "check_result") {
      const now = Date.now();
      if (now - this.lastWrite >= this.indexIntervalMs) {
        this.lastWrite = now;
        writeIndex(this.root, this.index);
      }
    }
  }

  close(): void {
    fs.closeSync(this.fd);
    // Merge with whatever other runs wrote meanwhile; our log is complete now, so it is folded too.
    const merged = loadIndexFile(this.root);
    foldPending(this.root, merged);
    writeIndex(this.root, merged);
  }
}
