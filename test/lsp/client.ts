/**
 * Test-side language client: starts the BUILT server (dist/server/server.js) as a child
 * process over stdio and speaks JSON-RPC to it. Tests wait for notifications (serverStatus,
 * publishDiagnostics), never for time; the timeout only turns a hang into a failure.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  WorkDoneProgress,
  type ClientCapabilities,
  type Diagnostic,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";
import {
  ServerStatusNotification,
  type InitializationOptions,
  type ServerStatusParams,
} from "@assetline/protocol";
import { installFakeLibrary } from "../support/fake-library.cjs";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const serverPath = path.join(repoRoot, "dist", "server", "server.js");

export function fixture(name: string): string {
  return path.join(repoRoot, "test", "fixtures", name);
}

/**
 * A throw-away copy of a fixture workspace (with the fake `assetline` package), for tests that
 * write files into the project (run records, edits on disk).
 */
export function copyFixture(name: string): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), `assetline-${name}-`));
  fs.cpSync(fixture(name), target, { recursive: true });
  installFakeLibrary(target);
  return fs.realpathSync(target);
}

/** Line/character (0-based) of the `occurrence`-th `needle` in a text, plus `shift` characters. */
export function positionOf(
  text: string,
  needle: string,
  shift = 0,
  occurrence = 1,
): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, index + shift).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

interface Waiter {
  method: string;
  predicate: (params: unknown) => boolean;
  resolve: (params: unknown) => void;
}

