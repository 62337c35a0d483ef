/**
 * A recorded run as the Recent Runs tree shows it: the run, titled by what ran and what started
 * it; under it each step (an asset, or one partition of one) with its outcome and duration; under
 * a step its checks and logs. Built from the run's events alone. Pure.
 */
import { describeRunTarget, keyList, partitionId, type RunEvent } from "@assetline/core";

export type StepOutcome = "materialized" | "failed" | "skipped" | "running";

export interface RunDetail {
  label: string;
  description?: string;
  kind: "check-passed" | "check-failed" | "log" | "error";
}

export interface RunStep {
  /** `key`, or `key[partition]`. */
  id: string;
  key: string;
  outcome: StepOutcome;
  durationMs?: number;
  /** Why it failed or was skipped. */
  reason?: string;
  details: RunDetail[];
}

export interface RunNode {
  runId: string;
  title: string;
  /** "success · 0.9 s · local · 12/7/2026, 10:00:00 AM" (the time in the viewer's locale). */
  status: "success" | "failure" | "cancelled" | "running or interrupted";
  durationMs?: number;
  env?: string;
  startedAt?: string;
  steps: RunStep[];
}

export function runTree(runId: string, events: readonly RunEvent[]): RunNode {
  const start = events.find((e): e is Extract<RunEvent, { type: "run_start" }> => e.type === "run_start");
  const end = events.find((e): e is Extract<RunEvent, { type: "run_end" }> => e.type === "run_end");
  const steps = new Map<string, RunStep>();
  /** The step of each key that started last: an asset's logs carry no partition. */
  const latest = new Map<string, RunStep>();
  const step = (key: string, partition?: string): RunStep => {
    const id = partitionId(key, partition);
    let found = steps.get(id);
    if (!found) steps.set(id, (found = { id, key, outcome: "running", details: [] }));
    latest.set(key, found);
    return found;
  };
  for (const event of events) {
    switch (event.type) {
      case "asset_start":
        step(event.key, event.partition);
        break;
      case "asset_success": {
        const s = step(event.key, event.partition);
        s.outcome = "materialized";
        s.durationMs = event.durationMs;
        break;
      }
      case "asset_failure": {
        const s = step(event.key, event.partition);
        s.outcome = "failed";
        s.durationMs = event.durationMs;
        s.reason = event.error.message;
        s.details.push({ label: `${event.reason}: ${event.error.message}`, kind: "error" });
        break;
      }
      case "asset_skipped": {
        const s = step(event.key, event.partition);
        s.outcome = "skipped";
        s.reason = event.reason;
        break;
      }
      case "check_result": {
        const s = step(event.key, event.partition);
        // A checks-only run has no asset_start: its steps are the checked values.
        if (start?.checksOnly && s.outcome === "running") s.outcome = "materialized";
        s.details.push({
          label: `check ${event.check}: ${event.passed ? "passed" : "failed"}`,
          ...(event.description || event.error
            ? { description: event.error?.message ?? event.description }
            : {}),
          kind: event.passed ? "check-passed" : "check-failed",
        });
        break;
      }
      case "log":
        if (event.key !== undefined)
          (latest.get(event.key) ?? step(event.key)).details.push({
            label: `[${event.level}] ${event.message}`,
            kind: "log",
          });
        break;
      default:
        break;
    }
  }
  // A run that ended leaves nothing running: what never finished was stopped with it.
  if (end) for (const s of steps.values()) if (s.outcome === "running") s.outcome = "skipped";
  const assets = start?.assets ?? [...new Set([...steps.values()].map((s) => s.key))];
  const target = start ? describeRunTarget(start.selection, assets) : keyList(assets);
  const what = start?.checksOnly ? `checks of ${keyList(assets)}` : target || runId;
  const partitions = start?.partitions
    ? ` [${start.partitions.start === start.partitions.end ? start.partitions.start : `${start.partitions.start}...${start.partitions.end}`}]`
    : "";
  const trigger = start?.trigger
    ? `${start.trigger.type}${start.trigger.name ? ` ${start.trigger.name}` : ""}: `
    : "";
  return {
    runId,
    title: `${trigger}${what}${partitions}`,
    status: end?.status ?? "running or interrupted",
    ...(end ? { durationMs: end.durationMs } : {}),
    ...(start ? { env: start.env, startedAt: start.time } : {}),
    steps: [...steps.values()],
  };
}
