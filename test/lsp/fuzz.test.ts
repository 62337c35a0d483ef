import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeLens, Hover } from "vscode-languageserver-protocol";
import {
  GraphRequest,
  ServerStateRequest,
  type GraphResult,
  type ServerStateResult,
} from "@assetline/protocol";
import { serverOnFixture, uriOf } from "./client";

/** Fragments that make edits land on interesting syntax: half-typed calls, keys, brackets. */
const FRAGMENTS = [
  "asset(",
  'asset("x/y", {}, () => 1)',
  '"ingest/',
  '"ingest/raw_orders"',
  "deps: [",
  "ins: { a: rawOrders }",
  "{",
  "}",
  "]",
  ")",
  ",",
  "`t/${",
  'import { asset } from "assetline";\n',
  "export const ",
  'check(rawOrders, "c", () => ({ passed: true }))',
  ".map((d) => asset(`g/${d}`, {}, () => d))",
  "\n",
  "\u0000",
  "//",
  "/*",
  "await ",
  "process.env.X",
  "for (let i = 0; i < 3; i++) ",
  "while (true) ",
  "switch (x) { case 1: ",
  "i += i;",
  "[...list, ...list]",
  // Half-typed imports, exports and declarations: clauses the parser recovers from with an
  // empty name (one such import once hung the analysis for good).
  "import * as ",
  "import * as \n",
  'import { rawOrders as } from "./ingest";\n',
  "import { ",
  'import * as 1 from "assetline";\n',
  'import { "x" } from "assetline";\n',
  "export * as ",
  "export { rawOrders as ",
  "export default ",
  "const = ",
  "const { : a } = ",
  "function (",
  "class  extends ",
  "enum {",
  "let [, ",
];

const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  // At the start of its line, where a statement begins (imports and declarations count there).
  lineStart: fc.boolean(),
  remove: fc.nat({ max: 12 }),
  insert: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 }), fc.constant("")),
});

describe("language server under 1,000 random edits (fast-check), each one analysed", function () {
  this.timeout(240_000);
  const server = serverOnFixture("lsp-shop", { ready: (status) => status.assets === 4 });

  it("never crashes, keeps answering, and recovers the graph when the buffer is closed", async function () {
    const file = path.join(server.root, "src", "transform.ts");
    const uri = uriOf(file);
    const original = fs.readFileSync(file, "utf8");
    await server.client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "typescript", version: 1, text: original },
    });
    let version = 1;
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 50, maxLength: 50 }), async (edits) => {
        let document = TextDocument.create(uri, "typescript", version, original);
        // Back to the original text (a whole-document change), then the random edits.
        await server.client.connection.sendNotification("textDocument/didChange", {
          textDocument: { uri, version: ++version },
          contentChanges: [{ text: original }],
        });
        for (const step of edits) {
          const text = document.getText();
          const offset = Math.floor(step.at * text.length);
          const start = step.lineStart ? text.lastIndexOf("\n", offset - 1) + 1 : offset;
          const end = Math.min(text.length, start + step.remove);
          const range = { start: document.positionAt(start), end: document.positionAt(end) };
          const change = { range, text: step.insert };
          document = TextDocument.update(document, [change], ++version);
          await server.client.connection.sendNotification("textDocument/didChange", {
            textDocument: { uri, version },
            contentChanges: [change],
          });
          total++;
          // A request after every edit analyses that very state (requests flush pending edits).
          const at = document.positionAt(start);
          if (total % 3 === 0) {
            await server.client.connection.sendRequest("textDocument/codeLens", { textDocument: { uri } });
          } else if (total % 3 === 1) {
            await server.client.connection.sendRequest("textDocument/hover", {
              textDocument: { uri },
              position: at,
            });
          } else {
            await server.client.connection.sendRequest(GraphRequest.method, { uri });
          }
        }
        // The server must still answer every kind of request about the mangled buffer.
        const position = document.positionAt(Math.floor(document.getText().length / 2));
        await server.client.connection.sendRequest<CodeLens[]>("textDocument/codeLens", {
          textDocument: { uri },
        });
        await server.client.connection.sendRequest<Hover | null>("textDocument/hover", {
          textDocument: { uri },
          position,
        });
        await server.client.connection.sendRequest("textDocument/completion", {
          textDocument: { uri },
          position,
        });
        const graph = await server.client.connection.sendRequest<GraphResult>(GraphRequest.method, { uri });
        assert.ok(Array.isArray(graph.graph.assets));
        const state = await server.client.connection.sendRequest<ServerStateResult>(
          ServerStateRequest.method,
          {},
        );
        assert.notEqual(state.status.state, "error", state.status.message);
        assert.equal(server.client.hasExited, false);
      }),
      { numRuns: 20, seed: 20261124, endOnFailure: true },
    );
    assert.equal(total, 1000);
    const restored = server.client.waitForIdle((status) => status.assets === 4 && status.errors === 0, false);
    await server.client.connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    await restored;
    const graph = await server.client.connection.sendRequest<GraphResult>(GraphRequest.method, { uri });
    assert.equal(graph.graph.assets.length, 4);
    // Handlers catch their own failures and log them: there must be none to catch.
    const logged = server.client.notifications
      .filter((item) => item.method === "window/logMessage")
      .map((item) => (item.params as { message: string }).message);
    assert.ok(
      logged.some((message) => message.startsWith("Pipeline project:")),
      "the server's log is not received",
    );
    const failures = logged.filter((message) => /failed:|Internal error/.test(message));
    assert.deepEqual(failures.slice(0, 3), []);
  });
});
