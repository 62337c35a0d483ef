/**
 * Declarative automation conditions with Dagster's AutomationCondition meaning. A condition is
 * plain data (the analysis reads it statically, `graph --json` prints it, the Dagster bridge
 * rebuilds it); `eager()`, `onCron()` and `onMissing()` are named compositions of the building
 * blocks, expanded by `expand` exactly as Dagster defines them.
 */
import { cronProblem, nextCronTick } from "../cron";
import { clockText } from "../partitions/zone";

export type AutomationCondition =
  | { type: "eager" }
  | { type: "onCron"; cron: string; timezone: string }
  | { type: "onMissing" }
  | { type: "missing" }
  | { type: "newlyMissing" }
  | { type: "inProgress" }
  | { type: "newlyUpdated" }
  | { type: "anyDepsUpdated" }
  | { type: "anyDepsMissing" }
  | { type: "anyDepsInProgress" }
  | { type: "cronTickPassed"; cron: string; timezone: string }
  | { type: "allDepsUpdatedSinceCron"; cron: string; timezone: string }
  | { type: "sinceLastHandled"; operand: AutomationCondition }
  | { type: "and"; operands: AutomationCondition[] }
  | { type: "or"; operands: AutomationCondition[] }
  | { type: "not"; operand: AutomationCondition };

export interface CronOptions {
  /** An IANA time zone; default "UTC". */
  timezone?: string;
}

/** Materialize when the asset is missing or an upstream was updated, once no upstream is missing or in progress. */
export function eager(): AutomationCondition {
  return { type: "eager" };
}

/** Materialize once per cron tick, after every upstream has been updated since the tick. */
export function onCron(cron: string, options: CronOptions = {}): AutomationCondition {
  return { type: "onCron", cron, timezone: options.timezone ?? "UTC" };
}

/** Materialize a missing asset once its upstreams are there. */
export function onMissing(): AutomationCondition {
  return { type: "onMissing" };
}

export const missing = (): AutomationCondition => ({ type: "missing" });
export const newlyMissing = (): AutomationCondition => ({ type: "newlyMissing" });
export const inProgress = (): AutomationCondition => ({ type: "inProgress" });
export const newlyUpdated = (): AutomationCondition => ({ type: "newlyUpdated" });
export const anyDepsUpdated = (): AutomationCondition => ({ type: "anyDepsUpdated" });
export const anyDepsMissing = (): AutomationCondition => ({ type: "anyDepsMissing" });
export const anyDepsInProgress = (): AutomationCondition => ({ type: "anyDepsInProgress" });
export const cronTickPassed = (cron: string, options: CronOptions = {}): AutomationCondition => ({
  type: "cronTickPassed",
  cron,
  timezone: options.timezone ?? "UTC",
});
export const allDepsUpdatedSinceCron = (cron: string, options: CronOptions = {}): AutomationCondition => ({
  type: "allDepsUpdatedSinceCron",
  cron,
  timezone: options.timezone ?? "UTC",
});
export const sinceLastHandled = (operand: AutomationCondition): AutomationCondition => ({
  type: "sinceLastHandled",
  operand,
});
export const and = (...operands: AutomationCondition[]): AutomationCondition => ({ type: "and", operands });
export const or = (...operands: AutomationCondition[]): AutomationCondition => ({ type: "or", operands });
export const not = (operand: AutomationCondition): AutomationCondition => ({ type: "not", operand });

const expanded = new WeakMap<AutomationCondition, AutomationCondition>();

/**
 * A named condition as Dagster composes it; building blocks are returned as they are. Composed
 * once per condition object (conditions are data, never changed): an evaluation asks per asset.
 */
export function expand(condition: AutomationCondition): AutomationCondition {
  let found = expanded.get(condition);
  if (found === undefined) expanded.set(condition, (found = compose(condition)));
  return found;
}

function compose(condition: AutomationCondition): AutomationCondition {
  switch (condition.type) {
    case "eager":
      return and(
        sinceLastHandled(or(newlyMissing(), anyDepsUpdated())),
        not(anyDepsMissing()),
        not(anyDepsInProgress()),
        not(inProgress()),
      );
    case "onCron":
      return and(
        sinceLastHandled(cronTickPassed(condition.cron, condition)),
        allDepsUpdatedSinceCron(condition.cron, condition),
      );
    case "onMissing":
      return and(
        missing(),
        sinceLastHandled(newlyMissing()),
        not(anyDepsMissing()),
        not(anyDepsInProgress()),
        not(inProgress()),
      );
    default:
      return condition;
  }
}

/** The condition as a user would write it: `eager()`, `onCron("0 6 * * *", "Europe/Berlin")`, `and(...)`. */
export function describeCondition(condition: AutomationCondition): string {
  switch (condition.type) {
    case "onCron":
    case "cronTickPassed":
    case "allDepsUpdatedSinceCron":
      return `${condition.type}(${JSON.stringify(condition.cron)}${condition.timezone === "UTC" ? "" : `, ${JSON.stringify(condition.timezone)}`})`;
    case "sinceLastHandled":
    case "not":
      return `${condition.type}(${describeCondition(condition.operand)})`;
    case "and":
    case "or":
      return `${condition.type}(${condition.operands.map(describeCondition).join(", ")})`;
    default:
      return `${condition.type}()`;
  }
}

/** Why a condition cannot be used (an unparsable cron or time zone), one sentence each. */
export function conditionProblems(condition: AutomationCondition): string[] {
  switch (condition.type) {
    case "onCron":
    case "cronTickPassed":
    case "allDepsUpdatedSinceCron": {
      const problem = cronProblem(condition.cron, condition.timezone);
      return problem === undefined ? [] : [problem];
    }
    case "sinceLastHandled":
    case "not":
      return conditionProblems(condition.operand);
    case "and":
    case "or":
      return condition.operands.flatMap(conditionProblems);
    default:
      return [];
  }
}

/** The first cron schedule a condition waits on (`onCron`, `cronTickPassed`), if any. */
function cronOf(condition: AutomationCondition): { cron: string; timezone: string } | undefined {
  switch (condition.type) {
    case "onCron":
    case "cronTickPassed":
    case "allDepsUpdatedSinceCron":
      return { cron: condition.cron, timezone: condition.timezone };
    case "sinceLastHandled":
    case "not":
      return cronOf(condition.operand);
    case "and":
    case "or":
      for (const operand of condition.operands) {
        const found = cronOf(operand);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The words every view shows for an asset's automation: "eager", "on missing", or for a cron
 * condition when it next ticks, "next: 06:00 (0 6 * * *, Europe/Berlin)" (with the date when it
 * is not today in that time zone).
 */
export function describeAutomation(condition: AutomationCondition, now: number): string {
  const schedule = cronOf(condition);
  if (schedule === undefined || cronProblem(schedule.cron, schedule.timezone) !== undefined) {
    if (condition.type === "eager") return "eager";
    if (condition.type === "onMissing") return "on missing";
    return describeCondition(condition);
  }
  const next = nextCronTick(schedule.cron, schedule.timezone, now);
  if (next === undefined) return describeCondition(condition);
  const time = clockText(next, now, schedule.timezone);
  return `next: ${time} (${schedule.cron}, ${schedule.timezone})`;
}
