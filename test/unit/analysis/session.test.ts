import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { AnalysisSession, analyzeProject } from "../../../analysis/src/index";
import { fixture } from "./helpers";

describe("AnalysisSession: unsaved buffers and incremental re-analysis (test/fixtures/patterns)", function () {
  const root = fixture("patterns");
  const file = (name: string): string => path.join(root, "src", name);
  const relative = (files: string[]): string[] =>
    files.map((item) => path.relative(root, item).split(path.sep).join("/")).sort();
  let session: AnalysisSession;

  beforeEach(function () {
    session = new AnalysisSession(root);
    session.analyze();
  });

  it("re-evaluates only the edited module when what it exports does not change", function () {
    const ingest = file("ingest.ts");
    session.setFileText(ingest, `${fs.readFileSync(ingest, "utf8")}\n// a comment\n`);
    const result = session.analyze();
    assert.deepEqual(relative(result.evaluatedFiles), ["src/ingest.ts"]);
    assert.deepEqual(result.graph, analyzeProject(root, { types: false }));
  });

  it("re-evaluates the dependents of a module whose exported keys change, and no other module", function () {
    const ingest = file("ingest.ts");
    const text = fs.readFileSync(ingest, "utf8").replace('"ingest/raw_customers"', '"ingest/customers"');
    session.setFileText(ingest, text);
    const result = session.analyze();
    // barrel re-exports ingest, transform imports the barrel, checks/report import ingest
    // directly (and builders), corners/index re-exports it as a namespace that corners reads.
    assert.deepEqual(relative(result.evaluatedFiles), [
      "src/barrel.ts",
      "src/builders.ts",
      "src/checks.ts",
      "src/corners.ts",
      "src/corners/index.ts",
      "src/ingest.ts",
      "src/report.ts",
      "src/transform.ts",
    ]);
    const revenue = result.graph.assets.find((asset) => asset.key === "transform/daily_revenue");
    assert.deepEqual(revenue?.ins, { orders: "ingest/raw_orders", customers: "ingest/customers" });
    // The string keys that named the old key are now unknown.
    assert.ok(
      result.graph.diagnostics.some(
        (d) => d.code === "unknown-asset" && d.message.includes("ingest/raw_customers"),
      ),
    );
  });

  it("re-evaluates the modules that made objects of a class when a method of the class changes", function () {
    const layer = file("layers/layer.ts");
    const text = fs
      .readFileSync(layer, "utf8")
      .replace("`${this.prefix}_${suffix}`", "`${this.prefix}__${suffix}`");
    session.setFileText(layer, text);
    const result = session.analyze();
    assert.ok(
      relative(result.evaluatedFiles).includes("src/builders.ts"),
      relative(result.evaluatedFiles).join(),
    );
    const keys = result.graph.assets.map((asset) => asset.key);
    assert.ok(keys.includes("silver/orders__clean") && !keys.includes("silver/orders_clean"), keys.join());
    const fresh = new AnalysisSession(root);
    fresh.setFileText(layer, text);
    assert.deepEqual(result.graph, fresh.analyze().graph);
  });

  it("re-evaluates a module whose import was waiting for a file that now appears", function () {
    const later = file("later.ts");
    const report = file("report.ts");
    const importing = `${fs.readFileSync(report, "utf8")}\nimport { laterAsset } from "./later";\nexport const afterLater = al.asset("report/after_later", { deps: [laterAsset] }, () => 1);\n`;
    session.setFileText(report, importing);
    const waiting = session.analyze().graph;
    assert.deepEqual(waiting.assets.find((asset) => asset.key === "report/after_later")?.deps, []);
    session.setFileText(
      later,
      'import { asset } from "assetline";\nexport const laterAsset = asset("x/later", {}, () => 1);\n',
    );
    const joined = session.analyze().graph;
    assert.deepEqual(joined.assets.find((asset) => asset.key === "report/after_later")?.deps, ["x/later"]);
  });

  it("re-evaluates the factories that read a JSON manifest when the manifest changes", function () {
    const manifest = file("data/dashboards.json");
    session.setFileText(manifest, JSON.stringify([{ name: "ops", sources: ["raw_orders"] }]));
    const result = session.analyze();
    assert.deepEqual(relative(result.evaluatedFiles), ["src/factories.ts"]);
    const tableau = result.graph.assets
      .filter((asset) => asset.key.startsWith("tableau/"))
      .map((asset) => asset.key);
    assert.deepEqual(tableau, ["tableau/ops"]);
    // The check on tableau/sales now targets an unknown asset.
    assert.ok(result.graph.diagnostics.some((d) => d.code === "unknown-check-target"));
    session.setFileText(manifest, undefined);
    assert.deepEqual(session.analyze().graph, analyzeProject(root, { types: false }));
  });

  it("keeps the other files' assets while a buffer has a syntax error, and recovers", function () {
    const transform = file("transform.ts");
    session.setFileText(transform, "export const dailyRevenue = defineAsset(((( {{ ]");
    const broken = session.analyze();
    assert.ok(broken.graph.assets.some((asset) => asset.key === "ingest/raw_orders"));
    assert.ok(!broken.graph.assets.some((asset) => asset.key === "transform/daily_revenue"));
    session.setFileText(transform, undefined);
    assert.deepEqual(session.analyze().graph, analyzeProject(root, { types: false }));
  });

  it("finds a cycle an edit creates and drops it when the edit is undone (same as a fresh analysis)", function () {
    const ingest = file("ingest.ts");
    const original = fs.readFileSync(ingest, "utf8");
    const cyclic = original.replace('{ group: "ingest" }', '{ group: "ingest", deps: ["report/summary"] }');
    assert.notEqual(cyclic, original);
    session.setFileText(ingest, cyclic);
    const withCycle = session.analyze().graph;
    const cycles = withCycle.diagnostics.filter((d) => d.code === "cycle");
    assert.equal(cycles.length, 1, JSON.stringify(cycles));
    assert.ok(cycles.every((d) => d.message.includes('"report/summary"')));
    session.setFileText(ingest, undefined);
    const fixed = session.analyze().graph;
    assert.equal(fixed.diagnostics.filter((d) => d.code === "cycle").length, 0);
    assert.deepEqual(fixed, analyzeProject(root, { types: false }));
  });
});
