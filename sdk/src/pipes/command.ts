/**
 * `assetline pipes`: the process Dagster launches. It reads the Pipes bootstrap, materializes
 * exactly the context's asset keys through the ordinary runner (IO managers, resources, checks,
 * the environment) and reports back: a materialization per asset (row count, column schema,
 * code version, a data version of the stored value), each check result, `ctx.log` lines as
 * logs, and on failure `closed` with the exception and a non-zero exit.
 */
import { closest, type ErrorInfo, type PartitionsDefinition, type RunEvent } from "@assetline/core";
import { chooseEnvironment, readConfig } from "../config";
import { fsIOManager } from "../io";
import { loadProject } from "../loader";
import { openLineageFromEnv } from "../openlineage";
import { materialize, MissingUpstreamError, type RunResult } from "../runner/run";
import type { AnyAsset } from "../types";
import { defaultParamsLoader } from "./bootstrap";
import { openDagsterPipes, type PipesContext } from "./context";
import { columnsFromRows, columnsFromSchema, dataVersionOf } from "./describe";
import { assetlineKey, pipesAssetKey } from "./keys";
import { pipesMetadata } from "./metadata";
import { stepPartitionRange } from "./partitions";
import { PipesError, stackErrorName, stackFrames, type PipesException } from "./protocol";

export interface PipesCommandOptions {
  root: string;
  /** `--env`; else the context's `extras.env`; else the usual choice (ASSETLINE_ENV, defaultEnv). */
  env?: string;
  argv?: readonly string[];
  environment?: NodeJS.ProcessEnv;
}

/** Says how to use the command when Dagster did not launch it. */
export class NotAPipesProcess extends Error {}

/** A runner failure (message and stack text) as the exception Dagster shows for the step. */
function exceptionOf(error: ErrorInfo, key: string): PipesException {
  return {
    name: stackErrorName(error.stack) ?? "Error",
    message: `Asset "${key}" failed: ${error.message}`,
    stack: stackFrames(error.stack),
    cause: null,
    context: null,
  };
}

const LEVELS = { info: "info", warn: "warning", error: "error" } as const;

function logLine(event: Extract<RunEvent, { type: "log" }>): string {
  const data = event.data === undefined ? "" : ` ${JSON.stringify(event.data)}`;
  return `${event.key ? `${event.key}: ` : ""}${event.message}${data}`;
}

/** The materialization's metadata and data version, from the run's event and the stored value. */
async function materialization(
  asset: AnyAsset,
  event: Extract<RunEvent, { type: "asset_success" }>,
  root: string,
  pipes: PipesContext,
): Promise<{ metadata: Record<string, unknown>; dataVersion: string | null }> {
  const metadata: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event.output.metadata ?? {}))
    metadata[`assetline/${name}`] = value;
  if (event.output.path !== undefined) metadata["assetline/path"] = pipesMetadata.path(event.output.path);
  const io = asset.spec.io ?? fsIOManager();
  metadata["assetline/io_manager"] = pipesMetadata.text(io.name ?? "custom");
  if (asset.spec.codeVersion !== undefined)
    metadata["dagster/code_version"] = pipesMetadata.text(asset.spec.codeVersion);
  if (event.sourceHash !== undefined)
    metadata["assetline/source_hash"] = pipesMetadata.text(event.sourceHash);
  metadata["assetline/run_id"] = pipesMetadata.text(event.runId);
  metadata["assetline/duration_ms"] = pipesMetadata.float(event.durationMs);
  let dataVersion: string | null = null;
  let value: unknown;
  try {
    value = await io.load({ key: asset.key, runId: event.runId, root, metadata: asset.spec.metadata ?? {} });
    dataVersion = dataVersionOf(value);
  } catch (error) {
    pipes.log.warning(
      `${asset.key}: its stored value could not be read back through the ${io.name ?? "custom"} IO manager, so it has no data version or row count: ${(error as Error)?.message ?? String(error)}`,
    );
    return { metadata, dataVersion };
  }
  if (Array.isArray(value)) metadata["dagster/row_count"] = pipesMetadata.int(value.length);
  const columns =
    columnsFromSchema(asset.spec.schema) ?? (Array.isArray(value) ? columnsFromRows(value) : undefined);
  if (columns && columns.length > 0) metadata["dagster/column_schema"] = pipesMetadata.tableSchema(columns);
  return { metadata, dataVersion };
}

