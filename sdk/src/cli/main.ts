/**
 * The `assetline` command. See `assetline --help` and the command-line contract in the README.
 * Exit codes: 0 ok, 1 failure (an asset or blocking check failed, an error diagnostic, bad
 * definitions), 2 usage error, 130 cancelled.
 */
import fs from "node:fs";
import path from "node:path";
import type { AssetGraph, AssetNode } from "@assetline/core";
import { chooseEnvironment, ConfigError, readConfig } from "../config";
import { DefinitionsError, runtimeGraph, upstreamKeys } from "../definitions";
import { processAlive } from "../fsutil";
import { InvalidKeyError, runDuration } from "@assetline/core";
import { loadProject } from "../loader";
import { type RunEvent } from "@assetline/core";
import { listRunIds, readEvents, readIndex, rebuildIndex } from "../runner/events";
import {
  materialize,
  MissingUpstreamError,
  NothingToCheckError,
  PartitionSelectionError,
} from "../runner/run";
import { openLineageFromEnv } from "../openlineage";
import { resolveSelection, SelectionError } from "@assetline/core";
import { computeStatus, stateFacts } from "../status/status";
import { runDev } from "../automation/dev";
import {
  evaluateSensor,
  evaluateTick,
  latestTick,
  readTick,
  recordTick,
  type PlannedRun,
} from "../automation/tick";
import {
  closest,
  describePartitionsSummary,
  parseDuration,
  partitionId,
  partitionsHealthBar,
  partitionStatuses,
  summarizePartitions,
  trySelect,
} from "@assetline/core";
import { NotAPipesProcess, runPipesCommand } from "../pipes/command";
import { flag, has, parseArgs, UsageError, type ParsedArgs } from "./args";

const HELP = `assetline: asset-based data pipelines in TypeScript

Usage: assetline <command> [options]        (every command takes --root DIR, default: .)

  graph [--json] [--runtime]         the asset graph (static analysis; --runtime loads the definitions)
  check                              diagnostics as file:line:column severity code message; exit 1 on errors
  list [--select SEL] [--json] [--runtime]
                                     the assets a selection matches
  materialize --select SEL [--json] [--env NAME] [--concurrency N]
              [--partition KEY | --partition-range START...END]
                                     run assets locally and record the run (a range resumes: it
                                     runs the partitions that are missing, failed or stale)
  run-checks --select SEL [--check NAME] [--partition KEY] [--json]
                                     run the selection's checks on the stored values, as tests:
                                     nothing is materialized; exit 1 when a check fails
  status [--json]                    latest materialization and staleness of every asset
  partitions ASSET [--json]          each partition of a partitioned asset and its state
  runs [--json] [--limit N]          recorded runs, newest first
  logs RUN [ASSET] [--json]          a run's events (RUN may be "latest")
  automation [--json] [--since TIME] [--at TIME]
                                     evaluate automation, schedules and sensors once; runs nothing
  dev [--interval 30s] [--env NAME] [--concurrency N]
                                     keep the pipeline up to date: evaluate on a loop and run what is requested
  sensor NAME [--cursor C] [--json]  evaluate one sensor once: its run requests and new cursor (for Dagster)
  pipes [--env NAME]                 the process Dagster launches (Dagster Pipes): materializes the
                                     context's assets and reports them back

Selections: ingest/raw_orders, key:"ingest/*", +x, x+, 2+x, x+1, group:ingest, tag:layer=bronze,
owner:team:data-eng, kind:duckdb, and, or, not, ( ), roots(...), sinks(...).`;

class Failure extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

let stdoutClosed = false;
let materializing = false;

function out(text: string): void {
  if (!stdoutClosed) process.stdout.write(text + "\n");
}

function rootOf(args: ParsedArgs): string {
  const root = path.resolve(flag(args, "root") ?? ".");
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new UsageError(
      `--root ${flag(args, "root") ?? "."} is not a folder; give the pipeline project's folder.`,
    );
  }
  return root;
}

function staticGraph(root: string): AssetGraph {
  // Loaded lazily: the analysis (and ts-morph under it) is only needed for the static commands.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyzeProject } = require("@assetline/analysis") as typeof import("@assetline/analysis");
  // What `assetline` means in a project that has not installed it yet: this package's own
  // declarations (its sources in this repository, its .d.ts once published).
  const ownEntry = [path.join(__dirname, "..", "src", "index.ts"), path.join(__dirname, "index.d.ts")].find(
    (file) => fs.existsSync(file),
  );
  return analyzeProject(root, ownEntry ? { libraryFallback: ownEntry } : {});
}

