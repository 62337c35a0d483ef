import * as vscode from "vscode";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { type AssetGraph } from "@assetline/core";
import { isWebviewMessage, type HostMessage, type WebviewMessage } from "@assetline/protocol";
import type { Ctx } from "./ctx";
import type { FailureDiagnostics } from "./failures";
import { selectionFor } from "@assetline/core";
import { runSelection } from "./run";
import { materializeSelection } from "./selections";

/**
 * The lineage view: one webview panel, reused. It asks the language server for the graph
 * (the webview never talks to the server), sends it to the webview, and refreshes it after
 * every re-analysis while it is open.
 */
export class LineagePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private rootUri: string | undefined;
  private focus: string | undefined;
  private graph: AssetGraph | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly ctx: Ctx,
    private readonly failures: FailureDiagnostics,
  ) {
    this.disposables.push(
      ctx.onDidChangeStatus((status) => {
        if (status.state === "idle" && this.panel) void this.refresh();
      }),
      ctx.runStates.onDidChange((root) => {
        if (this.rootUri && vscode.Uri.parse(this.rootUri).fsPath === root) this.postStatus();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => this.followCursor(event.textEditor)),
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.followCursor(editor)),
    );
  }

  /** Opens (or reveals) the view for a project, highlighting `focus` when given. */
  async show(rootUri: string | undefined, focus: string | undefined): Promise<void> {
    this.focus = focus;
    if (rootUri) this.rootUri = rootUri;
    if (!this.panel) this.panel = this.createPanel();
    else this.panel.reveal(vscode.ViewColumn.Beside, true);
    await this.refresh();
  }

  /** Restores the view VS Code kept across a reload (its graph state lives in the webview). */
  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const saved = (state ?? {}) as { focus?: unknown; rootUri?: unknown };
        if (typeof saved.focus === "string") this.focus = saved.focus;
        if (typeof saved.rootUri === "string") this.rootUri = saved.rootUri;
        this.panel?.dispose();
        this.panel = this.attach(panel);
        await this.refresh();
      },
    });
  }

  private createPanel(): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      "Asset Lineage",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.ctx.extension.extensionUri),
    );
    return this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    const distUri = vscode.Uri.joinPath(this.ctx.extension.extensionUri, "dist", "webview");
    panel.webview.options = webviewOptions(this.ctx.extension.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.ctx.extension.extensionUri, "media", "assetline.svg");
    this.ready = false;
    panel.webview.html = renderHtml(panel.webview, distUri);
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.ready = false;
    });
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if (!isWebviewMessage(message)) {
        this.ctx.log.warn(
          `Ignored an invalid message from the lineage view: ${JSON.stringify(message)?.slice(0, 200)}`,
        );
        return;
      }
      void this.handle(message);
    });
    return panel;
  }

  private followTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Focus follows the editor: the asset declared at or above the cursor in the active file.
   * The webview ignores it while the user has pinned the view.
   */
  private followCursor(editor: vscode.TextEditor): void {
    if (!this.panel || !this.ready || !this.graph || !this.rootUri) return;
    clearTimeout(this.followTimer);
    this.followTimer = setTimeout(() => {
      const key = this.assetAt(editor.document.uri, editor.selection.active.line + 1);
      if (!key || key === this.focus) return;
      this.focus = key;
      const message: HostMessage = { type: "focus", key };
      void this.panel?.webview.postMessage(message);
    }, 150);
  }

  private assetAt(uri: vscode.Uri, line: number): string | undefined {
    if (!this.graph || !this.rootUri) return undefined;
    const relative = path
      .relative(vscode.Uri.parse(this.rootUri).fsPath, uri.fsPath)
      .split(path.sep)
      .join("/");
    let best: { key: string; line: number } | undefined;
    for (const asset of this.graph.assets) {
      if (asset.file !== relative || asset.line > line) continue;
      if (!best || asset.line > best.line) best = { key: asset.key, line: asset.line };
    }
    return best?.key;
  }

  private async refresh(): Promise<void> {
    try {
      const result = await this.ctx.graph(this.rootUri);
      this.rootUri = result.rootUri;
      this.graph = result.graph;
      this.post();
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Assetline could not get the asset graph: ${(error as Error).message}`,
      );
    }
  }

  private post(): void {
    if (!this.panel || !this.ready || !this.graph) return;
    const message: HostMessage = {
      type: "graph",
      graph: this.graph,
      ...(this.focus ? { focus: this.focus } : {}),
      ...(this.rootUri ? { rootUri: this.rootUri } : {}),
    };
    void this.panel.webview.postMessage(message);
    this.postStatus();
  }

  private postStatus(): void {
    if (!this.panel || !this.ready || !this.graph || !this.rootUri) return;
    const root = vscode.Uri.parse(this.rootUri).fsPath;
    this.ctx.runStates.statesFor(root).then(
      (status) => {
        const automation = this.ctx.runStates.automationFor(root);
        // Where each failed asset threw in the project's code: the card links it.
        const failures: Record<string, string> = {};
        for (const [key, entry] of Object.entries(status)) {
          const location =
            entry.state === "failed" ? this.failures.failureOf(root, key, entry)?.location : undefined;
          if (location) failures[key] = `${path.relative(root, location.file)}:${location.line}`;
        }
        const message: HostMessage = {
          type: "status",
          status,
          ...(automation ? { automation } : {}),
          ...(Object.keys(failures).length > 0 ? { failures } : {}),
        };
        void this.panel?.webview.postMessage(message);
      },
      // No server (it restarts): the view keeps the states it has until the next change.
      () => undefined,
    );
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        this.ready = true;
        this.post();
        return;
      case "rendered":
        this.ctx.reportLineageRender({
          nodes: message.nodes,
          ...(message.focus ? { focus: message.focus } : {}),
        });
        return;
      case "openAsset":
        await this.openAsset(message.key);
        return;
      case "showFailure":
        if (this.rootUri) await this.failures.showFailure(vscode.Uri.parse(this.rootUri).fsPath, message.key);
        return;
      case "runAsset":
        if (this.rootUri)
          await runSelection(
            this.ctx,
            vscode.Uri.parse(this.rootUri).fsPath,
            selectionFor(message.key, message.mode),
          );
        return;
      case "runSelection":
        if (this.rootUri) await materializeSelection(this.ctx, message.selection, this.rootUri);
        return;
      case "exportSvg":
        await this.saveSvg(message.svg);
        return;
    }
  }

  /** "Export as SVG": the user picks where; nothing is written without the save dialog. */
  private async saveSvg(svg: string): Promise<void> {
    const root = this.rootUri ? vscode.Uri.parse(this.rootUri) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: "Export the lineage graph as SVG",
      filters: { "SVG image": ["svg"] },
      ...(root ? { defaultUri: vscode.Uri.joinPath(root, "lineage.svg") } : {}),
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(svg, "utf8"));
    void vscode.window.showInformationMessage(
      `Assetline: saved the lineage graph to ${vscode.workspace.asRelativePath(target)}.`,
    );
  }

  /** Opens an asset's definition; only files inside the project are ever opened. */
  private async openAsset(key: string): Promise<void> {
    const asset = this.graph?.assets.find((candidate) => candidate.key === key);
    if (!asset || !this.rootUri) return;
    const root = vscode.Uri.parse(this.rootUri).fsPath;
    const file = path.resolve(root, asset.file);
    const relative = path.relative(root, file);
    if (relative.startsWith("..") || path.isAbsolute(relative)) {
      this.ctx.log.warn(`Refused to open ${file}: it is outside the project ${root}.`);
      return;
    }
    const position = new vscode.Position(Math.max(0, asset.line - 1), Math.max(0, asset.column - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(file), {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position),
    });
  }

  dispose(): void {
    clearTimeout(this.followTimer);
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

const VIEW_TYPE = "assetline.lineage";

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist", "webview")],
    retainContextWhenHidden: false,
  };
}

function renderHtml(webview: vscode.Webview, distUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString("base64");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(distUri, "lineage.js"));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(distUri, "lineage.css"));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Asset Lineage</title>
</head>
<body>
<div id="toolbar"><span id="title">Asset lineage</span><span id="summary"></span></div>
<div id="graph" role="application" aria-label="Asset lineage graph"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
