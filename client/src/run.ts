import * as vscode from "vscode";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RunMode } from "@assetline/protocol";
import type { RunOutcome } from "./api";
import type { Ctx } from "./ctx";
import { config } from "./config";
import type { RunEvent } from "../../sdk/src/runner/events";

export interface RunOptions {
  /** Called with every event of the run, as the runner streams them. */
  onEvent?: (event: RunEvent) => void;
  /** A title for the progress notification instead of the selection. */
  title?: string;
}

/** The selection that runs an asset, alone or with everything upstream or downstream of it. */
export function selectionFor(key: string, mode: RunMode = "asset"): string {
  const quoted = `key:"${key.replace(/["\\]/g, "\\$&")}"`;
  return mode === "upstream" ? `+${quoted}` : mode === "downstream" ? `${quoted}+` : quoted;
}

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

/**
 * Runs `assetline materialize --select SELECTION --json` in the project, with a cancellable
 * progress notification, the events and logs in the "Assetline Runs" channel, and the result
 * as a notification. Resolves when the run has ended.
 */
export async function runSelection(
  ctx: Ctx,
  projectRoot: string,
  selection: string,
  options: RunOptions = {},
): Promise<RunOutcome> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      "Assetline does not run assets in an untrusted workspace: running executes the workspace's code. Trust the workspace (Workspaces: Manage Workspace Trust) to run assets; the graph and diagnostics work without it.",
    );
    return { status: "cancelled", exitCode: null, selection };
  }
  const cli = findCli(projectRoot);
  if (!cli) {
    void vscode.window.showErrorMessage(
      `Assetline cannot run assets in ${projectRoot}: the 'assetline' package is not installed there. Run 'npm install assetline' in the project.`,
    );
    return { status: "failure", exitCode: null, selection };
  }

  const args = [
    cli,
    "materialize",
    "--select",
    selection,
    "--json",
    "--root",
    projectRoot,
    "--concurrency",
    String(config.maxConcurrency),
  ];
  if (config.environment) args.push("--env", config.environment);
  const out = ctx.runOutput;
  out.appendLine(`\n$ assetline materialize --select ${selection}  (in ${projectRoot})`);

  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: options.title ?? `Assetline: materializing ${selection}`,
      cancellable: true,
    },
    (progress, token) =>
      new Promise<RunOutcome>((resolve) => {
        const started = Date.now();
        const child = spawn(process.execPath, args, {
          cwd: projectRoot,
          env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", FORCE_COLOR: "0" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let cancelled = false;
        token.onCancellationRequested(() => {
          cancelled = true;
          child.kill("SIGINT");
        });
        const failures: Failure[] = [];
        let done = 0;
        let total = 0;
        let buffered = "";
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
              out.appendLine(line);
              continue;
            }
            describeEvent(event, out);
            ctx.runStates.applyLiveEvent(projectRoot, event);
            options.onEvent?.(event);
            if (event.type === "run_start") total = event.assets.length;
            if (event.type === "asset_start" && event.key) {
              progress.report({ message: total ? `${event.key} (${done + 1}/${total})` : event.key });
            }
            if (event.type === "asset_success" || event.type === "asset_failure") {
              done++;
              if (total) progress.report({ increment: 100 / total });
            }
            if (event.type === "asset_failure") {
              const location = errorLocation(event.error.stack, projectRoot);
              failures.push({
                key: event.key,
                message: event.error.message,
                ...(location ? { location } : {}),
              });
            }
          }
        });
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (chunk: string) => out.append(chunk));
        const finish = (exitCode: number | null, spawnError?: Error) => {
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          const status: RunOutcome["status"] = cancelled
            ? "cancelled"
            : exitCode === 0
              ? "success"
              : "failure";
          out.appendLine(`Run ${status} in ${seconds} s (exit ${exitCode ?? "none"}).`);
          if (spawnError) {
            void vscode.window.showErrorMessage(
              `Assetline could not start the runner: ${spawnError.message}`,
            );
          } else if (status === "success") {
            void vscode.window.showInformationMessage(
              `Assetline: materialized ${selection} in ${seconds} s.`,
            );
          } else if (status === "failure") {
            void reportFailure(failures, out);
          }
          resolve({ status, exitCode, selection });
        };
        child.on("error", (error) => finish(null, error));
        child.on("close", (code) => finish(code));
      }),
  );
}

interface Failure {
  key: string;
  message: string;
  /** Where the error was thrown in the project's own TypeScript (the runner maps stacks to it). */
  location?: { file: string; line: number; column: number };
}

/** The run failed: say which asset and why, with a way to the line that threw. */
async function reportFailure(failures: Failure[], out: vscode.OutputChannel): Promise<void> {
  const first = failures[0];
  const text = first
    ? `Assetline: ${first.key}: ${first.message}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ""}`
    : "Assetline: the run failed. See the Assetline Runs output for why.";
  const actions = first?.location ? ["Go to Error", "Show Output"] : ["Show Output"];
  const choice = await vscode.window.showErrorMessage(text, ...actions);
  if (choice === "Show Output") out.show(true);
  if (choice === "Go to Error" && first?.location) {
    const { file, line, column } = first.location;
    const position = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(file), {
      selection: new vscode.Range(position, position),
    });
  }
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

function describeEvent(event: RunEvent, out: vscode.OutputChannel): void {
  switch (event.type) {
    case "run_start":
      out.appendLine(`Run ${event.runId}: ${event.assets.length} assets, environment ${event.env}`);
      break;
    case "asset_start":
      out.appendLine(`▶ ${event.key}`);
      break;
    case "asset_success":
      out.appendLine(`✓ ${event.key} (${Math.round(event.durationMs)} ms)`);
      break;
    case "asset_skipped":
      out.appendLine(`- ${event.key} skipped: ${event.reason}`);
      break;
    case "asset_failure": {
      out.appendLine(`✗ ${event.key} (${event.reason})\n${event.error.stack ?? event.error.message}`);
      break;
    }
    case "log":
      out.appendLine(`  ${event.key ? `${event.key}: ` : ""}[${event.level}] ${event.message}`);
      break;
    case "check_result":
      out.appendLine(
        `  ${event.passed ? "✓" : "✗"} check ${event.key} ${event.check}${event.description ? `: ${event.description}` : ""}`,
      );
      break;
    case "run_end":
      break;
  }
}
