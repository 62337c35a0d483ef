import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type {
  Diagnostic,
  Hover,
  MarkupContent,
  PublishDiagnosticsParams,
  Range,
} from "vscode-languageserver-protocol";
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
const fields = path.join(root, "src", "fields.ts");

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

  it("unknown-field on the misspelt property name, as the library words it", function () {
    const found = ofCode(fields, "unknown-field");
    const slow = found.find((d) => textOf(d).includes("`timeout`"));
    assert.ok(slow, `no unknown-field for timeout in ${found.map(textOf).join(" | ")}`);
    assert.deepEqual(slow.range, rangeOf(fields, "timeout"));
    assert.equal(slow.severity, 1);
    assert.equal(textOf(slow), "unknown field `timeout`; did you mean `timeoutMs`?");
  });

  it("unknown-field follows edits of an unsaved buffer: fixed, or moved down by a line", async function () {
    const text = fs.readFileSync(fields, "utf8");
    const edited = "// a line above shifts every offset\n" + text.replace("timeout:", "timeoutMs:");
    const publishedFor = (predicate: (diagnostics: Diagnostic[]) => boolean) =>
      client.waitFor<PublishDiagnosticsParams>(
        "textDocument/publishDiagnostics",
        (params) => params.uri === uriOf(fields) && predicate(params.diagnostics),
      );
    const fieldsOf = (diagnostics: Diagnostic[]): string[] =>
      diagnostics.filter((d) => d.code === "unknown-field").map(textOf);
    const fixed = publishedFor((diagnostics) => !fieldsOf(diagnostics).some((m) => m.includes("`timeout`")));
    await client.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: uriOf(fields), languageId: "typescript", version: 1, text: edited },
    });
    const after = (await fixed).diagnostics.filter((d) => d.code === "unknown-field");
    const vague = after.find((d) => textOf(d).includes("`descripton`"));
    const lines = edited.split("\n");
    const line = lines.findIndex((each) => each.includes('"descripton"'));
    const character = lines[line]!.indexOf('"descripton"');
    assert.deepEqual(vague?.range, {
      start: { line, character },
      end: { line, character: character + '"descripton"'.length },
    });
    const reverted = publishedFor((diagnostics) =>
      fieldsOf(diagnostics).some((m) => m.includes("`timeout`")),
    );
    await client.connection.sendNotification("textDocument/didClose", {
      textDocument: { uri: uriOf(fields) },
    });
    await reverted;
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
