/**
 * The state of each partition of a partitioned asset, from the run records: what `assetline
 * partitions` prints, what `status` and the editor sum up as a health bar, and what a backfill
 * resumed after a kill leaves out. Pure.
 */
import type { PartitionRecord, RunIndex } from "../runs";
import { partitionId } from "../runs";
import type { PartitionsDefinition } from "./definitions";
import { keyTable } from "./keys";
import { upstreamPartitions, type PartitionMapping } from "./mapping";

/** As `assetline partitions --json` names them. */
export type PartitionState = "materialized" | "missing" | "failed" | "stale" | "running";

/** What a partitioned asset's state depends on besides the records. */
export interface PartitionFacts {
  key: string;
  partitions: PartitionsDefinition;
  /** Each upstream (inputs and plain deps) by key: its definition (none: unpartitioned) and mapping. */
  upstreams: Readonly<Record<string, { partitions?: PartitionsDefinition; mapping?: PartitionMapping }>>;
  /** The code as it is now, when known (as `StateFacts.code`). */
  code?: { codeVersion?: string; sourceHash?: string };
}

/** The fields of a graph node (`AssetNode`) the partition facts are read from. */
export interface PartitionedNode {
  key: string;
  /** Every upstream key. */
  deps: readonly string[];
  /** Input name -> upstream key. */
  ins: Readonly<Record<string, string>>;
  partitions?: PartitionsDefinition;
  /** By input name, or by a plain dep's key. */
  partitionMappings?: Readonly<Record<string, PartitionMapping>>;
}

/**
 * A partitioned node's facts: its definition, and each upstream's definition (from
 * `partitionsOf`) and mapping (keyed by the input's name, or the dep's key). Undefined for an
 * unpartitioned node. The one reading of `partitionMappings` for graph nodes.
 */
export function partitionFactsOf(
  node: PartitionedNode,
  partitionsOf: (key: string) => PartitionsDefinition | undefined,
): Omit<PartitionFacts, "code"> | undefined {
  if (node.partitions === undefined) return undefined;
  const inputOf = new Map(Object.entries(node.ins).map(([name, key]) => [key, name]));
  const upstreams: Record<string, { partitions?: PartitionsDefinition; mapping?: PartitionMapping }> = {};
  for (const dep of node.deps) {
    if (dep in upstreams) continue;
    const mapping = node.partitionMappings?.[inputOf.get(dep) ?? dep] ?? node.partitionMappings?.[dep];
    const partitions = partitionsOf(dep);
    upstreams[dep] = { ...(partitions ? { partitions } : {}), ...(mapping ? { mapping } : {}) };
  }
  return { key: node.key, partitions: node.partitions, upstreams };
}

export interface PartitionStatus {
  key: string;
  state: PartitionState;
  /** ISO time of the partition's latest success. */
  lastMaterialized?: string;
  /** Why it is failed or stale, in a sentence. */
  reason?: string;
  runId?: string;
}

export interface PartitionsSummary {
  total: number;
  materialized: number;
  stale: number;
  failed: number;
  running: number;
  missing: number;
}

/** Every partition's state as of `now`, in the definition's order. */
export function partitionStatuses(
  facts: PartitionFacts,
  index: RunIndex | undefined,
  now: number,
): PartitionStatus[] {
  const { keys } = keyTable(facts.partitions, now);
  const records = index?.assets[facts.key]?.partitions ?? {};
  const running = index?.running ?? {};
  return keys.map((key) =>
    partitionStatus(facts, key, records[key], running[partitionId(facts.key, key)], index, now),
  );
}

function partitionStatus(
  facts: PartitionFacts,
  key: string,
  record: PartitionRecord | undefined,
  running: { runId: string; time: string } | undefined,
  index: RunIndex | undefined,
  now: number,
): PartitionStatus {
  const success = record?.success;
  const base = { key, ...(success ? { lastMaterialized: success.time } : {}) };
  if (running) return { ...base, state: "running", runId: running.runId };
  if (record?.status === "failure") {
    return {
      ...base,
      state: "failed",
      runId: record.runId,
      reason: record.failure?.message ?? "no error was recorded",
    };
  }
  if (!success || !record) return { ...base, state: "missing" };
  if (record.failedChecks && record.failedChecks.length > 0) {
    return {
      ...base,
      state: "failed",
      runId: record.runId,
      reason: `check ${record.failedChecks.join(", ")} failed`,
    };
  }
  const stale = staleReason(facts, key, success, index, now);
  return stale
    ? { ...base, state: "stale", runId: record.runId, reason: stale }
    : { ...base, state: "materialized", runId: record.runId };
}

function staleReason(
  facts: PartitionFacts,
  key: string,
  success: NonNullable<PartitionRecord["success"]>,
  index: RunIndex | undefined,
  now: number,
): string | undefined {
  const code = facts.code;
  if (code && (code.codeVersion !== undefined || success.codeVersion !== undefined)) {
    if (code.codeVersion !== success.codeVersion)
      return `its codeVersion changed from ${success.codeVersion ?? "(none)"} to ${code.codeVersion ?? "(none)"}`;
  } else if (code?.sourceHash && success.sourceHash && code.sourceHash !== success.sourceHash) {
    return "its source file changed since it was materialized";
  }
  for (const [upstream, { partitions, mapping }] of Object.entries(facts.upstreams)) {
    const entry = index?.assets[upstream];
    if (!entry) continue;
    if (partitions === undefined) {
      const time = entry.lastSuccess?.time;
      if (time !== undefined && time > success.time)
        return `upstream "${upstream}" was materialized after it (${time})`;
      continue;
    }
    let read: string[] | undefined;
    try {
      read = upstreamPartitions({
        downstream: facts.partitions,
        downstreamKey: key,
        upstream: partitions,
        mapping,
        now,
      }).keys;
    } catch {
      continue; // a mismatch is the definitions' error, reported where they load
    }
    for (const upstreamKey of read ?? []) {
      const time = entry.partitions?.[upstreamKey]?.success?.time;
      if (time !== undefined && time > success.time)
        return `upstream "${upstream}" partition ${upstreamKey} was materialized after it (${time})`;
    }
  }
  return undefined;
}

export function summarizePartitions(statuses: readonly PartitionStatus[]): PartitionsSummary {
  const summary: PartitionsSummary = {
    total: statuses.length,
    materialized: 0,
    stale: 0,
    failed: 0,
    running: 0,
    missing: 0,
  };
  for (const status of statuses) summary[status.state]++;
  return summary;
}

/**
 * "312/340 materialized, 2 failed, 1 stale": how many partitions hold data (stale ones do, and
 * count), then what needs attention.
 */
export function describePartitionsSummary(summary: PartitionsSummary): string {
  const held = summary.materialized + summary.stale;
  const parts = [`${held}/${summary.total} materialized`];
  if (summary.failed > 0) parts.push(`${summary.failed} failed`);
  if (summary.stale > 0) parts.push(`${summary.stale} stale`);
  if (summary.running > 0) parts.push(`${summary.running} running`);
  return parts.join(", ");
}

/** A health bar of `width` cells, "▮▮▮▯": each cell filled when the partitions it stands for hold data. */
export function partitionsHealthBar(summary: PartitionsSummary, width = 4): string {
  if (summary.total === 0) return "▯".repeat(width);
  const held = summary.materialized + summary.stale;
  let filled = Math.round((held / summary.total) * width);
  if (held > 0 && filled === 0) filled = 1;
  if (held < summary.total && filled === width) filled = width - 1;
  return "▮".repeat(filled) + "▯".repeat(width - filled);
}
