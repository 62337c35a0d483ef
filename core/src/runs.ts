/** The run records' contract: the NDJSON events a run appends, and the index folded from them. Pure. */

export type RunStatus = "success" | "failure" | "cancelled";
/** `stalled`: the asset waited on a promise that never settles, with nothing else left for Node to do. */
export type FailureReason =
  "error" | "timeout" | "cancelled" | "schema" | "resource" | "input" | "io" | "stalled";

export interface ErrorInfo {
  message: string;
  stack?: string;
}

/** What started a run other than a person: automation, a schedule or a sensor (`assetline dev`). */
export interface RunTrigger {
  type: "automation" | "schedule" | "sensor";
  /** The schedule's or sensor's name. */
  name?: string;
  /** Why, in words. */
  reason: string;
  /** The automation tick that planned the run (.assetline/automation/ticks/ID.json), and the run's place in it. */
  tick: string;
  request: number;
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
      /** How many steps the run plans (an asset, or one partition of one); `assets.length` when absent. */
      steps?: number;
      /** The partitions the run covers (`--partition`, `--partition-range`), first and last key. */
      partitions?: { start: string; end: string; count: number };
      /** The run only ran checks, on the stored values (`assetline run-checks`): nothing was materialized. */
      checksOnly?: true;
      env: string;
      pid: number;
      concurrency: number;
      trigger?: RunTrigger;
    })
  | (Base & { type: "asset_start"; key: string; partition?: string })
  | (Base & {
      type: "asset_success";
      key: string;
      /** The partition materialized, for a partitioned asset (each partition is recorded on its own). */
      partition?: string;
      durationMs: number;
      output: { path?: string; metadata?: Record<string, unknown> };
      codeVersion?: string;
      sourceHash?: string;
    })
  | (Base & {
      type: "asset_failure";
      key: string;
      partition?: string;
      durationMs: number;
      reason: FailureReason;
      error: ErrorInfo;
    })
  | (Base & { type: "asset_skipped"; key: string; partition?: string; reason: string })
  | (Base & {
      type: "check_result";
      key: string;
      partition?: string;
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
  checks?: Record<
    string,
    { runId: string; passed: boolean; time: string; blocking?: boolean; error?: string }
  >;
  /** A partitioned asset: each partition's latest outcome, by partition key. */
  partitions?: Record<string, PartitionRecord>;
}

/** How a step of one partition is named in records and results: `key`, or `key[partition]`. */
export function partitionId(key: string, partition?: string): string {
  return partition === undefined ? key : `${key}[${partition}]`;
}

/** The latest outcome of one partition of an asset (kept small: a backfill has thousands). */
export interface PartitionRecord {
  status: "success" | "failure";
  time: string;
  runId: string;
  /** The latest success, when there was one: its time and the code it ran. */
  success?: { time: string; codeVersion?: string; sourceHash?: string };
  failure?: { reason: FailureReason; message: string };
  /** Checks on the partition's latest materialization that did not pass. */
  failedChecks?: string[];
}

export interface RunIndex {
  version: 1;
  assets: Record<string, IndexEntry>;
  /**
   * Runs whose whole log is folded into this index (ended, or killed). Runs not listed here are
   * folded in from their logs when the index is read, so a killed writer or two runs writing at
   * once never leave it wrong for long: the logs are the truth, the index a cache.
   */
  runs: Record<string, "complete">;
  /** Assets started by a run that has not finished them yet (the run is alive). */
  running?: Record<string, { runId: string; time: string }>;
}

export function emptyIndex(): RunIndex {
  return { version: 1, assets: {}, runs: {} };
}

/** Folds one event into the index. Order-independent: an older event never replaces a newer one. */
export function applyToIndex(index: RunIndex, event: RunEvent): void {
  if (event.type === "asset_start") {
    const id = partitionId(event.key, event.partition);
    const entry = index.assets[event.key];
    const last = event.partition === undefined ? entry?.lastTime : entry?.partitions?.[event.partition]?.time;
    const running = index.running?.[id];
    if ((last === undefined || last < event.time) && (!running || running.time <= event.time))
      (index.running ??= {})[id] = { runId: event.runId, time: event.time };
    return;
  }
  if (event.type === "asset_success" || event.type === "asset_failure" || event.type === "asset_skipped") {
    const id = partitionId(event.key, event.partition);
    if (index.running?.[id]?.runId === event.runId) delete index.running[id];
  }
  if ((event.type === "asset_success" || event.type === "asset_failure") && event.partition !== undefined) {
    applyToPartition(index, event, event.partition);
  }
  if (event.type === "check_result" && event.partition !== undefined) {
    const record = index.assets[event.key]?.partitions?.[event.partition];
    if (record && event.time >= record.time) {
      const failed = (record.failedChecks ?? []).filter((name) => name !== event.check);
      if (!event.passed) failed.push(event.check);
      if (failed.length > 0) record.failedChecks = failed;
      else delete record.failedChecks;
    }
  }
  if (event.type === "run_end") endRun(index, event.runId);
  if (event.type === "asset_success" || event.type === "asset_failure") {
    const status = event.type === "asset_success" ? "success" : "failure";
    let entry = index.assets[event.key];
    if (!entry) {
      entry = { key: event.key, lastRunId: event.runId, lastStatus: status, lastTime: event.time };
      index.assets[event.key] = entry;
    }
    if (event.time >= entry.lastTime) {
      entry.lastRunId = event.runId;
      entry.lastStatus = status;
      entry.lastTime = event.time;
    }
    if (event.type === "asset_success") {
      if (!entry.lastSuccess || event.time >= entry.lastSuccess.time) {
        entry.lastSuccess = {
          runId: event.runId,
          time: event.time,
          durationMs: event.durationMs,
          path: event.output.path,
          codeVersion: event.codeVersion,
          sourceHash: event.sourceHash,
        };
      }
    } else if (!entry.lastFailure || event.time >= entry.lastFailure.time) {
      entry.lastFailure = {
        runId: event.runId,
        time: event.time,
        reason: event.reason,
        message: event.error.message,
      };
    }
  } else if (event.type === "check_result") {
    const entry = index.assets[event.key];
    if (!entry) return;
    const checks = (entry.checks ??= {});
    const previous = checks[event.check];
    if (!previous || event.time >= previous.time) {
      checks[event.check] = {
        runId: event.runId,
        passed: event.passed,
        time: event.time,
        blocking: event.blocking,
        ...(event.error ? { error: event.error.message } : {}),
      };
    }
  }
}

function applyToPartition(
  index: RunIndex,
  event: Extract<RunEvent, { type: "asset_success" | "asset_failure" }>,
  partition: string,
): void {
  const partitions = ((index.assets[event.key] ??= {
    key: event.key,
    lastRunId: event.runId,
    lastStatus: event.type === "asset_success" ? "success" : "failure",
    lastTime: event.time,
  }).partitions ??= {});
  const previous = partitions[partition];
  if (previous && previous.time > event.time) {
    // An older event, folded late: it can only add an older success nobody had recorded.
    if (event.type === "asset_success" && !previous.success) previous.success = successOf(event);
    return;
  }
  const record: PartitionRecord = {
    status: event.type === "asset_success" ? "success" : "failure",
    time: event.time,
    runId: event.runId,
  };
  if (event.type === "asset_success") record.success = successOf(event);
  else {
    if (previous?.success) record.success = previous.success;
    record.failure = { reason: event.reason, message: event.error.message };
  }
  partitions[partition] = record;
}

function successOf(
  event: Extract<RunEvent, { type: "asset_success" }>,
): NonNullable<PartitionRecord["success"]> {
  const success: NonNullable<PartitionRecord["success"]> = { time: event.time };
  if (event.codeVersion !== undefined) success.codeVersion = event.codeVersion;
  if (event.sourceHash !== undefined) success.sourceHash = event.sourceHash;
  return success;
}

/** A run is over (it ended, or its process is gone): none of its assets is running any more. */
export function endRun(index: RunIndex, runId: string): void {
  for (const [key, running] of Object.entries(index.running ?? {}))
    if (running.runId === runId) delete index.running![key];
}
