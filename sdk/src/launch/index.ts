/**
 * How an editor runs assets: it starts the pipeline project's own `assetline` command line
 * (`materialize --select … --json`) and reads the NDJSON events it streams. One home for the
 * VS Code extension (client/src/run.ts, with its own progress UI) and the language server
 * (`workspace/executeCommand`, for any editor), and how it reads the run records those runs
 * leave (`readIndex`: the index brought up to date from the logs, killed runs ended). Not part
 * of the library's public API.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describeRunTarget, keyList, partitionId, runDuration, type RunEvent } from "@assetline/core";

export { readIndex, readEvents, listRunIds } from "../runner/events";
export { recordedFailure, type RecordedFailure } from "./failures";
export { latestTick } from "../automation/tick";
export { chooseEnvironment, readConfig } from "../config";

/**
 * Finds the `assetline` command line of a pipeline project: the project's own installed
 * `assetline` package (its `bin`), looked up from the project root upwards as Node would.
 */
export function findCli(projectRoot: string): string | undefined {
  for (let dir = projectRoot; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "node_modules", "assetline", "package.json");
    if (fs.existsSync(manifest)) {
      const bin = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { bin?: Record<string, string> | string })
        .bin;
      const relative = typeof bin === "string" ? bin : bin?.assetline;
      if (relative) return path.join(path.dirname(manifest), relative);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export interface RunFailure {
  key: string;
  message: string;
  /** Where the error was thrown in the project's own TypeScript (the runner maps stacks to it). */
  location?: { file: string; line: number; column: number };
}

export interface RunResult {
  status: "success" | "failure" | "cancelled";
  exitCode: number | null;
  selection: string;
  /** How long the run took by its own record (run_end); the process's time when it has none. */
  durationMs: number;
  /** The assets that failed, in the order they did. */
  failures: RunFailure[];
  /** From the run's own events, once it started: its id, environment and assets. */
  runId?: string;
  env?: string;
  /** The assets the run planned, and the steps (an asset, or a partition of one) that materialized. */
  assets?: string[];
  materialized?: string[];
  /** The run only ran checks (`run-checks`). */
  checksOnly?: boolean;
  /** Checks that failed (`key:check`), from the run's end, and those of them that block. */
  failedChecks?: string[];
  blockingFailed?: string[];
  /** Steps the run did not run (an upstream failed, or a blocking check stopped them). */
  skipped?: string[];
  /** The runner could not be started at all. */
  spawnError?: Error;
}

export interface RunProgress {
  /** Assets the run selected (known once it has started). */
  total: number;
  /** Assets that ended, successfully or not. */
  done: number;
}

export interface LaunchOptions {
  root: string;
  selection: string;
  concurrency?: number;
  environment?: string;
  /** The automation tick request that started the run (`TICK:N`, from `assetline dev`). */
  trigger?: string;
  /** One partition, or a range of them (`--partition`, `--partition-range START...END`). */
  partition?: string;
  partitionRange?: { start: string; end: string };
  /**
   * Run the selection's checks on the stored values instead of materializing (`assetline
   * run-checks`); a name: only that check.
   */
  checksOnly?: true | string;
  /** Every event of the run, as the runner streams them, with the progress so far. */
  onEvent?: (event: RunEvent, progress: RunProgress) => void;
  /** What the command line prints besides events (stderr, lines that are not JSON). */
  onOutput?: (text: string) => void;
}

export interface RunHandle {
  /** The command line as a person would type it, for logs. */
  readonly commandLine: string;
  readonly result: Promise<RunResult>;
  /** Stops the run (the runner cancels what runs and records the run as cancelled). */
  cancel(): void;
}

export interface DevHandle {
  /** The command line as a person would type it, for logs. */
  readonly commandLine: string;
  /** The exit code once `assetline dev` has stopped. */
  readonly exited: Promise<number | null>;
  /** Stops it cleanly (SIGINT: runs in progress are cancelled and recorded). */
  stop(): void;
}

/**
 * Starts `assetline dev` in the project (the project's own CLI, with the Node that runs the
 * caller): the editors' way to keep a pipeline up to date while coding. Its log lines go to
 * `onOutput`. Throws when the project has no `assetline` package.
 */
export function startDev(options: {
  root: string;
  interval?: string;
  environment?: string;
  onOutput: (text: string) => void;
}): DevHandle {
  const cli = findCli(options.root);
  if (!cli) throw new Error(missingCliMessage(options.root));
  const args = ["dev", "--root", options.root, "--interval", options.interval ?? "30s"];
  if (options.environment) args.push("--env", options.environment);
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: options.root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.setEncoding("utf8").on("data", options.onOutput);
  child.stderr.setEncoding("utf8").on("data", options.onOutput);
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      options.onOutput(`assetline dev could not start: ${error.message}\n`);
      resolve(null);
    });
    child.on("close", (code) => resolve(code));
  });
  return {
    commandLine: `assetline ${args.join(" ")}`,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill("SIGINT");
    },
  };
}

