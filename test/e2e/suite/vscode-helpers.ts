/**
 * Helpers of the end-to-end suite that talk to VS Code and the extension: lens arguments,
 * waiting on the server's signals and on diagnostics, the run records of the workspace.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { AssetCommandArgs } from "@assetline/protocol";
import type { AssetlineApi } from "../../../client/src/api";
import type { RunIndex } from "../../../core/src";
import { withDeadline } from "./helpers";

export const EXTENSION_ID = "assetline.assetline-vscode";

export function commandArgs(command: vscode.Command): unknown[] {
  return (command.arguments ?? []) as unknown[];
}

export function lensArgs(lens: vscode.CodeLens): AssetCommandArgs | undefined {
  const args = lens.command?.arguments?.[0] as Partial<AssetCommandArgs> | undefined;
  return typeof args?.key === "string" && typeof args.rootUri === "string"
    ? (args as AssetCommandArgs)
    : undefined;
}

export function diagnosticCode(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === "object" ? code.value : code;
}

/** Resolves when `accept` holds for the diagnostics of `uri` (now or after a later change). */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
): Promise<void> {
  return new Promise((resolve) => {
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((changed) => changed.toString() === uri.toString())) return;
      if (!accept(vscode.languages.getDiagnostics(uri))) return;
      subscription.dispose();
      resolve();
    });
  });
}

/**
 * Evaluates `probe` once the server is idle; while it yields nothing, evaluates it again on
 * each later signal from the server (a status change or a diagnostics publication).
 */
export async function untilSettled<T>(
  api: AssetlineApi,
  probe: () => Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 60_000;
  await api.whenIdle();
  for (;;) {
    const next = nextServerSignal(api);
    const value = await probe();
    if (value !== undefined) {
      next.dispose();
      return value;
    }
    const remaining = deadline - Date.now();
    await withDeadline(next.promise, remaining, `gave up waiting for ${what}`).finally(() => next.dispose());
    await api.whenIdle();
  }
}

export function nextServerSignal(api: AssetlineApi): { promise: Promise<void>; dispose(): void } {
  const subscriptions: vscode.Disposable[] = [];
  const promise = new Promise<void>((resolve) => {
    subscriptions.push(vscode.languages.onDidChangeDiagnostics(() => resolve()));
    subscriptions.push(api.onDidChangeStatus(() => resolve()));
  });
  return {
    promise,
    dispose: () => {
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}

/** The name under which a file imports `asset` from "assetline", if it does. */
export function importedAssetName(source: string): string | undefined {
  for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']assetline["']/g)) {
    for (const part of match[1]!.split(",")) {
      const [imported, local] = part.trim().split(/\s+as\s+/);
      if (imported === "asset") return local ?? imported;
    }
  }
  return undefined;
}

/** A plausible typo of `key` (two letters swapped) that is not itself a key. */
export function misspell(key: string, known: Set<string>): string {
  for (let i = key.length - 2; i > 0; i--) {
    const typo = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
    if (typo !== key && !known.has(typo) && /[a-z]/i.test(key[i]!)) return typo;
  }
  return `${key}_typo`;
}

/** The code lenses of `uri` once the server has them for every key of `keys`. */
export function lensesFor(api: AssetlineApi, uri: vscode.Uri, keys: string[]): Promise<vscode.CodeLens[]> {
  return untilSettled(
    api,
    async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>(
        "vscode.executeCodeLensProvider",
        uri,
        100,
      );
      const present = new Set(found.map((lens) => lensArgs(lens)?.key));
      return keys.every((key) => present.has(key)) ? found : undefined;
    },
    `code lenses for ${keys.join(", ")} in ${vscode.workspace.asRelativePath(uri)}`,
  );
}

/** The lens of `key` that runs `command`. */
export function lensOf(lenses: vscode.CodeLens[], key: string, command: string): vscode.Command {
  const lens = lenses.find(
    (candidate) => candidate.command?.command === command && lensArgs(candidate)?.key === key,
  );
  if (!lens?.command) throw new Error(`no ${command} lens for ${key}`);
  return lens.command;
}

/** The run index the runner keeps in ROOT/.assetline/index.json (undefined before any run). */
export function readRunIndex(root: string): RunIndex | undefined {
  const file = path.join(root, ".assetline", "index.json");
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as RunIndex;
}

/** Whether a run has stored a value of `key` in ROOT. */
export function isMaterialized(root: string, key: string): boolean {
  return readRunIndex(root)?.assets[key]?.lastSuccess !== undefined;
}

/** The run folders under ROOT/.assetline/runs (none when runs were never recorded). */
export function runFolders(root: string): string[] {
  const runs = path.join(root, ".assetline", "runs");
  return fs.existsSync(runs) ? fs.readdirSync(runs) : [];
}
