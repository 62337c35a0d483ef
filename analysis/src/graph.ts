/**
 * Assembles the asset graph from the extracted records and finds the structural problems:
 * unknown keys (with a suggestion), duplicate keys, self-dependencies, cycles, invalid keys and
 * checks on unknown assets.
 */
import {
  GRAPH_FORMAT_VERSION,
  describeCondition,
  mappingProblem,
  unknownMappingNameProblem,
  type AssetGraph,
  type AssetNode,
  type CheckSpecInfo,
  type GraphDiagnostic,
} from "@assetline/core";
import { closestKey } from "./closest";
import type { AssetRecord, CheckRecord, RawDiagnostic, SourceSpan, TriggerRecord } from "./model";

export { closestKey, levenshtein } from "./closest";

/** Asset keys (the library's rule): segments of letters, digits, "_", "." and "-" joined by "/". */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
/** A whole valid key at once (the common case): segments as above, none "." or "..". */
const VALID_KEY = /^(?!\.\.?(?:\/|$))[A-Za-z0-9_.-]+(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_.-]+)*$/;

const keyProblems = new Map<string, string | undefined>();

/** `keyProblem`, remembered per key (the same keys are validated again after every edit). */
function cachedKeyProblem(key: string): string | undefined {
  if (keyProblems.has(key)) return keyProblems.get(key);
  const problem = keyProblem(key);
  if (keyProblems.size > 100_000) keyProblems.clear();
  keyProblems.set(key, problem);
  return problem;
}

export function keyProblem(key: string): string | undefined {
  if (VALID_KEY.test(key)) return undefined;
  if (key.length === 0) return 'An asset key must not be empty; use segments like "ingest/raw_orders".';
  const segments = key.split("/");
  for (const [index, segment] of segments.entries()) {
    if (segment.length === 0) {
      const where = index === 0 ? "leading" : index === segments.length - 1 ? "trailing" : "double";
      return `Asset key "${key}" has an empty segment (${where} "/"); use segments joined by single "/".`;
    }
    if (segment === "." || segment === "..") {
      return `Asset key "${key}" has a "${segment}" segment; key segments cannot be "." or "..".`;
    }
    if (!SEGMENT.test(segment)) {
      const bad = [...segment].find((char) => !/[A-Za-z0-9_.-]/.test(char));
      return `Asset key "${key}" contains ${JSON.stringify(bad)}; key segments may only use letters, digits, "_", "." and "-", joined by "/".`;
    }
  }
  return undefined;
}

export interface GraphInput {
  assets: AssetRecord[];
  checks: CheckRecord[];
  diagnostics: RawDiagnostic[];
  triggers?: TriggerRecord[];
}

/** Structural result before positions are converted: the graph's nodes plus raw diagnostics. */
export interface BuiltGraph {
  /** Records that made it into the graph, by key (the first one when a key is duplicated). */
  byKey: Map<string, AssetRecord>;
  /** Every record with a key, in source order. */
  records: AssetRecord[];
  checksByKey: Map<string, string[]>;
  /** Asset key -> check name -> what the check's spec says, for checks with a known spec. */
  checkSpecsByKey: Map<string, Record<string, CheckSpecInfo>>;
  /** Where each check of an asset is declared (its first declaration, by name). */
  checkSpansByKey: Map<string, Record<string, SourceSpan>>;
  downstream: Map<string, Set<string>>;
  diagnostics: RawDiagnostic[];
  /** Schedules and sensors, in source order, the first of each name. */
  triggers: TriggerRecord[];
}

function compareSpans(a: SourceSpan, b: SourceSpan): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.start - b.start;
}

/**
 * Where a problem with an asset's key is reported: the key argument, or for an asset made by a
 * project's factory function the call of that factory (where the key's parts are chosen).
 */
function keyPlace(record: AssetRecord): SourceSpan {
  return record.site ?? record.keySpan;
}