/** Why assets cannot run in a project whose `assetline` package is not installed. */
export function missingCliMessage(projectRoot: string): string {
  return `Assetline cannot run assets in ${projectRoot}: the 'assetline' package is not installed there. Run 'npm install assetline' in the project.`;
}

/**
 * Starts `assetline materialize --select SELECTION --json` (or `run-checks`) in the project with the Node that
 * runs the caller. Throws an Error whose message says what to do when the project has no
 * `assetline` package.
 */
export function startRun(options: LaunchOptions): RunHandle {
  const { root, selection } = options;
  const cli = findCli(root);
  if (!cli) throw new Error(missingCliMessage(root));
  const args = [
    options.checksOnly ? "run-checks" : "materialize",
    "--select",
    selection,
    "--json",
    "--root",
    root,
  ];
  if (typeof options.checksOnly === "string") args.push("--check", options.checksOnly);
  if (options.concurrency !== undefined) args.push("--concurrency", String(options.concurrency));
  if (options.environment) args.push("--env", options.environment);
  if (options.trigger) args.push("--trigger", options.trigger);
  if (options.partition !== undefined) args.push("--partition", options.partition);
  if (options.partitionRange)
    args.push("--partition-range", `${options.partitionRange.start}...${options.partitionRange.end}`);
  const started = Date.now();
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    // In an editor's extension host the executable is Electron: run it as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let cancelled = false;
  const failures: RunFailure[] = [];
  const progress: RunProgress = { total: 0, done: 0 };
  const materialized: string[] = [];
  const failedChecks: string[] = [];
  const blockingFailed: string[] = [];
  const skipped: string[] = [];
  let started_: { runId: string; env: string; assets: string[]; checksOnly: boolean } | undefined;
  const result = new Promise<RunResult>((resolve) => {
    let buffered = "";
    let recordedMs: number | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        let event: RunEvent;
        try {
          event = JSON.parse(line) as RunEvent;
        } catch {
          options.onOutput?.(`${line}\n`);
          continue;
        }
        if (event.type === "run_start") {
          progress.total = event.steps ?? event.assets.length;
          started_ = {
            runId: event.runId,
            env: event.env,
            assets: event.assets,
            checksOnly: event.checksOnly === true,
          };
        }
        if (event.type === "asset_success") materialized.push(partitionId(event.key, event.partition));
        if (event.type === "run_end") recordedMs = event.durationMs;
        if (event.type === "check_result" && !event.passed) {
          const id = `${partitionId(event.key, event.partition)}:${event.check}`;
          failedChecks.push(id);
          if (event.blocking) blockingFailed.push(id);
        }
        if (event.type === "asset_skipped") skipped.push(partitionId(event.key, event.partition));
        if (event.type === "asset_success" || event.type === "asset_failure") progress.done++;
        if (event.type === "asset_failure") {
          const location = errorLocation(event.error.stack, root);
          failures.push({ key: event.key, message: event.error.message, ...(location ? { location } : {}) });
        }
        options.onEvent?.(event, progress);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => options.onOutput?.(chunk));
    let ended = false;
    const finish = (exitCode: number | null, spawnError?: Error) => {
      if (ended) return;
      ended = true;
      const status: RunResult["status"] = cancelled ? "cancelled" : exitCode === 0 ? "success" : "failure";
      // The run's own duration, as its record and Recent Runs say it (not the process's start-up).
      const durationMs = recordedMs ?? Date.now() - started;
      const outcome: RunResult = { status, exitCode, selection, durationMs, failures };
      if (started_) Object.assign(outcome, started_, { materialized, failedChecks, blockingFailed, skipped });
      if (spawnError) outcome.spawnError = spawnError;
      resolve(outcome);
    };
    child.on("error", (error) => finish(null, error));
    child.on("close", (code) => finish(code));
  });
  return {
    commandLine: `assetline ${args.join(" ")}`,
    result,
    cancel: () => {
      cancelled = true;
      child.kill("SIGINT");
    },
  };
}

