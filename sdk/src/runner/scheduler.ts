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
  skip(step: PlanStep, reason: string): void;
}

export interface ScheduleResult {
  /** Steps that never became ready although nothing failed (a dependency cycle). */
  neverReady: boolean;
}

function skipReason(step: PlanStep, outcome: Exclude<StepOutcome, "materialized">): string {
  const what = step.partition === undefined ? `"${step.key}"` : `"${step.key}" partition ${step.partition}`;
  if (outcome === "blocked") return `a blocking check on ${what} failed`;
  if (outcome === "cancelled") return "the run was cancelled";
  return `upstream ${what} failed`;
}

export async function schedule(plan: ExecutionPlan, options: ScheduleOptions): Promise<ScheduleResult> {
  const { signal } = options;
  const concurrency = Math.max(1, options.concurrency);
  const waitingOn = new Map(plan.steps.map((s) => [s.id, s.needs.length]));
  const done = new Set<string>();
  const ready = plan.steps.filter((s) => s.needs.length === 0);
  let next = 0; // `ready` is a queue: taken from `next`, never shifted (a backfill has thousands)

  const settle = (step: PlanStep, outcome: StepOutcome): void => {
    done.add(step.id);
    if (outcome === "materialized") {
      for (const d of plan.downstream.get(step.id) ?? []) {
        const left = waitingOn.get(d)! - 1;
        waitingOn.set(d, left);
        if (left === 0 && !done.has(d)) ready.push(plan.byId.get(d)!);
      }
      return;
    }
    const reason = skipReason(step, outcome);
    for (const d of downstreamSteps(plan, step.id)) {
      if (done.has(d)) continue;
      done.add(d);
      options.skip(plan.byId.get(d)!, reason);
    }
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = (): void => {
      while (!signal.aborted && running < concurrency && next < ready.length) {
        const step = ready[next++]!;
        running++;
        void options
          .run(step)
          .then(
            (outcome) => settle(step, outcome),
            () => settle(step, "failed"),
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
    if (done.has(step.id)) continue;
    done.add(step.id);
    if (!signal.aborted) neverReady = true;
    options.skip(
      step,
      signal.aborted ? "the run was cancelled" : "its upstream assets never finished (a dependency cycle?)",
    );
  }
  return { neverReady };
}
