/**
 * Partition keys of any definition: the list as of now, one key's time window, a range of keys,
 * and the keys of two-dimensional partitions ("2024-01-01|eu", dimensions in name order).
 */
import {
  isTimeWindow,
  type DimensionPartitions,
  type MultiPartitions,
  type PartitionsDefinition,
} from "./definitions";
import { timePartitions, windowOfKey, type TimePartition, type TimeWindow } from "./time";

export const MULTI_KEY_SEPARATOR = "|";

/** Every partition key as of `now` (milliseconds), in Dagster's order. */
export function partitionKeys(definition: PartitionsDefinition, now: number): string[] {
  switch (definition.type) {
    case "static":
      return [...definition.keys];
    case "multi": {
      const [first, second] = definition.dimensions.map((d) => dimensionKeys(d.partitions, now));
      return (first ?? []).flatMap((a) => (second ?? []).map((b) => `${a}${MULTI_KEY_SEPARATOR}${b}`));
    }
    default:
      return timePartitions(definition, now).map((p) => p.key);
  }
}

function dimensionKeys(partitions: DimensionPartitions, now: number): string[] {
  return partitions.type === "static"
    ? [...partitions.keys]
    : timePartitions(partitions, now).map((p) => p.key);
}

/** A definition's keys as of one `now`, with each key's position and (time partitions) windows. */
export interface KeyTable {
  readonly keys: readonly string[];
  readonly position: ReadonlyMap<string, number>;
  /** Time-window definitions: the windows, oldest first (the same order as `keys`). */
  readonly windows?: readonly TimePartition[];
}

const tables = new WeakMap<PartitionsDefinition, { now: number; table: KeyTable }>();

/**
 * The key table of a definition as of `now`, computed once per definition object and `now`:
 * a state or a plan over thousands of partitions asks for it once per partition.
 */
export function keyTable(definition: PartitionsDefinition, now: number): KeyTable {
  const cached = tables.get(definition);
  if (cached && cached.now === now) return cached.table;
  const windows = isTimeWindow(definition) ? timePartitions(definition, now) : undefined;
  const keys = windows ? windows.map((w) => w.key) : partitionKeys(definition, now);
  const table: KeyTable = {
    keys,
    position: new Map(keys.map((k, i) => [k, i])),
    ...(windows ? { windows } : {}),
  };
  tables.set(definition, { now, table });
  return table;
}

/** A multi key's parts by dimension name; undefined when it has the wrong number of parts. */
export function splitMultiKey(definition: MultiPartitions, key: string): Record<string, string> | undefined {
  const parts = key.split(MULTI_KEY_SEPARATOR);
  if (parts.length !== definition.dimensions.length) return undefined;
  return Object.fromEntries(definition.dimensions.map((d, i) => [d.name, parts[i] as string]));
}

/** The time dimension of a definition: itself, or the time dimension of multi partitions. */
export function timeDimension(
  definition: PartitionsDefinition,
): { name?: string; partitions: DimensionPartitions } | undefined {
  if (isTimeWindow(definition)) return { partitions: definition };
  if (definition.type !== "multi") return undefined;
  const found = definition.dimensions.find((d) => isTimeWindow(d.partitions));
  return found && { name: found.name, partitions: found.partitions };
}

/** The time window a key covers (time partitions, or the time part of a multi key). */
export function partitionWindow(definition: PartitionsDefinition, key: string): TimeWindow | undefined {
  const time = timeDimension(definition);
  if (time === undefined || !isTimeWindow(time.partitions)) return undefined;
  const part = time.name === undefined ? key : splitMultiKey(definition as MultiPartitions, key)?.[time.name];
  if (part === undefined) return undefined;
  const window = windowOfKey(time.partitions, part);
  return typeof window === "string" ? undefined : window;
}

/** Why `key` is not a partition of the definition as of `now`, in a sentence; undefined when it is. */
export function partitionKeyProblem(
  definition: PartitionsDefinition,
  key: string,
  now: number,
): string | undefined {
  const table = keyTable(definition, now);
  if (table.position.has(key)) return undefined;
  const keys = table.keys;
  if (definition.type === "static") {
    return `"${key}" is not one of the partitions: ${keys.map((k) => `"${k}"`).join(", ")}.`;
  }
  if (isTimeWindow(definition)) {
    const window = windowOfKey(definition, key);
    if (typeof window === "string") return window;
    const first = keys[0];
    const last = keys[keys.length - 1];
    return first === undefined
      ? `"${key}" does not exist yet: no ${definition.type} partition from ${definition.start} has completed.`
      : `"${key}" is outside the partitions that exist now (${first} to ${last}).`;
  }
  const names = definition.dimensions.map((d) => d.name).join(MULTI_KEY_SEPARATOR);
  return `"${key}" is not a partition: keys are ${names}, e.g. "${keys[0] ?? ""}".`;
}

/** The keys from `start` to `end`, both included, in order; or a sentence saying why not. */
export function partitionKeysInRange(
  definition: PartitionsDefinition,
  start: string,
  end: string,
  now: number,
): string[] | string {
  const { keys, position } = keyTable(definition, now);
  for (const key of [start, end]) {
    const problem = partitionKeyProblem(definition, key, now);
    if (problem !== undefined) return problem;
  }
  const from = position.get(start)!;
  const to = position.get(end)!;
  if (from > to) return `the range ${start}...${end} runs backwards: put the earlier partition first.`;
  return keys.slice(from, to + 1);
}