/**
 * One line of an editor's run log for an event (the VS Code extension's "Assetline Runs", the
 * language server's log for other editors); undefined for events it does not show.
 */
export function describeRunEvent(event: RunEvent): string | undefined {
  switch (event.type) {
    case "run_start": {
      const parts = event.partitions;
      const which = parts
        ? `, ${parts.count} partition${parts.count === 1 ? "" : "s"} (${parts.start === parts.end ? parts.start : `${parts.start}...${parts.end}`})`
        : "";
      const what = event.checksOnly ? "checking the stored values of " : "";
      return `Run ${event.runId}: ${what}${event.assets.length} asset${event.assets.length === 1 ? "" : "s"}${which}, environment ${event.env}`;
    }
    case "asset_start":
      return `▶ ${partitionId(event.key, event.partition)}`;
    case "asset_success":
      return `✓ ${partitionId(event.key, event.partition)} (${Math.round(event.durationMs)} ms)${event.output.path ? ` → ${event.output.path}` : ""}`;
    case "asset_skipped":
      return `- ${partitionId(event.key, event.partition)} skipped: ${event.reason}`;
    case "asset_failure":
      return `✗ ${partitionId(event.key, event.partition)} (${event.reason})\n${event.error.stack ?? event.error.message}`;
    case "log":
      return `  ${event.key ? `${event.key}: ` : ""}[${event.level}] ${event.message}`;
    case "check_result":
      return `  ${event.passed ? "✓" : "✗"} check ${event.key} ${event.check}${event.description ? `: ${event.description}` : ""}`;
    case "run_end":
      return undefined;
  }
}

/** One sentence for the end of a run, as a notification says it. */
export function describeRunResult(result: RunResult, requested?: readonly string[]): string {
  const took = runDuration(result.durationMs);
  if (result.spawnError) return `Assetline could not start the runner: ${result.spawnError.message}`;
  if (result.status === "success") {
    if (result.checksOnly)
      return `Assetline: checked ${keyList(result.assets ?? [])} · ${result.env} · ${took}`;
    if (!result.assets) return `Assetline: materialized ${result.selection} in ${took}.`;
    // "transform/daily_revenue and 3 upstream assets · local · 0.9 s", partitions counted.
    const what = describeRunTarget(result.selection, result.assets, requested);
    const steps = result.materialized?.length ?? 0;
    const partitions = steps > result.assets.length ? `, ${steps} materializations` : "";
    return `Assetline: materialized ${what}${partitions} · ${result.env} · ${took}`;
  }
  if (result.status === "cancelled") return `Assetline: the run of ${result.selection} was cancelled.`;
  const first = result.failures[0];
  if (!first) {
    const blocking = result.blockingFailed ?? [];
    if (blocking.length > 0) {
      const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more)` : "";
      const stopped = result.skipped ?? [];
      return stopped.length > 0
        ? `Assetline: blocking check ${blocking[0]} failed${more}, so ${keyList(stopped)} did not run.`
        : `Assetline: blocking check ${blocking[0]} failed${more}.`;
    }
    const failed = result.failedChecks ?? [];
    if (result.checksOnly && failed.length > 0)
      return `Assetline: check ${failed[0]} failed${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ""}.`;
    return "Assetline: the run failed. See the Assetline Runs output for why.";
  }
  const where = first.location ? ` (${first.location.file}:${first.location.line})` : "";
  const more = result.failures.length > 1 ? ` (and ${result.failures.length - 1} more)` : "";
  return `Assetline: ${first.key}: ${first.message}${where}${more}`;
}

/** The first frame of a stack that lies in the project's own files (not its node_modules). */
export function errorLocation(
  stack: string | undefined,
  projectRoot: string,
): { file: string; line: number; column: number } | undefined {
  for (const match of (stack ?? "").matchAll(/((?:\/|[A-Za-z]:\\)[^()\n]*?\.[cm]?[jt]sx?):(\d+):(\d+)/g)) {
    const file = path.normalize(match[1]!);
    const relative = path.relative(projectRoot, file);
    if (
      relative.startsWith("..") ||
      path.isAbsolute(relative) ||
      relative.split(path.sep).includes("node_modules")
    )
      continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}
