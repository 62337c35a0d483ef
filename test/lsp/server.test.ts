import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { CodeLens, Diagnostic, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { Commands, GraphRequest, type AssetCommandArgs, type GraphResult } from "@assetline/protocol";
import { TestClient, fixture, uriOf } from "./client";

const root = fixture("lsp-shop");
const transformFile = path.join(root, "src", "transform.ts");
const ingestFile = path.join(root, "src", "ingest.ts");
const transformUri = uriOf(transformFile);

describe("language server over stdio (dist/server/server.js)", function () {
  let client: TestClient;

  before(async function () {
    client = TestClient.start();
    await client.initialize(root);
    await client.waitForIdle((status) => status.assets === 4);
  });

  after(async function () {
    await client?.stop();
  });

  it("reports the indexed project through assetline/serverStatus", async function () {
    const status = await client.waitForIdle();
    assert.equal(status.assets, 4);
    assert.equal(status.errors, 0);
  });

  it("publishes unknown-asset on the exact range of a misspelt dep in an unsaved buffer, then clears it", async function () {
    const text = fs.readFileSync(transformFile, "utf8");
    const misspelt = text.replace('"ingest/raw_customers"', '"ingest/raw_customer"');
    assert.notEqual(misspelt, text);
    const published = client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === transformUri && params.diagnostics.some((d) => d.code === "unknown-asset"),
    );
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: transformUri, languageId: "typescript", version: 1, text: misspelt },
    });
    const params = await published;
    const unknown = params.diagnostics.filter((d: Diagnostic) => d.code === "unknown-asset");
    assert.equal(unknown.length, 1);
    // Line 6: `  { ins: { orders: rawOrders }, deps: ["ingest/raw_customer"] },` -> the string literal.
    const line = misspelt.split("\n")[5]!;
    const start = line.indexOf('"ingest/raw_customer"');
    assert.deepEqual(unknown[0]!.range, {
      start: { line: 5, character: start },
      end: { line: 5, character: start + '"ingest/raw_customer"'.length },
    });
    const message = unknown[0]!.message;
    assert.match(
      typeof message === "string" ? message : message.value,
      /Did you mean "ingest\/raw_customers"\?/,
    );
    assert.equal(unknown[0]!.source, "assetline");

    // An incremental edit that fixes the key (insert the missing "s") clears the diagnostic.
    const cleared = client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (p) => p.uri === transformUri && p.diagnostics.length === 0,
    );
    const insertAt = start + '"ingest/raw_customer'.length;
    await client.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: transformUri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: 5, character: insertAt }, end: { line: 5, character: insertAt } },
          text: "s",
        },
      ],
    });
    await cleared;
    await client.connection.sendNotification("textDocument/didClose", {
      textDocument: { uri: transformUri },
    });
  });

  it("offers Run, Run with upstream and Show lineage code lenses with {key, rootUri}", async function () {
    const lenses = await client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uriOf(ingestFile) },
    });
    const run = lenses.filter((lens) => lens.command?.command === Commands.runAsset);
    assert.deepEqual(
      run.map((lens) => [lens.range.start.line, (lens.command!.arguments![0] as AssetCommandArgs).key]),
      [
        [2, "ingest/raw_orders"],
        [6, "ingest/raw_customers"],
      ],
    );
    const args = run[0]!.command!.arguments![0] as AssetCommandArgs;
    assert.equal(args.rootUri, uriOf(root));
    assert.equal(run[0]!.command!.title, "▶ Run");
    const lineage = lenses.filter((lens) => lens.command?.title === "Show lineage");
    assert.equal(lineage.length, 2);
    assert.equal(lineage[0]!.command!.command, Commands.showLineage);
    assert.ok(lenses.some((lens) => lens.command?.command === Commands.runAssetWithUpstream));
    assert.ok(lenses.some((lens) => lens.command?.title === "0 upstream · 1 downstream"));
  });

  it("answers assetline/graph for the whole project and around one asset", async function () {
    const whole = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {
      uri: transformUri,
    });
    assert.equal(whole.rootUri, uriOf(root));
    assert.deepEqual(whole.graph.assets.map((asset) => asset.key).sort(), [
      "ingest/raw_customers",
      "ingest/raw_orders",
      "report/summary",
      "transform/daily_revenue",
    ]);
    const revenue = whole.graph.assets.find((asset) => asset.key === "transform/daily_revenue")!;
    assert.deepEqual(revenue.ins, { orders: "ingest/raw_orders" });
    assert.equal(revenue.file, "src/transform.ts");

    const focus = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {
      focus: "report/summary",
      upstream: 1,
      downstream: 0,
    });
    assert.deepEqual(focus.graph.assets.map((asset) => asset.key).sort(), [
      "report/summary",
      "transform/daily_revenue",
    ]);
  });

  it("survives bad input: garbage buffers and files outside any project", async function () {
    const garbageUri = transformUri;
    const broken = client.waitForIdle((s) => s.assets === 3, false);
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri: garbageUri,
        languageId: "typescript",
        version: 1,
        text: "export const = asset((( ]]] {{{ \u0000",
      },
    });
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: "untitled:Untitled-1", languageId: "typescript", version: 1, text: "asset(" },
    });
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf("/nowhere/x.ts"), languageId: "typescript", version: 1, text: "asset(" },
    });
    const status = await broken;
    assert.equal(status.state, "idle");
    // report.ts now references an import that no longer exists: reported, not crashed.
    assert.ok(status.errors >= 1);
    const graph = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {});
    assert.equal(graph.graph.assets.length, 3);
    assert.equal(client.hasExited, false);
    const restored = client.waitForIdle((s) => s.assets === 4 && s.errors === 0, false);
    await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: garbageUri } });
    await restored;
  });
});

