/**
 * Editor features on keys written outside the places a key is expected (a metadata table a
 * factory reads, a constant), on assets a factory made, and while a key is being typed
 * (test/fixtures/lsp-mentions). Found by a blind acceptance test of the editor features.
 */
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
  PublishDiagnosticsParams,
  SymbolInformation,
  WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { GraphRequest, type GraphResult } from "@assetline/protocol";
import { positionOf, serverOnFixture, uriOf } from "./client";

describe("language server: keys in tables and constants, assets made by factories, keys being typed", function () {
  const server = serverOnFixture("lsp-mentions", { ready: (status) => status.assets === 10 });
  const text = (file: string): string => fs.readFileSync(path.join(server.root, file), "utf8");
  const uri = (file: string): string => uriOf(path.join(server.root, file));
  /** A position inside the first `needle` of a file. */
  const at = (file: string, needle: string) => ({
    textDocument: { uri: uri(file) },
    position: positionOf(text(file), needle, 3),
  });
  const request = <T>(method: string, params: unknown): Promise<T> =>
    server.client.connection.sendRequest<T>(method, params);

  it("renames a key in every string that names it: a metadata table and a constant too", async function () {
    const edit = await request<WorkspaceEdit>("textDocument/rename", {
      ...at("src/ingest.ts", '"ingest/raw_customers"'),
      newName: "ingest/customers",
    });
    const edited = Object.keys(edit.changes ?? {})
      .map((key) => path.relative(server.root, new URL(key).pathname))
      .sort();
    assert.deepEqual(edited, [
      "src/checks.ts",
      "src/consts.ts",
      "src/dashboards.ts",
      "src/ingest.ts",
      "src/reports/customers.ts",
      "src/transform.ts",
    ]);
    // Each edit replaces exactly the text between the quotes.
    for (const [key, edits] of Object.entries(edit.changes ?? {})) {
      const lines = fs.readFileSync(new URL(key), "utf8").split("\n");
      for (const { range, newText } of edits) {
        assert.equal(
          lines[range.start.line]!.slice(range.start.character, range.end.character),
          "ingest/raw_customers",
        );
        assert.equal(newText, "ingest/customers");
      }
    }
  });

  it("finds references at the strings of a metadata table and a constant", async function () {
    const references = await request<Location[]>("textDocument/references", {
      ...at("src/ingest.ts", '"ingest/raw_customers"'),
      context: { includeDeclaration: true },
    });
    for (const file of ["src/dashboards.ts", "src/consts.ts"]) {
      const where = positionOf(text(file), '"ingest/raw_customers"');
      assert.ok(
        references.some(
          (item) =>
            item.uri === uri(file) &&
            item.range.start.line === where.line &&
            item.range.start.character === where.character,
        ),
        `${file}: ${JSON.stringify(references)}`,
      );
    }
  });

  it("hovers and goes to the definition from a key written in a table or a constant", async function () {
    const declared = positionOf(text("src/ingest.ts"), '"ingest/raw_customers"');
    for (const file of ["src/dashboards.ts", "src/consts.ts"]) {
      const hover = await request<Hover | null>("textDocument/hover", at(file, '"ingest/raw_customers"'));
      assert.match(JSON.stringify(hover?.contents), /ingest\/raw_customers/, file);
      const definition = await request<Location[]>(
        "textDocument/definition",
        at(file, '"ingest/raw_customers"'),
      );
      assert.deepEqual(
        definition.map((item) => [item.uri, item.range.start.line]),
        [[uri("src/ingest.ts"), declared.line]],
        file,
      );
    }
  });

  it("goes to the factory's call for a key of an asset it made, where the graph places it", async function () {
    const definition = await request<Location[]>(
      "textDocument/definition",
      at("src/reports/customers.ts", '"raw/eu_events"'),
    );
    const { graph } = await request<GraphResult>(GraphRequest.method, {});
    const node = graph.assets.find((asset) => asset.key === "raw/eu_events");
    assert.equal(node?.file, "src/regions.ts");
    assert.deepEqual(
      definition.map((item) => [item.uri, item.range.start.line + 1]),
      [[uri("src/regions.ts"), node.line]],
    );
  });

  it("lists assets a factory made among the symbols of the file that calls it", async function () {
    const symbols = await request<DocumentSymbol[]>("textDocument/documentSymbol", {
      textDocument: { uri: uri("src/regions.ts") },
    });
    assert.deepEqual(symbols.map((symbol) => symbol.name).sort(), ["raw/eu_events", "raw/us_events"]);
    const factory = await request<DocumentSymbol[]>("textDocument/documentSymbol", {
      textDocument: { uri: uri("src/factory.ts") },
    });
    assert.deepEqual(factory, []);
    const found = await request<SymbolInformation[]>("workspace/symbol", { query: "eu_events" });
    assert.equal(found[0]?.location.uri, uri("src/regions.ts"));
  });
  /** Labels completed at the `shift`-th character after `needle` in an unsaved text of a file. */
  async function completeIn(file: string, edited: string, needle: string, shift: number): Promise<string[]> {
    const documentUri = uri(file);
    await server.client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: documentUri, languageId: "typescript", version: 1, text: edited },
    });
    try {
      const items = await request<CompletionItem[]>("textDocument/completion", {
        textDocument: { uri: documentUri },
        position: positionOf(edited, needle, shift),
      });
      return items.map((item) => item.label);
    } finally {
      await server.client.connection.sendNotification("textDocument/didClose", {
        textDocument: { uri: documentUri },
      });
    }
  }

  it("completes keys in a string still being typed (not yet closed), and never the asset's own key", async function () {
    const file = "src/reports/customers.ts";
    const written = 'deps: ["ingest/raw_customers", "raw/eu_events"] },';
    for (const typed of ['deps: ["', 'deps: ["ing', 'deps: ["ingest/raw_customers", "']) {
      const labels = await completeIn(file, text(file).replace(written, typed), typed, typed.length);
      assert.ok(labels.includes("ingest/raw_orders"), `${typed}: ${labels.join(", ")}`);
      assert.ok(!labels.includes("report/customers"), `${typed} offers the asset's own key`);
    }
  });

  it("hovers on the name an asset is assigned to where it is declared", async function () {
    const hover = await request<Hover | null>("textDocument/hover", at("src/ingest.ts", "rawOrders"));
    assert.match(JSON.stringify(hover?.contents), /ingest\/raw_orders/);
  });

  it("refuses a focus on an unknown key with the closest one", async function () {
    await assert.rejects(
      request(GraphRequest.method, { focus: "ingest/raw_ordrs" }),
      /No asset has the key "ingest\/raw_ordrs"; did you mean "ingest\/raw_orders"\?/,
    );
  });
  it("reports an assetline.config.json that is not valid JSON where it breaks, and clears it once fixed", async function () {
    const config = path.join(server.root, "assetline.config.json");
    const configUri = uriOf(config);
    const good = fs.readFileSync(config, "utf8");
    const changed = () =>
      server.client.connection.sendNotification("workspace/didChangeWatchedFiles", {
        changes: [{ uri: configUri, type: 2 }],
      });
    const reported = server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === configUri && params.diagnostics.length > 0,
    );
    fs.writeFileSync(config, '{\n  "definitions": \n}\n');
    await changed();
    const [diagnostic] = (await reported).diagnostics;
    assert.ok(diagnostic);
    assert.equal(diagnostic.code, "invalid-config");
    const message = typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;
    assert.match(message, /^assetline\.config\.json is not valid JSON: Expression expected\. Fix it/);
    assert.equal(diagnostic.range.start.line, 2);
    const cleared = server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === configUri && params.diagnostics.length === 0,
    );
    fs.writeFileSync(config, good);
    await changed();
    await cleared;
  });
  it("offers a factory call's assets to run together, with the count of their last runs", async function () {
    fs.mkdirSync(path.join(server.root, ".assetline"), { recursive: true });
    const failed = new Date(Date.now() - 60_000).toISOString();
    fs.writeFileSync(
      path.join(server.root, ".assetline", "index.json"),
      JSON.stringify({
        version: 1,
        runs: {},
        assets: { "raw/eu_events": { lastStatus: "failure", lastTime: failed } },
      }),
    );
    const lenses = await request<CodeLens[]>("textDocument/codeLens", {
      textDocument: { uri: uri("src/regions.ts") },
    });
    assert.deepEqual(
      lenses.map((lens) => lens.command?.title),
      [
        "▶ Run 2",
        "Run with upstream",
        "2 generated assets: raw/eu_events, raw/us_events",
        "✗ 1 failed · 1 never materialized",
      ],
    );
    assert.deepEqual(lenses[0]!.command?.arguments, [
      { key: "raw/eu_events", rootUri: uriOf(server.root), keys: ["raw/eu_events", "raw/us_events"] },
    ]);
  });

  it("completes the key being typed inside a selection string, and no key after group:", async function () {
    const file = "src/selections.ts";
    const written = [
      'import { parseSelection, materializeInMemory } from "assetline";',
      'export const upstream = parseSelection("+ingest/ or group:bi");',
      'export const run = materializeInMemory([], { select: "transform/daily_revenue+ or ingest/raw_o" });',
      'export const grouped = parseSelection("group:ing");',
      'export const kindless = parseSelection("kind:<nu");',
      'export const tagged = parseSelection("tag:layer=go");',
      'export const quoted = parseSelection(\'tag:"layer"="go\');',
      "",
    ].join("\n");
    fs.writeFileSync(path.join(server.root, file), written);
    const upstream = await completeIn(file, written, '"+ingest/', '"+ingest/'.length);
    assert.ok(upstream.includes("ingest/raw_orders"), upstream.join(", "));
    const inOptions = await completeIn(file, written, "or ingest/raw_o", "or ingest/raw_o".length);
    assert.ok(inOptions.includes("ingest/raw_orders"), inOptions.join(", "));
    assert.deepEqual(await completeIn(file, written, "group:ing", "group:ing".length), []);
    // Nor in an attribute's value: `<null>` being typed, a tag's value after `=`.
    assert.deepEqual(await completeIn(file, written, "kind:<nu", "kind:<nu".length), []);
    assert.deepEqual(await completeIn(file, written, "tag:layer=go", "tag:layer=go".length), []);
    assert.deepEqual(await completeIn(file, written, 'tag:"layer"="go', 'tag:"layer"="go'.length), []);
  });

  it("adds the import a quick fix needs to the file's import from the same module", async function () {
    const file = "src/transform.ts";
    const where = positionOf(text(file), '"ingest/raw_customers"', 2);
    const actions = await request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: uri(file) },
      range: { start: where, end: where },
      context: { diagnostics: [] },
    });
    const use = actions.find((action) => action.title.startsWith("Use a reference to `rawCustomers`"));
    assert.ok(use, actions.map((action) => action.title).join(" | "));
    const [importing] = use.edit!.changes![uri(file)]!;
    // `import { rawOrders } from "./ingest";` -> `import { rawOrders, rawCustomers } from "./ingest";`
    const rawOrders = positionOf(text(file), "rawOrders }");
    assert.deepEqual(importing, {
      range: {
        start: { line: rawOrders.line, character: rawOrders.character + "rawOrders".length },
        end: { line: rawOrders.line, character: rawOrders.character + "rawOrders".length },
      },
      newText: ", rawCustomers",
    });
  });

  it("offers to replace a misspelt key a factory read from a table, in the table", async function () {
    const file = "src/dashboards.ts";
    const misspelt = text(file).replace('sources: ["ingest/raw_orders"]', 'sources: ["ingest/raw_ordrs"]');
    const published = server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === uri(file) && params.diagnostics.some((d) => d.code === "unknown-asset"),
    );
    await server.client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uri(file), languageId: "typescript", version: 1, text: misspelt },
    });
    try {
      const diagnostics = (await published).diagnostics.filter((d) => d.code === "unknown-asset");
      const actions = await request<CodeAction[]>("textDocument/codeAction", {
        textDocument: { uri: uri(file) },
        range: diagnostics[0]!.range,
        context: { diagnostics },
      });
      const replace = actions.find((action) => action.title === 'Replace with "ingest/raw_orders"');
      assert.ok(replace, actions.map((action) => action.title).join(" | "));
      const where = positionOf(misspelt, '"ingest/raw_ordrs"', 1);
      assert.deepEqual(replace.edit!.changes![uri(file)], [
        {
          range: {
            start: where,
            end: { line: where.line, character: where.character + "ingest/raw_ordrs".length },
          },
          newText: "ingest/raw_orders",
        },
      ]);
    } finally {
      await server.client.connection.sendNotification("textDocument/didClose", {
        textDocument: { uri: uri(file) },
      });
    }
  });
});

