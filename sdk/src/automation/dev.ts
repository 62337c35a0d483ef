/**
 * `assetline dev`: keeps a pipeline up to date by itself. Every interval (and soon after a file
 * of the project changes) it asks a fresh `assetline automation --json --dev` process to evaluate
 * a tick (so edited definitions are always the ones evaluated, and a sensor that hangs or
 * crashes takes only that process with it), then launches the runs the tick planned through the
 * project's own command line, never two runs of one asset at once.
 *
 * Nothing is lost when it is killed: the tick is recorded before any run starts, and each run
 * records the tick request that started it (run_start.trigger). Started again, it first launches
 * the recorded requests that have no successful run, then goes on from the last tick's time.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findCli, missingCliMessage, startRun, describeRunEvent, type RunHandle } from "../launch";
import { listRunIds, readEvents } from "../runner/events";
import { listTicks, ticksDir, type PlannedRun, type TickRecord } from "./tick";
import { processAlive, readJsonFile } from "../fsutil";
import { runDuration } from "@assetline/core";

export interface DevOptions {
  root: string;
  intervalMs: number;
  env?: string;
  concurrency?: number;
  /** One line of the log (the terminal, or the editor's output channel). */
  log: (line: string) => void;
  /** Aborting stops the loop: no new run starts, running ones are cancelled cleanly. */
  signal: AbortSignal;
}

/** A planned run and where it was planned: `TICK:N`. */
interface Request {
  id: string;
  run: PlannedRun;
  keys: string[];
}

/** How far back a restart looks for requests that were planned but never ran to success. */
const RESUME_TICKS = 20;

function requestId(run: PlannedRun): string {
  return `${run.trigger.tick}:${run.trigger.request}`;
}

/** Outcome of each tick request that has a run: the best one (a success wins). */
function requestOutcomes(root: string): Map<string, "success" | "running" | "ended"> {
  const outcomes = new Map<string, "success" | "running" | "ended">();
  for (const runId of listRunIds(root).slice(-500)) {
    let events;
    try {
      events = readEvents(root, runId);
    } catch {
      continue;
    }
    const start = events.find((e) => e.type === "run_start");
    if (start?.type !== "run_start" || !start.trigger) continue;
    const id = `${start.trigger.tick}:${start.trigger.request}`;
    const end = events.find((e) => e.type === "run_end");
    const outcome =
      end?.type === "run_end" && end.status === "success"
        ? "success"
        : !end && processAlive(start.pid)
          ? "running"
          : "ended";
    const known = outcomes.get(id);
    if (known !== "success" && known !== "running") outcomes.set(id, outcome);
  }
  return outcomes;
}

/** Runs `assetline automation --json --dev` in a fresh process; its tick record, or why not. */
function evaluateInChild(options: DevOptions, cli: string): Promise<TickRecord | string> {
  const args = [cli, "automation", "--json", "--dev", "--root", options.root];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: options.root,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const stop = () => child.kill("SIGTERM");
    options.signal.addEventListener("abort", stop, { once: true });
    child.on("error", (error) => resolve(`could not start the evaluation: ${error.message}`));
    child.on("close", (code) => {
      options.signal.removeEventListener("abort", stop);
      if (code !== 0) {
        resolve(stderr.trim().replace(/^assetline: /, "") || `the evaluation exited with code ${code}`);
        return;
      }
      try {
        resolve(JSON.parse(stdout) as TickRecord);
      } catch {
        resolve(`the evaluation printed no tick record: ${stdout.slice(0, 200)}`);
      }
    });
  });
}

/** Folders whose changes are the runs' own output, not the project's definitions. */
const IGNORED = /(^|[\\/])(\.assetline|node_modules|\.git|data[\\/]out|dist|build|out)([\\/]|$)/;
/** Files that can change the definitions (what a sensor watches, such as landing CSVs, does not). */
const DEFINITIONS = /\.(?:[cm]?[jt]s|tsx|json)$/;

