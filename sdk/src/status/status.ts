/**
 * `assetline status`: each asset's run state, as `@assetline/core`'s `assetStatus` computes it
 * from the run records and the loaded definitions (which know the code, so a changed
 * `codeVersion` or source file makes an asset stale here; the editor cannot tell).
 */
import type { LoadedDefinitions } from "../definitions";
import { upstreamKeys } from "../definitions";
import {
  assetStatus,
  partitionFactsOf,
  type AssetRunState,
  type PartitionFacts,
  type PartitionsSummary,
  type RunIndex,
  type StateFacts,
  type StateReason,
} from "@assetline/core";
import type { AnyAsset } from "../types";
import { sourceHash } from "../runner/steps";

export interface AssetStatusReport {
  key: string;
  external: boolean;
  state: AssetRunState | "external";
  /** The one line every view shows for this state. */
  title: string;
  lastMaterialized?: { runId: string; time: string; durationMs: number; path?: string };
  lastRunId?: string;
  reasons: StateReason[];
  /** A partitioned asset: its partitions in each state. */
  partitions?: PartitionsSummary;
}

/** The facts of a loaded asset its state depends on. */
export function stateFacts(defs: LoadedDefinitions, a: AnyAsset): StateFacts {
  const checks: Record<string, { blocking: boolean }> = {};
  for (const each of defs.checks)
    if (each.assetKey === a.key) checks[each.name] = { blocking: each.blocking };
  const hash = a.spec.codeVersion === undefined ? sourceHash(a) : undefined;
  return {
    key: a.key,
    upstreams: upstreamKeys(a),
    checks,
    ...(a.spec.freshness?.maxLag !== undefined ? { maxLag: a.spec.freshness.maxLag } : {}),
    code: {
      ...(a.spec.codeVersion !== undefined ? { codeVersion: a.spec.codeVersion } : {}),
      ...(hash !== undefined ? { sourceHash: hash } : {}),
    },
    ...(a.spec.partitions ? { partitioned: partitionedFacts(defs, a) } : {}),
  };
}

/** A partitioned asset's definition and its upstreams' definitions and mappings (core's reading). */
export function partitionedFacts(defs: LoadedDefinitions, a: AnyAsset): Omit<PartitionFacts, "key" | "code"> {
  const ins = Object.fromEntries(Object.entries(a.spec.ins ?? {}).map(([name, input]) => [name, input.key]));
  return partitionFactsOf(
    {
      key: a.key,
      deps: upstreamKeys(a),
      ins,
      partitions: a.spec.partitions!,
      ...(a.spec.partitionMappings ? { partitionMappings: a.spec.partitionMappings } : {}),
    },
    (key) => defs.byKey.get(key)?.spec.partitions,
  )!;
}

export function computeStatus(
  defs: LoadedDefinitions,
  index: RunIndex,
  now = Date.now(),
): AssetStatusReport[] {
  return defs.assets.map((a) => {
    if (a.external) return { key: a.key, external: true, state: "external", title: "external", reasons: [] };
    const status = assetStatus(stateFacts(defs, a), index, now);
    const entry = index.assets[a.key];
    const success = entry?.lastSuccess;
    const result: AssetStatusReport = {
      key: a.key,
      external: false,
      state: status.state,
      title: status.title ?? status.state,
      reasons: status.reasons ?? [],
      ...(status.partitions ? { partitions: status.partitions } : {}),
    };
    if (success)
      result.lastMaterialized = {
        runId: success.runId,
        time: success.time,
        durationMs: success.durationMs,
        ...(success.path ? { path: success.path } : {}),
      };
    if (entry) result.lastRunId = entry.lastRunId;
    return result;
  });
}
