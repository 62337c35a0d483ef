import assert from "node:assert/strict";
import { complete, quoteValue, vocabularyOf } from "@assetline/core";
import { applyFilter, caretLine } from "../../../webview/src/filter";
import { asset, graphOf } from "./fixtures";

const { assets } = graphOf([
  asset("ingest/raw_orders", [], {
    group: "ingest",
    tags: { layer: "bronze" },
    owners: ["team:data-eng"],
    kinds: ["duckdb"],
  }),
  asset("ingest/raw customers", [], { group: "ingest" }),
  asset("transform/daily_revenue", ["ingest/raw_orders"], { group: "transform", kinds: ["sql"] }),
]);
const vocabulary = vocabularyOf(assets);

describe("webview filter box", () => {
  it("selects with the shared selection language", () => {
    assert.deepEqual(applyFilter("", assets), {});
    assert.deepEqual(applyFilter("   ", assets), {});
    const result = applyFilter("group:ingest and not kind:duckdb", assets);
    assert.ok("selected" in result);
    assert.deepEqual([...result.selected!], ["ingest/raw customers"]);
    const down = applyFilter('key:"ingest/raw_orders"+', assets);
    assert.deepEqual(
      [...("selected" in down ? down.selected! : [])],
      ["ingest/raw_orders", "transform/daily_revenue"],
    );
  });

  it("shows the external sources a selection reads with it (+x leaves them out of the run)", () => {
    const graph = graphOf([
      asset("finance/fx_rates", [], { external: true }),
      asset("ingest/raw_orders", []),
      asset("transform/daily_revenue", ["ingest/raw_orders", "finance/fx_rates"]),
    ]);
    const result = applyFilter("+transform/daily_revenue", graph.assets);
    assert.ok("selected" in result);
    assert.deepEqual([...result.selected!].sort(), [
      "finance/fx_rates",
      "ingest/raw_orders",
      "transform/daily_revenue",
    ]);
  });

  it("reports a mistake at its 1-based column, underlined by carets", () => {
    const text = "group:ingest and (kind:sql";
    const result = applyFilter(text, assets);
    assert.ok("error" in result, "an unclosed parenthesis was accepted");
    assert.equal(result.error.column, 18);
    assert.equal(caretLine(text, result.error), " ".repeat(17) + "^");
    const unknown = applyFilter("ingest/raw_order", assets);
    assert.ok("error" in unknown);
    assert.equal(unknown.error.column, 1);
    assert.equal(unknown.error.suggestion, "ingest/raw_orders");
    assert.equal(caretLine("ingest/raw_order", unknown.error), "^".repeat(16));
  });

  it("completes attribute values after group:, tag:, owner: and kind:", () => {
    const groups = complete("group:", 6, vocabulary);
    assert.deepEqual(
      groups.items.map((i) => i.insert),
      ["ingest", "transform"],
    );
    assert.equal(groups.from, 6);
    assert.deepEqual(
      complete("tag:la", 6, vocabulary).items.map((i) => i.insert),
      ["layer", "layer=bronze"],
    );
    assert.deepEqual(
      complete("owner:team", 10, vocabulary).items.map((i) => i.insert),
      ["team:data-eng"],
    );
    assert.deepEqual(
      complete("x or kind:d", 11, vocabulary).items.map((i) => i.insert),
      ["duckdb"],
    );
  });

  it("completes keys and attribute names for a bare word, quoting keys that need it", () => {
    const items = complete("+ingest/raw", 11, vocabulary);
    assert.equal(items.from, 1, "the + is not part of the completed word");
    assert.deepEqual(
      items.items.map((i) => i.insert),
      ['"ingest/raw customers"', "ingest/raw_orders"],
    );
    assert.deepEqual(
      complete("gr", 2, vocabulary).items.map((i) => i.label),
      ["group:"],
    );
    assert.deepEqual(
      complete("daily", 5, vocabulary).items.map((i) => i.insert),
      ["transform/daily_revenue"],
      "a key matches by any part",
    );
    assert.equal(quoteValue('a "b"'), '"a \\"b\\""');
  });

  it("quotes a completed value wherever the bare text would mean something else, so it selects its asset", () => {
    const { assets: odd } = graphOf([
      asset("odd/null_kind", [], { kinds: ["<null>"], tags: { pii: "", stage: "a b", star: "x*" } }),
      asset("odd/star_owner", [], { owners: ["team*"], kinds: ["csv"] }),
    ]);
    const words = vocabularyOf(odd);
    const selects = (text: string): string[] => {
      const result = applyFilter(text, odd);
      assert.ok("selected" in result, `${text}: ${"error" in result ? result.error.message : ""}`);
      return [...result.selected!];
    };
    // Unquoted, <null> is Dagster's "no value" (kind:<null>: the assets without a kind).
    const kind = complete("kind:<", 6, words).items.map((i) => i.insert);
    assert.deepEqual(kind, ['"<null>"']);
    assert.deepEqual(selects(`kind:${kind[0]}`), ["odd/null_kind"]);
    const owner = complete("owner:team", 10, words).items.map((i) => i.insert);
    assert.deepEqual(owner, ['"team*"']);
    assert.deepEqual(selects(`owner:${owner[0]}`), ["odd/star_owner"]);
    // A tag's name and value are quoted apart: an empty value, a space, a star.
    const tags = complete("tag:", 4, words).items.map((i) => i.insert);
    assert.deepEqual(tags, ["pii", 'pii=""', "stage", 'stage="a b"', "star", 'star="x*"']);
    for (const insert of tags.filter((t) => t.includes("=")))
      assert.deepEqual(selects(`tag:${insert}`), ["odd/null_kind"], insert);
  });
});