async function loadedGraph(root: string): Promise<AssetGraph> {
  const project = await loadProject(root);
  return runtimeGraph(project.definitions, project.root);
}

function select(selection: string | undefined, graph: AssetGraph): AssetNode[] {
  if (selection === undefined) return graph.assets;
  const keys = new Set(resolveSelection(selection, graph));
  return graph.assets.filter((a) => keys.has(a.key));
}

function selectionFailure(selection: string, error: SelectionError): Failure {
  const pointer = " ".repeat(error.column - 1) + "^".repeat(Math.max(1, error.endColumn - error.column));
  return new Failure(
    `Invalid selection at column ${error.column}: ${error.message}\n  ${selection}\n  ${pointer}`,
    2,
  );
}

async function cmdGraph(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  const graph = has(args, "runtime") ? await loadedGraph(root) : staticGraph(root);
  if (has(args, "json")) {
    out(JSON.stringify(graph, null, 2));
    return 0;
  }
  for (const a of graph.assets) {
    out(
      `${a.key}  (${a.file}:${a.line}:${a.column})${a.generated ? " generated" : ""}${a.external ? " external" : ""}`,
    );
    for (const dep of a.deps) out(`  <- ${dep}`);
  }
  for (const d of graph.diagnostics)
    out(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`);
  return 0;
}

function cmdCheck(args: ParsedArgs): number {
  const root = rootOf(args);
  const graph = staticGraph(root);
  for (const d of graph.diagnostics)
    out(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`);
  const errors = graph.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = graph.diagnostics.filter((d) => d.severity === "warning").length;
  process.stderr.write(`${graph.assets.length} assets, ${errors} error(s), ${warnings} warning(s)\n`);
  return errors > 0 ? 1 : 0;
}

async function cmdList(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  const graph = has(args, "runtime") ? await loadedGraph(root) : staticGraph(root);
  const selection = flag(args, "select");
  let assets: AssetNode[];
  try {
    assets = select(selection, graph);
  } catch (error) {
    if (error instanceof SelectionError) throw selectionFailure(selection!, error);
    throw error;
  }
  if (has(args, "json")) out(JSON.stringify({ assets }, null, 2));
  else for (const a of assets) out(`${a.key}\t${a.file}:${a.line}:${a.column}`);
  return 0;
}

function indent(text: string, by = "      "): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

/** The user's frames of a stack (Assetline's own and Node's internals left out), indented. */
function stackFor(stack: string | undefined): string {
  if (!stack) return "";
  const frames = stack
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "));
  const own = (l: string): boolean =>
    l.includes("node:internal") || /[\\/]sdk[\\/]dist[\\/]|[\\/]assetline[\\/]dist[\\/]/.test(l);
  const user = frames.filter((l) => !own(l));
  const shown = (user.length > 0 ? user : frames).slice(0, 5);
  return shown.length > 0 ? "\n" + indent(shown.join("\n")) : "";
}

function humanEvent(event: RunEvent, root: string): string | undefined {
  switch (event.type) {
    case "run_start": {
      if (event.checksOnly)
        return `run ${event.runId}: checking the stored values of ${event.assets.length} asset(s) in environment "${event.env}"`;
      const parts = event.partitions;
      const which = parts
        ? `, ${parts.count} partition${parts.count === 1 ? "" : "s"} (${parts.start === parts.end ? parts.start : `${parts.start}...${parts.end}`})`
        : "";
      return `run ${event.runId}: materializing ${event.assets.length} asset(s)${which} in environment "${event.env}"`;
    }
    case "asset_start":
      return `  ... ${partitionId(event.key, event.partition)}`;
    case "asset_success":
      return `  ok  ${partitionId(event.key, event.partition)} (${runDuration(event.durationMs)})${event.output.path ? ` -> ${event.output.path}` : ""}`;
    case "asset_failure": {
      return `  FAIL ${partitionId(event.key, event.partition)} (${event.reason}): ${event.error.message}${stackFor(event.error.stack)}`;
    }
    case "asset_skipped":
      return `  skip ${partitionId(event.key, event.partition)}: ${event.reason}`;
    case "check_result": {
      const label = event.passed
        ? "pass"
        : event.blocking
          ? "FAIL"
          : event.severity === "warn"
            ? "warn"
            : "fail";
      const detail = event.error
        ? `: ${event.error.message}`
        : event.description
          ? `: ${event.description}`
          : "";
      return `  ${label} check ${partitionId(event.key, event.partition)}:${event.check}${event.blocking ? " (blocking)" : ""}${detail}`;
    }
    case "log":
      return `      [${event.level}]${event.key ? ` ${event.key}:` : ""} ${event.message}`;
    case "run_end": {
      const where = path.relative(process.cwd(), path.join(root, ".assetline", "runs", event.runId)) || ".";
      return (
        `run ${event.status} in ${runDuration(event.durationMs)}: ${event.materialized.length} materialized, ` +
        `${event.failed.length} failed, ${event.skipped.length} skipped, ${event.failedChecks.length} failed check(s). Records: ${where}`
      );
    }
  }
}

