/**
 * The server with LSP clients other than the VS Code extension: one that cannot watch files,
 * one that registers watchers for it, and lens commands the server runs itself.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {
  CodeLens,
  LogMessageParams,
  PublishDiagnosticsParams,
  RegistrationParams,
  ShowMessageParams,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
} from "vscode-languageserver-protocol";
import { Commands, RunAllowedNotification } from "@assetline/protocol";
import { TestClient, copyFixture, repoRoot, serverOnFixture, uriOf } from "./client";

const MESSAGE_ERROR = 1;
const MESSAGE_WARNING = 2;

describe("language server with any LSP client", function () {
  describe("a client that cannot watch files (no dynamic registration)", function () {
    const server = serverOnFixture("lsp-shop", { ready: (status) => status.assets === 4 });

    it("sees files changed, added and removed on disk by another program", async function () {
      const transform = path.join(server.root, "src", "transform.ts");
      const misspelt = server.client.waitFor<PublishDiagnosticsParams>(
        "textDocument/publishDiagnostics",
        (params) =>
          params.uri === uriOf(transform) && params.diagnostics.some((d) => d.code === "unknown-asset"),
      );
      fs.writeFileSync(
        transform,
        fs.readFileSync(transform, "utf8").replace('"ingest/raw_customers"', '"ingest/raw_custmers"'),
      );
      await misspelt;

      // A new folder with a file in it (as a checkout makes them), then the folder goes.
      const more = path.join(server.root, "src", "more");
      const added = server.client.waitForIdle((status) => status.assets === 5, false);
      fs.mkdirSync(more);
      fs.writeFileSync(
        path.join(more, "extra.ts"),
        'import { asset } from "assetline";\nexport const extra = asset("more/extra", () => 1);\n',
      );
      await added;
      const removed = server.client.waitForIdle((status) => status.assets === 4, false);
      fs.rmSync(more, { recursive: true });
      await removed;
    });

    it("sends a handler's failure as an error, not a log line", async function () {
      const failed = server.client.waitFor<LogMessageParams>("window/logMessage", (params) =>
        params.message.startsWith("Hover failed"),
      );
      // No position: the handler throws.
      await server.client.connection.sendRequest("textDocument/hover", {
        textDocument: { uri: uriOf(path.join(server.root, "src", "ingest.ts")) },
      });
      assert.equal((await failed).type, MESSAGE_ERROR);
    });
  });

  describe("a client that registers watchers for the server", function () {
    let client: TestClient;
    let root: string;
    before(async function () {
      root = copyFixture("lsp-shop");
      client = TestClient.start();
      await client.initializeWith([root], {
        capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      });
      await client.waitForIdle((status) => status.assets === 4);
    });
    after(async function () {
      await client?.stop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it("is asked to watch the sources, manifests and run records, and its reports re-analyse", async function () {
      const registration = await client.waitFor<RegistrationParams>(
        "client/registerCapability",
        (params) => params.registrations.some((each) => each.method === "workspace/didChangeWatchedFiles"),
        20_000,
        true,
      );
      const watchers = (
        registration.registrations[0]!.registerOptions as { watchers: { globPattern: string }[] }
      ).watchers.map((watcher) => watcher.globPattern);
      assert.deepEqual(watchers, ["**/*.{ts,tsx,mts,cts,json}", "**/.assetline/index.json"]);

      const extra = path.join(root, "src", "extra.ts");
      const added = client.waitForIdle((status) => status.assets === 5, false);
      fs.writeFileSync(
        extra,
        'import { asset } from "assetline";\nexport const extra = asset("extra", () => 1);\n',
      );
      await client.connection.sendNotification("workspace/didChangeWatchedFiles", {
        changes: [{ uri: uriOf(extra), type: 1 }],
      });
      await added;
    });
  });

  describe("Run lenses executed by the server (workspace/executeCommand)", function () {
    /** A copy of lsp-shop whose `assetline` is this repository's library, so that it really runs. */
    function runnableCopy(): string {
      const root = copyFixture("lsp-shop");
      const library = path.join(root, "node_modules", "assetline");
      fs.rmSync(library, { recursive: true, force: true });
      fs.symlinkSync(path.join(repoRoot, "sdk"), library, "dir");
      return root;
    }
    const output = (root: string) => path.join(root, ".assetline", "storage", "ingest", "raw_orders.json");

    async function runLens(client: TestClient, root: string): Promise<CodeLens> {
      const lenses = await client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
        textDocument: { uri: uriOf(path.join(root, "src", "ingest.ts")) },
      });
      const run = lenses.find(
        (lens) =>
          lens.command?.command === Commands.runAsset &&
          (lens.command.arguments?.[0] as { key: string }).key === "ingest/raw_orders",
      );
      assert.ok(run, JSON.stringify(lenses.map((lens) => lens.command)));
      return run;
    }

    let client: TestClient;
    let root: string;
    afterEach(async function () {
      await client?.stop();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    it("offers the run commands, runs the lens's asset with progress, and the output appears", async function () {
      root = runnableCopy();
      client = TestClient.start();
      const { capabilities } = await client.initializeWith([root], {
        capabilities: { window: { workDoneProgress: true } },
      });
      assert.deepEqual(capabilities.executeCommandProvider, {
        commands: [Commands.runAsset, Commands.runAssetWithUpstream],
      });
      await client.waitForIdle((status) => status.assets === 4);
      const lens = await runLens(client, root);
      const ended = client.waitFor<{ value: WorkDoneProgressEnd }>(
        "$/progress",
        (params) => params.value.kind === "end",
      );
      const result = await client.connection.sendRequest<{ status: string }>("workspace/executeCommand", {
        command: lens.command!.command,
        arguments: lens.command!.arguments,
      });
      assert.equal(result.status, "success", client.stderr.join(""));
      assert.deepEqual(JSON.parse(fs.readFileSync(output(root), "utf8")), [{ id: 1, amount: 10 }]);
      await ended;
      const begun = client.notifications.find(
        (note) =>
          note.method === "$/progress" &&
          (note.params as { value: WorkDoneProgressBegin }).value.kind === "begin",
      );
      assert.match((begun?.params as { value: WorkDoneProgressBegin }).value.title, /ingest\/raw_orders/);
    });

    it("refuses to run while the client says running is not allowed, runs once it is", async function () {
      root = runnableCopy();
      client = TestClient.start();
      await client.initializeWith([root], { initializationOptions: { runAllowed: false } });
      await client.waitForIdle((status) => status.assets === 4);
      const lens = await runLens(client, root);
      const execute = () =>
        client.connection.sendRequest<{ status: string }>("workspace/executeCommand", {
          command: lens.command!.command,
          arguments: lens.command!.arguments,
        });
      const warned = client.waitFor<ShowMessageParams>("window/showMessage", (params) =>
        /not trusted/.test(params.message),
      );
      await assert.rejects(execute(), /not trusted/);
      assert.equal((await warned).type, MESSAGE_WARNING);
      assert.equal(fs.existsSync(output(root)), false);

      await client.connection.sendNotification(RunAllowedNotification.method, { allowed: true });
      assert.equal((await execute()).status, "success");
      assert.ok(fs.existsSync(output(root)));
    });

    it("leaves the commands to a client that runs them itself (the VS Code extension)", async function () {
      root = copyFixture("lsp-shop");
      client = TestClient.start();
      const { capabilities } = await client.initializeWith([root], {
        initializationOptions: { clientRunsCommands: true, runAllowed: true },
      });
      assert.equal(capabilities.executeCommandProvider, undefined);
    });
  });
});
