import * as vscode from "vscode";
import type { RunOutcome } from "./api";
import type { Ctx } from "./ctx";
import { config } from "./config";
import { partitionId, runDuration, type RunEvent } from "@assetline/core";
import {
  describeRunEvent,
  describeRunResult,
  startRun,
  type RunResult,
  type RunHandle,
} from "assetline/launch";

export interface RunOptions {
  /** Called with every event of the run, as the runner streams them. */
  onEvent?: (event: RunEvent) => void;
  /** A title for the progress notification instead of the selection. */
  title?: string;
  /** Run the checks on the stored values instead of materializing (a name: that check only). */
  checksOnly?: true | string;
  partition?: string;
  partitionRange?: { start: string; end: string };
  /** What the command line prints besides events (its refusals, on stderr). */
  onOutput?: (text: string) => void;
  /** The caller shows the outcome itself (the Test Explorer): no notification at the end. */
  quiet?: boolean;
  /** The assets asked for (the rest of the run was added upstream), for the result's words. */
  requested?: string[];
}

/**
 * Runs `assetline materialize --select SELECTION --json` in the project (started as the
 * language server starts it, assetline/launch), with a cancellable progress
 * notification, the events and logs in the "Assetline Runs" channel, and the result as a
 * notification. Resolves when the run has ended.
 */
export async function runSelection(
  ctx: Ctx,
  projectRoot: string,
  selection: string,
  options: RunOptions = {},
): Promise<RunOutcome> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window
      .showWarningMessage(
        "Assetline does not run assets in an untrusted workspace: running executes the workspace's code. Trust the workspace (Workspaces: Manage Workspace Trust) to run assets; the graph and diagnostics work without it.",
        "Trust Workspace…",
      )
      .then((choice) => choice && vscode.commands.executeCommand("workbench.trust.manage"));
    return { status: "cancelled", exitCode: null, selection };
  }
  const out = ctx.runOutput;
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: options.title ?? `Assetline: materializing ${selection}`,
      cancellable: true,
    },
    async (progress, token) => {
      let run: RunHandle;
      try {
        run = startRun({
          root: projectRoot,
          selection,
          concurrency: config.maxConcurrency,
          ...(config.environment ? { environment: config.environment } : {}),
          ...(options.checksOnly ? { checksOnly: options.checksOnly } : {}),
          ...(options.partition !== undefined ? { partition: options.partition } : {}),
          ...(options.partitionRange ? { partitionRange: options.partitionRange } : {}),
          onOutput: (text) => {
            out.append(text);
            options.onOutput?.(text);
          },
          onEvent: (event, { done, total }) => {
            const line = describeRunEvent(event);
            if (line !== undefined) out.appendLine(line);
            ctx.runStates.applyLiveEvent(projectRoot, event);
            options.onEvent?.(event);
            if (event.type === "asset_start" && event.key) {
              const step = partitionId(event.key, event.partition);
              progress.report({ message: total ? `${step} (${done + 1}/${total})` : step });
            }
            if ((event.type === "asset_success" || event.type === "asset_failure") && total) {
              progress.report({ increment: 100 / total });
            }
          },
        });
      } catch (error) {
        void vscode.window.showErrorMessage((error as Error).message);
        return { status: "failure", exitCode: null, selection };
      }
      out.appendLine(`\n$ ${run.commandLine}  (in ${projectRoot})`);
      token.onCancellationRequested(() => run.cancel());
      const result = await run.result;
      out.appendLine(
        `Run ${result.status} in ${runDuration(result.durationMs)} (exit ${result.exitCode ?? "none"}).`,
      );
      if (result.spawnError) void vscode.window.showErrorMessage(describeRunResult(result));
      else if (options.quiet) {
        // the caller reports it
      } else if (result.status === "success")
        void vscode.window
          .showInformationMessage(describeRunResult(result, options.requested), "Show Run")
          .then((choice) => choice && out.show(true));
      else if (result.status === "failure") {
        // The run's log is where the why is: shown (without taking the focus) beside the message.
        if (!options.quiet) out.show(true);
        void reportFailure(result, out);
      }
      return { status: result.status, exitCode: result.exitCode, selection };
    },
  );
}

/** The run failed: say which asset and why, with a way to the line that threw. */
async function reportFailure(result: RunResult, out: vscode.OutputChannel): Promise<void> {
  const first = result.failures[0];
  const text = describeRunResult(result);
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
