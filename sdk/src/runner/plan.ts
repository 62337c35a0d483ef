/**
 * The execution plan of a run (as Dagster's): which steps run, in dependency order, what each
 * needs, where each input comes from, and what is left out and why. A partitioned asset has a
 * step per partition of the run (`key[partition]`), linked to the upstream partitions it reads
 * through its partition mappings. Pure: it reads the loaded definitions and nothing else
 * (whether a stored input exists is asked by the runner).
 */
import {
  keyTable,
  partitionId,
  partitionKeyProblem,
  partitionKeysInRange,
  upstreamPartitions,
  type PartitionMapping,
  type PartitionsDefinition,
} from "@assetline/core";
import { upstreamInputs, upstreamKeys, type LoadedDefinitions } from "../definitions";
import type { AnyAsset, AssetCheck } from "../types";

export interface PlanInput {
  /** The input's name in the asset's `ins`. */
  name: string;
  /** The upstream asset whose value it is. */
  key: string;
  /** Produced by a step of this plan; otherwise loaded from what is stored. */
  fromPlan: boolean;
  /** A partitioned upstream: the partitions read (stored ones, for a keyed input). */
  partitions?: string[];
  /**
   * The input is `{ [partition]: value }` (a mapping that can read several partitions: all, a
   * time window wider than one, static, one dimension of many) rather than the one value.
   */
  keyed?: boolean;
}

export interface PlanStep {
  /** The key, or `key[partition]` for one partition of a partitioned asset. */
  id: string;
  key: string;
  partition?: string;
  asset: AnyAsset;
  /** Step ids in the plan (inputs and plain deps) that must materialize before this step starts. */
  needs: string[];
  inputs: PlanInput[];
  /** The checks that run on the value once it is stored, in declaration order. */
  checks: AssetCheck<unknown>[];
}

/** Which partitions a run materializes: one key, or a range of keys (both ends included). */
export type PartitionRequest = { key: string } | { range: { start: string; end: string } };

export interface ExecutionPlan {
  /** Every step, upstream before downstream (discovery order where the graph leaves a choice). */
  steps: PlanStep[];
  byId: ReadonlyMap<string, PlanStep>;
  /** The steps that need each step, in plan order. */
  downstream: ReadonlyMap<string, readonly string[]>;
  /** Keys asked for that are not steps, and why. */
  excluded: { key: string; reason: string }[];
  /** Step ids that can never start: they wait on each other (definitions refuse cycles). */
  unordered: string[];
  /**
   * Inputs from outside the plan, so already stored: [step id, upstream key, partition]. A keyed
   * input's partitions are `optional`: the ones stored are loaded.
   */
  storedInputs: { asset: string; upstream: string; partition?: string; optional?: boolean }[];
}

/** A run's partitions do not fit the selection (a bad key, a partitioned asset without one). */
export class PartitionSelectionError extends Error {
  override readonly name = "PartitionSelectionError";
}

/** Mappings that read one upstream partition at most give that value; the others a keyed object. */
function isKeyed(
  mapping: PartitionMapping | undefined,
  downstream: PartitionsDefinition | undefined,
  upstream: PartitionsDefinition,
): boolean {
  if (downstream === undefined) return true;
  const type = mapping?.type;
  if (type === undefined) {
    // The default: identity (same definition), a time window (different time definitions), or a dimension.
    if (JSON.stringify(downstream) === JSON.stringify(upstream)) return false;
    if (upstream.type === "multi") return true;
    return downstream.type !== "multi" && downstream.type !== upstream.type;
  }
  if (type === "identity" || type === "last") return false;
  if (type === "timeWindow")
    return !(
      mapping!.type === "timeWindow" &&
      mapping!.startOffset === mapping!.endOffset &&
      downstream.type === upstream.type
    );
  if (type === "dimension") return upstream.type === "multi";
  return true;
}

/** The keys of `definition` a request names, or a sentence saying why it names none. */
function requestedKeys(
  definition: PartitionsDefinition,
  request: PartitionRequest,
  now: number,
): string[] | string {
  if ("key" in request) {
    const problem = partitionKeyProblem(definition, request.key, now);
    return problem ?? [request.key];
  }
  return partitionKeysInRange(definition, request.range.start, request.range.end, now);
}

