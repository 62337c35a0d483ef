/**
 * The scheduler: starts a plan's steps as their needs are met, up to the concurrency limit;
 * skips what depends on a step that failed or whose blocking check failed; starts nothing new
 * once the run is cancelled, and skips what never started.
 */
import { downstreamSteps, type ExecutionPlan, type PlanStep } from "./plan";
import type { StepOutcome } from "./steps";

export interface ScheduleOptions {
  /** How many steps may run at once (at least 1). */
  concurrency: number;
  /** The run's cancellation: once aborted, nothing new starts. */
  signal: AbortSignal;
  /** Runs one step; never rejects. */
  run(step: PlanStep): Promise<StepOutcome>;
  /** A step that will not run, and why (reported once per step). */
  skip(key: string, reason: string): void;
}

export interface ScheduleResult {
  /** Steps that never became ready although nothing failed (a dependency cycle). */
  neverReady: boolean;
}

function skipReason(key: string, outcome: Exclude<StepOutcome, "materialized">): string {
  if (outcome === "blocked") return `a blocking check on "${key}" failed`;
  if (outcome === "cancelled") return "the run was cancelled";
  return `upstream "${key}" failed`;
}

export async function schedule(plan: ExecutionPlan, options: ScheduleOptions): Promise<ScheduleResult> {
  const { signal } = options;
  const concurrency = Math.max(1, options.concurrency);
  const waitingOn = new Map(plan.steps.map((s) => [s.key, s.needs.length]));
  const done = new Set<string>();
  const ready = plan.steps.filter((s) => s.needs.length === 0);

  const settle = (key: string, outcome: StepOutcome): void => {
    done.add(key);
    if (outcome === "materialized") {
      for (const d of plan.downstream.get(key) ?? []) {
        const left = waitingOn.get(d)! - 1;
        waitingOn.set(d, left);
        if (left === 0 && !done.has(d)) ready.push(plan.byKey.get(d)!);
      }
      return;
    }
    const reason = skipReason(key, outcome);
    for (const d of downstreamSteps(plan, key)) {
      if (done.has(d)) continue;
      done.add(d);
      options.skip(d, reason);
    }
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = (): void => {
      while (!signal.aborted && running < concurrency && ready.length > 0) {
        const step = ready.shift()!;
        running++;
        void options
          .run(step)
          .then(
            (outcome) => settle(step.key, outcome),
            () => settle(step.key, "failed"),
          )
          .finally(() => {
            running--;
            pump();
          });
      }
      if (running === 0) resolve();
    };
    pump();
  });

  // Whatever did not run: cancelled, or (defensively; definitions refuse cycles) never ready.
  let neverReady = false;
  for (const step of plan.steps) {
    if (done.has(step.key)) continue;
    done.add(step.key);
    if (!signal.aborted) neverReady = true;
    options.skip(
      step.key,
      signal.aborted ? "the run was cancelled" : "its upstream assets never finished (a dependency cycle?)",
    );
  }
  return { neverReady };
}
