/**
 * The partitions a Dagster step asks for, from its Pipes context: a key range (`partition_key`,
 * `partition_key_range`, or for a range run the `assetline/partition_key_range` extra the
 * dagster-assetline bridge sends, Dagster 1.13 leaving a range out of the context), else a time
 * window alone (`partition_time_window`, ISO instants), which names the keys whose windows lie
 * inside it.
 */
import { partitionKeys, partitionWindow, type PartitionsDefinition } from "@assetline/core";
import { PipesError, type PipesContextData, type PipesPartitionKeyRange } from "./protocol";

/** The extra the bridge fills for a step over a range of partitions. */
export const PARTITION_RANGE_EXTRA = "assetline/partition_key_range";

function keyRange(value: unknown): PipesPartitionKeyRange | null {
  if (typeof value !== "object" || value === null) return null;
  const { start, end } = value as Record<string, unknown>;
  return typeof start === "string" && typeof end === "string" ? { start, end } : null;
}

/**
 * The step's first and last partition key (equal for one partition), or null when the step is
 * not partitioned. `partitioned` holds the step's partitioned assets (key -> definition), which
 * a time window is read against; `now` says which time partitions exist.
 */
export function stepPartitionRange(
  data: PipesContextData,
  partitioned: ReadonlyMap<string, PartitionsDefinition>,
  now: number,
): PipesPartitionKeyRange | null {
  if (data.partition_key !== null) return { start: data.partition_key, end: data.partition_key };
  const range = keyRange(data.partition_key_range) ?? keyRange(data.extras[PARTITION_RANGE_EXTRA]);
  if (range !== null || data.partition_time_window === null) return range;
  return keysInWindow(data.partition_time_window, partitioned, now);
}

/** The first and last key whose window lies inside [start, end), the same for every asset. */
function keysInWindow(
  window: { start: string; end: string },
  partitioned: ReadonlyMap<string, PartitionsDefinition>,
  now: number,
): PipesPartitionKeyRange {
  const asked = `the partitions from ${window.start} to ${window.end}`;
  const start = Date.parse(window.start);
  const end = Date.parse(window.end);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
    throw new PipesError(
      `Dagster asked for ${asked}, which is not a window of two ISO instants, the earlier first.`,
    );
  }
  if (partitioned.size === 0) {
    throw new PipesError(
      `Dagster asked for ${asked}, but none of the step's assets is partitioned in the project. Reload the Dagster definitions.`,
    );
  }
  let first: { key: string; keys: string[] } | undefined;
  for (const [key, definition] of partitioned) {
    const keys = partitionKeys(definition, now).filter((k) => {
      const w = partitionWindow(definition, k);
      return w !== undefined && w.start >= start && w.end <= end;
    });
    if (keys.length === 0) {
      throw new PipesError(
        `Dagster asked for ${asked}, but no ${definition.type} partition of "${key}" lies inside that window.`,
      );
    }
    if (first !== undefined && first.keys.join("\n") !== keys.join("\n")) {
      throw new PipesError(
        `Dagster asked for ${asked}, which are different partitions for "${first.key}" and "${key}": materialize them in separate steps.`,
      );
    }
    first ??= { key, keys };
  }
  const keys = first!.keys;
  return { start: keys[0]!, end: keys[keys.length - 1]! };
}
