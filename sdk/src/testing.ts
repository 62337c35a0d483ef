/** Running assets in a test: everything in memory, resources stubbed, nothing written to disk. */
import type { AssetlineConfig } from "./config";
import { collectDefinitions, runtimeGraph } from "./definitions";
import { isAsset, isDefinitions } from "./types";
import { memoryIOManager } from "./io";
import type { RunEvent } from "@assetline/core";
import { materialize, type RunResult } from "./runner/run";
import { resolveSelection } from "@assetline/core";

export interface InMemoryRun extends RunResult {
  /** Every stored value after the run, by key (the given `values` included). */
  values: Map<string, unknown>;
  events: RunEvent[];
}

export interface InMemoryOptions {
  /**
   * A selection (e.g. "transform/*"); default: the assets passed in (not their upstream ones),
   * except those whose value is given in `values`.
   */
  select?: string;
  /** Upstream values to start from, by key (as if already materialized). */
  values?: Record<string, unknown>;
  /** Stub values for resources, by resource name; other resources are created from `config`. */
  resources?: Record<string, unknown>;
  env?: string;
  config?: AssetlineConfig;
  /** Passed to resources and IO contexts as the project root. Default: the current folder. */
  root?: string;
}

/**
 * Materializes assets in memory: every asset uses one in-memory IO manager (whatever its `io`),
 * no run records are written, resources can be replaced by stubs, and string deps on assets left
 * out of the test are ignored.
 *
 *   const run = await materializeInMemory([cleanedOrders], { values: { "ingest/raw_orders": rows } });
 *   assert.deepEqual(run.values.get("transform/cleaned_orders"), expected);
 */
export async function materializeInMemory(
  assets: unknown,
  options: InMemoryOptions = {},
): Promise<InMemoryRun> {
  const definitions = collectDefinitions(assets, { allowUndeclaredDeps: true });
  const root = options.root ?? process.cwd();
  const given = options.values ?? {};
  const keys =
    options.select !== undefined
      ? resolveSelection(options.select, runtimeGraph(definitions, root))
      : [...explicitKeys(assets)].filter((k) => !(k in given));
  const store = new Map<string, unknown>(Object.entries(given));
  const events: RunEvent[] = [];
  const result = await materialize({
    root,
    definitions,
    keys,
    env: options.env,
    config: options.config,
    io: memoryIOManager(store),
    resourceOverrides: options.resources,
    record: false,
    onEvent: (event) => events.push(event),
  });
  return { ...result, values: store, events };
}

/** The keys of the assets passed in directly (arrays and definition sets, not references). */
function explicitKeys(value: unknown, into = new Set<string>()): Set<string> {
  if (isAsset(value)) into.add(value.key);
  else if (isDefinitions(value)) value.assets.forEach((a) => explicitKeys(a, into));
  else if (Array.isArray(value)) value.forEach((v) => explicitKeys(v, into));
  return into;
}
