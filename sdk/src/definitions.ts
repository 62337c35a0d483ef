/** Collecting assets and checks from a definitions module, and the runtime graph they form. */
import path from "node:path";
import {
  describeCondition,
  mappingProblem,
  type AssetNode,
  type AssetGraph,
  type CheckSpecInfo,
  type PartitionMapping,
} from "@assetline/core";
import { isSchedule, isSensor, type Schedule, type Sensor } from "./automation/definitions";
import type { SourceLocation } from "./location";
import { isAsset, isCheck, isDefinitions, type AnyAsset, type AssetCheck } from "./types";

export interface LoadedDefinitions {
  /** Every asset, including external ones, in discovery order. */
  assets: AnyAsset[];
  checks: AssetCheck<unknown>[];
  byKey: Map<string, AnyAsset>;
  /** Schedules and sensors (`assetline dev` and `assetline automation` evaluate them). */
  schedules: Schedule[];
  sensors: Sensor[];
}

export class DefinitionsError extends Error {
  override readonly name = "DefinitionsError";
}

/** Every upstream key of an asset: inputs first, then plain deps, without repeats. */
export function upstreamKeys(asset: AnyAsset): string[] {
  const keys: string[] = [];
  for (const input of Object.values(asset.spec.ins ?? {}))
    if (!keys.includes(input.key)) keys.push(input.key);
  for (const dep of asset.spec.deps ?? []) {
    const key = typeof dep === "string" ? dep : dep.key;
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/**
 * Every upstream of an asset with the name its partition mapping is keyed by (the input's name,
 * or a plain dep's key) and that mapping, when one is given.
 */
export function upstreamInputs(asset: AnyAsset): { name: string; key: string; mapping?: PartitionMapping }[] {
  const mappings = asset.spec.partitionMappings ?? {};
  const found: { name: string; key: string; mapping?: PartitionMapping }[] = [];
  const seen = new Set<string>();
  const add = (name: string, key: string): void => {
    seen.add(key);
    const mapping = mappings[name];
    found.push(mapping === undefined ? { name, key } : { name, key, mapping });
  };
  for (const [name, input] of Object.entries(asset.spec.ins ?? {})) add(name, input.key);
  for (const dep of asset.spec.deps ?? []) {
    const key = typeof dep === "string" ? dep : dep.key;
    if (!seen.has(key)) add(key, key);
  }
  return found;
}

function where(asset: { location?: SourceLocation }): string {
  return asset.location ? `${asset.location.file}:${asset.location.line}` : "(unknown location)";
}

/**
 * Finds assets and checks in a module's exports, looking through arrays, plain objects and
 * `defineAssets(...)` sets. Assets reachable through `ins`/`deps` references are included too.
 */
export function collectDefinitions(
  exportsValue: unknown,
  options: {
    /** Tolerate string deps that no definition declares (they only order, so a test can leave them out). */
    allowUndeclaredDeps?: boolean;
  } = {},
): LoadedDefinitions {
  const assets: AnyAsset[] = [];
  const checks: AssetCheck<unknown>[] = [];
  const seenAssets = new Set<AnyAsset>();
  const seenChecks = new Set<AssetCheck<unknown>>();
  const visited = new Set<unknown>();

  const addAsset = (asset: AnyAsset): void => {
    if (seenAssets.has(asset)) return;
    seenAssets.add(asset);
    assets.push(asset);
    for (const c of asset.checks) addCheck(c);
    for (const input of Object.values(asset.spec.ins ?? {})) addAsset(input);
    for (const dep of asset.spec.deps ?? []) if (typeof dep !== "string") addAsset(dep);
  };
  const addCheck = (c: AssetCheck<unknown>): void => {
    if (seenChecks.has(c)) return;
    seenChecks.add(c);
    checks.push(c);
    addAsset(c.asset);
  };
  const schedules = new Map<string, Schedule>();
  const sensors = new Map<string, Sensor>();
  const addNamed = <T extends Schedule | Sensor>(kind: string, found: Map<string, T>, value: T): void => {
    const previous = found.get(value.name);
    if (previous !== undefined && previous !== value) {
      throw new DefinitionsError(
        `Two ${kind}s are named "${value.name}" (${where(previous)} and ${where(value)}); give each its own name.`,
      );
    }
    found.set(value.name, value);
  };
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== "object" || value === null || visited.has(value) || depth > 8) return;
    visited.add(value);
    if (isAsset(value)) return addAsset(value);
    if (isSchedule(value)) return addNamed("schedule", schedules, value);
    if (isSensor(value)) return addNamed("sensor", sensors, value);
    if (isCheck(value)) return addCheck(value);
    if (isDefinitions(value)) {
      for (const a of value.assets) addAsset(a);
      for (const c of value.checks) addCheck(c);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return;
    for (const key of Object.keys(value)) {
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        continue;
      }
      walk(item, depth + 1);
    }
  };
  walk(exportsValue, 0);

  const byKey = new Map<string, AnyAsset>();
  for (const a of assets) {
    const previous = byKey.get(a.key);
    if (previous) {
      throw new DefinitionsError(
        `Asset key "${a.key}" is declared twice (${where(previous)} and ${where(a)}); give each asset its own key.`,
      );
    }
    byKey.set(a.key, a);
  }
  for (const a of assets) {
    for (const key of upstreamKeys(a)) {
      if (!byKey.has(key) && !options.allowUndeclaredDeps) {
        throw new DefinitionsError(
          `Asset "${a.key}" (${where(a)}) depends on "${key}", which no definition declares; declare it, or use externalAsset("${key}") if it is produced outside Assetline.`,
        );
      }
    }
  }
  for (const a of assets) {
    for (const { name, key, mapping } of upstreamInputs(a)) {
      const upstream = byKey.get(key);
      if (!upstream) continue;
      const problem = mappingProblem(a.spec.partitions, upstream.spec.partitions, mapping);
      if (problem !== undefined) {
        throw new DefinitionsError(`Asset "${a.key}" (${where(a)}), input "${name}" (${key}): ${problem}`);
      }
    }
  }
  const cycle = findCycle(assets, byKey);
  if (cycle) {
    throw new DefinitionsError(
      `Assets depend on each other in a cycle: ${cycle.join(" -> ")}; remove one of these dependencies.`,
    );
  }
  return { assets, checks, byKey, schedules: [...schedules.values()], sensors: [...sensors.values()] };
}