/** `materialize`, or `run-checks` (the selection's checks on the stored values; nothing is materialized). */
async function cmdMaterialize(args: ParsedArgs, checksOnly = false): Promise<number> {
  const root = rootOf(args);
  const command = checksOnly ? "run-checks" : "materialize";
  const selection = flag(args, "select");
  if (selection === undefined) {
    throw new UsageError(
      `${command} needs --select, e.g. --select "ingest/raw_orders" or --select "*" for everything.`,
    );
  }
  const concurrencyText = flag(args, "concurrency");
  const concurrency = concurrencyText === undefined ? undefined : Number(concurrencyText);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency must be a whole number of at least 1 (got ${concurrencyText}).`);
  }
  const config = readConfig(root);
  const env = chooseEnvironment(config, flag(args, "env"));
  const project = await loadProject(root);
  const graph = runtimeGraph(project.definitions, project.root);
  let keys: string[];
  try {
    keys = resolveSelection(selection, graph);
  } catch (error) {
    if (error instanceof SelectionError) throw selectionFailure(selection, error);
    throw error;
  }
  keys = keys.filter((k) => !project.definitions.byKey.get(k)?.external);
  if (keys.length === 0)
    throw new Failure(`The selection "${selection}" matches no asset that can be materialized.`);

  const planned = plannedRunOf(root, flag(args, "trigger"));
  const trigger = planned?.trigger;
  // A run planned by automation for a partition materializes that partition.
  const partitions =
    planned?.partition !== undefined &&
    flag(args, "partition") === undefined &&
    flag(args, "partition-range") === undefined
      ? { partition: planned.partition }
      : partitionsOf(args);
  const json = has(args, "json");
  materializing = true;
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    if (!json) process.stderr.write(`\n${signal}: cancelling the run (again to stop at once)...\n`);
    controller.abort(new Error(`cancelled by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // OpenLineage, when the environment configures it: a run listener, flushed (briefly) at the end.
  const lineage = openLineageFromEnv({
    root: project.root,
    definitions: project.definitions,
    warn: (message) => process.stderr.write(`assetline: ${message}\n`),
  });
  const checkNames = checksOnly ? checkNamesOf(args, project.definitions, keys) : undefined;
  const result = await materialize({
    root: project.root,
    definitions: project.definitions,
    keys,
    selection,
    ...(checksOnly ? { checksOnly: checkNames ?? true } : {}),
    config,
    env,
    concurrency,
    ...(trigger ? { trigger } : {}),
    ...partitions,
    signal: controller.signal,
    ...(lineage ? { listeners: [lineage] } : {}),
    onEvent: (event) => {
      if (json) out(JSON.stringify(event));
      else {
        const line = humanEvent(event, project.root);
        if (line !== undefined) out(line);
      }
    },
  });
  return result.status === "success" ? 0 : result.status === "cancelled" ? 130 : 1;
}

