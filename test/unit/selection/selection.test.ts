import assert from "node:assert/strict";
import {
  parseSelection,
  resolveSelection,
  SelectionError,
  trySelect,
  type SelectableAsset,
} from "../../../sdk/src/selection";

// ingest/raw_orders -> transform/cleaned -> transform/daily -> reports/weekly
//                                   \-> transform/by_customer
// ingest/raw_customers -> transform/by_customer ; misc/lonely stands alone
const graph: SelectableAsset[] = [
  {
    key: "ingest/raw_orders",
    deps: [],
    group: "ingest",
    tags: { layer: "bronze", source: "shop" },
    owners: ["team:data-eng"],
    kinds: ["csv"],
  },
  {
    key: "ingest/raw_customers",
    deps: [],
    group: "ingest",
    tags: { layer: "bronze" },
    owners: ["team:data-eng", "user:ada@example.com"],
    kinds: ["csv"],
  },
  {
    key: "transform/cleaned",
    deps: ["ingest/raw_orders"],
    group: "transform",
    tags: { layer: "silver" },
    owners: ["team:data-eng"],
    kinds: ["duckdb"],
  },
  {
    key: "transform/daily",
    deps: ["transform/cleaned"],
    group: "transform",
    tags: { layer: "gold" },
    owners: ["team:analytics"],
  },
  {
    key: "transform/by_customer",
    deps: ["transform/cleaned", "ingest/raw_customers"],
    group: "transform",
    tags: { layer: "gold" },
  },
  { key: "reports/weekly", deps: ["transform/daily"], group: "reports", kinds: ["json"] },
  { key: "misc/lonely", deps: [] },
];

const select = (text: string): string[] => resolveSelection(text, graph);

