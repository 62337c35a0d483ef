import type { WebviewMessage } from "@assetline/protocol/webview";

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's one handle on VS Code (it may be acquired only once). */
export const vscode: VsCodeApi = acquireVsCodeApi();
