import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import {
  GraphRequest,
  RunAllowedNotification,
  RunStatesRequest,
  ServerStatusNotification,
  type GraphParams,
  type GraphResult,
  type InitializationOptions,
  type RunAllowedParams,
  type ServerStatusParams,
} from "@assetline/protocol";
import type { AssetlineApi, CheckRunResult, LineageRender } from "./api";
import { config, settingsNeedingRestart } from "./config";
import { RunStates } from "./runStates";
import { describeStates } from "@assetline/core";
import { findProjects } from "./projects";

const MAX_RESTARTS = 4;

/** Errors in the Problems view that are Assetline's: the analysis's and failed runs'. */
function assetlineErrors(): number {
  let count = 0;
  for (const [, diagnostics] of vscode.languages.getDiagnostics())
    for (const d of diagnostics)
      if (
        d.severity === vscode.DiagnosticSeverity.Error &&
        (d.source === "assetline" || d.source === "Assetline run")
      )
        count++;
  return count;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, "\\$&");
}
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/**
 * Owns the language client (start, stop, restart), the output channels and the status bar.
 * Commands and views get the running client from here and never start one themselves.
 */
export class Ctx implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel("Assetline", { log: true });
  readonly runOutput = vscode.window.createOutputChannel("Assetline Runs");
  readonly runStates = new RunStates(async (params) =>
    (await this.startedClient()).sendRequest(RunStatesRequest.type, params),
  );
  private readonly statusItem = vscode.window.createStatusBarItem(
    "assetline.status",
    vscode.StatusBarAlignment.Left,
    10,
  );
  private readonly disposables: vscode.Disposable[] = [];
  private client: LanguageClient | undefined;
  private status: ServerStatusParams | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatusParams>();
  private readonly renderEmitter = new vscode.EventEmitter<LineageRender>();
  private lastRender: LineageRender | undefined;

  /** Fires whenever the server reports its status (and so after every re-analysis). */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.statusItem.name = "Assetline";
    this.statusItem.command = "assetline.statusClicked";
    this.statusItem.text = "$(loading~spin) Assetline";
    this.statusItem.tooltip = "Assetline: starting the language server";
    this.statusItem.show();
    this.disposables.push(
      this.log,
      this.runOutput,
      this.runStates,
      this.statusItem,
      this.statusEmitter,
      this.renderEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (settingsNeedingRestart.some((key) => event.affectsConfiguration(key))) void this.restart();
      }),
      // The error count is the Problems view's: what the server published, and failed runs.
      vscode.languages.onDidChangeDiagnostics(() => this.status && this.setStatus(this.status)),
      this.runStates.onDidChange(() => this.status && this.setStatus(this.status)),
      vscode.commands.registerCommand("assetline.statusClicked", () =>
        vscode.commands.executeCommand(
          assetlineErrors() > 0 ? "workbench.actions.view.problems" : "assetline.assets.focus",
        ),
      ),
    );
  }

  start(): Promise<void> {
    this.starting = this.startClient();
    return this.starting;
  }

  private async startClient(): Promise<void> {
    const serverModule = this.extension.asAbsolutePath("dist/server/server.js");
    const execArgv = [`--max-old-space-size=${config.serverMaxMemoryMb}`];
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv } },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: [...execArgv, "--inspect=6009"] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: "file", language: "typescript" },
        { scheme: "file", language: "typescriptreact" },
      ],
      outputChannel: this.log,
      // Failures are errors in the log; the status bar and notifications say what to do.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: this.crashHandler(),
      // Files on disk: the server registers the watchers it needs, as with any editor.
      // The lens commands run here (run.ts), in a trusted workspace only; the server is told
      // the trust too, so that it refuses to run anything in an untrusted one.
      initializationOptions: {
        runAllowed: vscode.workspace.isTrusted,
        clientRunsCommands: true,
      } satisfies InitializationOptions,
    };
    const client = new LanguageClient("assetline", "Assetline Language Server", serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Stopped)
        this.setStatus({ state: "error", assets: 0, errors: 0, message: "The language server stopped." });
    });
    await client.start();
    this.disposables.push(
      client.onNotification(ServerStatusNotification.type, (params) => this.setStatus(params)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.client !== client || !client.isRunning()) return;
        void client.sendNotification(RunAllowedNotification.type, {
          allowed: true,
        } satisfies RunAllowedParams);
      }),
    );
  }

  /**
   * Restarts a crashed server up to MAX_RESTARTS times in RESTART_WINDOW_MS, telling the user
   * each time; past that it stays down and says how to bring it back.
   */
  private crashHandler(): ErrorHandler {
    const crashes: number[] = [];
    return {
      error: () => ({ action: ErrorAction.Continue, handled: true }),
      closed: () => {
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && now - crashes[0]! > RESTART_WINDOW_MS) crashes.shift();
        if (crashes.length > MAX_RESTARTS) {
          const message = `The Assetline language server stopped ${crashes.length} times in ${RESTART_WINDOW_MS / 60000} minutes and will not be restarted. See the Assetline log, then run 'Assetline: Restart Language Server'.`;
          void vscode.window
            .showErrorMessage(message, "Show Log")
            .then((choice) => choice && this.log.show());
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        this.log.warn(
          `The language server stopped unexpectedly; restarting it (${crashes.length} of ${MAX_RESTARTS}).`,
        );
        void vscode.window.setStatusBarMessage(
          "Assetline: the language server stopped and is restarting",
          5000,
        );
        return { action: CloseAction.Restart, handled: true };
      },
    };
  }

  async restart(): Promise<void> {
    this.status = undefined;
    if (this.client) {
      await this.client.stop().catch(() => undefined);
      this.client = undefined;
    }
    await this.start();
  }

  /** The graph of the project at `rootUri` (the first project when omitted). */
  async graph(rootUri?: string): Promise<GraphResult> {
    const params: GraphParams = rootUri ? { uri: rootUri } : {};
    return (await this.startedClient()).sendRequest(GraphRequest.type, params);
  }

  /** The start of the client in progress (a window reload restores views before it is up). */
  private starting: Promise<void> | undefined;

  /** The client once a start in progress has finished; throws like requireClient without one. */
  private async startedClient(): Promise<LanguageClient> {
    await this.starting?.catch(() => undefined);
    return this.requireClient();
  }

  /** The running client; throws a sentence the user can act on when there is none. */
  requireClient(): LanguageClient {
    if (!this.client || !this.client.isRunning()) {
      throw new Error(
        "The Assetline language server is not running. Run 'Assetline: Restart Language Server'.",
      );
    }
    return this.client;
  }

  reportLineageRender(render: LineageRender): void {
    this.lastRender = render;
    this.renderEmitter.fire(render);
  }

  private setStatus(status: ServerStatusParams): void {
    const changed = this.status !== status;
    this.status = status;
    const errors = assetlineErrors();
    switch (status.state) {
      case "indexing":
        this.statusItem.text = "$(loading~spin) Assetline: indexing";
        break;
      case "idle":
        this.statusItem.text =
          errors > 0
            ? `$(error) Assetline: ${errors} error${errors === 1 ? "" : "s"}`
            : `$(type-hierarchy) ${status.assets} assets`;
        break;
      case "error":
        this.statusItem.text = "$(warning) Assetline";
        break;
    }
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**Assetline**: ${status.assets} assets`);
    if (status.message) tooltip.appendMarkdown(`\n\n${escapeMarkdown(status.message)}`);
    if (this.stateSummary) tooltip.appendMarkdown(`\n\n${escapeMarkdown(this.stateSummary)}`);
    tooltip.appendMarkdown(
      errors > 0
        ? `\n\n$(error) ${errors} Assetline error${errors === 1 ? "" : "s"} in Problems (TypeScript's are its own). Click to open Problems.`
        : "\n\nClick to open the Assets view.",
    );
    this.statusItem.tooltip = tooltip;
    if (changed) {
      this.statusEmitter.fire(status);
      void this.summarizeStates();
    }
  }

  /** The states of every project's assets in one line ("✗ 1 failed · ✓ 7 fresh · 1 never materialized"). */
  private stateSummary: string | undefined;
  private async summarizeStates(): Promise<void> {
    try {
      const roots = (await findProjects()).map((project) => project.root);
      const states = await Promise.all(roots.map((root) => this.runStates.statesFor(root)));
      const summary = describeStates(states.flatMap((each) => Object.values(each).map((s) => s.state)));
      if (summary !== this.stateSummary) {
        this.stateSummary = summary;
        if (this.status) this.setStatus(this.status);
      }
    } catch {
      // No server right now: the tooltip keeps the counts it had.
    }
  }

  /** What `activate` returns: signals for tests and other extensions. */
  createApi(onDidRunChecks: vscode.Event<CheckRunResult[]>): AssetlineApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const ctx = this;
    return {
      get status() {
        return ctx.status;
      },
      get lastLineageRender() {
        return ctx.lastRender;
      },
      onDidChangeStatus: ctx.onDidChangeStatus,
      onDidRunChecks,
      whenIdle: () =>
        new Promise<ServerStatusParams>((resolve) => {
          if (ctx.status?.state === "idle") return resolve(ctx.status);
          const subscription = ctx.onDidChangeStatus((status) => {
            if (status.state !== "idle") return;
            subscription.dispose();
            resolve(status);
          });
        }),
      nextLineageRender: () =>
        new Promise<LineageRender>((resolve) => {
          const subscription = ctx.renderEmitter.event((render) => {
            subscription.dispose();
            resolve(render);
          });
        }),
    };
  }

  dispose(): void {
    void this.client?.stop();
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}