/** `--check NAME`: one check of the selection (undefined: all of them); refused when none has that name. */
function checkNamesOf(
  args: ParsedArgs,
  definitions: { checks: readonly { name: string; assetKey: string }[] },
  keys: readonly string[],
): string[] | undefined {
  const name = flag(args, "check");
  if (name === undefined) return undefined;
  const names = [...new Set(definitions.checks.filter((c) => keys.includes(c.assetKey)).map((c) => c.name))];
  if (!names.includes(name)) {
    const suggestion = closest(name, names);
    throw new UsageError(
      `No check "${name}" on the selection${suggestion ? `; did you mean "${suggestion}"?` : names.length > 0 ? `; its checks are ${names.join(", ")}.` : "."}`,
    );
  }
  return [name];
}

/** `--partition KEY` or `--partition-range START...END` (Dagster's CLI spelling). */
function partitionsOf(args: ParsedArgs): {
  partition?: string;
  partitionRange?: { start: string; end: string };
} {
  const key = flag(args, "partition");
  const range = flag(args, "partition-range");
  if (key !== undefined && range !== undefined)
    throw new UsageError("Give --partition KEY or --partition-range START...END, not both.");
  if (key !== undefined) {
    if (key.trim() === "")
      throw new UsageError("--partition needs a partition key, e.g. --partition 2024-01-01.");
    return { partition: key };
  }
  if (range === undefined) return {};
  const parts = range.split("...");
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new UsageError(
      `--partition-range takes START...END (three dots, both ends included), e.g. 2024-01-01...2024-01-31; got "${range}".`,
    );
  }
  return { partitionRange: { start: parts[0], end: parts[1] } };
}

/** `--trigger TICK:N`: the automation tick request this run carries out (set by `assetline dev`). */
function plannedRunOf(root: string, text: string | undefined): PlannedRun | undefined {
  if (text === undefined) return undefined;
  const match = /^(.+):(\d+)$/.exec(text);
  const tick = match ? readTick(root, match[1] as string) : undefined;
  const run = tick?.runs[Number(match?.[2])];
  if (!run) {
    throw new UsageError(
      `--trigger ${text} names no planned run; it takes TICK:N from .assetline/automation/ticks.`,
    );
  }
  return run;
}

/** A time for --since/--at: ISO 8601 (2024-12-07T06:00:00Z), or "now". */
function timeFlag(args: ParsedArgs, name: string): number | undefined {
  const text = flag(args, name);
  if (text === undefined) return undefined;
  const time = text === "now" ? Date.now() : Date.parse(text);
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--${name} ${text} is not a time; write ISO 8601, e.g. 2024-12-07T06:00:00Z, or "now".`,
    );
  }
  return time;
}

async function cmdAutomation(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  const at = timeFlag(args, "at") ?? Date.now();
  const since = timeFlag(args, "since");
  if (since !== undefined && since >= at) throw new UsageError("--since must be before --at.");
  const project = await loadProject(root);
  const graph = runtimeGraph(project.definitions, project.root);
  const launch = has(args, "dev");
  const previous = latestTick(project.root);
  const index = readIndex(project.root);
  const record = await evaluateTick({
    root: project.root,
    assets: project.definitions.assets,
    schedules: project.definitions.schedules,
    sensors: project.definitions.sensors,
    upstreamKeys,
    index,
    // Core's run index is the one home of "running" (folded from live runs' logs, dead ones ended).
    at,
    ...(since === undefined ? {} : { since }),
    ...(previous ? { previous } : {}),
    launch,
    resolve: (selection) => {
      const found = trySelect(selection, graph);
      if (!found.ok) return `"${selection}" is not a selection: ${found.error.message}`;
      const keys = found.keys.filter((k) => !project.definitions.byKey.get(k)?.external);
      return keys.length > 0 ? keys : `"${selection}" matches no asset that can be materialized`;
    },
    log: {
      info: (message) => process.stderr.write(`[info] ${message}\n`),
      warn: (message) => process.stderr.write(`[warn] ${message}\n`),
      error: (message) => process.stderr.write(`[error] ${message}\n`),
    },
  });
  recordTick(project.root, record);
  if (has(args, "json")) {
    out(JSON.stringify(record, null, 2));
    return 0;
  }
  out(
    `automation at ${record.at}${record.since ? ` over the window since ${record.since}` : " (first evaluation)"}:`,
  );
  for (const d of record.requested) out(`  requested  ${partitionId(d.key, d.partition)}: ${d.reason}`);
  for (const d of record.skipped) out(`  skipped    ${d.key}: ${d.reason}`);
  for (const s of record.schedules)
    out(`  schedule   ${s.name}: ${s.requested ? "requested, " : ""}${s.reason}`);
  for (const s of record.sensors) out(`  sensor     ${s.name}: ${s.reason}`);
  if (record.runs.length > 0 && !launch)
    out(`Nothing was run; \`assetline dev\` runs what automation requests.`);
  return 0;
}

