/**
 * The evaluator's budget: steps per module (so that an accidental infinite loop or a list that
 * doubles on each pass stops), passes of a loop, and the depth of calls.
 */

/** Thrown when a module's evaluation exceeds its step budget (an accidental infinite loop). */
export class BudgetExceeded extends Error {}

const STEP_BUDGET = 2_000_000;
/** Passes of a `for (;;)`, `while` or `do` loop before the evaluator gives up on it. */
export const MAX_LOOP_PASSES = 10_000;
export const MAX_CALL_DEPTH = 64;

export class Budget {
  /** Steps taken by the module being evaluated. */
  steps = 0;
  /** Nesting of the calls being evaluated. */
  depth = 0;

  /** One step: an expression or a statement. */
  tick(): void {
    if (++this.steps > STEP_BUDGET) throw new BudgetExceeded();
  }

  /**
   * Charges work proportional to what a step builds (the items a spread copies, the length of
   * text), so that a loop doubling a list or a string stops at the budget, not out of memory.
   */
  charge(units: number): void {
    this.steps += units;
    if (this.steps > STEP_BUDGET) throw new BudgetExceeded();
  }
}

/** Whether an error is the evaluator giving up (its budget, or values too large for the engine). */
export function isStop(error: unknown): boolean {
  return error instanceof BudgetExceeded || error instanceof RangeError;
}
