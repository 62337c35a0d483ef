/**
 * The one deadline and cancellation mechanism of a run. Every step (materializing an asset,
 * running a check) owns a `StepScope`: its clock (the asset's `timeoutMs`), its link to the run's
 * cancellation, and the watch for promises that never settle. Assets and checks are interrupted
 * by the same code and fail with the same sentences.
 */
import { setMaxListeners } from "node:events";

/** Why a step was interrupted (a subset of the run records' FailureReason). */
export type Interruption = "timeout" | "cancelled" | "stalled";

/** A step stopped by its deadline, by the run's cancellation, or by a promise that never settles. */
export class StepInterrupted extends Error {
  override readonly name = "StepInterrupted";
  constructor(
    message: string,
    readonly reason: Interruption,
  ) {
    super(message);
  }
}

/** Why a stalled wait will never end, for the sentence that fails it. */
export const NEVER_SETTLES =
  "returned a promise that never settles (nothing else was left for Node to do, so the run would have waited forever)";

/**
 * Waits that fail once Node's event loop has nothing left to do but them. A promise that never
 * settles (and holds nothing open) would otherwise end the process in the middle of a run: exit
 * code 0, no `run_end`, the run recorded as "interrupted". Node announces that moment with
 * `beforeExit`.
 */
const stalledWaits = new Set<() => void>();

function onEventLoopDrained(): void {
  if (stalledWaits.size === 0) return;
  for (const fail of [...stalledWaits]) fail();
  // Come round once more: if what the run does next waits forever too, `beforeExit` comes again
  // (with nothing pending, Node would exit right after this listener).
  setImmediate(() => undefined);
}

/** `work`, or a rejection with `failure()` once nothing but `work` is left for Node to do. */
export function unlessStalled<T>(work: Promise<T>, failure: () => Error): Promise<T> {
  let fail!: () => void;
  const stalled = new Promise<never>((_, reject) => {
    fail = () => reject(failure());
  });
  if (stalledWaits.size === 0) process.on("beforeExit", onEventLoopDrained);
  stalledWaits.add(fail);
  work.catch(() => undefined);
  return Promise.race([work, stalled]).finally(() => {
    stalledWaits.delete(fail);
    if (stalledWaits.size === 0) process.off("beforeExit", onEventLoopDrained);
  });
}

/**
 * The run's cancellation: aborting the caller's signal (SIGINT, SIGTERM, an editor's cancel)
 * aborts it, and every step scope listens to it.
 */
export class RunCancellation {
  private readonly controller = new AbortController();
  private readonly detach: () => void;

  constructor(outer: AbortSignal | undefined, maxSteps: number) {
    // One listener per running step (a step's checks run after its asset's scope is gone).
    setMaxListeners(maxSteps + 10, this.controller.signal);
    const onAbort = (): void => this.controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    outer?.addEventListener("abort", onAbort, { once: true });
    this.detach = () => outer?.removeEventListener("abort", onAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Stops listening to the caller's signal (at the end of the run). */
  dispose(): void {
    this.detach();
  }
}

export interface StepScopeOptions {
  /** Who is interrupted, as the sentences name it: `Asset "k"`, `check "name"`. */
  subject: string;
  /** The step's deadline (the asset's timeoutMs), measured from the scope's creation. */
  timeoutMs?: number;
  /** The run's cancellation. */
  run: AbortSignal;
}

/** A step's deadline, cancellation and stall watch. Dispose it when the step is over. */
export class StepScope {
  private readonly controller = new AbortController();
  private readonly stopped: Promise<never>;
  private interrupt!: (error: StepInterrupted) => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onRunAbort: () => void;

  constructor(private readonly options: StepScopeOptions) {
    this.stopped = new Promise<never>((_, reject) => {
      this.interrupt = reject;
    });
    this.stopped.catch(() => undefined);
    const { subject, timeoutMs, run } = options;
    // Interrupt first, then abort the step's signal: the interruption wins the race even when the
    // step reacts to its signal by throwing.
    this.onRunAbort = () => {
      this.interrupt(new StepInterrupted(`${subject} was cancelled.`, "cancelled"));
      this.controller.abort(run.reason);
    };
    if (run.aborted) this.onRunAbort();
    else run.addEventListener("abort", this.onRunAbort, { once: true });
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.interrupt(
          new StepInterrupted(
            `${subject} timed out after ${timeoutMs} ms (timeoutMs); make it faster or raise timeoutMs.`,
            "timeout",
          ),
        );
        this.controller.abort(new Error("timeout"));
      }, timeoutMs);
    }
  }

  /** Aborted when the step times out or the run is cancelled: the user's code gets it as ctx.signal. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Runs `work` against the deadline, the run's cancellation and a stall. `what` names the work
   * in the stall sentence ("its compute", "loading input ...").
   */
  race<T>(work: () => T | Promise<T>, what: string): Promise<T> {
    const running = Promise.resolve().then(work);
    running.catch(() => undefined);
    return this.settle(Promise.race([running, this.stopped]), what);
  }

  /**
   * Runs `work` to its end, failing it only when it never settles. For what must not be cut
   * short (storing a value): a cancelled run leaves nothing half-written.
   */
  settle<T>(work: (() => T | Promise<T>) | Promise<T>, what: string): Promise<T> {
    const running = typeof work === "function" ? Promise.resolve().then(work) : work;
    return unlessStalled(
      running,
      () =>
        new StepInterrupted(
          `${this.options.subject} never finished: ${what} ${NEVER_SETTLES}. Make sure every promise it awaits resolves or rejects.`,
          "stalled",
        ),
    );
  }

  /** Stops the clock: what the step does next is not timed (validating and storing its value). */
  stopClock(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the scope: no clock, no listener left on the run's signal. */
  dispose(): void {
    this.stopClock();
    this.options.run.removeEventListener("abort", this.onRunAbort);
  }
}