/** The plan for materializing `keys`; external and unknown keys are excluded with their reason. */
export function buildPlan(
  definitions: LoadedDefinitions,
  keys: Iterable<string>,
  options: { partitions?: PartitionRequest; now?: number } = {},
): ExecutionPlan {
  const now = options.now ?? Date.now();
  const excluded: ExecutionPlan["excluded"] = [];
  const wanted = new Set<string>();
  for (const key of keys) {
    const a = definitions.byKey.get(key);
    if (!a) excluded.push({ key, reason: "no definition declares it" });
    else if (a.external) excluded.push({ key, reason: "an external asset is never materialized" });
    else wanted.add(key);
  }
  const chosen = definitions.assets.filter((a) => wanted.has(a.key));
  const { ordered, unordered: unorderedKeys } = orderAssets(chosen, wanted);

  const checksOf = new Map<string, AssetCheck<unknown>[]>();
  for (const c of definitions.checks) {
    if (!wanted.has(c.assetKey)) continue;
    let list = checksOf.get(c.assetKey);
    if (!list) checksOf.set(c.assetKey, (list = []));
    list.push(c);
  }

  // The partitions of each asset in the run, upstream first: the request's keys where they are
  // the asset's own, else those of its partitions that read a partition of the run upstream.
  const partitionsOf = new Map<string, string[] | undefined>();
  const request = options.partitions;
  const unasked: string[] = [];
  for (const key of [...ordered, ...unorderedKeys]) {
    const a = definitions.byKey.get(key)!;
    const definition = a.spec.partitions;
    if (definition === undefined) {
      partitionsOf.set(key, undefined);
      continue;
    }
    if (request === undefined) {
      unasked.push(key);
      continue;
    }
    const own = requestedKeys(definition, request, now);
    if (typeof own !== "string") {
      partitionsOf.set(key, own);
      continue;
    }
    const derived = derivedKeys(definitions, a, partitionsOf, now);
    if (derived === undefined || derived.length === 0) {
      throw new PartitionSelectionError(
        `Cannot materialize "${key}" for ${describeRequest(request)}: ${own} Select it apart with one of its own partitions (assetline partitions ${key}).`,
      );
    }
    partitionsOf.set(key, derived);
  }
  if (unasked.length > 0) {
    const latest = keyTable(definitions.byKey.get(unasked[0]!)!.spec.partitions!, now).keys.at(-1);
    const which = unasked.map((k) => `"${k}"`).join(", ");
    throw new PartitionSelectionError(
      `${which} ${unasked.length === 1 ? "is" : "are"} partitioned: say which partitions to materialize with --partition KEY${latest === undefined ? "" : ` (the latest of "${unasked[0]}" is ${latest})`} or --partition-range START...END.`,
    );
  }

  const steps: PlanStep[] = [];
  const storedInputs: ExecutionPlan["storedInputs"] = [];
  const idsOf = (key: string): string[] => {
    const parts = partitionsOf.get(key);
    return parts === undefined ? [key] : parts.map((p) => partitionId(key, p));
  };
  const inPlan = new Map<string, Set<string>>();
  for (const key of partitionsOf.keys()) inPlan.set(key, new Set(idsOf(key)));

  for (const key of [...ordered, ...unorderedKeys]) {
    const a = definitions.byKey.get(key)!;
    const insNames = new Set(Object.keys(a.spec.ins ?? {}));
    for (const partition of partitionsOf.get(key) ?? [undefined]) {
      const id = partitionId(key, partition);
      const needs: string[] = [];
      const inputs: PlanInput[] = [];
      for (const { name, key: upKey, mapping } of upstreamInputs(a)) {
        const upstream = definitions.byKey.get(upKey);
        const fromPlan = wanted.has(upKey);
        const upDefinition = upstream?.spec.partitions;
        const isInput = insNames.has(name);
        if (upDefinition === undefined) {
          if (fromPlan) needs.push(upKey);
          if (isInput) {
            inputs.push({ name, key: upKey, fromPlan });
            if (!fromPlan) storedInputs.push({ asset: id, upstream: upKey });
          }
          continue;
        }
        const read =
          upstreamPartitions({
            downstream: a.spec.partitions,
            downstreamKey: partition,
            upstream: upDefinition,
            mapping,
            now,
          }).keys ?? [];
        const keyed = isKeyed(mapping, a.spec.partitions, upDefinition);
        // Reading every partition, the stored ones are what there is; any other mapping needs each.
        const optional = a.spec.partitions === undefined || mapping?.type === "all";
        const planned = inPlan.get(upKey);
        for (const p of read) {
          const upId = partitionId(upKey, p);
          if (planned?.has(upId)) needs.push(upId);
          else if (isInput)
            storedInputs.push({
              asset: id,
              upstream: upKey,
              partition: p,
              ...(optional ? { optional } : {}),
            });
        }
        if (isInput)
          inputs.push({ name, key: upKey, fromPlan, partitions: read, ...(keyed ? { keyed } : {}) });
      }
      steps.push({
        id,
        key,
        ...(partition !== undefined ? { partition } : {}),
        asset: a,
        needs: [...new Set(needs)],
        inputs,
        checks: checksOf.get(key) ?? [],
      });
    }
  }

  const byId = new Map(steps.map((s) => [s.id, s]));
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const downstreamOf = new Map<string, string[]>();
  for (const step of steps) {
    for (const need of step.needs) {
      let list = downstreamOf.get(need);
      if (!list) downstreamOf.set(need, (list = []));
      list.push(step.id);
    }
  }
  const downstream = new Map<string, string[]>();
  for (const [id, list] of downstreamOf)
    downstream.set(
      id,
      [...list].sort((x, y) => position.get(x)! - position.get(y)!),
    );
  const unorderedSet = new Set(unorderedKeys);
  return {
    steps,
    byId,
    downstream,
    excluded,
    unordered: steps.filter((s) => unorderedSet.has(s.key)).map((s) => s.id),
    storedInputs,
  };
}

