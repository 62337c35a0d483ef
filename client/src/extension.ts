import * as vscode from "vscode";
import { selectionFor, type RunMode } from "@assetline/core";
import { Commands, parseAssetCommandArgs, type AssetCommandArgs } from "@assetline/protocol";
import type { AssetlineApi, RunOutcome } from "./api";
import { ChecksController } from "./checks";
import { Ctx } from "./ctx";
import { DevController } from "./dev";
import { EnvironmentPicker } from "./environment";
import { FailureDiagnostics } from "./failures";
import { goToAsset, materializeSelection } from "./selections";
import { pickPartitions, type PartitionChoice } from "./partitionPick";
import { LineagePanel } from "./lineage";
import { runSelection } from "./run";
import { AssetsView, assetArgs, groupSelection } from "./views/assetsView";
import { RunsView } from "./views/runsView";

export async function activate(context: vscode.ExtensionContext): Promise<AssetlineApi> {
  const ctx = new Ctx(context);
  const failures = new FailureDiagnostics(ctx);
  const lineage = new LineagePanel(ctx, failures);
  const assets = new AssetsView(ctx);
  const checks = new ChecksController(ctx);
  const dev = new DevController();
  context.subscriptions.push(
    dev,
    failures,
    ctx,
    lineage,
    lineage.registerSerializer(),
    assets,
    checks,
    new RunsView(ctx.runStates.onDidChange),
    new EnvironmentPicker(),
  );

  const runWith =
    (mode: RunMode) =>
    async (args: unknown, partition?: unknown): Promise<RunOutcome | undefined> => {
      const valid = parseAssetArgs(args);
      if (!valid) return undefined;
      const keys = valid.keys ?? [valid.key];
      const root = vscode.Uri.parse(valid.rootUri).fsPath;
      // A partitioned asset asks which partitions (a caller may say: a key or { start, end }).
      let choice: PartitionChoice | undefined;
      if (vscode.workspace.isTrusted) {
        const { graph } = await ctx.graph(valid.rootUri).catch(() => ({ graph: undefined }));
        const asset = graph?.assets.find((node) => node.key === valid.key);
        if (asset?.partitions) {
          choice = partitionArgument(partition) ?? (await pickPartitions(root, asset, graph!.assets));
          if (!choice) return undefined;
        }
      }
      return runSelection(ctx, root, keys.map((key) => selectionFor(key, mode)).join(" or "), {
        ...(choice ?? {}),
        requested: keys,
      });
    };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.runAsset, runWith("asset")),
    vscode.commands.registerCommand(Commands.runAssetWithUpstream, runWith("upstream")),
    vscode.commands.registerCommand(Commands.showLineage, (args: unknown) => {
      const valid = parseAssetArgs(args);
      return lineage.show(valid?.rootUri, valid?.key);
    }),
    vscode.commands.registerCommand(Commands.runCheck, (args: unknown) => {
      const valid = parseAssetArgs(args);
      if (!valid?.check) return undefined;
      return checks.runOne(vscode.Uri.parse(valid.rootUri).fsPath, valid.key, valid.check);
    }),
    vscode.commands.registerCommand(Commands.showFailure, (args: unknown) => {
      const valid = parseAssetArgs(args);
      return valid && failures.showFailure(vscode.Uri.parse(valid.rootUri).fsPath, valid.key);
    }),
    vscode.commands.registerCommand(
      "assetline.materializeSelection",
      (selection?: unknown, rootUri?: unknown) =>
        materializeSelection(
          ctx,
          typeof selection === "string" ? selection : undefined,
          typeof rootUri === "string" ? rootUri : undefined,
        ),
    ),
    vscode.commands.registerCommand("assetline.goToAsset", () => goToAsset(ctx)),
    vscode.commands.registerCommand("assetline.runGroup", (item: unknown) => {
      const group = groupSelection(item);
      return group && materializeSelection(ctx, group.selection, group.rootUri);
    }),
    vscode.commands.registerCommand("assetline.showLog", () => ctx.log.show()),
    vscode.commands.registerCommand("assetline.showRuns", () => ctx.runOutput.show()),
    vscode.commands.registerCommand("assetline.restartServer", () => ctx.restart()),
    vscode.commands.registerCommand("assetline.refreshAssets", () => assets.refresh()),
    vscode.commands.registerCommand("assetline.startDev", (root?: unknown) =>
      dev.start(typeof root === "string" ? root : undefined),
    ),
    vscode.commands.registerCommand("assetline.stopDev", (root?: unknown) =>
      dev.stop(typeof root === "string" ? root : undefined),
    ),
  );

  try {
    await ctx.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Assetline's language server did not start: ${(error as Error).message}. See the Assetline log, then run 'Assetline: Restart Language Server'.`,
    );
  }
  return ctx.createApi(checks.onDidRunChecks);
}

export function deactivate(): void {
  // Everything is disposed through the extension context's subscriptions.
}

/** A partition given to the run commands (tests, keybindings): "KEY" or { start, end }. */
function partitionArgument(value: unknown): PartitionChoice | undefined {
  if (typeof value === "string" && value !== "") return { partition: value };
  if (typeof value === "object" && value !== null) {
    const { start, end } = value as Record<string, unknown>;
    if (typeof start === "string" && typeof end === "string") return { partitionRange: { start, end } };
  }
  return undefined;
}

/** Code lenses pass `{ key, rootUri }`, the Assets view its tree items; anything else is refused. */
function parseAssetArgs(args: unknown): AssetCommandArgs | undefined {
  return assetArgs(args) ?? parseAssetCommandArgs(args);
}
