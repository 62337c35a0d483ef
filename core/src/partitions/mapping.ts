/**
 * Which upstream partitions a downstream partition reads, with Dagster's partition mappings and
 * Dagster's defaults: the same definition maps partition to partition; two time definitions map
 * by overlapping windows; an unpartitioned downstream reads every upstream partition; a
 * two-dimensional asset and a one-dimensional one meet on the shared dimension.
 */
import { isTimeWindow, type PartitionsDefinition } from "./definitions";
import { keyTable, MULTI_KEY_SEPARATOR, splitMultiKey } from "./keys";
import { shiftTick, windowOfKey } from "./time";

export type PartitionMapping =
  | { type: "identity" }
  /** Windows overlapping the downstream window, its start and end moved by whole downstream windows. */
  | { type: "timeWindow"; startOffset: number; endOffset: number }
  | { type: "all" }
  | { type: "last" }
  /** Upstream key → the downstream key(s) that read it (Dagster's StaticPartitionMapping). */
  | { type: "static"; downstreamKeysByUpstreamKey: Record<string, string | string[]> }
  /** Multi partitions and one of their dimensions (Dagster's MultiToSingleDimensionPartitionMapping). */
  | { type: "dimension"; dimension: string };

export function identityMapping(): PartitionMapping {
  return { type: "identity" };
}

/** E.g. yesterday: `{ startOffset: -1, endOffset: -1 }`; the last 7 days: `{ startOffset: -6 }`. */
export function timeWindowMapping(
  options: { startOffset?: number; endOffset?: number } = {},
): PartitionMapping {
  return { type: "timeWindow", startOffset: options.startOffset ?? 0, endOffset: options.endOffset ?? 0 };
}

export function allPartitionsMapping(): PartitionMapping {
  return { type: "all" };
}

export function lastPartitionMapping(): PartitionMapping {
  return { type: "last" };
}

export function staticMapping(
  downstreamKeysByUpstreamKey: Record<string, string | string[]>,
): PartitionMapping {
  return { type: "static", downstreamKeysByUpstreamKey };
}

export function dimensionMapping(dimension: string): PartitionMapping {
  return { type: "dimension", dimension };
}

