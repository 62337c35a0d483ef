import assert from "node:assert/strict";
import type { AssetGraph, AssetNode, GraphDiagnostic } from "@assetline/core";
import { analyzeProject } from "../../../analysis/src/index";
import { fixture, locate } from "./helpers";

function byKey(graph: AssetGraph, key: string): AssetNode {
  const node = graph.assets.find((asset) => asset.key === key);
  assert.ok(node, `asset ${key} is missing; found ${graph.assets.map((asset) => asset.key).join(", ")}`);
  return node;
}

function diagnosticsOf(graph: AssetGraph, code: string): GraphDiagnostic[] {
  return graph.diagnostics.filter((diagnostic) => diagnostic.code === code);
}

function assertAt(
  diagnostic: GraphDiagnostic | undefined,
  where: ReturnType<typeof locate>,
  file: string,
): void {
  assert.ok(diagnostic, "diagnostic missing");
  assert.deepEqual(
    {
      file: diagnostic.file,
      line: diagnostic.line,
      column: diagnostic.column,
      endLine: diagnostic.endLine,
      endColumn: diagnostic.endColumn,
    },
    { file, ...where },
  );
}

describe("analyzeProject: reference patterns (test/fixtures/patterns)", function () {
  const root = fixture("patterns");
  let graph: AssetGraph;

  before(function () {
    graph = analyzeProject(root);
  });

  it("finds every asset declared through the library, whatever the import form", function () {
    assert.deepEqual(graph.assets.map((asset) => asset.key).sort(), [
      "conditional/debug",
      "conditional/picked",
      "conditional/stable",
      "control/from_env",
      "countdown/1",
      "countdown/2",
      "export/csv",
      "export/daily",
      "gold/orders",
      "guarded/cleanup",
      "guarded/main",
      "ingest/fx_rates",
      "ingest/raw_customers",
      "ingest/raw_orders",
      "late/escaped",
      "late/one",
      "late/two",
      "layer/bronze",
      "mirror/bronze_0",
      "mirror/silver_1",
      "ml/features",
      "ml/model",
      "ranked/0_gold",
      "region/03",
      "region/12",
      "region/west",
      "regional/eu_revenue",
      "regional/us_revenue",
      "report/summary",
      "shard/orders_01",
      "shard/orders_02",
      "silver/orders_clean",
      "silver/orders_orders_dedup",
      "snapshot/bronze",
      "snapshot/silver",
      "tableau/customers",
      "tableau/sales",
      "tier/gold",
      "tier/silver",
      "transform/daily_revenue",
      "warehouse/orders",
      "warehouse/payments",
    ]);
  });

  it("ignores a local function that happens to be called asset", function () {
    assert.equal(
      graph.assets.some((asset) => asset.key.startsWith("local/")),
      false,
    );
  });

  it("locates assets with root-relative paths and 1-based positions", function () {
    const orders = byKey(graph, "ingest/raw_orders");
    const at = locate(root, "src/ingest.ts", 'asset(\n  "ingest/raw_orders"');
    assert.deepEqual([orders.file, orders.line, orders.column], ["src/ingest.ts", at.line, at.column]);
    assert.equal(orders.generated, false);
  });

  it("reads spec literal fields", function () {
    const orders = byKey(graph, "ingest/raw_orders");
    assert.equal(orders.group, "ingest");
    assert.equal(orders.description, "Orders as exported by the shop");
    assert.deepEqual(orders.owners, ["team:data-eng"]);
    assert.deepEqual(orders.tags, { layer: "bronze" });
    assert.deepEqual(orders.kinds, ["duckdb"]);
    assert.deepEqual(orders.metadata, { pii: true, retention: "P30D" });
    assert.deepEqual(orders.checks, ["not_empty"]);
  });

  it("resolves an aliased library import, barrel `export *`, renamed re-export, shorthand ins and string deps", function () {
    const revenue = byKey(graph, "transform/daily_revenue");
    assert.deepEqual(revenue.ins, { orders: "ingest/raw_orders", customers: "ingest/raw_customers" });
    assert.deepEqual(revenue.deps, ["ingest/raw_orders", "ingest/raw_customers", "ingest/fx_rates"]);
    assert.deepEqual(revenue.checks, ["has_revenue"]);
  });

  it("resolves namespace imports of the library and of project modules", function () {
    const summary = byKey(graph, "report/summary");
    assert.deepEqual(summary.ins, { orders: "ingest/raw_orders" });
    assert.deepEqual(summary.deps, ["ingest/raw_orders", "transform/daily_revenue"]);
  });

  it("resolves default exports", function () {
    assert.deepEqual(byKey(graph, "ml/model").ins, { features: "ml/features" });
    assert.equal(byKey(graph, "ml/features").file, "src/features.ts");
  });

  it("marks external assets", function () {
    const fx = byKey(graph, "ingest/fx_rates");
    assert.equal(fx.external, true);
    assert.equal(fx.description, "Rates from the bank");
  });

  it("evaluates factories: JSON manifest .map, for...of with push, Object.entries/filter/flatMap, named factory functions", function () {
    const sales = byKey(graph, "tableau/sales");
    const call = locate(root, "src/factories.ts", "asset(`tableau/");
    assert.deepEqual(
      [sales.file, sales.line, sales.column, sales.generated],
      ["src/factories.ts", call.line, call.column, true],
    );
    assert.deepEqual(sales.deps, ["ingest/raw_orders"]);
    assert.deepEqual(sales.checks, ["fresh"]);
    assert.deepEqual(byKey(graph, "tableau/customers").deps, ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.equal(byKey(graph, "tableau/customers").group, "tableau");
    assert.equal(byKey(graph, "regional/eu_revenue").generated, true);
    assert.deepEqual(byKey(graph, "regional/us_revenue").deps, ["transform/daily_revenue"]);
    assert.equal(
      graph.assets.some((asset) => asset.key === "export/parquet"),
      false,
      "filtered out by the manifest",
    );
    assert.deepEqual(byKey(graph, "warehouse/payments").deps, ["ingest/raw_orders"]);
  });

  it("evaluates Array.from with a mapper, reduce, entries() and Array.of", function () {
    const keys = graph.assets.map((asset) => asset.key);
    for (const key of [
      "mirror/bronze_0",
      "mirror/silver_1",
      "snapshot/bronze",
      "snapshot/silver",
      "ranked/0_gold",
    ]) {
      assert.ok(keys.includes(key), `${key} is missing`);
      assert.equal(byKey(graph, key).generated, true);
    }
    assert.deepEqual(byKey(graph, "snapshot/silver").deps, ["ingest/raw_orders"]);
  });

  it("evaluates counted loops with += and ++, while loops, switch and try blocks", function () {
    const call = locate(root, "src/control.ts", 'shards("orders", 2)');
    for (const key of ["shard/orders_01", "shard/orders_02"]) {
      const shard = byKey(graph, key);
      assert.deepEqual([shard.line, shard.generated, shard.deps], [call.line, true, ["ingest/raw_orders"]]);
    }
    const tiers = locate(root, "src/control.ts", "[tier(");
    assert.deepEqual(
      ["tier/gold", "tier/silver"].map((key) => byKey(graph, key).line),
      [tiers.line, tiers.line],
    );
    for (const key of ["countdown/1", "countdown/2", "guarded/main", "guarded/cleanup"]) byKey(graph, key);
    assert.equal(
      graph.assets.some((asset) => asset.key === "countdown/0"),
      false,
    );
  });

  it("evaluates for...in in the engine's key order, String.raw, Number() and members of an `export * as` namespace", function () {
    const loop = locate(root, "src/corners.ts", "asset(`region/");
    assert.deepEqual(
      ["region/03", "region/12", "region/west"].map((key) => {
        const region = byKey(graph, key);
        return [region.line, region.generated, region.deps];
      }),
      [
        [loop.line, true, ["ingest/raw_orders"]],
        [loop.line, true, ["region/03"]],
        [loop.line, true, ["region/12"]],
      ],
    );
    assert.deepEqual(byKey(graph, "export/daily").deps, ["ingest/fx_rates"]);
  });

  it("finds calls through aliases read before their declaration, and names written with escapes", function () {
    for (const [key, file, text] of [
      ["late/one", "src/late.ts", 'lateFactory("one")'],
      ["late/escaped", "src/late.ts", "\\u006dake("],
      ["late/two", "src/late2.ts", 'lateFactory2("two")'],
    ] as const) {
      assert.equal(byKey(graph, key).line, locate(root, file, text).line, key);
    }
  });

  it("runs objects made with `new`: constructors with super(...), parameter properties, fields, fluent methods on `this`, getters", function () {
    const made = locate(root, "src/builders.ts", "new SilverLayer(");
    assert.deepEqual(
      ["silver/orders_clean", "silver/orders_orders_dedup"].map((key) => {
        const asset = byKey(graph, key);
        return [asset.file, asset.line, asset.generated, asset.deps];
      }),
      [
        ["src/builders.ts", made.line, true, ["ingest/raw_orders"]],
        ["src/builders.ts", made.line, true, ["silver/orders_clean"]],
      ],
    );
    assert.deepEqual(byKey(graph, "gold/orders").deps, ["silver/orders_orders_dedup"]);
  });

  it("follows known conditions as run time would: only the branch taken exists; a function nothing calls makes nothing", function () {
    const keys = graph.assets.map((asset) => asset.key);
    for (const absent of ["conditional/beta", "conditional/unpicked", "conditional/unused"]) {
      assert.ok(!keys.includes(absent), `${absent} is in the graph`);
    }
    assert.ok(
      !graph.diagnostics.some(
        (d) =>
          d.file === "src/conditional.ts" &&
          d.line !== locate(root, "src/conditional.ts", '"conditional/debug"').line,
      ),
      "dead or uncalled code has no diagnostics",
    );
    const bronze = byKey(graph, "layer/bronze");
    const call = locate(root, "src/conditional.ts", 'Layers.make("bronze")');
    assert.deepEqual([bronze.line, bronze.generated, bronze.deps], [call.line, true, ["conditional/stable"]]);
  });

  it("reports dynamic-asset (info) where a key cannot be evaluated: awaited data, declared-only values", function () {
    const dynamic = diagnosticsOf(graph, "dynamic-asset");
    assert.equal(dynamic.length, 4);
    assert.ok(dynamic.every((diagnostic) => diagnostic.severity === "info"));
    // An asset under a condition known only at run time: shown, and an info says on what it depends.
    const debug = dynamic.shift();
    assertAt(debug, locate(root, "src/conditional.ts", '"conditional/debug"'), "src/conditional.ts");
    assert.match(
      debug!.message,
      /Whether this asset exists is known only at run time \(the condition `process\.env\.ENABLE_DEBUG === "1"`/,
    );
    byKey(graph, "conditional/debug");
    // An environment variable used as a dependency is dynamic, not an unknown asset.
    assertAt(dynamic[0], locate(root, "src/control.ts", "process.env.UPSTREAM_KEY"), "src/control.ts");
    assert.match(dynamic[0]!.message, /environment variables/);
    assertAt(dynamic[1], locate(root, "src/dynamic.ts", "`raw/${t}`"), "src/dynamic.ts");
    assert.match(dynamic[1]!.message, /await loadTables\(\)/);
    assertAt(dynamic[2], locate(root, "src/dynamic.ts", "`env/${env.STAGE}`"), "src/dynamic.ts");
  });

  it("has no other diagnostics", function () {
    assert.deepEqual(
      graph.diagnostics.filter((diagnostic) => diagnostic.code !== "dynamic-asset"),
      [],
    );
  });
});

describe("analyzeProject: diagnostics (test/fixtures/errors)", function () {
  const root = fixture("errors");
  let graph: AssetGraph;
  const file = "src/problems.ts";

  before(function () {
    graph = analyzeProject(root);
  });

  it("unknown-asset on the misspelt string key, with a suggestion", function () {
    const [unknown] = diagnosticsOf(graph, "unknown-asset").filter((d) => d.message.includes("ingest/order"));
    assertAt(unknown, locate(root, file, '"ingest/order"'), file);
    assert.equal(unknown!.message, 'Unknown asset "ingest/order". Did you mean "ingest/orders"?');
    assert.equal(unknown!.severity, "error");
  });

  it("deps and ins list every key the code declares, including the broken ones the diagnostics name", function () {
    assert.deepEqual(byKey(graph, "transform/misspelt").deps, ["ingest/order", "ingest/fx"]);
    assert.deepEqual(byKey(graph, "transform/selfish").deps, ["transform/selfish"]);
    // A value that is not an asset has no key to list.
    assert.deepEqual(byKey(graph, "transform/wrong_ref").deps, []);
  });

  it("unknown-field on the misspelt property name, with the library's sentence", function () {
    const fields = "src/fields.ts";
    const found = diagnosticsOf(graph, "unknown-field").filter((d) => d.file === fields);
    const expected: Array<[string, string]> = [
      ["timeout", "unknown field `timeout`; did you mean `timeoutMs`?"],
      ['"descripton"', "unknown field `descripton`; did you mean `description`?"],
      [
        "zzz",
        "unknown field `zzz`; an asset's spec takes `ins`, `deps`, `group`, `description`, `owners`, `tags`, " +
          "`kinds`, `metadata`, `codeVersion`, `freshness`, `automation`, `partitions`, `partitionMappings`, `resources`, `io`, `schema`, `timeoutMs`.",
      ],
      [
        "timeoutMs",
        "`timeoutMs` does not apply to an external asset (it is declared, never computed); remove it.",
      ],
      ["blokcing", "unknown field `blokcing`; did you mean `blocking`?"],
    ];
    assert.deepEqual(
      found.map((d) => d.message),
      expected.map(([, message]) => message),
    );
    found.forEach((diagnostic, i) => {
      assertAt(diagnostic, locate(root, fields, expected[i]![0]), fields);
      assert.equal(diagnostic.severity, "error");
    });
  });

  it("unknown-asset on an identifier that is not an asset", function () {
    const [notAsset] = diagnosticsOf(graph, "unknown-asset").filter((d) => d.message.includes("notAnAsset"));
    assertAt(notAsset, locate(root, file, "notAnAsset", 2), file);
  });

  it("duplicate-key on each declaration, each pointing at the other", function () {
    const duplicates = diagnosticsOf(graph, "duplicate-key");
    assert.equal(duplicates.length, 2);
    const first = locate(root, file, '"ingest/orders"', 1);
    const second = locate(root, file, '"ingest/orders"', 2);
    assertAt(duplicates[0], first, file);
    assertAt(duplicates[1], second, file);
    assert.deepEqual(
      duplicates[0]!.related?.map((related) => [related.line, related.column]),
      [[second.line, second.column]],
    );
  });

  it("self-dependency on the dep", function () {
    const [self] = diagnosticsOf(graph, "self-dependency");
    assertAt(self, locate(root, file, '"transform/selfish"', 2), file);
  });

  it("invalid-key on the key", function () {
    const [invalid] = diagnosticsOf(graph, "invalid-key");
    assertAt(invalid, locate(root, file, '"Bad Key!"'), file);
  });

  it("unknown-check-target on the check's target", function () {
    const [target] = diagnosticsOf(graph, "unknown-check-target");
    assertAt(target, locate(root, file, '"ingest/ordres"'), file);
    assert.match(target!.message, /Did you mean "ingest\/orders"/);
  });

  it("cycle: one diagnostic, on the reference that closes it, with the other steps as related locations", function () {
    const cycles = diagnosticsOf(graph, "cycle");
    const cycleFile = "src/cycle.ts";
    assert.equal(cycles.length, 1);
    // Walked from the member declared first (cycle/a): a -> c -> b, and b's reference to a closes it.
    assertAt(cycles[0], locate(root, cycleFile, "cycleA", 2), cycleFile);
    assert.equal(cycles[0]!.message, 'Dependency cycle: "cycle/a" → "cycle/c" → "cycle/b" → "cycle/a".');
    assert.deepEqual(
      cycles[0]!.related?.map((related) => [related.line, related.column, related.message]),
      [
        [
          locate(root, cycleFile, '"cycle/c"').line,
          locate(root, cycleFile, '"cycle/c"').column,
          '"cycle/a" depends on "cycle/c"',
        ],
        [
          locate(root, cycleFile, "cycleB", 2).line,
          locate(root, cycleFile, "cycleB", 2).column,
          '"cycle/c" depends on "cycle/b"',
        ],
      ],
    );
  });

  it("a syntax error in one file hides neither that file's earlier assets nor other files' assets", function () {
    byKey(graph, "broken/survivor");
    assert.deepEqual(byKey(graph, "other/fine").ins, { survivor: "broken/survivor" });
    assert.ok(
      diagnosticsOf(graph, "syntax-error").every((diagnostic) => diagnostic.file === "src/broken.ts"),
    );
  });
});
