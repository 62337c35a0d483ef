/**
 * `workspace/executeCommand` for the "Run" code lenses, so that they work in any editor: the
 * server starts the project's own `assetline materialize --json` (as the VS Code extension
 * does, assetline/launch), reports progress through `$/progress` when the client supports
 * it, and says how the run ended with `window/showMessage`. Nothing runs unless the client
 * allows it (`InitializationOptions.runAllowed`, `RunAllowedNotification`).
 */
import {
  ErrorCodes,
  MessageType,
  ResponseError,
  type CancellationToken,
  type WorkDoneProgressReporter,
} from "vscode-languageserver/node";
import { selectionFor, type RunMode } from "@assetline/core";
import { Commands, parseAssetCommandArgs } from "@assetline/protocol";
import { describeRunEvent, describeRunResult, startRun, type RunResult } from "assetline/launch";
import type { Project } from "./projects";

/** The commands the server runs, and how each selects assets around the lens's key. */
export const RUN_COMMANDS: Record<string, RunMode> = {
  [Commands.runAsset]: "asset",
  [Commands.runAssetWithUpstream]: "upstream",
};

export interface RunHost {
  /** Running was allowed by the client (or it has no trust model). */
  allowed(): boolean;
  /** The pipeline project whose root has this URI. */
  projectAt(rootUri: string): Project | undefined;
  log(message: string): void;
  showMessage(type: MessageType, message: string): void;
  /** A progress in the client's UI (a null reporter when it has none); `cancelled` when the user stops it. */
  progress(): Promise<{ reporter: WorkDoneProgressReporter; cancelled?: CancellationToken }>;
  /** Whether `progress` shows anything. */
  hasProgress: boolean;
  /** The run ended (its records changed: lenses show the new last run). */
  ended(): void;
}

const REFUSED =
  "Assetline does not run assets here: the editor said this workspace is not trusted, and running executes the workspace's code. Trust the workspace to run assets; the graph and diagnostics work without it.";

export async function executeRun(
  host: RunHost,
  command: string,
  args: unknown[] | undefined,
  token: CancellationToken,
): Promise<RunResult | ResponseError<void>> {
  const mode = RUN_COMMANDS[command];
  if (!mode) {
    return new ResponseError(
      ErrorCodes.InvalidParams,
      `Unknown command ${command}; the server runs ${Object.keys(RUN_COMMANDS).join(" and ")}.`,
    );
  }
  if (!host.allowed()) {
    host.showMessage(MessageType.Warning, REFUSED);
    return new ResponseError(ErrorCodes.InvalidRequest, REFUSED);
  }
  const parsed = parseAssetCommandArgs(args?.[0]);
  if (!parsed) {
    return new ResponseError(
      ErrorCodes.InvalidParams,
      `${command} takes one argument, { "key": "<asset key>", "rootUri": "<project root URI>" }, as its code lens passes it.`,
    );
  }
  const project = host.projectAt(parsed.rootUri);
  if (!project) {
    return new ResponseError(
      ErrorCodes.InvalidParams,
      `${parsed.rootUri} is not the root of a pipeline project of this workspace; run assets from their code lenses.`,
    );
  }
  const selection = (parsed.keys ?? [parsed.key]).map((key) => selectionFor(key, mode)).join(" or ");
  // The progress exists once the client has accepted it; events before that go to the log only.
  const live: { reporter?: WorkDoneProgressReporter } = {};
  let run;
  try {
    run = startRun({
      root: project.root,
      selection,
      onOutput: (text) => host.log(text.trimEnd()),
      onEvent: (event, { done, total }) => {
        const line = describeRunEvent(event);
        if (line) host.log(line);
        if (event.type === "asset_start") {
          const percentage = total ? Math.round((100 * done) / total) : 0;
          live.reporter?.report(percentage, `${event.key} (${done + 1}/${total || "?"})`);
        }
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    host.showMessage(MessageType.Error, message);
    return new ResponseError(ErrorCodes.InvalidRequest, message);
  }
  host.log(`$ ${run.commandLine}  (in ${project.root})`);
  const title = `Assetline: materializing ${selection}`;
  const progress = await host.progress();
  progress.reporter.begin(title, 0, undefined, true);
  live.reporter = progress.reporter;
  progress.cancelled?.onCancellationRequested(() => run.cancel());
  token.onCancellationRequested(() => run.cancel());
  const result = await run.result;
  const summary = describeRunResult(result);
  host.log(summary);
  progress.reporter.done();
  host.ended();
  // The progress ends silently: the outcome is a message (always when it failed).
  if (result.status !== "success" || !host.hasProgress) {
    host.showMessage(result.status === "success" ? MessageType.Info : MessageType.Error, summary);
  }
  return result;
}
