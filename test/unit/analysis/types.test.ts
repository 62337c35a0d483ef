import assert from "node:assert/strict";
import type { AssetGraph, GraphDiagnostic } from "@assetline/core";
import { analyzeProject } from "../../../analysis/src/index";
import { fixture, locate } from "./helpers";

describe("analyzeProject: type and resource diagnostics (test/fixtures/types)", function () {
  const root = fixture("types");
  const file = "src/pipeline.ts";
  let graph: AssetGraph;

  before(function () {
    graph = analyzeProject(root);
  });

  const only = (code: string): GraphDiagnostic[] => graph.diagnostics.filter((d) => d.code === code);

  it("input-type-mismatch on the input whose declared type does not accept the upstream's output", function () {
    const mismatches = only("input-type-mismatch").filter((d) => d.file === file);
    assert.equal(mismatches.length, 1, JSON.stringify(mismatches));
    const [mismatch] = mismatches;
    // The shorthand `orders` in `ins: { orders }` of transform/bad (the second such spec in the file).
    const at = locate(root, file, "{ ins: { orders } }", 2);
    assert.deepEqual(
      [mismatch!.line, mismatch!.column, mismatch!.endColumn],
      [at.line, at.column + "{ ins: { ".length, at.column + "{ ins: { orders".length],
    );
    assert.equal(
      mismatch!.message,
      'Input "orders" is declared as string[], but "ingest/orders" produces Order[].',
    );
    assert.equal(mismatch!.related?.length, 2);
  });

  it("reads the output type of an asset a generic factory returns where the factory is called", function () {
    const generic = "src/generic.ts";
    const mismatches = only("input-type-mismatch").filter((d) => d.file === generic);
    assert.deepEqual(
      mismatches.map((d) => [d.line, d.message]),
      [
        [
          locate(root, generic, 'asset("ride/names"').line,
          'Input "rides" is declared as string[], but "raw/rides" produces Ride[].',
        ],
      ],
    );
    // ride/distance matches; ride/trip_count reads an asset whose type names the factory's
    // type parameter (Row[]): not checked rather than a false error.
  });

  it("no type diagnostics when inputs are inferred or match", function () {
    const lines = only("input-type-mismatch")
      .filter((d) => d.file === file)
      .map((d) => d.line);
    assert.ok(!lines.includes(locate(root, file, 'asset("transform/good"').line));
    assert.ok(!lines.includes(locate(root, file, 'asset("transform/inferred"').line));
  });

  it("can skip the type checks", function () {
    const structural = analyzeProject(root, { types: false });
    assert.equal(structural.diagnostics.filter((d) => d.code === "input-type-mismatch").length, 0);
  });

  it("missing-resource on each resource used but not declared (member access, destructuring, parameter pattern, a named compute function)", function () {
    const missing = only("missing-resource");
    const expected = [
      locate(root, file, "warehouse } =", 1),
      locate(root, file, "mailer", 1),
      locate(root, file, "files } })", 1),
      locate(root, file, "ledgerStore", 1),
    ];
    assert.deepEqual(
      missing.map((d) => [d.line, d.column]),
      expected.map((where) => [where.line, where.column]),
    );
    assert.match(missing[0]!.message, /"warehouse" is not declared/);
  });
});