export class TestClient {
  readonly connection: ProtocolConnection;
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];
  private readonly waiters: Waiter[] = [];
  private exited: number | null | undefined;

  private constructor(readonly child: ChildProcess) {
    this.connection = createProtocolConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    this.connection.onUnhandledNotification((message) => this.record(message.method, message.params));
    this.connection.onNotification(ServerStatusNotification.method, (params: unknown) =>
      this.record(ServerStatusNotification.method, params),
    );
    this.connection.onNotification("textDocument/publishDiagnostics", (params: unknown) =>
      this.record("textDocument/publishDiagnostics", params),
    );
    this.connection.onNotification("window/logMessage", (params: unknown) =>
      this.record("window/logMessage", params),
    );
    // Requests the server may send to the client (recorded with the notifications).
    this.connection.onRequest("client/registerCapability", (params: unknown) => {
      this.record("client/registerCapability", params);
      return null;
    });
    this.connection.onRequest("workspace/configuration", () => []);
    this.connection.onRequest("window/workDoneProgress/create", (params: { token: string | number }) => {
      this.record("window/workDoneProgress/create", params);
      // Its reports, recorded as `$/progress` with their token.
      this.connection.onProgress(WorkDoneProgress.type, params.token, (value) =>
        this.record("$/progress", { token: params.token, value }),
      );
      return null;
    });
    this.connection.onRequest("workspace/codeLens/refresh", () => {
      this.record("workspace/codeLens/refresh", null);
      return null;
    });
    child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk.toString()));
    child.on("exit", (code) => {
      this.exited = code;
    });
    this.connection.listen();
  }

  static start(): TestClient {
    if (!fs.existsSync(serverPath)) {
      throw new Error(`${serverPath} does not exist: build first with \`node scripts/build.mjs\`.`);
    }
    const child = spawn(process.execPath, [serverPath, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    return new TestClient(child);
  }

  get hasExited(): boolean {
    return this.exited !== undefined;
  }

  private record(method: string, params: unknown): void {
    this.notifications.push({ method, params });
    for (const waiter of [...this.waiters]) {
      if (waiter.method === method && waiter.predicate(params)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  }

  /**
   * Resolves with the first notification of `method` matching `predicate`, received from now
   * on (or already received when `includePast`).
   */
  waitFor<T>(
    method: string,
    predicate: (params: T) => boolean,
    timeoutMs = 20_000,
    includePast = false,
  ): Promise<T> {
    if (includePast) {
      const found = this.notifications.find((item) => item.method === method && predicate(item.params as T));
      if (found) return Promise.resolve(found.params as T);
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate: (params) => predicate(params as T),
        resolve: (params) => {
          clearTimeout(timer);
          resolve(params as T);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.notifications
          .filter((item) => item.method === method)
          .slice(-5)
          .map((item) => JSON.stringify(item.params).slice(0, 400));
        reject(
          new Error(
            `No ${method} matching the expectation within ${timeoutMs} ms. Last ones:\n${seen.join("\n")}\nstderr: ${this.stderr.join("").slice(-2000)}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  waitForIdle(
    predicate: (status: ServerStatusParams) => boolean = () => true,
    includePast = true,
  ): Promise<ServerStatusParams> {
    return this.waitFor<ServerStatusParams>(
      ServerStatusNotification.method,
      (status) => status.state === "idle" && predicate(status),
      20_000,
      includePast,
    );
  }

  /** The diagnostics last published for each file URI so far. */
  publishedDiagnostics(): Map<string, Diagnostic[]> {
    const published = new Map<string, Diagnostic[]>();
    for (const note of this.notifications) {
      if (note.method !== "textDocument/publishDiagnostics") continue;
      const params = note.params as PublishDiagnosticsParams;
      published.set(params.uri, params.diagnostics);
    }
    return published;
  }

  /** Initializes with one workspace folder, or several (a multi-root workspace). */
  async initialize(folder: string, ...more: string[]): Promise<void> {
    await this.initializeWith([folder, ...more]);
  }

  /**
   * Initializes with these folders, the client capabilities of `initialize` plus `capabilities`
   * (merged at the top level: `workspace`, `window`, ...), and `initializationOptions`.
   */
  async initializeWith(
    folders: string[],
    options: { capabilities?: ClientCapabilities; initializationOptions?: InitializationOptions } = {},
  ): Promise<{ capabilities: Record<string, unknown> }> {
    const base: ClientCapabilities = {
      textDocument: { publishDiagnostics: { relatedInformation: true }, codeLens: {} },
      workspace: { workspaceFolders: true, codeLens: { refreshSupport: true } },
    };
    const extra = options.capabilities ?? {};
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>(
      "initialize",
      {
        processId: process.pid,
        rootUri: uriOf(folders[0]!),
        capabilities: {
          ...base,
          ...extra,
          workspace: { ...base.workspace, ...extra.workspace },
        },
        ...(options.initializationOptions ? { initializationOptions: options.initializationOptions } : {}),
        workspaceFolders: folders.map((each) => ({ uri: uriOf(each), name: path.basename(each) })),
      },
    );
    await this.connection.sendNotification("initialized", {});
    return result;
  }

  async stop(): Promise<void> {
    if (this.hasExited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    try {
      await this.connection.sendRequest("shutdown");
      await this.connection.sendNotification("exit");
    } catch {
      this.child.kill();
    }
    await exited;
    this.connection.dispose();
  }
}

/**
 * For a `describe` block: the built server started on a copy of a fixture before its tests
 * (`prepare` may change the copy first; `ready` is the idle status to wait for), stopped and
 * the copy removed after them. Read `client` and `root` inside the tests.
 */
export function serverOnFixture(
  name: string,
  options: { prepare?: (root: string) => void; ready?: (status: ServerStatusParams) => boolean } = {},
): { readonly client: TestClient; readonly root: string } {
  let client: TestClient | undefined;
  let root: string | undefined;
  before(async function () {
    root = copyFixture(name);
    options.prepare?.(root);
    client = TestClient.start();
    await client.initialize(root);
    if (options.ready) await client.waitForIdle(options.ready);
  });
  after(async function () {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });
  return {
    get client() {
      if (!client) throw new Error("the server starts in the describe block's before hook");
      return client;
    },
    get root() {
      if (!root) throw new Error("the fixture is copied in the describe block's before hook");
      return root;
    },
  };
}
