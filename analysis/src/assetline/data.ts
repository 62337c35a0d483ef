/**
 * The library's data constructors: functions of `assetline` (from @assetline/core) that only
 * build plain data from plain data, such as `eager()`, `onCron("0 6 * * *")` or
 * `dailyPartitions({ start })`. The analysis calls the very same functions on the statically
 * evaluated arguments, so a definition reads the same in the editor as at run time.
 */
import * as core from "@assetline/core";

const DATA_FUNCTIONS = {
  eager: core.eager,
  onCron: core.onCron,
  onMissing: core.onMissing,
  missing: core.missing,
  newlyMissing: core.newlyMissing,
  inProgress: core.inProgress,
  newlyUpdated: core.newlyUpdated,
  anyDepsUpdated: core.anyDepsUpdated,
  anyDepsMissing: core.anyDepsMissing,
  anyDepsInProgress: core.anyDepsInProgress,
  cronTickPassed: core.cronTickPassed,
  allDepsUpdatedSinceCron: core.allDepsUpdatedSinceCron,
  sinceLastHandled: core.sinceLastHandled,
  and: core.and,
  or: core.or,
  not: core.not,
  hourlyPartitions: core.hourlyPartitions,
  dailyPartitions: core.dailyPartitions,
  weeklyPartitions: core.weeklyPartitions,
  monthlyPartitions: core.monthlyPartitions,
  timeWindowPartitions: core.timeWindowPartitions,
  staticPartitions: core.staticPartitions,
  multiPartitions: core.multiPartitions,
  identityMapping: core.identityMapping,
  timeWindowMapping: core.timeWindowMapping,
  allPartitionsMapping: core.allPartitionsMapping,
  lastPartitionMapping: core.lastPartitionMapping,
  staticMapping: core.staticMapping,
  dimensionMapping: core.dimensionMapping,
} as const satisfies Record<string, (...args: never[]) => unknown>;

export type DataFunction = keyof typeof DATA_FUNCTIONS;

export function isDataFunction(name: string): name is DataFunction {
  return Object.prototype.hasOwnProperty.call(DATA_FUNCTIONS, name);
}

/** The constructors of partitions definitions (they throw `PartitionsDefinitionError`). */
const PARTITIONS_FUNCTIONS: ReadonlySet<DataFunction> = new Set([
  "hourlyPartitions",
  "dailyPartitions",
  "weeklyPartitions",
  "monthlyPartitions",
  "timeWindowPartitions",
  "staticPartitions",
  "multiPartitions",
]);

export function isPartitionsFunction(name: DataFunction): boolean {
  return PARTITIONS_FUNCTIONS.has(name);
}

/**
 * Calls the constructor on JSON arguments: its data, or the error it throws (a sentence), with
 * the problems of a partitions definition one by one and the option each is about.
 */
export function callDataFunction(
  name: DataFunction,
  args: unknown[],
): { value: unknown } | { error: string; partitionsProblems?: core.PartitionsProblem[] } {
  try {
    const fn = DATA_FUNCTIONS[name] as (...args: unknown[]) => unknown;
    return { value: fn(...args) };
  } catch (error) {
    if (error instanceof core.PartitionsDefinitionError) {
      return { error: error.message, partitionsProblems: error.details };
    }
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