function expectError(text: string, column: number, pattern: RegExp): SelectionError {
  try {
    select(text);
  } catch (error) {
    assert.ok(error instanceof SelectionError, `expected a SelectionError, got ${String(error)}`);
    assert.equal(error.column, column, `column for ${JSON.stringify(text)}: ${error.message}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`${JSON.stringify(text)} should not resolve`);
}

describe("selection: keys", () => {
  it("selects a bare key and a quoted key", () => {
    assert.deepEqual(select("transform/daily"), ["transform/daily"]);
    assert.deepEqual(select('key:"ingest/raw_orders"'), ["ingest/raw_orders"]);
    assert.deepEqual(select("key:ingest/raw_orders"), ["ingest/raw_orders"]);
    assert.deepEqual(select('"misc/lonely"'), ["misc/lonely"]);
  });

  it("matches * wildcards in keys, and * alone for everything", () => {
    assert.deepEqual(select("ingest/*"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select('key:"transform/*d"'), ["transform/cleaned"]);
    assert.deepEqual(select("*raw*"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.equal(select("*").length, graph.length);
  });

  it("returns keys in graph order, without duplicates", () => {
    assert.deepEqual(select("reports/weekly or ingest/raw_orders or reports/weekly"), [
      "ingest/raw_orders",
      "reports/weekly",
    ]);
  });
});

describe("selection: traversal", () => {
  it("+x selects x and all upstream", () => {
    assert.deepEqual(select("+reports/weekly"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
  });
  it("x+ selects x and all downstream", () => {
    assert.deepEqual(select("transform/cleaned+"), [
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
      "reports/weekly",
    ]);
  });
  it("n+x and x+n limit the depth", () => {
    assert.deepEqual(select("1+reports/weekly"), ["transform/daily", "reports/weekly"]);
    assert.deepEqual(select("2+reports/weekly"), ["transform/cleaned", "transform/daily", "reports/weekly"]);
    assert.deepEqual(select("ingest/raw_orders+1"), ["ingest/raw_orders", "transform/cleaned"]);
    assert.deepEqual(select("ingest/raw_orders+2"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]);
  });
  it("combines both directions", () => {
    assert.deepEqual(select("+transform/daily+"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
  });
  it("applies to parenthesised expressions", () => {
    assert.deepEqual(select("+(transform/daily or transform/by_customer)"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]);
  });
});

describe("selection: attributes", () => {
  it("group:", () =>
    assert.deepEqual(select("group:transform"), [
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]));
  it("tag:k=v and tag:k", () => {
    assert.deepEqual(select("tag:layer=gold"), ["transform/daily", "transform/by_customer"]);
    assert.deepEqual(select("tag:source"), ["ingest/raw_orders"]);
    assert.deepEqual(select('tag:"layer=bronze"'), ["ingest/raw_orders", "ingest/raw_customers"]);
  });
  it("owner: (values may contain colons and @)", () => {
    assert.deepEqual(select("owner:team:data-eng"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned",
    ]);
    assert.deepEqual(select("owner:user:ada@example.com"), ["ingest/raw_customers"]);
  });
  it("kind:", () => assert.deepEqual(select("kind:csv"), ["ingest/raw_orders", "ingest/raw_customers"]));
  it("an attribute that matches nothing is an empty selection, not an error", () => {
    assert.deepEqual(select("group:nothing"), []);
  });
});

describe("selection: boolean operators and functions", () => {
  it("and, or, not with precedence not > and > or", () => {
    assert.deepEqual(select("group:transform and tag:layer=gold"), [
      "transform/daily",
      "transform/by_customer",
    ]);
    assert.deepEqual(select("group:reports or group:ingest"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "reports/weekly",
    ]);
    assert.deepEqual(select("not group:transform and not group:ingest"), ["reports/weekly", "misc/lonely"]);
    assert.deepEqual(
      select("group:reports or group:ingest and kind:csv and not owner:user:ada@example.com"),
      ["ingest/raw_orders", "reports/weekly"],
    );
    assert.deepEqual(select("(group:reports or group:ingest) and kind:csv"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
    ]);
  });
  it("keywords are case-insensitive", () => {
    assert.deepEqual(select("group:ingest AND NOT kind:duckdb"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
    ]);
  });
  it("roots() and sinks()", () => {
    assert.deepEqual(select("roots(+reports/weekly)"), ["ingest/raw_orders"]);
    assert.deepEqual(select("sinks(ingest/raw_orders+)"), ["transform/by_customer", "reports/weekly"]);
    assert.deepEqual(select("sinks(*)"), ["transform/by_customer", "reports/weekly", "misc/lonely"]);
    assert.deepEqual(select("roots(group:transform)"), ["transform/cleaned"]);
  });
  it("parses to a tree with 1-based spans", () => {
    const expr = parseSelection("+a/b and not group:x");
    assert.equal(expr.type, "and");
    if (expr.type !== "and") return;
    assert.deepEqual(expr.left, {
      type: "traverse",
      up: Infinity,
      down: undefined,
      span: { start: 1, end: 5 },
      operand: { type: "attr", attr: "key", value: "a/b", quoted: false, span: { start: 2, end: 5 } },
    });
    assert.equal(expr.right.type, "not");
    assert.deepEqual(expr.right.span, { start: 10, end: 21 });
  });
});

describe("selection: errors carry the column", () => {
  it("unknown key suggests the closest key", () => {
    const error = expectError(
      "group:ingest or transform/dialy",
      17,
      /No asset has the key "transform\/dialy"\. Did you mean "transform\/daily"\?/,
    );
    assert.equal(error.suggestion, "transform/daily");
    assert.equal(error.endColumn, 32);
  });
  it("a key without its prefix suggests the prefixed one", () => {
    const error = expectError("raw_orders", 1, /Did you mean "ingest\/raw_orders"/);
    assert.equal(error.suggestion, "ingest/raw_orders");
  });
  it("a far-off key gives no suggestion", () => {
    const error = expectError("zzzzzzzzzzzz", 1, /No asset has the key/);
    assert.equal(error.suggestion, undefined);
  });
  it("a wildcard that matches nothing", () =>
    expectError("misc/lonely and nope/*", 17, /No asset key matches "nope\/\*"/));
  it("unknown attribute", () => expectError("group:a or colour:red", 12, /Unknown attribute `colour:`/));
  it("attribute without a value", () => expectError("group:", 7, /`group:` needs a value/));
  it("missing closing parenthesis", () => expectError("(group:ingest or kind:csv", 1, /Missing `\)`/));
  it("stray closing parenthesis", () => expectError("group:ingest)", 13, /Unexpected `\)`/));
  it("dangling operator", () => expectError("group:ingest and", 17, /ends too early/));
  it("operator without left side", () =>
    expectError("or group:ingest", 1, /`or` needs an expression on both sides/));
  it("two expressions without an operator", () =>
    expectError("group:ingest kind:csv", 14, /join expressions with `and` or `or`/));
  it("unterminated string", () => expectError('key:"ingest/raw', 5, /Unterminated string/));
  it("empty selection", () => expectError("   ", 1, /empty/));
  it("empty function call", () => expectError("roots()", 7, /roots\(\) needs a selection/));
  it("a lone plus", () => expectError("group:a or +", 13, /ends too early/));
  it("trySelect reports instead of throwing", () => {
    const result = trySelect("transform/daly", graph);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.column, 1);
    assert.deepEqual(trySelect("misc/lonely", graph), { ok: true, keys: ["misc/lonely"] });
  });
});
