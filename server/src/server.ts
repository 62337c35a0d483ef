/**
 * The Assetline language server: LSP wiring only. The analysis and its editor features live in
 * @assetline/analysis (its `ide` layer; no LSP there); the handlers in ./handlers adapt its
 * results to LSP. Transport (stdio, IPC, socket)
 * is chosen from the command line by vscode-languageserver (`--stdio`, `--node-ipc`).
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  CodeLensRequest,
  DidChangeWatchedFilesNotification,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type InitializeResult,
  type WorkDoneProgressReporter,
  type WorkspaceFolder,
} from "vscode-languageserver/node";
import path from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  GraphRequest,
  RunStatesRequest,
  RunAllowedNotification,
  ServerStateRequest,
  ServerStatusNotification,
  type InitializationOptions,
} from "@assetline/protocol";
import { codeActions } from "./handlers/codeActions";
import { codeLenses } from "./handlers/codeLens";
import {
  completion,
  definition,
  documentSymbols,
  hover,
  prepareRename,
  references,
  rename,
  workspaceSymbols,
} from "./handlers/features";
import { DiagnosticsPublisher } from "./handlers/diagnostics";
import { graphRequest } from "./handlers/graph";
import { currentStatus, serverState } from "./handlers/status";
import { Projects, describeError, uriToPath, type Project } from "./handlers/projects";
import { RUN_COMMANDS, executeRun } from "./handlers/run";
import { runStatesRequest } from "./handlers/runStatus";
import { FolderWatcher, WATCHED_GLOBS } from "./handlers/watch";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const diagnostics = new DiagnosticsPublisher(connection);

let folders: WorkspaceFolder[] = [];
let lastStatus = "";
let fatal: string | undefined;

function log(message: string): void {
  connection.console.log(message);
}

/**
 * A failure: an error in the client's log (shown at any client's default level), and, when
 * the user has something to do about it, a message in the editor, once for the same text.
 */
const shown = new Set<string>();
function logError(message: string, show = false): void {
  connection.console.error(message);
  if (!show || shown.has(message)) return;
  shown.add(message);
  void connection.window.showErrorMessage(message);
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const projects = new Projects({
  log,
  error: logError,
  analysed: (project) => {
    try {
      diagnostics.publish(project);
    } catch (error) {
      logError(`Cannot publish diagnostics: ${describeError(error)}`);
    }
    refreshCodeLenses();
  },
  stateChanged: () => sendStatus(),
  openFiles: () =>
    documents
      .all()
      .map((document) => uriToPath(document.uri))
      .filter((file): file is string => Boolean(file)),
});

function sendStatus(): void {
  const status = currentStatus(projects, fatal);
  const serialised = JSON.stringify(status);
  if (serialised === lastStatus) return;
  lastStatus = serialised;
  void connection.sendNotification(ServerStatusNotification.type, status);
}

function reportFatal(error: unknown): void {
  fatal = `Internal error: ${describeError(error)} (see the Assetline output for details)`;
  logError(`Internal error: ${stackOf(error)}`);
  logError(`Assetline's language server: ${fatal}`, true);
  sendStatus();
  fatal = undefined;
}

process.on("uncaughtException", reportFatal);
process.on("unhandledRejection", reportFatal);

/** Runs a handler; a failure is logged and reported, never allowed to end the server. */
function guard<T>(what: string, fallback: T, run: () => T): T {
  try {
    return run();
  } catch (error) {
    logError(`${what} failed: ${stackOf(error)}`);
    return fallback;
  }
}

/** The workspace folders on disk. */
function folderPaths(): string[] {
  return folders.map((folder) => uriToPath(folder.uri)).filter((folder): folder is string => Boolean(folder));
}

function refreshFolders(): void {
  const paths = folderPaths();
  projects.setFolders(paths);
  watcher?.setFolders(paths);
  for (const document of documents.all()) {
    const file = uriToPath(document.uri);
    if (file) projects.setText(file, document.getText());
  }
}

/** Lenses of other files change with the graph (counts, run status): ask the client to re-request them. */
let canRefreshLenses = false;
let lensRefresh: NodeJS.Timeout | undefined;
function refreshCodeLenses(): void {
  if (!canRefreshLenses || lensRefresh) return;
  lensRefresh = setTimeout(() => {
    lensRefresh = undefined;
    connection.sendRequest(CodeLensRefreshRequest.type).catch((error: unknown) => {
      logError(`Code lens refresh failed: ${describeError(error)}`);
    });
  }, 200);
}

/**
 * Changes on disk: watched by the client when it can register watchers dynamically (VS Code
 * does, as most editors), else by the server itself (`watcher`).
 */
let clientWatches = false;
let watcher: FolderWatcher | undefined;

/** Running assets executes workspace code: only while the client allows it (see InitializationOptions). */
let runAllowed = true;
let hasProgress = false;

connection.onInitialize((params): InitializeResult => {
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  clientWatches = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  hasProgress = params.capabilities.window?.workDoneProgress === true;
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  runAllowed = options.runAllowed !== false;
  const offersCommands = options.clientRunsCommands !== true;
  if (params.workspaceFolders) folders = params.workspaceFolders;
  else if (params.rootUri) folders = [{ uri: params.rootUri, name: "root" }];
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeLensProvider: { resolveProvider: false },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: ['"', "'", "`", "/"] },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...(offersCommands ? { executeCommandProvider: { commands: Object.keys(RUN_COMMANDS) } } : {}),
    },
    serverInfo: { name: "assetline-language-server", version: "0.1.0" },
  };
});

