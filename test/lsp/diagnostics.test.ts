import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Diagnostic, Hover, MarkupContent, Range } from "vscode-languageserver-protocol";
import { GraphRequest, type GraphResult } from "@assetline/protocol";
import { TestClient, fixture, positionOf, uriOf } from "./client";

/**
 * Each diagnostic code as the editor receives it from the real server: on the smallest range
 * that is wrong (0-based LSP positions), with related locations as file URIs and ranges.
 * test/fixtures/errors holds one of each structural problem.
 */
const root = fixture("errors");
const problems = path.join(root, "src", "problems.ts");
const cycles = path.join(root, "src", "cycle.ts");

const textOf = (diagnostic: Diagnostic): string =>
  typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value;

/** The LSP range of the `occurrence`-th `needle` in a file (on one line). */
function rangeOf(file: string, needle: string, occurrence = 1): Range {
  const text = fs.readFileSync(file, "utf8");
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) is not in ${file}`);
  }
  const lines = text.slice(0, index).split("\n");
  const line = lines.length - 1;
  const character = lines[line]!.length;
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

describe("language server diagnostics: ranges and related locations (test/fixtures/errors)", function () {
  let client: TestClient;
  const published = new Map<string, Diagnostic[]>();
  const ofCode = (file: string, code: string): Diagnostic[] =>
    (published.get(uriOf(file)) ?? []).filter((diagnostic) => diagnostic.code === code);

  before(async function () {
    client = TestClient.start();
    await client.initialize(root);
    await client.waitForIdle((status) => status.assets > 0);
    for (const [uri, diagnostics] of client.publishedDiagnostics()) published.set(uri, diagnostics);
  });

  after(async function () {
    await client?.stop();
  });

  it("unknown-asset on the misspelt string, an error with a suggestion", function () {
    const [unknown] = ofCode(problems, "unknown-asset").filter((d) => textOf(d).includes('"ingest/order"'));
    assert.ok(unknown, "no unknown-asset for ingest/order");
    assert.deepEqual(unknown.range, rangeOf(problems, '"ingest/order"'));
    assert.equal(unknown.severity, 1);
    assert.match(textOf(unknown), /Did you mean "ingest\/orders"\?/);
  });

  it("duplicate-key on both declarations, each relating the other", function () {
    const duplicates = ofCode(problems, "duplicate-key");
    const first = rangeOf(problems, '"ingest/orders"', 1);
    const second = rangeOf(problems, '"ingest/orders"', 2);
    assert.deepEqual(
      duplicates.map((d) => d.range),
      [first, second],
    );
    assert.deepEqual(
      duplicates.map((d) => d.relatedInformation?.map((related) => related.location)),
      [[{ uri: uriOf(problems), range: second }], [{ uri: uriOf(problems), range: first }]],
    );
  });

  it("self-dependency, invalid-key and unknown-check-target on the offending string", function () {
    assert.deepEqual(
      ofCode(problems, "self-dependency").map((d) => d.range),
      [rangeOf(problems, '"transform/selfish"', 2)],
    );
    assert.deepEqual(
      ofCode(problems, "invalid-key").map((d) => d.range),
      [rangeOf(problems, '"Bad Key!"')],
    );
    const [target] = ofCode(problems, "unknown-check-target");
    assert.deepEqual(target?.range, rangeOf(problems, '"ingest/ordres"'));
    assert.match(textOf(target), /Did you mean "ingest\/orders"/);
  });

  it("hover on an asset whose dep is broken keeps it out of its upstream, and names it", async function () {
    const hover = await client.connection.sendRequest<Hover>("textDocument/hover", {
      textDocument: { uri: uriOf(problems) },
      position: positionOf(fs.readFileSync(problems, "utf8"), '"transform/misspelt"', 2),
    });
    assert.match(
      (hover.contents as MarkupContent).value,
      /Upstream \(1\): `ingest\/fx`; not in the graph: `ingest\/order`/,
    );
  });

  it("cycle: once, on the reference that closes it, every other step related", function () {
    const found = ofCode(cycles, "cycle");
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!.range, rangeOf(cycles, "cycleA", 2));
    assert.deepEqual(
      found[0]!.relatedInformation?.map((related) => [related.location, related.message]),
      [
        [{ uri: uriOf(cycles), range: rangeOf(cycles, '"cycle/c"') }, '"cycle/a" depends on "cycle/c"'],
        [{ uri: uriOf(cycles), range: rangeOf(cycles, "cycleB", 2) }, '"cycle/c" depends on "cycle/b"'],
      ],
    );
  });

  it("a syntax error hides neither the file's other assets nor its importers'", async function () {
    const { graph } = await client.connection.sendRequest<GraphResult>(GraphRequest.method, {
      uri: uriOf(problems),
    });
    const fine = graph.assets.find((asset) => asset.key === "other/fine");
    assert.deepEqual(fine?.ins, { survivor: "broken/survivor" });
    // TypeScript reports the syntax error itself; the server adds nothing to broken.ts or fine.ts.
    assert.deepEqual(published.get(uriOf(path.join(root, "src", "broken.ts"))) ?? [], []);
    assert.deepEqual(published.get(uriOf(path.join(root, "src", "fine.ts"))) ?? [], []);
  });
});
