import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  PublishDiagnosticsParams,
  Range,
  SymbolInformation,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { ServerStateRequest, type ServerStateResult } from "@assetline/protocol";
import { TestClient, copyFixture, positionOf, serverOnFixture, uriOf } from "./client";

describe("language server editor features on asset keys", function () {
  let client: TestClient;
  let root: string;
  let transformFile: string;
  let transformText: string;
  let ingestFile: string;
  let ingestText: string;

  before(async function () {
    root = copyFixture("lsp-shop");
    transformFile = path.join(root, "src", "transform.ts");
    ingestFile = path.join(root, "src", "ingest.ts");
    // raw_orders may be at most an hour old (shown as fresh or stale in its lens).
    const withFreshness = fs
      .readFileSync(ingestFile, "utf8")
      .replace('owners: ["team:data-eng"] }', 'owners: ["team:data-eng"], freshness: { maxLag: "1h" } }');
    fs.writeFileSync(ingestFile, withFreshness);
    transformText = fs.readFileSync(transformFile, "utf8");
    ingestText = fs.readFileSync(ingestFile, "utf8");
    assert.match(ingestText, /maxLag/);
    // A run record as the runner writes it: raw_orders succeeded a minute ago.
    fs.mkdirSync(path.join(root, ".assetline"), { recursive: true });
    const time = new Date(Date.now() - 90_000).toISOString();
    fs.writeFileSync(
      path.join(root, ".assetline", "index.json"),
      JSON.stringify({
        version: 1,
        runs: {},
        assets: {
          "ingest/raw_orders": {
            key: "ingest/raw_orders",
            lastRunId: "r1",
            lastStatus: "success",
            lastTime: time,
            lastSuccess: { runId: "r1", time, durationMs: 5 },
          },
          "ingest/raw_customers": {
            key: "ingest/raw_customers",
            lastRunId: "r1",
            lastStatus: "failure",
            lastTime: time,
          },
        },
      }),
    );
    client = TestClient.start();
    await client.initialize(root);
    await client.waitForIdle((status) => status.assets === 4);
  });

  after(async function () {
    await client?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const request = <T>(method: string, params: unknown): Promise<T> =>
    client.connection.sendRequest<T>(method, params);

  it("hover on a string key shows the asset: group, owners, downstream, last run, output type", async function () {
    const hover = await request<Hover>("textDocument/hover", {
      textDocument: { uri: uriOf(transformFile) },
      position: positionOf(transformText, '"ingest/raw_customers"', 3),
    });
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /\*\*ingest\/raw_customers\*\* · group `ingest`/);
    assert.match(value, /Downstream \(1\): `transform\/daily_revenue`/);
    assert.match(value, /Run state: ✗ failed/);
    assert.match(value, /Output: `\{ id: number; \}\[\]`/);
    const ordersHover = await request<Hover>("textDocument/hover", {
      textDocument: { uri: uriOf(ingestFile) },
      position: positionOf(ingestText, '"ingest/raw_orders"', 2),
    });
    assert.match((ordersHover.contents as MarkupContent).value, /Owners: `team:data-eng`/);
  });

  it("go to definition and find references on a string key", async function () {
    const at = {
      textDocument: { uri: uriOf(transformFile) },
      position: positionOf(transformText, '"ingest/raw_customers"', 3),
    };
    const definitions = await request<Location[]>("textDocument/definition", at);
    assert.equal(definitions.length, 1);
    assert.equal(definitions[0]!.uri, uriOf(ingestFile));
    assert.deepEqual(definitions[0]!.range.start, positionOf(ingestText, '"ingest/raw_customers"'));
    const refs = await request<Location[]>("textDocument/references", {
      ...at,
      context: { includeDeclaration: true },
    });
    assert.deepEqual(refs.map((ref) => path.basename(ref.uri)).sort(), ["ingest.ts", "transform.ts"]);
    // References of a key written as a reference (`rawOrders`) are found too, from its declaration.
    const orderRefs = await request<Location[]>("textDocument/references", {
      textDocument: { uri: uriOf(ingestFile) },
      position: positionOf(ingestText, '"ingest/raw_orders"', 2),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      orderRefs.map((ref) => path.basename(ref.uri)),
      ["transform.ts"],
    );
  });

  it("renames a key everywhere it is written as a string, and refuses an invalid key", async function () {
    const at = {
      textDocument: { uri: uriOf(ingestFile) },
      position: positionOf(ingestText, '"ingest/raw_customers"', 3),
    };
    const prepared = await request<{ range: unknown; placeholder: string }>("textDocument/prepareRename", at);
    assert.equal(prepared.placeholder, "ingest/raw_customers");
    const edit = await request<WorkspaceEdit>("textDocument/rename", { ...at, newName: "ingest/customers" });
    const files = Object.keys(edit.changes ?? {})
      .map((uri) => path.basename(uri))
      .sort();
    assert.deepEqual(files, ["ingest.ts", "transform.ts"]);
    for (const edits of Object.values(edit.changes ?? {}))
      assert.equal(edits[0]!.newText, "ingest/customers");
    await assert.rejects(request("textDocument/rename", { ...at, newName: "bad key" }), /contains " "/);
    await assert.rejects(
      request("textDocument/rename", { ...at, newName: "ingest/raw_orders" }),
      /already exists/,
    );
  });

  it("completes keys inside deps strings of an unsaved buffer", async function () {
    const edited = transformText.replace('"ingest/raw_customers"', '"ingest/"');
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf(transformFile), languageId: "typescript", version: 1, text: edited },
    });
    const items = await request<CompletionItem[]>("textDocument/completion", {
      textDocument: { uri: uriOf(transformFile) },
      position: positionOf(edited, '"ingest/"', 8),
    });
    const labels = items.map((item) => item.label);
    assert.ok(labels.includes("ingest/raw_customers"), labels.join(", "));
    const item = items.find((candidate) => candidate.label === "ingest/raw_customers")!;
    assert.equal(item.detail, "group ingest");
    await client.connection.sendNotification("textDocument/didClose", {
      textDocument: { uri: uriOf(transformFile) },
    });
  });

  it("completes a key after a `/` for a client whose own word stops at the `/` (Neovim's)", async function () {
    // Still being typed, with the rest of the line after the cursor (an editor closed the bracket).
    const edited = transformText.replace('deps: ["ingest/raw_customers"] }', 'deps: ["ingest/raw_c] }');
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf(transformFile), languageId: "typescript", version: 1, text: edited },
    });
    try {
      const cursor = positionOf(edited, '"ingest/raw_c', '"ingest/raw_c'.length);
      const items = await request<CompletionItem[]>("textDocument/completion", {
        textDocument: { uri: uriOf(transformFile) },
        position: cursor,
      });
      const line = edited.split("\n")[cursor.line]!;
      // Neovim 0.7's omnifunc: the start of the items' common textEdit range when none has a
      // filterText, else its own keyword before the cursor; keeps the items whose text starts
      // with what lies between that start and the cursor, and replaces that with the item.
      const edits = items.map((item) => item.textEdit as { range: Range; newText: string } | undefined);
      const starts = new Set(edits.map((edit) => edit?.range.start.character));
      const start =
        items.every((item) => item.filterText === undefined) && edits.every(Boolean) && starts.size === 1
          ? [...starts][0]!
          : cursor.character - /[A-Za-z0-9_]*$/.exec(line.slice(0, cursor.character))![0].length;
      const typed = line.slice(start, cursor.character);
      assert.equal(typed, "ingest/raw_c");
      const kept = items.filter((item, index) => (edits[index]?.newText ?? item.label).startsWith(typed));
      assert.deepEqual(
        kept.map((item) => item.label),
        ["ingest/raw_customers"],
      );
      // The range covers the key typed so far and not the rest of the line.
      assert.deepEqual(edits[0]!.range.end, cursor);
    } finally {
      await client.connection.sendNotification("textDocument/didClose", {
        textDocument: { uri: uriOf(transformFile) },
      });
    }
  });

  it("quick fixes for a misspelt key: replace with the closest, create a stub", async function () {
    const misspelt = transformText.replace('"ingest/raw_customers"', '"ingest/raw_custmers"');
    const published = client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) =>
        params.uri === uriOf(transformFile) && params.diagnostics.some((d) => d.code === "unknown-asset"),
    );
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf(transformFile), languageId: "typescript", version: 1, text: misspelt },
    });
    const diagnostics = (await published).diagnostics.filter((d) => d.code === "unknown-asset");
    const actions = await request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: uriOf(transformFile) },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    });
    const replace = actions.find((action) => action.title === 'Replace with "ingest/raw_customers"');
    assert.ok(replace, actions.map((action) => action.title).join(" | "));
    const [edit] = replace.edit!.changes![uriOf(transformFile)]!;
    assert.equal(edit!.newText, "ingest/raw_customers");
    assert.deepEqual(edit!.range.start, positionOf(misspelt, '"ingest/raw_custmers"', 1));
    const stub = actions.find((action) => action.title === 'Create a stub asset "ingest/raw_custmers"');
    assert.ok(stub);
    assert.match(
      stub.edit!.changes![uriOf(transformFile)]!.at(-1)!.newText,
      /export const ingestRawCustmers = asset\("ingest\/raw_custmers"/,
    );
    const cleared = client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === uriOf(transformFile) && params.diagnostics.length === 0,
    );
    await client.connection.sendNotification("textDocument/didClose", {
      textDocument: { uri: uriOf(transformFile) },
    });
    await cleared;
  });

  it("offers to replace a string key by a reference to the exported asset, with its import", async function () {
    const actions = await request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: uriOf(transformFile) },
      range: {
        start: positionOf(transformText, '"ingest/raw_customers"', 2),
        end: positionOf(transformText, '"ingest/raw_customers"', 2),
      },
      context: { diagnostics: [] },
    });
    const use = actions.find((action) => action.title.startsWith("Use a reference to `rawCustomers`"));
    assert.ok(use, actions.map((action) => action.title).join(" | "));
    const edits = use.edit!.changes![uriOf(transformFile)]!;
    // Into the file's import from the same module (`import { rawOrders } from "./ingest"`).
    assert.equal(edits[0]!.newText, ", rawCustomers");
    assert.equal(edits[1]!.newText, "rawCustomers");
  });

  it("document and workspace symbols list the assets", async function () {
    const symbols = await request<DocumentSymbol[]>("textDocument/documentSymbol", {
      textDocument: { uri: uriOf(ingestFile) },
    });
    assert.deepEqual(
      symbols.map((symbol) => symbol.name),
      ["ingest/raw_orders", "ingest/raw_customers"],
    );
    const found = await request<SymbolInformation[]>("workspace/symbol", { query: "rawcust" });
    assert.deepEqual(
      found.map((symbol) => symbol.name),
      ["ingest/raw_customers"],
    );
  });

  it("shows the last run status from .assetline/index.json in the code lenses", async function () {
    const lenses = await request<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uriOf(ingestFile) },
    });
    const titles = lenses.map((lens) => lens.command?.title ?? "");
    assert.ok(titles.includes("✓ fresh (2 min ago)"), titles.join(" | "));
    assert.ok(
      titles.some((title) => title.startsWith("✗ failed")),
      titles.join(" | "),
    );
  });

  it("asks the client to refresh the lenses when the runner rewrites .assetline/index.json", async function () {
    const indexFile = path.join(root, ".assetline", "index.json");
    const index = JSON.parse(fs.readFileSync(indexFile, "utf8")) as {
      assets: Record<string, { lastStatus: string; lastTime: string; lastSuccess?: { time: string } }>;
    };
    const time = new Date().toISOString();
    index.assets["ingest/raw_customers"] = { lastStatus: "success", lastTime: time, lastSuccess: { time } };
    fs.writeFileSync(indexFile, JSON.stringify(index));
    const refreshed = client.waitFor("workspace/codeLens/refresh", () => true);
    await client.connection.sendNotification("workspace/didChangeWatchedFiles", {
      changes: [{ uri: uriOf(indexFile), type: 2 }],
    });
    await refreshed;
    const lenses = await request<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uriOf(ingestFile) },
    });
    const titles = lenses.map((lens) => lens.command?.title ?? "");
    assert.ok(!titles.some((title) => title.startsWith("✗ failed")), titles.join(" | "));
    assert.equal(titles.filter((title) => title === "✓ fresh (just now)").length, 1, titles.join(" | "));
  });

  it("answers assetline/serverState", async function () {
    const state = await request<ServerStateResult>(ServerStateRequest.method, {});
    assert.equal(state.status.state, "idle");
    assert.equal(state.projects.length, 1);
    assert.equal(state.projects[0]!.rootUri, uriOf(root));
    assert.equal(state.projects[0]!.assets, 4);
    assert.equal(state.projects[0]!.files, 3);
  });
});

describe("language server code lenses on generated assets", function () {
  const server = serverOnFixture("lsp-factory", { ready: (status) => status.assets === 4 });

  it("puts one lens per factory call where the graph points at it, none inside the factory", async function () {
    const pipelineFile = path.join(server.root, "src", "pipeline.ts");
    const pipelineText = fs.readFileSync(pipelineFile, "utf8");
    const lenses = await server.client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uriOf(pipelineFile) },
    });
    const generated = lenses
      .filter((lens) => lens.command?.title.includes("generated asset"))
      .map((lens) => ({ line: lens.range.start.line, title: lens.command!.title }));
    assert.deepEqual(generated, [
      {
        line: positionOf(pipelineText, 'regionalEvents(["eu"').line,
        title: "2 generated assets: raw/eu_events, raw/us_events",
      },
      {
        line: positionOf(pipelineText, 'regionalEvents(["apac"').line,
        title: "1 generated asset: raw/apac_events",
      },
    ]);
    const factoryLenses = await server.client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uriOf(path.join(server.root, "src", "factory.ts")) },
    });
    assert.deepEqual(factoryLenses, []);
  });
});