/**
 * `assetline sensor NAME [--cursor C] --json`: evaluates one sensor once and prints its run
 * requests (with the keys each selects), its new cursor and why: the protocol by which a
 * Dagster sensor (dagster_assetline) runs the TypeScript function.
 */
async function cmdSensor(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  const name = args.positionals[0];
  if (!name)
    throw new UsageError("sensor needs the sensor's name, e.g. `assetline sensor new_files --json`.");
  const project = await loadProject(root);
  const found = project.definitions.sensors.find((s) => s.name === name);
  if (!found) {
    const names = project.definitions.sensors.map((s) => s.name);
    const near = closest(name, names);
    throw new Failure(
      near
        ? `No sensor named "${name}"; did you mean "${near}"?`
        : `No sensor named "${name}"${names.length > 0 ? ` (the sensors: ${names.join(", ")})` : " is declared"}.`,
    );
  }
  const cursor = flag(args, "cursor");
  const graph = runtimeGraph(project.definitions, project.root);
  const outcome = await evaluateSensor(
    found,
    { runKeys: [], ...(cursor === undefined ? {} : { cursor }) },
    {
      root: project.root,
      at: Date.now(),
      log: {
        info: (message) => process.stderr.write(`[info] ${message}\n`),
        warn: (message) => process.stderr.write(`[warn] ${message}\n`),
        error: (message) => process.stderr.write(`[error] ${message}\n`),
      },
    },
  );
  const requests = outcome.requests.map((r) => {
    const select = r.select ?? found.targets;
    const keys = trySelect(select, graph);
    return {
      select,
      keys: keys.ok ? keys.keys.filter((k) => !project.definitions.byKey.get(k)?.external) : [],
      ...(r.runKey === undefined ? {} : { runKey: r.runKey }),
      ...(keys.ok ? {} : { error: keys.error.message }),
    };
  });
  const result = {
    name,
    requests,
    ...(outcome.state.cursor === undefined ? {} : { cursor: outcome.state.cursor }),
    reason: outcome.reason,
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  };
  if (has(args, "json")) out(JSON.stringify(result, null, 2));
  else {
    out(`sensor ${name}: ${outcome.reason}`);
    for (const r of requests) out(`  run ${r.select}${r.runKey ? ` (run key ${r.runKey})` : ""}`);
  }
  return outcome.error === undefined ? 0 : 1;
}

async function cmdDev(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  const intervalText = flag(args, "interval") ?? "30s";
  const intervalMs = parseDuration(intervalText);
  if (intervalMs === undefined || intervalMs < 1000) {
    throw new UsageError(
      `--interval ${intervalText} is not a duration of at least 1s; write e.g. 30s or 5m.`,
    );
  }
  const concurrencyText = flag(args, "concurrency");
  const concurrency = concurrencyText === undefined ? undefined : Number(concurrencyText);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new UsageError(`--concurrency must be a whole number of at least 1 (got ${concurrencyText}).`);
  }
  const env = flag(args, "env");
  if (env !== undefined) chooseEnvironment(readConfig(root), env);
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal}: stopping (again to stop at once)...\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  materializing = true;
  return runDev({
    root,
    intervalMs,
    ...(env ? { env } : {}),
    ...(concurrency ? { concurrency } : {}),
    log: (line) => out(`${new Date().toISOString().slice(11, 19)} ${line}`),
    signal: controller.signal,
  });
}

