import * as vscode from "vscode";
import { Commands, type AssetCommandArgs } from "@assetline/protocol";
import type { AssetlineApi, RunOutcome } from "./api";
import { Ctx } from "./ctx";
import { LineagePanel } from "./lineage";
import { runSelection } from "./run";

export async function activate(context: vscode.ExtensionContext): Promise<AssetlineApi> {
  const ctx = new Ctx(context);
  const lineage = new LineagePanel(ctx);
  context.subscriptions.push(ctx, lineage);

  const runWith = (decorate: (key: string) => string) => (args: unknown) => {
    const valid = parseAssetArgs(args);
    if (!valid) return Promise.resolve(undefined);
    return runSelection(ctx, vscode.Uri.parse(valid.rootUri).fsPath, decorate(valid.key)) as Promise<RunOutcome | undefined>;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.runAsset, runWith((key) => quoteKey(key))),
    vscode.commands.registerCommand(Commands.runAssetWithUpstream, runWith((key) => `+${quoteKey(key)}`)),
    vscode.commands.registerCommand(Commands.showLineage, (args: unknown) => {
      const valid = parseAssetArgs(args);
      return lineage.show(valid?.rootUri, valid?.key);
    }),
    vscode.commands.registerCommand("assetline.showLog", () => ctx.log.show()),
    vscode.commands.registerCommand("assetline.restartServer", () => ctx.restart()),
  );

  try {
    await ctx.start();
  } catch (error) {
    void vscode.window.showErrorMessage(
      `Assetline's language server did not start: ${(error as Error).message}. See the Assetline log, then run 'Assetline: Restart Language Server'.`,
    );
  }
  return ctx.createApi();
}

export function deactivate(): void {
  // Everything is disposed through the extension context's subscriptions.
}

/** Code lenses and the lineage view pass `{ key, rootUri }`; anything else is refused. */
function parseAssetArgs(args: unknown): AssetCommandArgs | undefined {
  if (typeof args !== "object" || args === null) return undefined;
  const { key, rootUri } = args as Record<string, unknown>;
  if (typeof key !== "string" || key.length === 0 || typeof rootUri !== "string") return undefined;
  return { key, rootUri };
}

/** A key as a selection: quoted, so that keys with `/` or other characters select exactly. */
function quoteKey(key: string): string {
  return `key:"${key.replace(/["\\]/g, "\\$&")}"`;
}