/** Runs the command; resolves to the exit code (0 only when every asset was materialized and reported). */
export async function runPipesCommand(options: PipesCommandOptions): Promise<number> {
  const params = defaultParamsLoader(options.environment ?? process.env, options.argv ?? process.argv);
  if (!params.isDagsterPipesProcess()) {
    throw new NotAPipesProcess(
      "`assetline pipes` is the process Dagster launches: it found no DAGSTER_PIPES_CONTEXT variable nor --dagster-pipes-context argument. " +
        "Run it through a Dagster Pipes client (see the dagster-assetline package), or use `assetline materialize --select ...` to run assets here.",
    );
  }
  const pipes = await openDagsterPipes({ paramsLoader: params });

  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(130);
    signalled = signal;
    pipes.log.warning(`assetline pipes: ${signal} received, cancelling the run.`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const project = await loadProject(options.root);
    if (pipes.data.asset_keys === null || pipes.data.asset_keys.length === 0) {
      throw new PipesError(
        "The Dagster step targets no asset; `assetline pipes` materializes assets (launch it from an asset).",
      );
    }
    const keys = pipes.data.asset_keys.map((escaped) => {
      const key = assetlineKey(escaped);
      const asset = project.definitions.byKey.get(key);
      if (!asset) {
        const suggestion = closest(key, project.definitions.byKey.keys());
        throw new PipesError(
          `Dagster asked for asset "${key}", which the project at ${project.root} does not define${suggestion ? `; did you mean "${suggestion}"?` : "."} ` +
            "Reload the Dagster definitions after renaming assets.",
        );
      }
      if (asset.external)
        throw new PipesError(
          `Dagster asked to materialize "${key}", an external asset: Assetline does not compute it.`,
        );
      return key;
    });
    // Dagster's partition (or range, or time window) of the step, for the step's partitioned assets.
    const definitions = new Map<string, PartitionsDefinition>();
    for (const key of keys) {
      const definition = project.definitions.byKey.get(key)!.spec.partitions;
      if (definition !== undefined) definitions.set(key, definition);
    }
    const range = stepPartitionRange(pipes.data, definitions, Date.now());
    const partitioned = [...definitions.keys()];
    if (range !== null && partitioned.length === 0) {
      throw new PipesError(
        `Dagster asked for partition ${pipes.data.partition_key ?? `${range.start}...${range.end}`}, but ${keys.map((k) => `"${k}"`).join(", ")} ${keys.length === 1 ? "is" : "are"} not partitioned in the project. Reload the Dagster definitions.`,
      );
    }
    const partitions =
      range === null
        ? {}
        : pipes.data.partition_key !== null
          ? { partition: pipes.data.partition_key }
          : range.start === range.end
            ? { partition: range.start }
            : { partitionRange: { start: range.start, end: range.end }, resume: false };
    const config = readConfig(project.root);
    const extrasEnv = typeof pipes.extras.env === "string" ? pipes.extras.env : undefined;
    const env = chooseEnvironment(config, options.env ?? extrasEnv);

    // Reports go out in the order the runner emits (a materialization before its checks);
    // reading a stored value back is asynchronous, so they are chained.
    let reports: Promise<void> = Promise.resolve();
    let reportFailure: Error | undefined;
    const enqueue = (work: () => void | Promise<void>): void => {
      reports = reports.then(work).catch((error: unknown) => {
        reportFailure ??= error instanceof Error ? error : new PipesError(JSON.stringify(error));
      });
    };
    const reported = new Set<string>();
    let firstFailure: PipesException | undefined;
    const lastSuccess = new Map<string, Extract<RunEvent, { type: "asset_success" }>>();
    const failedPartitioned = new Set<string>();
    const partitionChecks = new Map<string, Extract<RunEvent, { type: "check_result" }>>();
    const reportCheck = (event: Extract<RunEvent, { type: "check_result" }>): void => {
      const metadata: Record<string, unknown> = {
        "assetline/blocking": pipesMetadata.bool(event.blocking),
      };
      for (const [name, value] of Object.entries(event.metadata ?? {})) metadata[name] = value;
      if (event.partition !== undefined)
        metadata["assetline/partition"] = pipesMetadata.text(event.partition);
      if (event.description !== undefined)
        metadata["assetline/description"] = pipesMetadata.text(event.description);
      if (event.error !== undefined) metadata["assetline/error"] = pipesMetadata.text(event.error.message);
      pipes.reportAssetCheck({
        assetKey: pipesAssetKey(event.key),
        checkName: event.check,
        passed: event.passed,
        severity: event.severity === "warn" ? "WARN" : "ERROR",
        metadata,
      });
    };
    const onEvent = (event: RunEvent): void => {
      switch (event.type) {
        case "log":
          enqueue(() => pipes.log[LEVELS[event.level]](logLine(event)));
          break;
        case "asset_success": {
          const asset = project.definitions.byKey.get(event.key)!;
          if (event.partition !== undefined) {
            // Dagster attributes one report to every partition of the step: sent once all succeeded.
            lastSuccess.set(event.key, event);
            break;
          }
          enqueue(async () => {
            const { metadata, dataVersion } = await materialization(asset, event, project.root, pipes);
            pipes.reportAssetMaterialization({ assetKey: pipesAssetKey(event.key), metadata, dataVersion });
            reported.add(event.key);
          });
          break;
        }
        case "check_result": {
          if (event.partition !== undefined) {
            // One result per check for the step's partitions: failed when any partition's failed.
            const id = `${event.key}\u0000${event.check}`;
            const previous = partitionChecks.get(id);
            if (!previous || (previous.passed && !event.passed)) partitionChecks.set(id, event);
            break;
          }
          enqueue(() => reportCheck(event));
          break;
        }
        case "asset_failure":
          if (event.partition !== undefined) failedPartitioned.add(event.key);
          firstFailure ??= exceptionOf(event.error, event.key);
          enqueue(() => pipes.log.error(`${event.key} failed (${event.reason}): ${event.error.message}`));
          break;
        case "asset_skipped":
          enqueue(() => pipes.log.warning(`${event.key} skipped: ${event.reason}`));
          break;
        default:
          break;
      }
    };

    // OpenLineage under Dagster too, when the environment configures it; its warnings reach Dagster as logs.
    const lineage = openLineageFromEnv({
      root: project.root,
      definitions: project.definitions,
      warn: (message) => enqueue(() => pipes.log.warning(message)),
    });
    let result: RunResult;
    try {
      result = await materialize({
        root: project.root,
        definitions: project.definitions,
        keys,
        selection: keys.map((k) => `key:"${k}"`).join(" or "),
        // Exactly the step's assets: an upstream Dagster has not materialized is an error, never added.
        config: { ...config, missingUpstream: "error" },
        env,
        signal: controller.signal,
        onEvent,
        ...partitions,
        ...(lineage ? { listeners: [lineage] } : {}),
      });
      // The partitioned assets' reports, once for the step's partitions: those that all succeeded.
      for (const [key, event] of lastSuccess) {
        if (failedPartitioned.has(key)) continue;
        const asset = project.definitions.byKey.get(key)!;
        enqueue(async () => {
          const { metadata, dataVersion } = await materialization(asset, event, project.root, pipes);
          pipes.reportAssetMaterialization({ assetKey: pipesAssetKey(key), metadata, dataVersion });
          reported.add(key);
        });
      }
      for (const event of partitionChecks.values()) enqueue(() => reportCheck(event));
    } catch (error) {
      if (error instanceof MissingUpstreamError) {
        const upstreams = [...new Set(error.missing.map((m) => m.upstream))];
        throw new PipesError(
          `Cannot materialize ${[...new Set(error.missing.map((m) => `"${m.asset}"`))].join(", ")}: upstream ${upstreams.map((u) => `"${u}"`).join(", ")} ` +
            "has no stored value where this process looks. Materialize it in Dagster first (or in the same run), and make sure this process sees the same storage.",
          { cause: error },
        );
      }
      throw error;
    } finally {
      await reports;
    }
    if (reportFailure !== undefined) throw reportFailure;

    if (result.status === "cancelled") {
      await pipes.close({
        name: "RunCancelled",
        message: `The Assetline run ${result.runId} was cancelled${signalled ? ` by ${signalled}` : ""}; nothing more was materialized.`,
        stack: [],
        cause: null,
        context: null,
      } satisfies PipesException);
      return 130;
    }
    if (firstFailure) {
      await pipes.close(firstFailure);
      return 1;
    }
    const blocking = project.definitions.checks.filter(
      (c) => c.blocking && result.failedChecks.includes(`${c.assetKey}:${c.name}`),
    );
    if (blocking.length > 0) {
      await pipes.close(
        new PipesError(
          `Blocking check(s) failed: ${blocking.map((c) => `${c.assetKey}:${c.name}`).join(", ")}.`,
        ),
      );
      return 1;
    }
    const unreported = keys.filter((k) => !reported.has(k));
    if (result.status !== "success" || unreported.length > 0) {
      await pipes.close(
        new PipesError(
          `The run ended "${result.status}" without materializing ${unreported.map((k) => `"${k}"`).join(", ") || "every asset"}.`,
        ),
      );
      return 1;
    }
    await pipes.close();
    return 0;
  } catch (error) {
    await pipes.close(error);
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