/**
 * The diagnostics without repeats: a callback run once per item (`.map`, a loop) reports the
 * same problem at the same place each time.
 */
function withoutRepeats(list: RawDiagnostic[]): RawDiagnostic[] {
  const seen = new Set<string>();
  return list.filter((diagnostic) => {
    const { file, start, end } = diagnostic.span;
    const id = `${file}\u0000${start}\u0000${end}\u0000${diagnostic.code}\u0000${diagnostic.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function buildGraph(input: GraphInput, cycleCache: CycleCache = {}): BuiltGraph {
  const diagnostics: RawDiagnostic[] = [...input.diagnostics];
  const records = input.assets.filter((record) => record.key !== undefined);
  const order = (a: AssetRecord, b: AssetRecord): number =>
    compareSpans(a.call, b.call) || ((a.key ?? "") < (b.key ?? "") ? -1 : 1);
  // Usually already in order (modules come file by file): check before sorting.
  let sorted = true;
  for (let i = 1; i < records.length && sorted; i++) sorted = order(records[i - 1]!, records[i]!) <= 0;
  if (!sorted) records.sort(order);

  const byKey = new Map<string, AssetRecord>();
  const duplicates = new Map<string, AssetRecord[]>();
  for (const record of records) {
    const key = record.key as string;
    const problem = cachedKeyProblem(key);
    if (problem) {
      diagnostics.push({ span: keyPlace(record), severity: "error", code: "invalid-key", message: problem });
    }
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, record);
      continue;
    }
    // A key both computed and declared external: the graph shows the computed asset.
    if (first.external && !record.external && byKey.get(key) === first) byKey.set(key, record);
    const list = duplicates.get(key) ?? [first];
    list.push(record);
    duplicates.set(key, list);
  }
  for (const [key, list] of duplicates) {
    // Generated assets from one factory call share a location: report that call once.
    const seen = new Set<string>();
    for (const record of list) {
      const place = keyPlace(record);
      const where = `${place.file}:${place.start}`;
      if (seen.has(where)) continue;
      seen.add(where);
      const others = list.filter((other) => other !== record);
      diagnostics.push({
        span: place,
        severity: "error",
        code: "duplicate-key",
        message: `The asset key "${key}" is declared ${list.length} times; keys must be unique.`,
        related: others.map((other) => ({
          span: keyPlace(other),
          message: `"${key}" is also declared here`,
        })),
      });
    }
  }

  const keys = [...byKey.keys()];
  let exported: string[] | undefined;
  /** The names assets are exported under (computed once, when a name is undefined). */
  const assetNames = (): string[] =>
    (exported ??= [...new Set(records.flatMap((record) => (record.exportName ? [record.exportName] : [])))]);
  let fingerprint: number | undefined;
  /** closestKey, remembered while the set of keys is the same (it scans every key). */
  const suggest = (key: string): string | undefined => {
    if (fingerprint === undefined) {
      let hash = 2166136261;
      for (const known of keys) {
        for (let i = 0; i < known.length; i++) hash = Math.imul(hash ^ known.charCodeAt(i), 16777619);
        hash = Math.imul(hash ^ 47, 16777619);
      }
      fingerprint = hash >>> 0;
      if (cycleCache.suggestionsFor !== fingerprint) {
        cycleCache.suggestions = new Map();
        cycleCache.suggestionsFor = fingerprint;
      }
    }
    const suggestions = cycleCache.suggestions!;
    if (!suggestions.has(key)) suggestions.set(key, closestKey(key, keys));
    return suggestions.get(key);
  };
  const edges = new Map<string, Set<string>>();
  const downstream = new Map<string, Set<string>>();

  /** Places already reported (a factory call makes many records from one reference). */
  const reportedPlaces = new Set<string>();
  for (const record of records) {
    const key = record.key as string;
    const ownEdges = edges.get(key) ?? new Set<string>();
    edges.set(key, ownEdges);
    for (const dep of record.deps) {
      const at = dep.reportAt ?? dep.span;
      if (dep.problem) {
        if (dep.problem.kind === "not-an-asset" || dep.problem.kind === "undefined-name") {
          // A misspelt asset variable: the closest name an asset is exported under.
          const name = dep.problem.name;
          const meant = name !== undefined ? closestKey(name, assetNames()) : undefined;
          diagnostics.push({
            span: at,
            severity: "error",
            code: "unknown-asset",
            message: `${capitalise(dep.problem.message)}.${meant ? ` Did you mean \`${meant}\`?` : ""}`,
          });
        } else if (dep.problem.kind === "dynamic") {
          // Never a silent gap: the edge is missing from the graph, so say why (once per place,
          // however many assets a factory makes from it).
          const message = `This dependency cannot be evaluated statically (${dep.problem.message}); it is not in the graph.`;
          const place = `${at.file}\u0000${at.start}\u0000${at.end}\u0000${message}`;
          if (!reportedPlaces.has(place)) {
            reportedPlaces.add(place);
            diagnostics.push({ span: at, severity: "info", code: "dynamic-asset", message });
          }
        }
        continue;
      }
      const target = dep.key as string;
      if (target === key) {
        // Generated assets from one factory call share the reference: report it once.
        const place = `${at.file}\u0000${at.start}\u0000self`;
        if (reportedPlaces.has(place)) continue;
        reportedPlaces.add(place);
        diagnostics.push({
          span: at,
          severity: "error",
          code: "self-dependency",
          message: `The asset "${key}" depends on itself.`,
        });
        continue;
      }
      if (!byKey.has(target)) {
        // Not even a key: the library refuses it when the module loads, so say why (as it does).
        const keyError = cachedKeyProblem(target);
        if (keyError) {
          diagnostics.push({ span: at, severity: "error", code: "invalid-key", message: keyError });
          continue;
        }
        const suggestion = suggest(target);
        diagnostics.push({
          span: at,
          severity: "error",
          code: "unknown-asset",
          message: suggestion
            ? `Unknown asset "${target}". Did you mean "${suggestion}"?`
            : `Unknown asset "${target}": no asset or external asset has this key.`,
        });
        continue;
      }
      ownEdges.add(target);
      let users = downstream.get(target);
      if (!users) {
        users = new Set();
        downstream.set(target, users);
      }
      users.add(key);
    }
  }

  diagnostics.push(...cycleDiagnostics(edges, byKey, cycleCache));
  diagnostics.push(...partitionDiagnostics(records, byKey));

  const checksByKey = new Map<string, string[]>();
  const checkSpecsByKey = new Map<string, Record<string, CheckSpecInfo>>();
  const checkSpansByKey = new Map<string, Record<string, SourceSpan>>();
  for (const check of input.checks) {
    let key: string | undefined;
    if (check.target) key = check.target.key;
    else if (check.targetKey !== undefined) {
      key = check.targetKey;
      if (!byKey.has(key)) {
        const suggestion = suggest(key);
        diagnostics.push({
          span: check.targetReportAt ?? check.targetSpan,
          severity: "error",
          code: "unknown-check-target",
          message: suggestion
            ? `The check targets an unknown asset "${key}". Did you mean "${suggestion}"?`
            : `The check targets an unknown asset "${key}".`,
        });
        continue;
      }
    } else if (check.problem) {
      diagnostics.push({
        span: check.targetReportAt ?? check.targetSpan,
        severity: "error",
        code: "unknown-check-target",
        message: `${capitalise(check.problem)}.`,
      });
      continue;
    }
    if (key === undefined || check.name === undefined) continue;
    const list = checksByKey.get(key) ?? [];
    if (!list.includes(check.name)) list.push(check.name);
    checksByKey.set(key, list);
    const spans = checkSpansByKey.get(key) ?? {};
    spans[check.name] ??= check.span;
    checkSpansByKey.set(key, spans);
    if (check.spec) {
      const specs = checkSpecsByKey.get(key) ?? {};
      specs[check.name] ??= check.spec;
      checkSpecsByKey.set(key, specs);
    }
  }

  const triggers: TriggerRecord[] = [];
  const named = new Set<string>();
  for (const trigger of [...(input.triggers ?? [])].sort((a, b) => compareSpans(a.call, b.call))) {
    const id = `${trigger.kind}\u0000${trigger.name}`;
    if (named.has(id)) continue;
    named.add(id);
    triggers.push(trigger);
  }

  return {
    byKey,
    records,
    checksByKey,
    checkSpecsByKey,
    checkSpansByKey,
    downstream,
    diagnostics: withoutRepeats(diagnostics),
    triggers,
  };
}

/**
 * `partition-mismatch`: an upstream whose partitions do not map to the asset's without a
 * mapping, or through the mapping given (core's `mappingProblem`, the rule the library applies
 * when the definitions load, with its inputs named the same way: the input's name, or a plain
 * dep's key), and a mapping keyed by a name no upstream has. A definition or mapping not known
 * statically says nothing.
 */
function partitionDiagnostics(records: AssetRecord[], byKey: Map<string, AssetRecord>): RawDiagnostic[] {
  const diagnostics: RawDiagnostic[] = [];
  for (const record of records) {
    const mappings = record.partitionMappings ?? {};
    const unknownMappings = record.unknownPartitionMappings;
    /** What a mapping may be keyed by: input names and plain deps' keys. */
    const names = new Set<string>();
    const seenKeys = new Set<string>();
    let allKnown = true;
    for (const dep of record.deps) {
      if (dep.key === undefined) {
        allKnown = false;
        continue;
      }
      const name = dep.input ?? dep.key;
      // As the library: inputs first, then the plain deps that are not inputs.
      if (dep.input === undefined && seenKeys.has(dep.key)) continue;
      names.add(name);
      seenKeys.add(dep.key);
      const upstream = byKey.get(dep.key);
      if (!upstream || upstream.key === record.key) continue;
      if (record.partitionsUnknown || upstream.partitionsUnknown) continue;
      if (unknownMappings === "all" || unknownMappings?.has(name)) continue;
      const mapping = Object.prototype.hasOwnProperty.call(mappings, name) ? mappings[name] : undefined;
      if (record.partitions === undefined && upstream.partitions === undefined && mapping === undefined)
        continue;
      const problem = mappingProblem(record.partitions, upstream.partitions, mapping);
      if (problem === undefined) continue;
      const span =
        (mapping !== undefined ? record.partitionMappingSpans?.[name] : undefined) ??
        dep.reportAt ??
        dep.span;
      diagnostics.push({
        span,
        severity: "error",
        code: "partition-mismatch",
        message:
          dep.input !== undefined
            ? `Input "${name}" (${dep.key}): ${problem}`
            : `Dep "${dep.key}": ${problem}`,
      });
    }
    if (!allKnown || unknownMappings === "all") continue;
    for (const name of Object.keys(mappings)) {
      if (names.has(name)) continue;
      const span = record.partitionMappingSpans?.[name];
      if (!span) continue;
      diagnostics.push({
        span,
        severity: "error",
        code: "partition-mismatch",
        message: unknownMappingNameProblem(name),
      });
    }
  }
  return diagnostics;
}

function capitalise(text: string): string {
  return text.length > 0 ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/** What the last cycle search found, to skip it when an edit cannot have changed the cycles. */
export interface CycleCache {
  /** Suggestions for unknown keys, valid for one set of known keys (by fingerprint). */
  suggestions?: Map<string, string | undefined>;
  suggestionsFor?: number;
  edges?: Map<string, Set<string>>;
  cycles?: string[][];
  /** Strongly connected component (of more than one key) of each key in one. */
  component?: Map<string, number>;
}

function reachable(edges: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node === to) return true;
    for (const next of edges.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/**
 * Cycles, found again only when the edit could have changed them: an added edge that closes
 * a path, or a removed edge inside a strongly connected component. Most edits change neither.
 */
function cycleDiagnostics(
  edges: Map<string, Set<string>>,
  byKey: Map<string, AssetRecord>,
  cache: CycleCache,
): RawDiagnostic[] {
  let recompute = !cache.edges || !cache.cycles || !cache.component;
  if (!recompute) {
    const previous = cache.edges!;
    const component = cache.component!;
    for (const [from, targets] of previous) {
      const now = edges.get(from);
      for (const target of targets) {
        if (now?.has(target)) continue;
        const group = component.get(from);
        if (group !== undefined && group === component.get(target)) recompute = true;
      }
      if (recompute) break;
    }
    if (!recompute) {
      for (const [from, targets] of edges) {
        const before = previous.get(from);
        for (const target of targets) {
          if (!before?.has(target) && reachable(edges, target, from)) {
            recompute = true;
            break;
          }
        }
        if (recompute) break;
      }
    }
  }
  if (recompute) {
    const { cycles, components } = findCycles(edges);
    cache.cycles = cycles;
    cache.component = new Map();
    components.forEach((members, index) => members.forEach((key) => cache.component!.set(key, index)));
  }
  cache.edges = edges;
  return cache.cycles!.flatMap((cycle) => cycleSteps(cycle, byKey));
}

/** Tarjan's strongly connected components; for each, the shortest cycle through its first key. */
function findCycles(edges: Map<string, Set<string>>): { cycles: string[][]; components: string[][] } {
  // Keys as numbers and the edges as flat arrays: no map lookup or allocation per step.
  const keys: string[] = [...edges.keys()];
  const ids = new Map<string, number>();
  keys.forEach((key, i) => ids.set(key, i));
  const starts: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < edges.size; i++) {
    starts.push(targets.length);
    for (const target of edges.get(keys[i]!)!) {
      let id = ids.get(target);
      if (id === undefined) {
        // A target without edges of its own (every asset has an entry; kept for safety).
        id = keys.length;
        ids.set(target, id);
        keys.push(target);
      }
      targets.push(id);
    }
  }
  while (starts.length <= keys.length) starts.push(targets.length);
  const count = keys.length;

  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack = new Int32Array(count);
  let stackSize = 0;
  // The depth-first path (iterative, to survive deep graphs) and each node's next edge.
  const path = new Int32Array(count);
  let depth = 0;
  const next = new Int32Array(count);
  const components: string[][] = [];
  let counter = 0;
  const enter = (node: number): void => {
    index[node] = low[node] = counter++;
    stack[stackSize++] = node;
    onStack[node] = 1;
    next[node] = starts[node]!;
    path[depth++] = node;
  };

  for (let start = 0; start < count; start++) {
    if (index[start] !== -1) continue;
    enter(start);
    while (depth > 0) {
      const node = path[depth - 1]!;
      if (next[node]! < starts[node + 1]!) {
        const target = targets[next[node]!++]!;
        if (index[target] === -1) enter(target);
        else if (onStack[target]) low[node] = Math.min(low[node]!, index[target]!);
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = path[depth - 1]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === index[node]) {
        const component: string[] = [];
        let member: number;
        do {
          member = stack[--stackSize]!;
          onStack[member] = 0;
          component.push(keys[member]!);
        } while (member !== node);
        if (component.length > 1) components.push(component);
      }
    }
  }

  const cycles: string[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    // Shortest path from start back to start inside the component.
    const previous = new Map<string, string>();
    const queue = [start];
    let found = false;
    while (queue.length > 0 && !found) {
      const node = queue.shift()!;
      for (const target of [...(edges.get(node) ?? [])].sort()) {
        if (!members.has(target)) continue;
        if (target === start) {
          previous.set(start, node);
          found = true;
          break;
        }
        if (!previous.has(target)) {
          previous.set(target, node);
          queue.push(target);
        }
      }
    }
    if (!found) continue;
    const back: string[] = [];
    for (let node = previous.get(start)!; node !== start; node = previous.get(node)!) back.push(node);
    cycles.push([start, ...back.reverse()]);
  }
  return { cycles, components };
}

/** Whether `a` is declared before `b` (file path, then position): the order a reader meets them. */
function declaredBefore(a: AssetRecord | undefined, b: AssetRecord | undefined): boolean {
  if (!a || !b) return a !== undefined;
  if (a.keySpan.file !== b.keySpan.file) return a.keySpan.file < b.keySpan.file;
  return a.keySpan.start < b.keySpan.start;
}

/**
 * One diagnostic per cycle, on the reference that closes it: the cycle is walked from its
 * member declared first (`cycle[i]` depends on `cycle[i + 1]`), and the reference from the last
 * member back to the first is the one that makes it a cycle. The other steps are related.
 */
function cycleSteps(found: string[], byKey: Map<string, AssetRecord>): RawDiagnostic[] {
  let first = 0;
  found.forEach((key, i) => {
    if (declaredBefore(byKey.get(key), byKey.get(found[first]!))) first = i;
  });
  const cycle = [...found.slice(first), ...found.slice(0, first)];
  const start = cycle[0]!;
  const steps = cycle.map((from, i) => ({ from, to: cycle[(i + 1) % cycle.length]! }));
  const path = [...cycle, start].map((key) => `"${key}"`).join(" → ");
  const spans = steps.map(({ from, to }) => {
    const record = byKey.get(from);
    const dep = record?.deps.find((candidate) => candidate.key === to);
    return { from, to, span: dep?.span ?? record?.keySpan };
  });
  const closing = [...spans].reverse().find((step) => step.span);
  if (!closing) return [];
  return [
    {
      span: closing.span!,
      severity: "error",
      code: "cycle",
      message: `Dependency cycle: ${path}.`,
      related: spans
        .filter((other) => other !== closing && other.span)
        .map((other) => ({ span: other.span!, message: `"${other.from}" depends on "${other.to}"` })),
    },
  ];
}

/** Position conversion supplied by the session (it owns the source files). */
export type Locate = (file: string, offset: number) => { line: number; column: number };

export function toAssetNode(
  record: AssetRecord,
  built: BuiltGraph,
  relative: (file: string) => string,
  locate: Locate,
): AssetNode {
  // Nodes of records that did not change are reused while their checks are the same (deps are
  // listed as written, whether their targets exist or not).
  const context =
    (built.checksByKey.get(record.key as string) ?? []).join("\u0000") +
    JSON.stringify(built.checkSpecsByKey.get(record.key as string) ?? {}) +
    JSON.stringify(built.checkSpansByKey.get(record.key as string) ?? {});
  const cached = record.graphNode;
  if (cached && cached.context === context) return cached.node;
  const node = buildAssetNode(record, built, relative, locate);
  record.graphNode = { node, context };
  return node;
}

function buildAssetNode(
  record: AssetRecord,
  built: BuiltGraph,
  relative: (file: string) => string,
  locate: Locate,
): AssetNode {
  const key = record.key as string;
  const where = record.site ?? record.call;
  const position = locate(where.file, where.start);
  const deps: string[] = [];
  const ins: Record<string, string> = {};
  // Every key the asset declares, as written: one that names no asset, or the asset itself, is
  // still listed (the diagnostics say what is wrong with it), so that a consumer of the graph
  // sees what the code says. Only a reference whose key cannot be known is left out.
  for (const dep of record.deps) {
    if (dep.key === undefined) continue;
    if (!deps.includes(dep.key)) deps.push(dep.key);
    if (dep.input !== undefined) ins[dep.input] = dep.key;
  }
  const node: AssetNode = {
    key,
    file: relative(where.file),
    line: position.line,
    column: position.column,
    deps,
    ins,
    checks: built.checksByKey.get(key) ?? [],
    generated: record.generated,
  };
  if (record.group !== undefined) node.group = record.group;
  if (record.description !== undefined) node.description = record.description;
  if (record.kinds) node.kinds = record.kinds;
  if (record.owners) node.owners = record.owners;
  if (record.tags) node.tags = record.tags;
  if (record.metadata) node.metadata = record.metadata;
  if (record.external) node.external = true;
  if (record.codeVersion !== undefined) node.codeVersion = record.codeVersion;
  if (record.maxLag !== undefined) node.freshness = { maxLag: record.maxLag };
  if (record.automation !== undefined) {
    node.automation = describeCondition(record.automation);
    node.automationCondition = record.automation;
  }
  if (record.partitions !== undefined) node.partitions = record.partitions;
  if (record.partitionMappings !== undefined) node.partitionMappings = record.partitionMappings;
  const checkSpecs = built.checkSpecsByKey.get(key);
  if (checkSpecs) node.checkSpecs = checkSpecs;
  const checkSpans = built.checkSpansByKey.get(key);
  if (checkSpans) {
    node.checkLocations = Object.fromEntries(
      Object.entries(checkSpans).map(([name, span]) => [
        name,
        { file: relative(span.file), ...locate(span.file, span.start) },
      ]),
    );
  }
  return node;
}

export function toGraphDiagnostic(
  diagnostic: RawDiagnostic,
  relative: (file: string) => string,
  locate: Locate,
): GraphDiagnostic {
  const start = locate(diagnostic.span.file, diagnostic.span.start);
  const end = locate(diagnostic.span.file, diagnostic.span.end);
  const result: GraphDiagnostic = {
    file: relative(diagnostic.span.file),
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    severity: diagnostic.severity,
    code: diagnostic.code,
    message: diagnostic.message,
  };
  if (diagnostic.related && diagnostic.related.length > 0) {
    result.related = diagnostic.related.map((related) => {
      const position = locate(related.span.file, related.span.start);
      return {
        file: relative(related.span.file),
        line: position.line,
        column: position.column,
        message: related.message,
      };
    });
  }
  return result;
}

export function assembleGraph(
  built: BuiltGraph,
  relative: (file: string) => string,
  locate: Locate,
): AssetGraph {
  const assets = built.records
    .filter((record) => built.byKey.get(record.key as string) === record)
    .map((record) => toAssetNode(record, built, relative, locate));
  const diagnostics = built.diagnostics
    .map((diagnostic) => toGraphDiagnostic(diagnostic, relative, locate))
    .sort(
      (a, b) =>
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
        a.line - b.line ||
        a.column - b.column ||
        (a.code < b.code ? -1 : 1),
    );
  const graph: AssetGraph = { version: GRAPH_FORMAT_VERSION, assets, diagnostics };
  const place = (record: TriggerRecord) => {
    const position = locate(record.call.file, record.call.start);
    return { file: relative(record.call.file), line: position.line, column: position.column };
  };
  const schedules = built.triggers.filter((t) => t.kind === "schedule");
  const sensors = built.triggers.filter((t) => t.kind === "sensor");
  if (schedules.length > 0) {
    graph.schedules = schedules.map((t) => {
      const { cron = "", timezone = "UTC", select = "", description } = t.fields;
      return {
        name: t.name,
        cron,
        timezone,
        select,
        ...(description === undefined ? {} : { description }),
        ...place(t),
      };
    });
  }
  if (sensors.length > 0) {
    graph.sensors = sensors.map((t) => {
      const { interval = "30s", targets = "", description } = t.fields;
      return {
        name: t.name,
        interval,
        targets,
        ...(description === undefined ? {} : { description }),
        ...place(t),
      };
    });
  }
  return graph;
}
