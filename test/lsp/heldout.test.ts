import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "vscode-languageserver-protocol";
import { GraphRequest, type GraphResult } from "@assetline/protocol";
import {
  compareAssets,
  compareDiagnostics,
  heldoutFixtures,
  loadExpected,
  type SeenDiagnostic,
} from "../support/expected-graph";
import { TestClient, fixture, uriOf } from "./client";

/**
 * Every reference, factory and diagnostic pattern of the spec, through the real server over
 * JSON-RPC: the held-out workspaces' hand-written expectations (test/fixtures/heldout*) compared
 * with the graph `assetline/graph` answers and the diagnostics the server publishes.
 */
const SEVERITY: Record<number, string> = { 1: "error", 2: "warning", 3: "info", 4: "hint" };

for (const name of heldoutFixtures) {
  const root = fixture(name);
  const expected = loadExpected(root);

  describe(`language server on the held-out workspace test/fixtures/${name}`, function () {
    let client: TestClient;
    /** The last diagnostics published per file URI. */
    const published = new Map<string, Diagnostic[]>();

    before(async function () {
      client = TestClient.start();
      await client.initialize(root);
      await client.waitForIdle((status) => status.assets >= expected.assets.length);
      for (const [uri, diagnostics] of client.publishedDiagnostics()) published.set(uri, diagnostics);
    });

    after(async function () {
      await client?.stop();
    });

    it("answers assetline/graph with every expected asset, edge and check", async function () {
      const result = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {
        uri: uriOf(path.join(root, expected.assets[0]!.file)),
      });
      assert.equal(result.rootUri, uriOf(root));
      compareAssets(result.graph, expected);
    });

    it("publishes every expected diagnostic on its line, with its code and severity", function () {
      const seen: SeenDiagnostic[] = [];
      for (const [uri, diagnostics] of published) {
        const file = path.relative(root, fileURLToPath(uri)).split(path.sep).join("/");
        for (const diagnostic of diagnostics) {
          assert.equal(diagnostic.source, "assetline");
          seen.push({
            file,
            line: diagnostic.range.start.line + 1,
            code: String(diagnostic.code),
            severity: SEVERITY[diagnostic.severity ?? 1]!,
            message: typeof diagnostic.message === "string" ? diagnostic.message : "",
          });
        }
      }
      // Syntax errors are TypeScript's own diagnostics in the editor; the server does not repeat them.
      compareDiagnostics(seen, expected, false);
    });

    it("relates the other places of duplicates and cycles", function () {
      const all = [...published.values()].flat();
      for (const code of ["duplicate-key", "cycle"]) {
        const found = all.filter((diagnostic) => diagnostic.code === code);
        if (!expected.diagnostics.some((want) => want.code === code)) continue;
        assert.ok(found.length > 0, `no ${code} published`);
        for (const diagnostic of found) {
          assert.ok(
            (diagnostic.relatedInformation ?? []).length > 0,
            `${code} at line ${diagnostic.range.start.line + 1} has no related locations`,
          );
        }
      }
    });
  });
}
