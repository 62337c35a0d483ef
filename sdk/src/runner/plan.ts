/**
 * The execution plan of a run (as Dagster's): which steps run, in dependency order, what each
 * needs, where each input comes from, and what is left out and why. Pure: it reads the loaded
 * definitions and nothing else (whether a stored input exists is asked by the runner).
 */
import { upstreamKeys, type LoadedDefinitions } from "../definitions";
import type { AnyAsset, AssetCheck } from "../types";

export interface PlanInput {
  /** The input's name in the asset's `ins`. */
  name: string;
  /** The upstream asset whose value it is. */
  key: string;
  /** Produced by a step of this plan; otherwise loaded from what is stored. */
  fromPlan: boolean;
}

export interface PlanStep {
  key: string;
  asset: AnyAsset;
  /** Upstream keys in the plan (inputs and plain deps): the step starts once they have materialized. */
  needs: string[];
  inputs: PlanInput[];
  /** The checks that run on the value once it is stored, in declaration order. */
  checks: AssetCheck<unknown>[];
}

export interface ExecutionPlan {
  /** Every step, upstream before downstream (discovery order where the graph leaves a choice). */
  steps: PlanStep[];
  byKey: ReadonlyMap<string, PlanStep>;
  /** The steps that need each step, in plan order. */
  downstream: ReadonlyMap<string, readonly string[]>;
  /** Keys asked for that are not steps, and why. */
  excluded: { key: string; reason: string }[];
  /** Keys of `steps` that can never start: they wait on each other (definitions refuse cycles). */
  unordered: string[];
  /** Inputs that come from outside the plan, so must already be stored: [asset, upstream]. */
  storedInputs: { asset: string; upstream: string }[];
}

/** The plan for materializing `keys`; external and unknown keys are excluded with their reason. */
export function buildPlan(definitions: LoadedDefinitions, keys: Iterable<string>): ExecutionPlan {
  const excluded: ExecutionPlan["excluded"] = [];
  const wanted = new Set<string>();
  for (const key of keys) {
    const a = definitions.byKey.get(key);
    if (!a) excluded.push({ key, reason: "no definition declares it" });
    else if (a.external) excluded.push({ key, reason: "an external asset is never materialized" });
    else wanted.add(key);
  }
  const chosen = definitions.assets.filter((a) => wanted.has(a.key));

  // Kahn's algorithm, first-in first-out in discovery order.
  const needsOf = new Map<string, string[]>();
  const downstreamOf = new Map<string, string[]>();
  for (const a of chosen) {
    const needs = upstreamKeys(a).filter((k) => wanted.has(k));
    needsOf.set(a.key, needs);
    for (const up of needs) {
      let list = downstreamOf.get(up);
      if (!list) downstreamOf.set(up, (list = []));
      list.push(a.key);
    }
  }
  const waiting = new Map(chosen.map((a) => [a.key, needsOf.get(a.key)!.length]));
  const queue = chosen.filter((a) => waiting.get(a.key) === 0).map((a) => a.key);
  const ordered: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const key = queue[i]!;
    ordered.push(key);
    for (const d of downstreamOf.get(key) ?? []) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  const placed = new Set(ordered);
  const unordered = chosen.filter((a) => !placed.has(a.key)).map((a) => a.key);
  const position = new Map([...ordered, ...unordered].map((k, i) => [k, i]));
  const byPosition = (x: string, y: string): number => position.get(x)! - position.get(y)!;

  const checksOf = new Map<string, AssetCheck<unknown>[]>();
  for (const c of definitions.checks) {
    if (!wanted.has(c.assetKey)) continue;
    let list = checksOf.get(c.assetKey);
    if (!list) checksOf.set(c.assetKey, (list = []));
    list.push(c);
  }

  const steps: PlanStep[] = [];
  const storedInputs: ExecutionPlan["storedInputs"] = [];
  for (const key of [...ordered, ...unordered]) {
    const a = definitions.byKey.get(key)!;
    const inputs = Object.entries(a.spec.ins ?? {}).map(([name, input]) => ({
      name,
      key: input.key,
      fromPlan: wanted.has(input.key),
    }));
    for (const input of inputs) if (!input.fromPlan) storedInputs.push({ asset: key, upstream: input.key });
    steps.push({ key, asset: a, needs: needsOf.get(key)!, inputs, checks: checksOf.get(key) ?? [] });
  }
  const downstream = new Map<string, string[]>();
  for (const [key, list] of downstreamOf) downstream.set(key, [...list].sort(byPosition));
  return {
    steps,
    byKey: new Map(steps.map((s) => [s.key, s])),
    downstream,
    excluded,
    unordered,
    storedInputs,
  };
}

/** Every step downstream of `key` (depth first, each once): what is skipped when it fails. */
export function downstreamSteps(plan: ExecutionPlan, key: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>([key]);
  const visit = (from: string): void => {
    for (const d of plan.downstream.get(from) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      found.push(d);
      visit(d);
    }
  };
  visit(key);
  return found;
}