connection.onInitialized(() => {
  if (clientWatches) {
    connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })),
      })
      .catch((error: unknown) => {
        logError(
          `The editor refused to watch files for Assetline (${describeError(error)}); watching them here.`,
        );
        startWatching();
      });
  } else startWatching();
  guard("Indexing the workspace", undefined, refreshFolders);
  const capabilities = connection.workspace;
  guard("Listening to workspace folder changes", undefined, () => {
    capabilities.onDidChangeWorkspaceFolders((event) => {
      guard("Updating the workspace folders", undefined, () => {
        const removed = new Set(event.removed.map((folder) => folder.uri));
        folders = [...folders.filter((folder) => !removed.has(folder.uri)), ...event.added];
        refreshFolders();
      });
    });
  });
});

documents.onDidChangeContent((event) => {
  guard("Applying an edit", undefined, () => {
    const file = uriToPath(event.document.uri);
    if (file) projects.setText(file, event.document.getText());
  });
});

documents.onDidClose((event) => {
  guard("Closing a document", undefined, () => {
    const file = uriToPath(event.document.uri);
    if (file) projects.setText(file, undefined);
  });
});

function startWatching(): void {
  if (watcher) return;
  watcher = new FolderWatcher(
    (files) => guard("Applying changes on disk", undefined, () => applyDiskChanges(files)),
    (message) => logError(message, true),
  );
  watcher.setFolders(folderPaths());
}

/** Files changed on disk (reported by the client's watchers or ours): the ones not open re-analyse. */
function applyDiskChanges(files: string[]): void {
  const open = new Set(documents.all().map((document) => uriToPath(document.uri)));
  let rediscover = false;
  for (const file of files) {
    const name = path.basename(file);
    if (name === "assetline.config.json" || name === "package.json") rediscover = true;
    if (file.endsWith(`${path.sep}.assetline${path.sep}index.json`)) {
      refreshCodeLenses();
      continue;
    }
    if (open.has(file)) continue;
    projects.fileChanged(file);
  }
  if (rediscover) refreshFolders();
}

connection.onNotification(DidChangeWatchedFilesNotification.type, (params) => {
  guard("Applying file changes", undefined, () =>
    applyDiskChanges(
      params.changes.map((change) => uriToPath(change.uri)).filter((file): file is string => Boolean(file)),
    ),
  );
});

connection.onNotification(RunAllowedNotification.type, (params) => {
  runAllowed = params?.allowed === true;
  refreshCodeLenses(); // "Run (requires trust)" becomes "Run", or back
});

connection.onExecuteCommand((params, token) =>
  executeRun(
    {
      allowed: () => runAllowed,
      projectAt: (rootUri) => {
        const root = uriToPath(rootUri);
        return projects.all.find((project) => project.root === root);
      },
      log,
      showMessage: (type, message) => {
        if (type === MessageType.Error) logError(message);
        void connection.sendNotification(ShowMessageNotification.type, { type, message });
      },
      hasProgress: hasProgress || params.workDoneToken !== undefined,
      progress: async () => {
        if (params.workDoneToken !== undefined)
          return { reporter: connection.window.attachWorkDoneProgress(params.workDoneToken) };
        if (!hasProgress) return { reporter: silentProgress };
        try {
          const reporter = await connection.window.createWorkDoneProgress();
          return { reporter, cancelled: reporter.token };
        } catch (error) {
          logError(`The editor refused a progress for the run: ${describeError(error)}`);
          return { reporter: silentProgress };
        }
      },
      ended: refreshCodeLenses,
    },
    params.command,
    params.arguments,
    token,
  ),
);