/** A dependency cycle as a list of keys (first = last), if there is one. */
function findCycle(assets: AnyAsset[], byKey: Map<string, AnyAsset>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (key: string): string[] | undefined => {
    const asset = byKey.get(key);
    if (!asset) return undefined; // an undeclared string dep (allowed in tests)
    const seen = state.get(key);
    if (seen === "done") return undefined;
    if (seen === "visiting") return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, "visiting");
    stack.push(key);
    for (const up of upstreamKeys(asset)) {
      const found = visit(up);
      if (found) return found;
    }
    stack.pop();
    state.set(key, "done");
    return undefined;
  };
  for (const a of assets) {
    const found = visit(a.key);
    if (found) return found;
  }
  return undefined;
}

/** The runtime graph in the same shape as the static `graph --json`. */
export function runtimeGraph(defs: LoadedDefinitions, root: string): AssetGraph {
  const byLocation = new Map<string, number>();
  const locationKey = (a: AnyAsset): string | undefined =>
    a.location ? `${a.location.file}:${a.location.line}:${a.location.column}` : undefined;
  for (const a of defs.assets) {
    const loc = locationKey(a);
    if (loc) byLocation.set(loc, (byLocation.get(loc) ?? 0) + 1);
  }
  const assets: AssetNode[] = defs.assets.map((a) => {
    const spec = a.spec;
    const node: AssetNode = {
      key: a.key,
      file: a.location ? path.relative(root, a.location.file).split(path.sep).join("/") : "",
      line: a.location?.line ?? 0,
      column: a.location?.column ?? 0,
      deps: upstreamKeys(a),
      ins: Object.fromEntries(Object.entries(spec.ins ?? {}).map(([name, input]) => [name, input.key])),
      checks: defs.checks.filter((c) => c.assetKey === a.key).map((c) => c.name),
      // At run time an asset is known to be generated when it was declared inside an array
      // callback (`.map`, `.forEach`, ...) or when several share one call site (a loop); a single
      // asset made by a plain loop cannot be told apart from a written-out one.
      generated: a.location?.inIteration === true || (byLocation.get(locationKey(a) ?? "") ?? 0) > 1,
    };
    if (spec.group !== undefined) node.group = spec.group;
    if (spec.description !== undefined) node.description = spec.description;
    if (spec.kinds !== undefined) node.kinds = [...spec.kinds];
    if (spec.owners !== undefined) node.owners = [...spec.owners];
    if (spec.tags !== undefined) node.tags = { ...spec.tags };
    if (spec.metadata !== undefined) node.metadata = { ...spec.metadata };
    if (a.external) node.external = true;
    if (spec.automation !== undefined) {
      node.automation = describeCondition(spec.automation);
      node.automationCondition = spec.automation;
    }
    if (spec.partitions !== undefined) node.partitions = spec.partitions;
    if (spec.partitionMappings !== undefined) node.partitionMappings = { ...spec.partitionMappings };
    if (spec.codeVersion !== undefined) node.codeVersion = spec.codeVersion;
    if (spec.freshness !== undefined) node.freshness = { maxLag: spec.freshness.maxLag };
    const checkSpecs: Record<string, CheckSpecInfo> = {};
    for (const c of defs.checks.filter((c) => c.assetKey === a.key)) {
      const info: CheckSpecInfo = {};
      if (c.blocking) info.blocking = true;
      if (c.severity === "warn") info.severity = "warn";
      if (c.description !== undefined) info.description = c.description;
      if (Object.keys(info).length > 0) checkSpecs[c.name] ??= info;
    }
    if (Object.keys(checkSpecs).length > 0) node.checkSpecs = checkSpecs;
    const checkLocations: NonNullable<AssetNode["checkLocations"]> = {};
    for (const c of defs.checks.filter((c) => c.assetKey === a.key && c.location)) {
      checkLocations[c.name] ??= {
        file: path.relative(root, c.location!.file).split(path.sep).join("/"),
        line: c.location!.line,
        column: c.location!.column,
      };
    }
    if (Object.keys(checkLocations).length > 0) node.checkLocations = checkLocations;
    return node;
  });
  const graph: AssetGraph = { version: 1, assets, diagnostics: [] };
  const place = (location: SourceLocation | undefined) => ({
    file: location ? path.relative(root, location.file).split(path.sep).join("/") : "",
    line: location?.line ?? 0,
    column: location?.column ?? 0,
  });
  if (defs.schedules.length > 0) {
    graph.schedules = defs.schedules.map((s) => ({
      name: s.name,
      cron: s.cron,
      timezone: s.timezone,
      select: s.select,
      ...(s.description === undefined ? {} : { description: s.description }),
      ...place(s.location),
    }));
  }
  if (defs.sensors.length > 0) {
    graph.sensors = defs.sensors.map((s) => ({
      name: s.name,
      interval: s.interval,
      targets: s.targets,
      ...(s.description === undefined ? {} : { description: s.description }),
      ...place(s.location),
    }));
  }
  return graph;
}
