/** Run records: an append-only NDJSON event log per run, and an index of the latest materializations. */
import fs from "node:fs";
import path from "node:path";
import { readJsonFile, sweepStaleTemps, writeFileAtomic } from "../fsutil";

export type RunStatus = "success" | "failure" | "cancelled";
export type FailureReason = "error" | "timeout" | "cancelled" | "schema" | "resource" | "input";

export interface ErrorInfo {
  message: string;
  stack?: string;
}

interface Base {
  runId: string;
  /** ISO timestamp. */
  time: string;
}

export type RunEvent =
  | (Base & {
      type: "run_start";
      selection: string;
      assets: string[];
      env: string;
      pid: number;
      concurrency: number;
    })
  | (Base & { type: "asset_start"; key: string })
  | (Base & {
      type: "asset_success";
      key: string;
      durationMs: number;
      output: { path?: string; metadata?: Record<string, unknown> };
      codeVersion?: string;
      sourceHash?: string;
    })
  | (Base & {
      type: "asset_failure";
      key: string;
      durationMs: number;
      reason: FailureReason;
      error: ErrorInfo;
    })
  | (Base & { type: "asset_skipped"; key: string; reason: string })
  | (Base & {
      type: "check_result";
      key: string;
      check: string;
      passed: boolean;
      blocking: boolean;
      severity: "error" | "warn";
      description?: string;
      metadata?: Record<string, unknown>;
      error?: ErrorInfo;
    })
  | (Base & { type: "log"; key?: string; level: "info" | "warn" | "error"; message: string; data?: unknown })
  | (Base & {
      type: "run_end";
      status: RunStatus;
      durationMs: number;
      materialized: string[];
      failed: string[];
      skipped: string[];
      failedChecks: string[];
    });

export type RunEventType = RunEvent["type"];

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

export interface IndexEntry {
  key: string;
  lastRunId: string;
  lastStatus: "success" | "failure";
  lastTime: string;
  lastSuccess?: {
    runId: string;
    time: string;
    durationMs: number;
    path?: string;
    codeVersion?: string;
    sourceHash?: string;
  };
  lastFailure?: { runId: string; time: string; reason: FailureReason; message: string };
  checks?: Record<string, { runId: string; passed: boolean; time: string }>;
}

export interface RunIndex {
  version: 1;
  assets: Record<string, IndexEntry>;
}

export function emptyIndex(): RunIndex {
  return { version: 1, assets: {} };
}

/** Folds one event into the index (shared by the live recorder and the rebuild from logs). */
export function applyToIndex(index: RunIndex, event: RunEvent): void {
  if (event.type === "asset_success") {
    const entry = (index.assets[event.key] ??= {
      key: event.key,
      lastRunId: event.runId,
      lastStatus: "success",
      lastTime: event.time,
    });
    entry.lastRunId = event.runId;
    entry.lastStatus = "success";
    entry.lastTime = event.time;
    entry.lastSuccess = {
      runId: event.runId,
      time: event.time,
      durationMs: event.durationMs,
      path: event.output.path,
      codeVersion: event.codeVersion,
      sourceHash: event.sourceHash,
    };
  } else if (event.type === "asset_failure") {
    const entry = (index.assets[event.key] ??= {
      key: event.key,
      lastRunId: event.runId,
      lastStatus: "failure",
      lastTime: event.time,
    });
    entry.lastRunId = event.runId;
    entry.lastStatus = "failure";
    entry.lastTime = event.time;
    entry.lastFailure = {
      runId: event.runId,
      time: event.time,
      reason: event.reason,
      message: event.error.message,
    };
  } else if (event.type === "check_result") {
    const entry = index.assets[event.key];
    if (entry)
      (entry.checks ??= {})[event.check] = { runId: event.runId, passed: event.passed, time: event.time };
  }
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

export function readIndex(root: string): RunIndex {
  try {
    return readJsonFile<RunIndex>(indexFile(root)) ?? rebuildIndex(root);
  } catch {
    // A damaged index is rebuilt from the logs rather than trusted.
    return rebuildIndex(root);
  }
}

/** Recomputes the index from every run's event log (and writes it). */
export function rebuildIndex(root: string, write = true): RunIndex {
  const index = emptyIndex();
  for (const runId of listRunIds(root)) {
    for (const event of readEvents(root, runId)) applyToIndex(index, event);
  }
  if (write && fs.existsSync(assetlineDir(root)))
    writeFileAtomic(indexFile(root), JSON.stringify(index, null, 2) + "\n");
  return index;
}

/** Appends events to the run's log (one write per line) and keeps the index current. */
export class RunRecorder {
  private readonly fd: number;
  private index: RunIndex;

  constructor(
    private readonly root: string,
    readonly runId: string,
  ) {
    const file = eventsFile(root, runId);
    // A previous run killed mid-write may have left temp files; its outputs were never renamed in.
    sweepStaleTemps(assetlineDir(root));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "a");
    this.index = readIndex(root);
  }

  record(event: RunEvent): void {
    fs.writeSync(this.fd, JSON.stringify(event) + "\n");
    if (event.type === "asset_success" || event.type === "asset_failure" || event.type === "check_result") {
      // Re-read so that concurrent runs do not lose each other's entries (best effort; the logs are the truth).
      try {
        this.index = readJsonFile<RunIndex>(indexFile(this.root)) ?? this.index;
      } catch {
        // keep ours
      }
      applyToIndex(this.index, event);
      writeFileAtomic(indexFile(this.root), JSON.stringify(this.index, null, 2) + "\n");
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