describe("language server: type diagnostics stay while typing elsewhere (test/fixtures/types)", function () {
  const server = serverOnFixture("types");

  it("keeps an input-type-mismatch in every publish after an unrelated edit of its file", async function () {
    const file = path.join(server.root, "src", "pipeline.ts");
    const fileUri = uriOf(file);
    const hasMismatch = (params: PublishDiagnosticsParams): boolean =>
      params.diagnostics.some((diagnostic) => diagnostic.code === "input-type-mismatch");
    await server.client.waitFor<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (params) => params.uri === fileUri && hasMismatch(params),
      20_000,
      true,
    );
    const text = fs.readFileSync(file, "utf8");
    await server.client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: fileUri, languageId: "typescript", version: 1, text },
    });
    const from = server.client.notifications.length;
    for (let version = 2; version <= 6; version++) {
      // Each edit analysed and published before the next one.
      const published = server.client.waitFor<PublishDiagnosticsParams>(
        "textDocument/publishDiagnostics",
        (params) => params.uri === fileUri,
      );
      await server.client.connection.sendNotification("textDocument/didChange", {
        textDocument: { uri: fileUri, version },
        contentChanges: [{ text: `${text}\n// note ${version}\n` }],
      });
      await published;
    }
    // Settled: the last status since the edits is idle and stays so (the last analysis may end
    // before this line runs, so waiting for a new idle notification could wait forever).
    const lastStatus = (): { state: string; errors: number } | undefined =>
      server.client.notifications
        .slice(from)
        .filter((note) => note.method === "assetline/serverStatus")
        .map((note) => note.params as { state: string; errors: number })
        .at(-1);
    for (let quiet = 0, waited = 0; quiet < 5 && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      quiet = lastStatus()?.state === "idle" ? quiet + 1 : 0;
    }
    assert.equal(lastStatus()?.state, "idle");
    const published = server.client.notifications
      .slice(from)
      .filter((note) => note.method === "textDocument/publishDiagnostics")
      .map((note) => note.params as PublishDiagnosticsParams)
      .filter((params) => params.uri === fileUri);
    assert.ok(published.length >= 1, "nothing published after the edits");
    assert.ok(
      published.every(hasMismatch),
      `a publish without the mismatch: ${published.map((p) => p.diagnostics.map((d) => d.code).join(",")).join(" | ")}`,
    );
    const counts = server.client.notifications
      .slice(from)
      .filter((note) => note.method === "assetline/serverStatus")
      .map((note) => note.params as { state: string; errors: number })
      .filter((status) => status.state === "idle")
      .map((status) => status.errors);
    assert.ok(
      counts.every((errors) => errors === 6),
      `idle error counts: ${counts.join(", ")}`,
    );
  });
});
