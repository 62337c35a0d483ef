/**
 * One set of run records covering every run state, as the runner writes them (NDJSON events
 * per run, folded into the index by core's applyToIndex), and the pipeline that declares the
 * assets they are about. The state tests and the consistency test feed it to every consumer.
 */
import fs from "node:fs";
import path from "node:path";
import { applyToIndex, emptyIndex, type AssetRunState, type RunEvent, type RunIndex } from "@assetline/core";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What each asset of the scenario must be, in every view. */
export const EXPECTED: Record<string, { state: AssetRunState; title: RegExp }> = {
  "s/never": { state: "never", title: /^never materialized$/ },
  "s/up": { state: "fresh", title: /^✓ fresh \(1 h ago\)$/ },
  "s/down": { state: "stale", title: /^⚠ stale: upstream s\/up materialized after$/ },
  "s/monthly": { state: "stale", title: /^⚠ stale: 40 d old, 10 d past max lag P1M$/ },
  "s/running": { state: "running", title: /^⟳ running…$/ },
  "s/failed": { state: "failed", title: /^✗ failed \(1 h ago\)$/ },
  "s/checked": { state: "check-failed", title: /^✗ check failed: non_negative \(blocking\)$/ },
};

/** The pipeline the records are about, as a user writes it. */
export const PIPELINE = `import { asset, check } from "assetline";

export const never = asset("s/never", {}, () => 1);
export const up = asset("s/up", {}, () => 1);
export const down = asset("s/down", { deps: [up] }, () => 1);
export const monthly = asset("s/monthly", { freshness: { maxLag: "P1M" } }, () => 1);
export const running = asset("s/running", {}, () => 1);
export const failed = asset("s/failed", {}, () => 1);
export const checked = asset("s/checked", {}, () => [-1]);
export const nonNegative = check(checked, "non_negative", { blocking: true }, (_ctx, rows) =>
  rows.every((n) => n >= 0),
);
`;

/**
 * The runs, relative to `now`: r0 (40 days ago) and r1 (2 h ago) ended, r2 (1 h ago) ended,
 * r3 is still going (its process, `pid`, is alive).
 */
export function scenarioRuns(now: number, pid: number): Record<string, RunEvent[]> {
  const at = (ms: number) => new Date(now - ms).toISOString();
  const start = (runId: string, time: string, assets: string[]): RunEvent => ({
    type: "run_start",
    runId,
    time,
    selection: assets.join(" or "),
    assets,
    env: "default",
    pid,
    concurrency: 1,
  });
  const success = (runId: string, time: string, key: string): RunEvent[] => [
    { type: "asset_start", runId, time, key },
    { type: "asset_success", runId, time, key, durationMs: 1, output: {} },
  ];
  const end = (runId: string, time: string, materialized: string[], failed: string[] = []): RunEvent => ({
    type: "run_end",
    runId,
    time,
    status: failed.length ? "failure" : "success",
    durationMs: 1,
    materialized,
    failed,
    skipped: [],
    failedChecks: failed.includes("s/checked") ? ["s/checked:non_negative"] : [],
  });
  const r2 = at(HOUR);
  return {
    r0: [
      start("r0", at(40 * DAY), ["s/monthly"]),
      ...success("r0", at(40 * DAY), "s/monthly"),
      end("r0", at(40 * DAY), ["s/monthly"]),
    ],
    r1: [
      start("r1", at(2 * HOUR), ["s/down"]),
      ...success("r1", at(2 * HOUR), "s/down"),
      end("r1", at(2 * HOUR), ["s/down"]),
    ],
    r2: [
      start("r2", r2, ["s/up", "s/failed", "s/checked"]),
      ...success("r2", r2, "s/up"),
      { type: "asset_start", runId: "r2", time: r2, key: "s/failed" },
      {
        type: "asset_failure",
        runId: "r2",
        time: r2,
        key: "s/failed",
        durationMs: 1,
        reason: "error",
        error: { message: "boom" },
      },
      ...success("r2", r2, "s/checked"),
      {
        type: "check_result",
        runId: "r2",
        time: r2,
        key: "s/checked",
        check: "non_negative",
        passed: false,
        blocking: true,
        severity: "error",
      },
      end("r2", r2, ["s/up", "s/checked"], ["s/failed"]),
    ],
    r3: [
      start("r3", at(60_000), ["s/running"]),
      { type: "asset_start", runId: "r3", time: at(60_000), key: "s/running" },
    ],
  };
}

/** The index the runner keeps, folded from the runs as it folds them. */
export function scenarioIndex(runs: Record<string, RunEvent[]>): RunIndex {
  const index = emptyIndex();
  for (const [runId, events] of Object.entries(runs)) {
    for (const event of events) applyToIndex(index, event);
    if (events.some((event) => event.type === "run_end")) index.runs[runId] = "complete";
  }
  return index;
}

/** Writes the runs' logs and the index under `<root>/.assetline/`, where the runner keeps them. */
export function writeScenario(root: string, now: number, pid: number): RunIndex {
  const runs = scenarioRuns(now, pid);
  for (const [runId, events] of Object.entries(runs)) {
    const dir = path.join(root, ".assetline", "runs", runId);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "events.ndjson"),
      events.map((event) => JSON.stringify(event) + "\n").join(""),
    );
  }
  const index = scenarioIndex(runs);
  fs.writeFileSync(path.join(root, ".assetline", "index.json"), JSON.stringify(index, null, 2) + "\n");
  return index;
}