/** `assetline partitions ASSET`: each partition's state, as the status sums them up. */
async function cmdPartitions(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  const key = args.positionals[0];
  if (key === undefined)
    throw new UsageError("partitions needs an asset key, e.g. assetline partitions sales/daily_orders.");
  const project = await loadProject(root);
  const a = project.definitions.byKey.get(key);
  if (!a) {
    const suggestion = closest(key, [...project.definitions.byKey.keys()]);
    throw new Failure(`No asset "${key}"${suggestion ? `; did you mean "${suggestion}"?` : "."}`);
  }
  if (!a.spec.partitions) {
    throw new Failure(`"${key}" is not partitioned: it has one materialization (see assetline status).`);
  }
  const facts = stateFacts(project.definitions, a);
  const statuses = partitionStatuses(
    { key, ...facts.partitioned!, ...(facts.code ? { code: facts.code } : {}) },
    readIndex(root, false),
    Date.now(),
  );
  if (has(args, "json")) {
    out(JSON.stringify({ key, definition: a.spec.partitions, partitions: statuses }));
    return 0;
  }
  const summary = summarizePartitions(statuses);
  out(`${key}: ${partitionsHealthBar(summary, 20)} ${describePartitionsSummary(summary)}`);
  for (const status of statuses) {
    const detail = status.reason
      ? `: ${status.reason}`
      : status.lastMaterialized
        ? ` (${status.lastMaterialized})`
        : "";
    out(`  ${status.state.padEnd(12)} ${status.key}${detail}`);
  }
  return 0;
}

async function cmdStatus(args: ParsedArgs): Promise<number> {
  const root = rootOf(args);
  if (has(args, "rebuild")) rebuildIndex(root);
  const project = await loadProject(root);
  const statuses = computeStatus(project.definitions, readIndex(root));
  if (has(args, "json")) {
    out(JSON.stringify({ assets: statuses }, null, 2));
    return 0;
  }
  for (const s of statuses) {
    const when = s.lastMaterialized
      ? ` (last ${s.lastMaterialized.time}, run ${s.lastMaterialized.runId})`
      : "";
    const health = s.partitions
      ? ` ${partitionsHealthBar(s.partitions)} ${describePartitionsSummary(s.partitions)}`
      : "";
    out(`${s.state.padEnd(12)} ${s.key}${health}${when}`);
    for (const r of s.reasons) out(`         - ${r.message}`);
  }
  return 0;
}

interface RunSummary {
  runId: string;
  status: string;
  startedAt?: string;
  durationMs?: number;
  selection?: string;
  env?: string;
  materialized: number;
  failed: number;
  skipped: number;
}

function summarize(root: string, runId: string): RunSummary {
  const events = readEvents(root, runId);
  const start = events.find((e) => e.type === "run_start");
  const end = events.find((e) => e.type === "run_end");
  const summary: RunSummary = {
    runId,
    // No run_end: still running, or the process was killed (SIGKILL, power loss).
    status: end?.status ?? (start && processAlive(start.pid) ? "running" : "interrupted"),
    materialized: events.filter((e) => e.type === "asset_success").length,
    failed: events.filter((e) => e.type === "asset_failure").length,
    skipped: events.filter((e) => e.type === "asset_skipped").length,
  };
  if (start) {
    summary.startedAt = start.time;
    summary.selection = start.selection;
    summary.env = start.env;
  }
  if (end) summary.durationMs = end.durationMs;
  return summary;
}

function cmdRuns(args: ParsedArgs): number {
  const root = rootOf(args);
  const limitText = flag(args, "limit");
  const limit = limitText === undefined ? 20 : Number(limitText);
  if (!(Number.isInteger(limit) && limit > 0))
    throw new UsageError(`--limit must be a positive whole number (got ${limitText}).`);
  const runs = listRunIds(root)
    .reverse()
    .slice(0, limit)
    .map((id) => summarize(root, id));
  if (has(args, "json")) {
    out(JSON.stringify({ runs }, null, 2));
    return 0;
  }
  if (runs.length === 0) out("No runs recorded yet; start one with `assetline materialize --select ...`.");
  for (const r of runs) {
    out(
      `${r.runId}  ${r.status.padEnd(10)} ${r.materialized} ok, ${r.failed} failed, ${r.skipped} skipped  ${r.durationMs !== undefined ? runDuration(r.durationMs) : ""}  ${r.selection ?? ""}`,
    );
  }
  return 0;
}

