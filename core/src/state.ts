/**
 * The run state of an asset, computed once: from the run records (`runs.ts`), the few static
 * facts it needs (upstreams, checks, freshness, the code when known) and a `now`. The command
 * line (`assetline status`), the code lens, the hover, the Assets view and the lineage view all
 * show what this module says, in its words. Pure.
 */
import { parseDuration } from "./duration";
import type { AssetRunState, AssetStatus, StateReason } from "./graph";
import { partitionId, type RunEvent, type RunIndex } from "./runs";
import {
  describePartitionsSummary,
  partitionsHealthBar,
  partitionStatuses,
  summarizePartitions,
  type PartitionFacts,
} from "./partitions/status";

/** What the static definitions tell about an asset that its state depends on. */
export interface StateFacts {
  key: string;
  /** Every upstream key (inputs and plain deps). */
  upstreams: readonly string[];
  /** `freshness.maxLag` of the spec ("24h", an ISO 8601 duration such as "P1M"). */
  maxLag?: string;
  /**
   * Declared checks and whether each blocks. A check missing here (the editor does not read
   * `blocking` statically) is taken as its last result recorded it.
   */
  checks?: Readonly<Record<string, { blocking: boolean }>>;
  /**
   * The code as it is now, when known (the loaded definitions know it; the editor does not):
   * the declared `codeVersion`, else a hash of the declaring file.
   */
  code?: { codeVersion?: string; sourceHash?: string };
  /** A partitioned asset: its definition and its upstreams' (the state sums up its partitions). */
  partitioned?: Omit<PartitionFacts, "key" | "code">;
}

/** The word for each state, as every view writes it. */
export const STATE_LABEL: Readonly<Record<AssetRunState, string>> = {
  never: "never materialized",
  fresh: "fresh",
  stale: "stale",
  running: "running",
  failed: "failed",
  "check-failed": "check failed",
};

/** The mark in front of a state's title. */
export const STATE_MARK: Readonly<Record<AssetRunState, string>> = {
  never: "○",
  fresh: "✓",
  stale: "⚠",
  running: "⟳",
  failed: "✗",
  "check-failed": "✗",
};

/** The states from the most urgent to the least: how a group of assets is summed up. */
export const STATE_URGENCY: readonly AssetRunState[] = [
  "running",
  "failed",
  "check-failed",
  "stale",
  "fresh",
  "never",
];

/** "just now", "5 min ago", "2 h ago", "40 d ago". */
export function ago(ms: number): string {
  return ms < 60_000 ? "just now" : `${span(ms)} ago`;
}