function same(a: PartitionsDefinition, b: PartitionsDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The mapping an input uses when none is given, or a sentence saying why the two definitions do
 * not map without one (the `partition-mismatch` diagnostic). Undefined definitions are
 * unpartitioned assets.
 */
export function defaultMapping(
  downstream: PartitionsDefinition | undefined,
  upstream: PartitionsDefinition | undefined,
): PartitionMapping | string | undefined {
  if (upstream === undefined) return undefined; // the whole unpartitioned upstream
  if (downstream === undefined) return allPartitionsMapping();
  if (same(downstream, upstream)) return identityMapping();
  if (isTimeWindow(downstream) && isTimeWindow(upstream)) return timeWindowMapping();
  const shared = (multi: PartitionsDefinition, single: PartitionsDefinition) =>
    multi.type === "multi" ? multi.dimensions.find((d) => same(d.partitions, single))?.name : undefined;
  const dimension = shared(downstream, upstream) ?? shared(upstream, downstream);
  if (dimension !== undefined) return dimensionMapping(dimension);
  return `${describe(upstream)} do not map to ${describe(downstream)} by themselves: give the input a partition mapping (e.g. allPartitionsMapping() or staticMapping({...})).`;
}

const MAPPING_TYPES = ["identity", "timeWindow", "all", "last", "static", "dimension"];

/**
 * Why `mapping` cannot map `upstream`'s partitions to `downstream`'s (either undefined:
 * unpartitioned), or why no mapping was given where one is needed; undefined when it maps. The
 * one rule behind the load-time error and the editor's `partition-mismatch`.
 */
export function mappingProblem(
  downstream: PartitionsDefinition | undefined,
  upstream: PartitionsDefinition | undefined,
  mapping?: PartitionMapping,
): string | undefined {
  if (mapping === undefined) {
    const resolved = defaultMapping(downstream, upstream);
    return typeof resolved === "string" ? resolved : undefined;
  }
  if (typeof mapping !== "object" || mapping === null || !MAPPING_TYPES.includes(mapping.type)) {
    return "its partition mapping is not one; write identityMapping(), timeWindowMapping({...}), allPartitionsMapping(), lastPartitionMapping(), staticMapping({...}) or dimensionMapping(name).";
  }
  if (upstream === undefined)
    return "the upstream is not partitioned, so a partition mapping does not apply; remove it.";
  switch (mapping.type) {
    case "timeWindow":
      if (downstream === undefined || !isTimeWindow(downstream) || !isTimeWindow(upstream))
        return "timeWindowMapping needs time partitions (hourly, daily, weekly, monthly, cron) on both sides.";
      if (!Number.isInteger(mapping.startOffset) || !Number.isInteger(mapping.endOffset))
        return "timeWindowMapping's offsets must be whole numbers of windows.";
      if (mapping.startOffset > mapping.endOffset)
        return `timeWindowMapping's startOffset (${mapping.startOffset}) is after its endOffset (${mapping.endOffset}): no window would be read.`;
      return undefined;
    case "static": {
      if (upstream.type !== "static") return "staticMapping needs static partitions upstream.";
      const known = new Set(upstream.keys);
      const unknown = Object.keys(mapping.downstreamKeysByUpstreamKey).filter((k) => !known.has(k));
      if (unknown.length > 0)
        return `staticMapping names upstream keys that do not exist: ${unknown.map((k) => `"${k}"`).join(", ")}.`;
      if (downstream?.type === "static") {
        const down = new Set(downstream.keys);
        const wrong = Object.values(mapping.downstreamKeysByUpstreamKey)
          .flat()
          .filter((k) => !down.has(k));
        if (wrong.length > 0)
          return `staticMapping maps to downstream keys that do not exist: ${wrong.map((k) => `"${k}"`).join(", ")}.`;
      }
      return undefined;
    }
    case "dimension": {
      const multi =
        downstream?.type === "multi" ? downstream : upstream.type === "multi" ? upstream : undefined;
      if (multi === undefined) return "dimensionMapping needs multi partitions on one side.";
      if (!multi.dimensions.some((d) => d.name === mapping.dimension))
        return `dimensionMapping: the multi partitions have no dimension "${mapping.dimension}" (they have ${multi.dimensions.map((d) => `"${d.name}"`).join(", ")}).`;
      return undefined;
    }
    case "identity":
      if (downstream === undefined || !same(downstream, upstream))
        return "identityMapping needs the same partitions definition on both sides.";
      return undefined;
    default:
      return undefined;
  }
}

function describe(d: PartitionsDefinition): string {
  if (d.type === "static")
    return `static partitions [${d.keys.slice(0, 3).join(", ")}${d.keys.length > 3 ? ", ..." : ""}]`;
  if (d.type === "multi") return `multi partitions (${d.dimensions.map((x) => x.name).join(", ")})`;
  return `${d.type} partitions from ${d.start}`;
}

export interface UpstreamPartitions {
  /** The upstream keys to load; undefined: the upstream is unpartitioned, load it whole. */
  keys?: string[];
  /** Keys the mapping asks for that do not exist (before the upstream's start, say). */
  missing: string[];
}

/**
 * The upstream partitions that the downstream partition `downstreamKey` reads (undefined for an
 * unpartitioned downstream). Throws with the sentence of `defaultMapping` when the definitions
 * need an explicit mapping and none was given.
 */
export function upstreamPartitions(options: {
  downstream?: PartitionsDefinition;
  downstreamKey?: string;
  upstream?: PartitionsDefinition;
  mapping?: PartitionMapping;
  now: number;
}): UpstreamPartitions {
  const { downstream, downstreamKey, upstream, now } = options;
  if (upstream === undefined) return { missing: [] };
  const resolved = options.mapping ?? defaultMapping(downstream, upstream);
  if (typeof resolved === "string") throw new Error(resolved);
  const mapping = resolved ?? allPartitionsMapping();
  const table = keyTable(upstream, now);
  const existing = table.keys as string[];
  const split = (wanted: string[]): UpstreamPartitions => ({
    keys: wanted.filter((k) => table.position.has(k)),
    missing: wanted.filter((k) => !table.position.has(k)),
  });
  if (mapping.type === "all" || downstream === undefined || downstreamKey === undefined) {
    if (mapping.type === "last") return { keys: existing.slice(-1), missing: [] };
    return { keys: [...existing], missing: [] };
  }
  switch (mapping.type) {
    case "last":
      return { keys: existing.slice(-1), missing: [] };
    case "identity":
      return split([downstreamKey]);
    case "static": {
      const wanted = Object.entries(mapping.downstreamKeysByUpstreamKey)
        .filter(([, down]) => (Array.isArray(down) ? down.includes(downstreamKey) : down === downstreamKey))
        .map(([up]) => up);
      return split(wanted);
    }
    case "dimension": {
      if (downstream.type === "multi") {
        const part = splitMultiKey(downstream, downstreamKey)?.[mapping.dimension];
        return split(part === undefined ? [] : [part]);
      }
      if (upstream.type === "multi") {
        const index = upstream.dimensions.findIndex((d) => d.name === mapping.dimension);
        return split(existing.filter((k) => k.split(MULTI_KEY_SEPARATOR)[index] === downstreamKey));
      }
      throw new Error(
        `a dimension mapping needs multi partitions on one side (dimension "${mapping.dimension}").`,
      );
    }
    case "timeWindow": {
      if (!isTimeWindow(downstream) || !isTimeWindow(upstream)) {
        throw new Error("a time window mapping needs time partitions on both sides.");
      }
      const window = windowOfKey(downstream, downstreamKey);
      if (typeof window === "string") throw new Error(window);
      const start = shiftTick(downstream, window.start, mapping.startOffset);
      const end = shiftTick(downstream, window.end, mapping.endOffset);
      const available = table.windows ?? [];
      // The windows are sorted and do not overlap: find the first that ends after `start`.
      let low = 0;
      let high = available.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (available[middle]!.end > start) high = middle;
        else low = middle + 1;
      }
      const keys: string[] = [];
      for (let i = low; i < available.length && available[i]!.start < end; i++) keys.push(available[i]!.key);
      // Windows the mapping reaches that lie before the upstream's first or after its last partition.
      const first = available[0];
      const last = available[available.length - 1];
      const missing: string[] = [];
      if (first === undefined || start < first.start || end > (last?.end ?? start)) {
        missing.push(`${new Date(start).toISOString()}...${new Date(end).toISOString()}`);
      }
      return { keys, missing };
    }
  }
}

/** Why a spec's `partitionMappings` that is not an object cannot be used (load time and editor). */
export const NOT_PARTITION_MAPPINGS = "partitionMappings must map input names to partition mappings.";

/** The sentence for a `partitionMappings` entry keyed by a name no input or dep has (load time and editor). */
export function unknownMappingNameProblem(name: string): string {
  return `partitionMappings names "${name}", which is neither an input nor a dep; key it by the input's name (or a dep's key).`;
}