function cmdLogs(args: ParsedArgs): number {
  const root = rootOf(args);
  const assetKey = args.positionals[1];
  let runId = args.positionals[0];
  if (!runId) throw new UsageError("logs needs a run id (see `assetline runs`), or `latest`.");
  if (runId === "latest" || runId === "last") {
    const ids = listRunIds(root);
    if (ids.length === 0)
      throw new Failure("No runs recorded yet; start one with `assetline materialize --select ...`.");
    runId = ids[ids.length - 1]!;
  }
  let events: RunEvent[];
  try {
    events = readEvents(root, runId);
  } catch (error) {
    throw new Failure((error as Error).message);
  }
  if (assetKey !== undefined) {
    const key = assetKey;
    if (!events.some((e) => "key" in e && e.key === key))
      throw new Failure(`Run ${runId} has no events for "${key}".`);
    events = events.filter((e) => "key" in e && e.key === key);
  }
  for (const event of events) {
    if (has(args, "json")) out(JSON.stringify(event));
    else {
      const line = humanEvent(event, root);
      if (line !== undefined) out(`${event.time}  ${line.trim()}`);
    }
  }
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (has(args, "version")) {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
      version: string;
    };
    out(pkg.version);
    return 0;
  }
  if (!args.command || has(args, "help") || args.command === "help") {
    out(HELP);
    return args.command || has(args, "help") ? 0 : 2;
  }
  switch (args.command) {
    case "graph":
      return cmdGraph(args);
    case "check":
      return cmdCheck(args);
    case "list":
      return cmdList(args);
    case "materialize":
      return cmdMaterialize(args);
    case "run-checks":
      return cmdMaterialize(args, true);
    case "status":
      return cmdStatus(args);
    case "partitions":
      return cmdPartitions(args);
    case "runs":
      return cmdRuns(args);
    case "logs":
      return cmdLogs(args);
    case "automation":
      return cmdAutomation(args);
    case "dev":
      return cmdDev(args);
    case "sensor":
      return cmdSensor(args);
    case "pipes":
      materializing = true;
      try {
        return await runPipesCommand({ root: rootOf(args), env: flag(args, "env") });
      } catch (error) {
        if (error instanceof NotAPipesProcess) throw new UsageError(error.message);
        throw error;
      }
    default:
      throw new UsageError(
        `Unknown command "${args.command}"; the commands are graph, check, list, materialize, run-checks, status, partitions, runs, logs, automation, dev, sensor, pipes.`,
      );
  }
}

// Output piped into a program that stops reading (`assetline runs | head`) is not an error.
// A run goes on (and is recorded) without its output; other commands just stop.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  stdoutClosed = true;
  if (!materializing) {
    finished = true;
    process.exit(0);
  }
});

/** Set once the command has an exit code; until then, an exit is the event loop running dry. */
let finished = false;

// The pipeline's code awaiting a promise that never settles, with nothing else for Node to do,
// ends the process without an answer: exit code 0, as if the command had succeeded. (The runner
// fails such an asset by name; this covers the rest, e.g. a module's top-level await.)
process.on("exit", (code) => {
  if (finished || code !== 0) return;
  process.stderr.write(
    "assetline: stopped before finishing: the pipeline's code awaits a promise that never settles " +
      "(nothing else was left for Node to do). Make sure every promise it awaits resolves or rejects.\n",
  );
  process.exitCode = 1;
});

/**
 * Exits once everything written has reached stdout and stderr: to a pipe, writes are
 * asynchronous, and `process.exit` right after a large write would cut the output (at 64 KiB).
 */
function exit(code: number): void {
  finished = true;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength === 0 || stream.destroyed || (stream === process.stdout && stdoutClosed))
      done();
    else stream.write("", done);
  }
}

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`assetline: ${error.message}\n`);
      exit(2);
      return;
    }
    if (error instanceof Failure) {
      process.stderr.write(`assetline: ${error.message}\n`);
      exit(error.code);
      return;
    }
    if (
      error instanceof ConfigError ||
      error instanceof DefinitionsError ||
      error instanceof MissingUpstreamError ||
      error instanceof PartitionSelectionError ||
      error instanceof NothingToCheckError ||
      error instanceof InvalidKeyError
    ) {
      process.stderr.write(`assetline: ${error.message}\n`);
      if (error instanceof DefinitionsError && error.stack && process.env.ASSETLINE_DEBUG)
        process.stderr.write(error.stack + "\n");
      exit(1);
      return;
    }
    // Errors from user code while loading definitions (e.g. an invalid key) arrive as plain errors.
    const err = error as Error;
    process.stderr.write(
      `assetline: ${err?.message ?? String(error)}\n${err?.stack ? err.stack.split("\n").slice(1, 8).join("\n") + "\n" : ""}`,
    );
    exit(1);
  },
);