/** "30 s", "5 min", "2 h", "10 d": a length of time, rounded for people. */
export function span(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/**
 * The state of one asset. Precedence: running, then failed (the latest run of the asset
 * failed), check failed (a check failed on the latest materialization), never materialized,
 * stale (an upstream materialized after it, its code changed, or its freshness maxLag passed),
 * fresh.
 */
export function assetStatus(facts: StateFacts, index: RunIndex | undefined, now: number): AssetStatus {
  if (facts.partitioned) return partitionedStatus(facts, facts.partitioned, index, now);
  const entry = index?.assets[facts.key];
  const success = entry?.lastSuccess;
  const base = {
    ...(entry ? { runId: entry.lastRunId } : {}),
    ...(success ? { lastMaterialized: success.time } : {}),
  };
  const running = index?.running?.[facts.key];
  if (running) {
    return finish(now, { ...base, runId: running.runId, state: "running" }, [
      {
        code: "running",
        runId: running.runId,
        since: running.time,
        message: `Running since ${running.time} (run ${running.runId}).`,
      },
    ]);
  }
  // A run the user stopped did not fail the asset: it keeps the state its records had before
  // (as Dagster keeps the last materialization of a canceled run's assets).
  if (entry?.lastStatus === "failure" && entry.lastFailure?.reason !== "cancelled") {
    const failure = entry.lastFailure;
    const runId = failure?.runId ?? entry.lastRunId;
    const error = failure?.message ?? "no error was recorded";
    return finish(now, { ...base, state: "failed" }, [
      {
        code: "failed",
        runId,
        failure: failure?.reason ?? "error",
        error,
        time: failure?.time ?? entry.lastTime,
        message: `The latest run (${runId}) failed: ${error}`,
      },
    ]);
  }
  if (!success) {
    return finish(now, { ...base, state: "never" }, [
      { code: "never-materialized", message: "Never materialized." },
    ]);
  }
  const failedChecks: StateReason[] = [];
  for (const [check, result] of Object.entries(entry.checks ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    // A result older than the latest materialization judged data that is gone.
    if (result.passed || result.time < success.time) continue;
    const blocking = facts.checks?.[check]?.blocking ?? result.blocking ?? false;
    failedChecks.push({
      code: "check-failed",
      check,
      blocking,
      runId: result.runId,
      message: `Check "${check}"${blocking ? " (blocking)" : ""} failed on the latest materialization${result.error ? `: ${result.error}` : "."}`,
    });
  }
  if (failedChecks.length > 0) return finish(now, { ...base, state: "check-failed" }, failedChecks);
  const stale: StateReason[] = [];
  for (const upstream of facts.upstreams) {
    const time = index?.assets[upstream]?.lastSuccess?.time;
    if (time !== undefined && Date.parse(time) > Date.parse(success.time)) {
      stale.push({
        code: "upstream-newer",
        upstream,
        time,
        message: `Upstream "${upstream}" was materialized after it (${time}).`,
      });
    }
  }
  const code = facts.code;
  if (code && (code.codeVersion !== undefined || success.codeVersion !== undefined)) {
    if (code.codeVersion !== success.codeVersion) {
      stale.push({
        code: "code-version-changed",
        ...(success.codeVersion !== undefined ? { from: success.codeVersion } : {}),
        ...(code.codeVersion !== undefined ? { to: code.codeVersion } : {}),
        message: `Its codeVersion changed from ${success.codeVersion ?? "(none)"} to ${code.codeVersion ?? "(none)"}.`,
      });
    }
  } else if (code?.sourceHash && success.sourceHash && code.sourceHash !== success.sourceHash) {
    stale.push({ code: "source-changed", message: "Its source file changed since it was materialized." });
  }
  const age = now - Date.parse(success.time);
  const lag = facts.maxLag === undefined ? undefined : parseDuration(facts.maxLag);
  if (facts.maxLag !== undefined && lag !== undefined && age > lag) {
    stale.push({
      code: "freshness",
      maxLag: facts.maxLag,
      ageMs: age,
      overByMs: age - lag,
      message: `Materialized ${ago(age)}: ${span(age - lag)} past its freshness maxLag ${facts.maxLag}.`,
    });
  }
  return finish(now, { ...base, state: stale.length > 0 ? "stale" : "fresh" }, stale);
}

/**
 * A partitioned asset's state sums up its partitions: running while any runs, failed while any
 * failed (a failed check counts), never while none holds data, stale while any is stale, else
 * fresh (missing partitions are not an error: they have not been asked for yet).
 */
function partitionedStatus(
  facts: StateFacts,
  partitioned: Omit<PartitionFacts, "key" | "code">,
  index: RunIndex | undefined,
  now: number,
): AssetStatus {
  const statuses = partitionStatuses(
    { key: facts.key, ...partitioned, ...(facts.code ? { code: facts.code } : {}) },
    index,
    now,
  );
  const summary = summarizePartitions(statuses);
  const entry = index?.assets[facts.key];
  const base = {
    ...(entry ? { runId: entry.lastRunId } : {}),
    ...(entry?.lastSuccess ? { lastMaterialized: entry.lastSuccess.time } : {}),
    partitions: summary,
  };
  const health = `${partitionsHealthBar(summary)} ${describePartitionsSummary(summary)}`;
  const first = (state: string) => statuses.find((s) => s.state === state);
  let result: AssetStatus;
  const running = first("running");
  const failed = first("failed");
  const stale = first("stale");
  if (running) {
    const since = index?.running?.[partitionId(facts.key, running.key)]?.time ?? "";
    result = finish(now, { ...base, runId: running.runId!, state: "running" }, [
      {
        code: "running",
        runId: running.runId!,
        since,
        message: `Running partition ${running.key} (run ${running.runId}).`,
      },
    ]);
  } else if (failed) {
    const record = entry?.partitions?.[failed.key];
    result = finish(now, { ...base, state: "failed" }, [
      {
        code: "failed",
        runId: failed.runId ?? "",
        failure: record?.failure?.reason ?? "check",
        error: failed.reason ?? "",
        time: record?.time ?? "",
        message: `${summary.failed === 1 ? "Partition" : `${summary.failed} partitions failed; the first,`} ${failed.key}${summary.failed === 1 ? " failed" : ""}: ${failed.reason}`,
      },
    ]);
  } else if (summary.materialized + summary.stale === 0) {
    result = finish(now, { ...base, state: "never" }, [
      { code: "never-materialized", message: `No partition materialized yet (${summary.total} exist).` },
    ]);
  } else if (stale) {
    result = finish(now, { ...base, state: "stale" }, [
      {
        code: "partitions-stale",
        count: summary.stale,
        message: `${summary.stale === 1 ? "Partition" : `${summary.stale} partitions are stale; the first,`} ${stale.key}${summary.stale === 1 ? " is stale" : ""}: ${stale.reason}.`,
      },
    ]);
  } else {
    result = finish(now, { ...base, state: "fresh" }, []);
  }
  result.title = `${health} · ${result.title}`;
  return result;
}

/** The states of many assets at once, keyed by asset key. */
export function assetStatuses(
  facts: readonly StateFacts[],
  index: RunIndex | undefined,
  now: number,
): Record<string, AssetStatus> {
  const states: Record<string, AssetStatus> = {};
  for (const each of facts) states[each.key] = assetStatus(each, index, now);
  return states;
}

/**
 * The state an event of a run in progress says, for views that follow a live run before its
 * records are read again (`assetline materialize --json`); undefined when the event says none.
 */
export function statusFromEvent(event: RunEvent, now: number): AssetStatus | undefined {
  const base = { runId: event.runId };
  switch (event.type) {
    case "asset_start":
      return finish(now, { ...base, state: "running" }, [
        {
          code: "running",
          runId: event.runId,
          since: event.time,
          message: `Running since ${event.time} (run ${event.runId}).`,
        },
      ]);
    case "asset_success":
      return finish(now, { ...base, state: "fresh", lastMaterialized: event.time }, []);
    case "asset_failure":
      if (event.reason === "cancelled") return undefined;
      return finish(now, { ...base, state: "failed" }, [
        {
          code: "failed",
          runId: event.runId,
          failure: event.reason,
          error: event.error.message,
          time: event.time,
          message: `The latest run (${event.runId}) failed: ${event.error.message}`,
        },
      ]);
    case "check_result":
      if (event.passed) return undefined;
      return finish(now, { ...base, state: "check-failed" }, [
        {
          code: "check-failed",
          check: event.check,
          blocking: event.blocking,
          runId: event.runId,
          message: `Check "${event.check}"${event.blocking ? " (blocking)" : ""} failed on the latest materialization${event.error ? `: ${event.error.message}` : "."}`,
        },
      ]);
    default:
      return undefined;
  }
}

/**
 * The time a state's words are about: when it failed for a failed asset (none if unknown), else
 * when it was last materialized ("✗ failed (just now)" and "✓ fresh (2 h ago)" say these; a node's "· 3 h ago" too).
 */
export function stateTime(status: AssetStatus): string | undefined {
  if (status.state === "failed") {
    const failed = (status.reasons ?? []).find((reason) => reason.code === "failed");
    return failed?.code === "failed" && failed.time ? failed.time : undefined;
  }
  return status.lastMaterialized;
}

/** The one line every view shows for a state: "✓ fresh (2 h ago)", "⚠ stale: upstream …". */
export function describeStatus(status: AssetStatus, now: number): string {
  const head = `${STATE_MARK[status.state]} ${STATE_LABEL[status.state]}`;
  const reasons = status.reasons ?? [];
  switch (status.state) {
    case "never":
      return STATE_LABEL.never;
    case "running":
      return `${head}…`;
    case "fresh":
    case "failed": {
      const time = stateTime(status);
      return time ? `${head} (${ago(now - Date.parse(time))})` : head;
    }
    default: {
      const parts = reasons.map(shortReason);
      return parts.length > 0 ? `${head}: ${parts.join("; ")}` : head;
    }
  }
}

function shortReason(reason: StateReason): string {
  switch (reason.code) {
    case "check-failed":
      return `${reason.check}${reason.blocking ? " (blocking)" : ""}`;
    case "upstream-newer":
      return `upstream ${reason.upstream} materialized after`;
    case "freshness":
      return `${span(reason.ageMs)} old, ${span(reason.overByMs)} past max lag ${reason.maxLag}`;
    case "code-version-changed":
      return "codeVersion changed";
    case "source-changed":
      return "code changed";
    case "partitions-stale":
      return `${reason.count} partition${reason.count === 1 ? "" : "s"} stale`;
    default:
      return reason.message;
  }
}

/** "✗ 1 failed · ⚠ 1 stale · ✓ 2 fresh · 1 never materialized": the states of several assets. */
export function describeStates(states: readonly AssetRunState[]): string {
  const parts: string[] = [];
  for (const state of STATE_URGENCY) {
    const n = states.filter((each) => each === state).length;
    if (n === 0) continue;
    parts.push(
      state === "never" ? `${n} ${STATE_LABEL.never}` : `${STATE_MARK[state]} ${n} ${STATE_LABEL[state]}`,
    );
  }
  return parts.join(" · ");
}

function finish(
  now: number,
  status: Omit<AssetStatus, "reasons" | "reason" | "title">,
  reasons: StateReason[],
): AssetStatus {
  const result: AssetStatus = { ...status, reasons };
  if (reasons.length > 0) result.reason = reasons.map((reason) => reason.message).join(" ");
  else if (status.lastMaterialized)
    result.reason = `Materialized ${ago(now - Date.parse(status.lastMaterialized))}.`;
  result.title = describeStatus(result, now);
  return result;
}