describe("language server over Node IPC (--node-ipc, as the VS Code client starts it)", function () {
  it("initializes, indexes and answers the graph request", async function () {
    const { fork } = await import("node:child_process");
    const { IPCMessageReader, IPCMessageWriter, createProtocolConnection } =
      await import("vscode-languageserver-protocol/node");
    const { serverPath } = await import("./client");
    const child = fork(serverPath, ["--node-ipc"], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const idle = new Promise<void>((resolve) => {
      connection.onNotification("assetline/serverStatus", (status: { state: string; assets: number }) => {
        if (status.state === "idle" && status.assets === 4) resolve();
      });
    });
    connection.listen();
    try {
      await connection.sendRequest("initialize", {
        processId: process.pid,
        rootUri: uriOf(root),
        capabilities: {},
        workspaceFolders: [{ uri: uriOf(root), name: "lsp-shop" }],
      });
      await connection.sendNotification("initialized", {});
      await idle;
      const result = await connection.sendRequest<GraphResult>(GraphRequest.method, {});
      assert.equal(result.graph.assets.length, 4);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      assert.equal(await exited, 0);
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});

describe("language server: type diagnostics after the structural ones (test/fixtures/types)", function () {
  it("publishes missing-resource first, then input-type-mismatch from the background type checks", async function () {
    const typesRoot = fixture("types");
    const uri = uriOf(path.join(typesRoot, "src", "pipeline.ts"));
    const client = TestClient.start();
    try {
      const structural = client.waitFor<PublishDiagnosticsParams>(
        "textDocument/publishDiagnostics",
        (params) => params.uri === uri && params.diagnostics.some((d) => d.code === "missing-resource"),
      );
      const typed = client.waitFor<PublishDiagnosticsParams>(
        "textDocument/publishDiagnostics",
        (params) => params.uri === uri && params.diagnostics.some((d) => d.code === "input-type-mismatch"),
      );
      await client.initialize(typesRoot);
      const first = await structural;
      const [mismatch] = (await typed).diagnostics.filter((d) => d.code === "input-type-mismatch");
      assert.equal(first.diagnostics.filter((d) => d.code === "missing-resource").length, 4);
      const message = mismatch!.message;
      assert.match(
        typeof message === "string" ? message : message.value,
        /declared as string\[\], but "ingest\/orders" produces Order\[\]/,
      );
      assert.equal(mismatch!.relatedInformation?.length, 2);
      // pipeline.ts (7 assets, 5 errors) and generic.ts (6 assets, 1 error).
      const idle = await client.waitForIdle((status) => status.assets === 13 && status.errors === 6);
      assert.equal(idle.state, "idle");
      // The graph request carries the type diagnostics too.
      const result = await client.connection.sendRequest<GraphResult>(GraphRequest.method, { uri });
      assert.deepEqual(
        result.graph.diagnostics.map((d) => `${d.file} ${d.code}`),
        [
          "src/generic.ts input-type-mismatch",
          "src/pipeline.ts input-type-mismatch",
          "src/pipeline.ts missing-resource",
          "src/pipeline.ts missing-resource",
          "src/pipeline.ts missing-resource",
          "src/pipeline.ts missing-resource",
        ],
      );
    } finally {
      await client.stop();
    }
  });
});
