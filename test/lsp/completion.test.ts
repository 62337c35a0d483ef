/**
 * Completion and the code actions recognise the library by symbol, over JSON-RPC against the
 * built server (test/fixtures/lsp-shop): a call of `check` imported under another name
 * completes keys, a project function that happens to be named `check` does not.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { CodeAction, CompletionItem } from "vscode-languageserver-protocol";
import { positionOf, serverOnFixture, uriOf } from "./client";

const FILES: Record<string, string> = {
  "src/aliased.ts": [
    'import { check as c } from "assetline";',
    'export const positive = c("ingest/", "positive", () => ({ passed: true }));',
    "",
  ].join("\n"),
  "src/local.ts": [
    'import { asset } from "assetline";',
    "function check(target: string, name: string): string {",
    "  return `${target}:${name}`;",
    "}",
    "function parseSelection(text: string): string {",
    "  return text;",
    "}",
    'export const label = check("ingest/", "label");',
    'export const picked = parseSelection("+ingest/");',
    'export const local = asset("local/thing", {}, () => 1);',
    "",
  ].join("\n"),
  "src/renamed.ts": [
    'import { asset } from "assetline";',
    'import { rawOrders as orders } from "./ingest";',
    'export const again = asset("report/again", { deps: ["ingest/raw_orders"] }, () => orders);',
    "",
  ].join("\n"),
};

describe("language server: the library recognised by symbol in completion and code actions", function () {
  const server = serverOnFixture("lsp-shop", {
    prepare: (root) => {
      for (const [file, text] of Object.entries(FILES)) fs.writeFileSync(path.join(root, file), text);
    },
    ready: (status) => status.assets === 6,
  });
  const uri = (file: string): string => uriOf(path.join(server.root, file));

  /** Labels completed right after `needle` in a file, opened in the editor as written. */
  async function completeAfter(file: string, needle: string): Promise<string[]> {
    const text = FILES[file]!;
    await server.client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uri(file), languageId: "typescript", version: 1, text },
    });
    try {
      const items = await server.client.connection.sendRequest<CompletionItem[]>("textDocument/completion", {
        textDocument: { uri: uri(file) },
        position: positionOf(text, needle, needle.length),
      });
      return items.map((item) => item.label);
    } finally {
      await server.client.connection.sendNotification("textDocument/didClose", {
        textDocument: { uri: uri(file) },
      });
    }
  }

  it('completes the target of check imported as another name (import { check as c } from "assetline")', async function () {
    const labels = await completeAfter("src/aliased.ts", 'c("ingest/');
    assert.ok(labels.includes("ingest/raw_orders"), labels.join(", "));
    assert.ok(labels.includes("ingest/raw_customers"), labels.join(", "));
  });

  it("completes nothing in a project function named check, nor in one named parseSelection", async function () {
    assert.deepEqual(await completeAfter("src/local.ts", 'check("ingest/'), []);
    assert.deepEqual(await completeAfter("src/local.ts", 'parseSelection("+ingest/'), []);
  });

  it("replaces a string key by the name the file already imports the asset under", async function () {
    const text = FILES["src/renamed.ts"]!;
    const where = positionOf(text, '"ingest/raw_orders"', 2);
    const actions = await server.client.connection.sendRequest<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri: uri("src/renamed.ts") },
      range: { start: where, end: where },
      context: { diagnostics: [] },
    });
    const use = actions.find((action) => action.title.startsWith("Use a reference to"));
    assert.equal(use?.title, 'Use a reference to `orders` instead of "ingest/raw_orders"');
    assert.deepEqual(
      use.edit!.changes![uri("src/renamed.ts")]!.map((edit) => edit.newText),
      ["orders"],
    );
  });
});