export async function runDev(options: DevOptions): Promise<number> {
  const { root, log, signal } = options;
  const cli = findCli(root);
  if (!cli) {
    log(missingCliMessage(root));
    return 1;
  }
  const running = new Map<string, { handle: RunHandle; keys: string[] }>();
  const waiting: Request[] = [];
  const busy = (keys: string[]) => [...running.values()].some((r) => r.keys.some((k) => keys.includes(k)));

  const launch = (request: Request): void => {
    if (running.has(request.id)) return;
    const handle = startRun({
      root,
      selection: request.run.select,
      trigger: request.id,
      ...(options.env ? { environment: options.env } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      onEvent: (event) => {
        const line = describeRunEvent(event);
        if (line !== undefined) log(`  ${line.split("\n")[0]}`);
      },
      onOutput: (text) => {
        for (const line of text.split("\n")) if (line.trim()) log(`  ${line}`);
      },
    });
    const why = request.run.trigger.name
      ? `${request.run.trigger.type} ${request.run.trigger.name}`
      : request.run.trigger.type;
    log(`run for ${why}: ${request.run.select}`);
    running.set(request.id, { handle, keys: request.keys });
    void handle.result.then((result) => {
      running.delete(request.id);
      log(`run for ${why} ${result.status} in ${runDuration(result.durationMs)}: ${request.run.select}`);
      drain();
    });
  };

  /** Starts the waiting requests whose assets no run holds now, in the order they were planned. */
  const drain = (): void => {
    if (signal.aborted) return;
    for (let i = 0; i < waiting.length;) {
      const request = waiting[i] as Request;
      if (busy(request.keys)) i++;
      else {
        waiting.splice(i, 1);
        launch(request);
      }
    }
  };

  const enqueue = (run: PlannedRun, keys: string[]): void => {
    const request = { id: requestId(run), run, keys };
    if (running.has(request.id) || waiting.some((w) => w.id === request.id)) return;
    if (busy(keys))
      log(`waiting: a run of ${keys.filter((k) => busy([k])).join(", ")} is in progress (${run.select})`);
    waiting.push(request);
  };

  // Requests of the last ticks that never ran to success (the process was killed, say).
  const outcomes = requestOutcomes(root);
  for (const name of listTicks(root).slice(-RESUME_TICKS)) {
    const tick = readJsonFile<TickRecord>(path.join(ticksDir(root), `${name}.json`));
    if (!tick?.launch) continue;
    for (const run of tick.runs) {
      const outcome = outcomes.get(requestId(run));
      if (outcome === undefined) {
        log(`resuming: ${requestId(run)} was planned but never started (${run.select})`);
        enqueue(run, run.keys ?? []);
      }
    }
  }
  drain();

  let changed = false;
  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(root, { recursive: true }, (_event, file) => {
      if (!file || IGNORED.test(String(file)) || !DEFINITIONS.test(String(file))) return;
      if (!changed) log(`${String(file)} changed: evaluating with the new definitions`);
      changed = true;
      setTimeout(() => wake?.(), 300);
    });
  } catch (error) {
    log(
      `not watching the project's files (${(error as Error).message}); definitions reload at each tick anyway`,
    );
  }

  log(`assetline dev: evaluating automation every ${options.intervalMs / 1000} s in ${root} (Ctrl+C stops)`);
  while (!signal.aborted) {
    changed = false;
    const tick = await evaluateInChild(options, cli);
    if (signal.aborted) break;
    if (typeof tick === "string") log(`evaluation failed: ${tick}`);
    else {
      for (const decision of tick.requested)
        log(`requested ${decision.key}: ${decision.reason.replace(/\n/g, "; ")}`);
      for (const s of tick.schedules) if (s.requested) log(`schedule ${s.name}: ${s.reason}`);
      for (const s of tick.sensors)
        if (s.evaluated && (s.requests > 0 || s.error)) log(`sensor ${s.name}: ${s.reason}`);
      for (const run of tick.runs) enqueue(run, run.keys ?? []);
      drain();
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  watcher?.close();
  if (running.size > 0) {
    log(`stopping: cancelling ${running.size} run(s) in progress (each records what it finished)`);
    for (const { handle } of running.values()) handle.cancel();
    await Promise.all([...running.values()].map((r) => r.handle.result));
  }
  log("assetline dev stopped");
  return 0;
}
