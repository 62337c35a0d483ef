import * as vscode from "vscode";

/** The extension's settings, read fresh on every access. */
export const config = {
  get maxConcurrency(): number {
    return vscode.workspace.getConfiguration("assetline").get<number>("run.concurrency", 4);
  },
  get environment(): string | undefined {
    return vscode.workspace.getConfiguration("assetline").get<string>("run.environment") || undefined;
  },
  get serverMaxMemoryMb(): number {
    return vscode.workspace.getConfiguration("assetline").get<number>("server.maxMemoryMb", 1024);
  },
};

/** Settings whose change needs the language server to restart. */
export const settingsNeedingRestart = ["assetline.server.maxMemoryMb"];