const silentProgress: WorkDoneProgressReporter = { begin() {}, report() {}, done() {} };

connection.onRequest(CodeLensRequest.type, (params) =>
  guard("Code lenses", [], () => {
    const file = uriToPath(params.textDocument.uri);
    if (!file) return [];
    const project = projects.projectOf(file);
    if (!project) return [];
    projects.flush();
    return codeLenses(project, file, { runAllowed });
  }),
);

connection.onRequest(GraphRequest.type, (params) => {
  try {
    return graphRequest(projects, params);
  } catch (error) {
    logError(`The graph request failed: ${stackOf(error)}`);
    return new ResponseError(
      ErrorCodes.InternalError,
      `The graph could not be computed: ${describeError(error)}`,
    );
  }
});

connection.onRequest(RunStatesRequest.type, (params) => runStatesRequest(projects, params));

/** The up-to-date project of a document, for the requests below. */
function projectFor(uri: string): { project: Project; file: string } | undefined {
  const file = uriToPath(uri);
  if (!file) return undefined;
  const project = projects.projectOf(file);
  if (!project) return undefined;
  projects.flush();
  return { project, file };
}

connection.onHover((params) =>
  guard("Hover", null, () => {
    const at = projectFor(params.textDocument.uri);
    return at ? hover(at.project, at.file, params.position) : null;
  }),
);

connection.onDefinition((params) =>
  guard("Go to definition", null, () => {
    const at = projectFor(params.textDocument.uri);
    return at ? definition(at.project, at.file, params.position) : null;
  }),
);

connection.onReferences((params) =>
  guard("Find references", null, () => {
    const at = projectFor(params.textDocument.uri);
    return at ? references(at.project, at.file, params.position, params.context.includeDeclaration) : null;
  }),
);

connection.onPrepareRename((params) => {
  const at = guard("Prepare rename", undefined, () => projectFor(params.textDocument.uri));
  if (!at) return null;
  const prepared = guard("Prepare rename", "The rename could not be prepared.", () =>
    prepareRename(at.project, at.file, params.position),
  );
  if (typeof prepared === "string") return new ResponseError(ErrorCodes.InvalidRequest, prepared);
  return prepared;
});

connection.onRenameRequest((params) => {
  const at = guard("Rename", undefined, () => projectFor(params.textDocument.uri));
  if (!at) return null;
  const edit = guard(
    "Rename",
    { problem: "The rename failed; see the Assetline output.", invalid: false },
    () => rename(at.project, at.file, params.position, params.newName),
  );
  if ("problem" in edit)
    return new ResponseError(
      edit.invalid ? ErrorCodes.InvalidParams : ErrorCodes.InvalidRequest,
      edit.problem,
    );
  return edit;
});

connection.onCompletion((params) =>
  guard("Completion", [], () => {
    const at = projectFor(params.textDocument.uri);
    return at ? completion(at.project, at.file, params.position) : [];
  }),
);

connection.onDocumentSymbol((params) =>
  guard("Document symbols", [], () => {
    const at = projectFor(params.textDocument.uri);
    return at ? documentSymbols(at.project, at.file) : [];
  }),
);

connection.onWorkspaceSymbol((params) =>
  guard("Workspace symbols", [], () => {
    projects.flush();
    return workspaceSymbols(projects.all, params.query);
  }),
);

connection.onCodeAction((params) =>
  guard("Code actions", [], () => {
    const at = projectFor(params.textDocument.uri);
    return at ? codeActions(at.project, at.file, params) : [];
  }),
);

connection.onRequest(ServerStateRequest.type, () => {
  const status = currentStatus(projects);
  return guard("Server state", { status, projects: [] }, () => serverState(projects, status));
});

connection.onShutdown(() => {
  watcher?.dispose();
  projects.dispose();
});

documents.listen(connection);
connection.listen();