function describeRequest(request: PartitionRequest): string {
  return "key" in request
    ? `partition ${request.key}`
    : `partitions ${request.range.start}...${request.range.end}`;
}

/**
 * The partitions of `a` that the run's partitions upstream make whole: every partition they
 * read of each partitioned upstream in the run is in the run (a weekly rollup of a January
 * backfill gets the weeks that lie inside January).
 */
function derivedKeys(
  definitions: LoadedDefinitions,
  a: AnyAsset,
  partitionsOf: ReadonlyMap<string, string[] | undefined>,
  now: number,
): string[] | undefined {
  const definition = a.spec.partitions!;
  const upstreams = upstreamInputs(a).flatMap(({ key, mapping }) => {
    const selected = partitionsOf.get(key);
    const upDefinition = definitions.byKey.get(key)?.spec.partitions;
    return selected === undefined || upDefinition === undefined
      ? []
      : [{ chosen: new Set(selected), upDefinition, mapping }];
  });
  if (upstreams.length === 0) return undefined;
  return keyTable(definition, now).keys.filter((candidate) =>
    upstreams.every(({ chosen, upDefinition, mapping }) => {
      const read =
        upstreamPartitions({
          downstream: definition,
          downstreamKey: candidate,
          upstream: upDefinition,
          mapping,
          now,
        }).keys ?? [];
      return read.length > 0 && read.every((k) => chosen.has(k));
    }),
  );
}

/** Kahn's algorithm over assets, first-in first-out in discovery order. */
function orderAssets(
  chosen: AnyAsset[],
  wanted: ReadonlySet<string>,
): { ordered: string[]; unordered: string[] } {
  const downstreamOf = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const a of chosen) {
    const needs = upstreamKeys(a).filter((k) => wanted.has(k));
    waiting.set(a.key, needs.length);
    for (const up of needs) {
      let list = downstreamOf.get(up);
      if (!list) downstreamOf.set(up, (list = []));
      list.push(a.key);
    }
  }
  const queue = chosen.filter((a) => waiting.get(a.key) === 0).map((a) => a.key);
  for (let i = 0; i < queue.length; i++) {
    for (const d of downstreamOf.get(queue[i]!) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  const placed = new Set(queue);
  return { ordered: queue, unordered: chosen.filter((a) => !placed.has(a.key)).map((a) => a.key) };
}

/** Every step downstream of `id` (depth first, each once): what is skipped when it fails. */
export function downstreamSteps(plan: ExecutionPlan, id: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>([id]);
  const visit = (from: string): void => {
    for (const d of plan.downstream.get(from) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      found.push(d);
      visit(d);
    }
  };
  visit(id);
  return found;
}

/**
 * The plan without the steps `drop` (partitions a resumed backfill already holds): what needed
 * them reads them from storage instead.
 */
export function withoutSteps(plan: ExecutionPlan, drop: ReadonlySet<string>): ExecutionPlan {
  if (drop.size === 0) return plan;
  const steps = plan.steps
    .filter((s) => !drop.has(s.id))
    .map((s) => ({ ...s, needs: s.needs.filter((need) => !drop.has(need)) }));
  const downstream = new Map<string, string[]>();
  for (const [id, list] of plan.downstream) {
    if (!drop.has(id))
      downstream.set(
        id,
        list.filter((d) => !drop.has(d)),
      );
  }
  const storedInputs = plan.storedInputs.filter((input) => !drop.has(input.asset));
  for (const step of steps) {
    for (const input of step.inputs) {
      for (const partition of input.partitions ?? []) {
        if (drop.has(partitionId(input.key, partition))) {
          storedInputs.push({ asset: step.id, upstream: input.key, partition });
        }
      }
    }
  }
  return {
    ...plan,
    steps,
    byId: new Map(steps.map((s) => [s.id, s])),
    downstream,
    unordered: plan.unordered.filter((id) => !drop.has(id)),
    storedInputs,
  };
}
