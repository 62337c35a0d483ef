import assert from "node:assert/strict";
import {
  parseSelection,
  resolveSelection,
  SelectionError,
  trySelect,
  type SelectableAsset,
} from "../../../core/src/selection";

// ingest/raw_orders -> transform/cleaned -> transform/daily -> reports/weekly
//                                   \-> transform/by_customer
// ingest/raw_customers -> transform/by_customer ; misc/lonely stands alone
// ext/fx (external) -> transform/fx_rates
const graph: SelectableAsset[] = [
  {
    key: "ingest/raw_orders",
    deps: [],
    group: "ingest",
    tags: { layer: "bronze", source: "shop", pii: "" },
    owners: ["team:data-eng"],
    kinds: ["csv"],
  },
  {
    key: "ingest/raw_customers",
    deps: [],
    group: "ingest",
    tags: { layer: "bronze", pii: "" },
    owners: ["team:data-eng", "ada@example.com"],
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
  { key: "ext/fx", deps: [], external: true, group: "ingest", owners: ["team:fx"], kinds: ["csv"] },
  { key: "transform/fx_rates", deps: ["ext/fx"], group: "transform" },
];
const materializable = graph.filter((a) => !a.external).map((a) => a.key);

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

describe("selection: key: (Dagster's KeyWildCardAssetSelection)", () => {
  it("selects an exact key, quoted or not, with spaces allowed around the colon", () => {
    assert.deepEqual(select('key:"ingest/raw_orders"'), ["ingest/raw_orders"]);
    assert.deepEqual(select("key:ingest/raw_orders"), ["ingest/raw_orders"]);
    assert.deepEqual(select('key : "misc/lonely"'), ["misc/lonely"]);
    assert.deepEqual(select('"misc/lonely"'), ["misc/lonely"]);
  });

  it("* in a key stands for any characters, / included, and the pattern is anchored", () => {
    assert.deepEqual(select("key:ingest/*"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select('key:"transform/*d"'), ["transform/cleaned"]);
    // Dagster's docs: key:"prefix_*_middlefix_*_suffix"
    assert.deepEqual(select('key:"ingest/*_*s"'), ["ingest/raw_orders", "ingest/raw_customers"]);
    // `*` crosses `/`: "*s" reaches into every segment.
    assert.deepEqual(select("key:*ly"), ["transform/daily", "reports/weekly", "misc/lonely"]);
    assert.deepEqual(select("key:raw*"), [], "anchored at the start: no key starts with raw");
    assert.deepEqual(select('key:"*"'), [...materializable.slice(0, 7), "ext/fx", "transform/fx_rates"]);
  });

  it("a pattern that matches nothing is an empty selection; an exact unknown key is an error", () => {
    assert.deepEqual(select("key:nope/* or misc/lonely"), ["misc/lonely"]);
    expectError("key:nope/x", 1, /No asset has the key "nope\/x"/);
  });

  it("* alone selects every materializable asset", () => {
    assert.deepEqual(select("*"), materializable);
  });

  it("returns keys in graph order, without duplicates", () => {
    assert.deepEqual(select("key:reports/weekly or key:ingest/raw_orders or key:reports/weekly"), [
      "ingest/raw_orders",
      "reports/weekly",
    ]);
  });
});

describe("selection: upstream and downstream layers (new syntax)", () => {
  it("+key:x selects x and all upstream", () => {
    assert.deepEqual(select("+key:reports/weekly"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
  });
  it("key:x+ selects x and all downstream", () => {
    assert.deepEqual(select("key:transform/cleaned+"), [
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
      "reports/weekly",
    ]);
  });
  it("N+key:x and key:x+N count layers; 0 is x alone", () => {
    assert.deepEqual(select("1+key:reports/weekly"), ["transform/daily", "reports/weekly"]);
    assert.deepEqual(select("2+key:reports/weekly"), [
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
    assert.deepEqual(select("key:ingest/raw_orders+1"), ["ingest/raw_orders", "transform/cleaned"]);
    assert.deepEqual(select("key:ingest/raw_orders+2"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]);
    assert.deepEqual(select("0+key:reports/weekly+0"), ["reports/weekly"]);
  });
  it("spaces may separate the depth, the + and the operand", () => {
    assert.deepEqual(select("1 + key:reports/weekly"), select("1+key:reports/weekly"));
    assert.deepEqual(select("key:ingest/raw_orders + 1"), select("key:ingest/raw_orders+1"));
  });
  it("+x+ and N+x+N are the union of both directions", () => {
    assert.deepEqual(select("+key:transform/daily+"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
    assert.deepEqual(select("1+key:transform/cleaned+1"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]);
  });
  it("applies to parentheses, functions and attributes, walking the whole graph", () => {
    assert.deepEqual(select("+(key:transform/daily or key:transform/by_customer)"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]);
    assert.deepEqual(select("group:reports+ or +group:reports"), select("+group:reports+"));
    assert.deepEqual(select("roots(group:transform)+1"), [
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
      "transform/fx_rates",
    ]);
  });
  it("Dagster's path examples: x+ and +y is everything on the paths from x to y", () => {
    assert.deepEqual(select('key:"ingest/raw_orders"+ and +key:"reports/weekly"'), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
    assert.deepEqual(
      select('(key:"ingest/raw_orders" or key:"ingest/raw_customers")+ and +(key:"transform/by_customer")'),
      ["ingest/raw_orders", "ingest/raw_customers", "transform/cleaned", "transform/by_customer"],
    );
    assert.deepEqual(select("tag:pii+ and +key:transform/by_customer"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned",
      "transform/by_customer",
    ]);
  });
  it("upstream leaves out external assets, downstream keeps what it reaches", () => {
    assert.deepEqual(select("+key:transform/fx_rates"), ["transform/fx_rates"]);
    assert.deepEqual(select("key:ext/fx+"), ["ext/fx", "transform/fx_rates"]);
  });
});

describe("selection: a bare key traverses as key: does (product.md), runs of + count layers", () => {
  it("a bare key selects that key", () => {
    assert.deepEqual(select("transform/daily"), ["transform/daily"]);
  });
  it("one + is every layer, as with key:; a run of + is one layer each; * is all layers", () => {
    assert.deepEqual(select("+reports/weekly"), select("+key:reports/weekly"));
    assert.deepEqual(select("+reports/weekly"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
    assert.deepEqual(select("reports/weekly+"), ["reports/weekly"]);
    assert.deepEqual(select("ingest/raw_orders+"), select("key:ingest/raw_orders+"));
    assert.deepEqual(select("++reports/weekly"), ["transform/cleaned", "transform/daily", "reports/weekly"]);
    assert.deepEqual(select("*reports/weekly"), select("+key:reports/weekly"));
    assert.deepEqual(select("ingest/raw_orders++"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
    ]);
    assert.deepEqual(select("ingest/raw_orders*"), select("key:ingest/raw_orders+"));
    assert.deepEqual(select("*transform/daily*"), select("+key:transform/daily+"));
    assert.deepEqual(select("+transform/cleaned+"), [
      "ingest/raw_orders",
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
      "reports/weekly",
    ]);
  });
  it("N+x and x+N give a depth, as with key:", () => {
    assert.deepEqual(select("2+reports/weekly"), select("2+key:reports/weekly"));
    assert.deepEqual(select("ingest/raw_orders+2"), select("key:ingest/raw_orders+2"));
  });
  it("a bare word with * that is not an existing key's traversal is a key pattern (Dagster refuses it)", () => {
    assert.deepEqual(select("ingest/*"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select("*raw*"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select("ingest/*s"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select("*/*ly"), ["transform/daily", "reports/weekly", "misc/lonely"]);
    expectError("ingest/zz*", 1, /No asset has the key "ingest\/zz"/);
    expectError("+ingest/*s", 1, /Traverse a key pattern with key:, e\.g\. \+key:"ingest\/\*s"/);
  });
});

describe("selection: commas (Dagster's CLI splits --select on `,` and unites the clauses)", () => {
  it("each clause is read on its own, then united", () => {
    assert.deepEqual(select("misc/lonely,key:reports/weekly"), ["reports/weekly", "misc/lonely"]);
    assert.deepEqual(select("+reports/weekly, group:ingest"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "transform/cleaned",
      "transform/daily",
      "reports/weekly",
    ]);
    assert.deepEqual(select("group:reports or group:ingest and kind:csv, misc/lonely"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "reports/weekly",
      "misc/lonely",
    ]);
  });
  it("an empty clause or a comma inside parentheses is refused at its column", () => {
    expectError("misc/lonely,,reports/weekly", 13, /A clause is missing before this `,`/);
    expectError("misc/lonely,", 13, /ends too early/);
    expectError("roots(misc/lonely, reports/weekly)", 18, /`,` separates whole selections/);
  });
});

describe("selection: attributes", () => {
  it("group: matches the group exactly, materializable assets only", () => {
    assert.deepEqual(select("group:transform"), [
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
      "transform/fx_rates",
    ]);
    assert.deepEqual(select('group:"ingest"'), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select("group:ingest and key:ext/fx"), []);
  });
  it("tag:name=value matches that value; tag:name only a tag with an empty value", () => {
    assert.deepEqual(select("tag:layer=gold"), ["transform/daily", "transform/by_customer"]);
    assert.deepEqual(select('tag:"layer"="bronze"'), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select("tag:layer = silver"), ["transform/cleaned"]);
    assert.deepEqual(select("tag:pii"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select("tag:source"), [], "source has a value, so tag:source does not match it");
    assert.deepEqual(select('tag:"layer=bronze"'), [], "a quoted name is the whole tag name");
  });
  it("owner: matches an owner exactly: teams and e-mail addresses, quoted as in Dagster or not", () => {
    const dataEng = ["ingest/raw_orders", "ingest/raw_customers", "transform/cleaned"];
    assert.deepEqual(select('owner:"team:data-eng"'), dataEng);
    assert.deepEqual(select("owner:team:data-eng"), dataEng);
    assert.deepEqual(select('owner:"ada@example.com"'), ["ingest/raw_customers"]);
    assert.deepEqual(select("owner:ada@example.com"), ["ingest/raw_customers"]);
    assert.deepEqual(select("owner:data-eng"), []);
    assert.deepEqual(select("owner:team:fx"), ["ext/fx"], "owner: includes external assets");
  });
  it("kind: matches one of the kinds", () => {
    assert.deepEqual(select("kind:csv"), ["ingest/raw_orders", "ingest/raw_customers"]);
    assert.deepEqual(select('kind:"duckdb"'), ["transform/cleaned"]);
  });
  it("an attribute that matches nothing is an empty selection, not an error", () => {
    assert.deepEqual(select("group:nothing"), []);
  });
  it("kind: takes no wildcards; a quoted * there is literal", () => {
    expectError("kind:cs*", 6, /Only key: and group: take `\*` wildcards/);
    assert.deepEqual(select('kind:"cs*"'), []);
  });
  it("Dagster attributes that mean nothing here are refused with the reason", () => {
    expectError('code_location:"repo1"', 1, /Unknown attribute `code_location:`.*no code locations/);
    expectError("status:failed", 1, /Unknown attribute `status:`/);
    expectError('column:"id"', 1, /Unknown attribute `column:`/);
    expectError('table_name:"t"', 1, /Unknown attribute `table_name:`/);
    expectError('column_tag:"t"', 1, /Unknown attribute `column_tag:`/);
    expectError('changed_in_branch:"ANY"', 1, /Unknown attribute `changed_in_branch:`/);
    expectError("key_substring:raw", 1, /Unknown attribute `key_substring:`.*wildcard/);
  });
  it("attribute names are lower case", () => expectError("Group:ingest", 1, /lower case: group:/));
});

describe("selection: operators and functions", () => {
  it("and, or, not with precedence not > and > or (Dagster's grammar order)", () => {
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
    assert.deepEqual(select('group:reports or group:ingest and kind:csv and not owner:"ada@example.com"'), [
      "ingest/raw_orders",
      "reports/weekly",
    ]);
    assert.deepEqual(select("(group:reports or group:ingest) and kind:csv"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
    ]);
    // Dagster's docs: not (kind:"s3" or kind:"csv") and key:"raw*" is (not (...)) and key:...
    assert.deepEqual(select('not (kind:"json" or kind:"csv") and key:"ingest/*"'), []);
    assert.deepEqual(select('not kind:"csv" and key:"ingest/*"'), []);
    assert.deepEqual(select("not key:transform/cleaned+"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "misc/lonely",
      "transform/fx_rates",
    ]);
  });
  it("not ranges over materializable assets", () => {
    assert.ok(!select("not key:misc/lonely").includes("ext/fx"));
  });
  it("operators are and/AND, or/OR, not/NOT; other spellings are refused", () => {
    assert.deepEqual(select("group:ingest AND NOT kind:duckdb"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
    ]);
    assert.deepEqual(select("group:reports OR group:ingest"), select("group:reports or group:ingest"));
    expectError("group:ingest And kind:csv", 14, /Write `and` or `AND`/);
  });
  it("roots(): no upstream asset of the selection at any distance, even through assets outside it", () => {
    assert.deepEqual(select("roots(+key:reports/weekly)"), ["ingest/raw_orders"]);
    assert.deepEqual(select("roots(group:transform)"), ["transform/cleaned", "transform/fx_rates"]);
    // raw_orders -> cleaned -> daily: daily has raw_orders upstream, through cleaned.
    assert.deepEqual(select("roots(key:ingest/raw_orders or key:transform/daily)"), ["ingest/raw_orders"]);
    assert.deepEqual(select("roots(*)"), [
      "ingest/raw_orders",
      "ingest/raw_customers",
      "misc/lonely",
      "transform/fx_rates",
    ]);
  });
  it("sinks(): no downstream asset of the selection at any distance", () => {
    assert.deepEqual(select("sinks(key:ingest/raw_orders+)"), ["transform/by_customer", "reports/weekly"]);
    assert.deepEqual(select("sinks(*)"), [
      "transform/by_customer",
      "reports/weekly",
      "misc/lonely",
      "transform/fx_rates",
    ]);
    assert.deepEqual(select("sinks(key:ingest/raw_orders or key:transform/daily)"), ["transform/daily"]);
    // Dagster's docs: sinks(group:"x"+) are the sinks fed by the group.
    assert.deepEqual(select('sinks(group:"ingest"+)'), ["transform/by_customer", "reports/weekly"]);
    assert.deepEqual(select('roots(+group:"reports")'), ["ingest/raw_orders"]);
  });
  it("parses to a tree with 1-based spans", () => {
    const expr = parseSelection("+key:a/b and not group:x");
    assert.equal(expr.type, "and");
    if (expr.type !== "and") return;
    assert.deepEqual(expr.left, {
      type: "traverse",
      up: Infinity,
      down: undefined,
      span: { start: 1, end: 9 },
      operand: { type: "attr", attr: "key", value: "a/b", quoted: false, span: { start: 2, end: 9 } },
    });
    assert.equal(expr.right.type, "not");
    assert.deepEqual(expr.right.span, { start: 14, end: 25 });
    assert.deepEqual(parseSelection('tag:"a" = b'), {
      type: "attr",
      attr: "tag",
      value: "a",
      tagValue: "b",
      quoted: true,
      span: { start: 1, end: 12 },
    });
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
    const keyed = expectError(
      'group:ingest or key:"transform/dialy"+',
      17,
      /Did you mean "transform\/daily"/,
    );
    assert.equal(keyed.endColumn, 38);
  });
  it("a key without its prefix suggests the prefixed one", () => {
    const error = expectError("raw_orders", 1, /Did you mean "ingest\/raw_orders"/);
    assert.equal(error.suggestion, "ingest/raw_orders");
  });
  it("a far-off key gives no suggestion", () => {
    const error = expectError("zzzzzzzzzzzz", 1, /No asset has the key/);
    assert.equal(error.suggestion, undefined);
  });
  it("unknown attribute", () => expectError("group:a or colour:red", 12, /Unknown attribute `colour:`/));
  it("attribute without a value", () => {
    expectError("group:", 7, /`group:` needs a value/);
    expectError("tag:layer=", 11, /`tag:` needs a tag value after `=`/);
  });
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
  it("Dagster's invalid selections are refused", () => {
    expectError("+", 2, /ends too early/);
    expectError("*+", 3, /ends too early/);
    expectError("**key:a", 2, /traverse from an asset/);
    expectError("++key:a", 1, /Write 2\+ for 2 layers upstream/);
    expectError("key:a++", 6, /Write \+2 for two layers downstream/);
    expectError("*key:a", 1, /`\*` as a traversal works only before a bare key/);
    expectError("+*", 2, /`\*` alone \(all assets\) cannot be traversed/);
    expectError("not", 4, /ends too early/);
    expectError("key:a and and", 11, /`and` needs an expression on both sides/);
  });
  it("trySelect reports instead of throwing", () => {
    const result = trySelect("transform/daly", graph);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.column, 1);
    assert.deepEqual(trySelect("misc/lonely", graph), { ok: true, keys: ["misc/lonely"] });
  });
});

describe("selection: Dagster's own test graph a -> b -> c", () => {
  // python_modules/dagster/.../test_antlr_asset_selection.py: a (tag foo=bar, owner team:billing),
  // b (kinds python, snowflake), c (group my_group).
  const abc: SelectableAsset[] = [
    { key: "a", deps: [], tags: { foo: "bar" }, owners: ["team:billing"] },
    { key: "b", deps: ["a"], kinds: ["python", "snowflake"] },
    { key: "c", deps: ["b"], group: "my_group" },
  ];
  const cases: [string, string[]][] = [
    ["key:a", ["a"]],
    ["not key:a", ["b", "c"]],
    ["key:a and key:b", []],
    ["key:a or key:b", ["a", "b"]],
    ["1+key:b", ["a", "b"]],
    ["2+key:c", ["a", "b", "c"]],
    ["key:a+1", ["a", "b"]],
    ["key:a+2", ["a", "b", "c"]],
    ["1+key:b+1", ["a", "b", "c"]],
    ["+key:c", ["a", "b", "c"]],
    ["key:a+", ["a", "b", "c"]],
    ["key:a+ and +key:b", ["a", "b"]],
    ["+key:a and key:b+ and +key:c+", []],
    ["sinks(key:a)", ["a"]],
    ["roots(key:c)", ["c"]],
    ["tag:foo", []],
    ["tag:foo=bar", ["a"]],
    ['owner:"team:billing"', ["a"]],
    ["group:my_group", ["c"]],
    ["kind:python", ["b"]],
    ["kind:snowflake", ["b"]],
  ];
  for (const [text, expected] of cases)
    it(text, () => assert.deepEqual(resolveSelection(text, abc), expected));
});

describe("selection: <null>, empty quoted values and group patterns (Dagster's semantics)", () => {
  // Dagster's UI tests (AntlrAssetSelection.test.ts): A has tags and an owner, B an empty-valued
  // tag and two kinds, B2 nothing at all, C only a group. A -> B, A -> B2, B -> C, B2 -> C.
  const ui: SelectableAsset[] = [
    { key: "A", deps: [], group: "default", tags: { foo: "bar" }, owners: ["owner@owner.com"] },
    { key: "B", deps: ["A"], group: "default", tags: { foo: "" }, kinds: ["python", "snowflake"] },
    { key: "B2", deps: ["A"], tags: {}, owners: [], kinds: [] },
    { key: "C", deps: ["B", "B2"], group: "my_group" },
  ];
  const pick = (text: string): string[] => resolveSelection(text, ui);

  it("kind:<null> selects the assets without a kind", () => {
    assert.deepEqual(pick("kind:<null>"), ["A", "B2", "C"]);
    assert.deepEqual(pick("not kind:<null>"), ["B"]);
  });
  it("group:<null>, owner:<null> and tag:<null>: the assets without a group, an owner, any tag", () => {
    assert.deepEqual(pick("group:<null>"), ["B2"]);
    assert.deepEqual(pick("owner:<null>"), ["B", "B2", "C"]);
    assert.deepEqual(pick("tag:<null>"), ["B2", "C"]);
  });
  it("<null> combines, traverses and takes spaces like any value", () => {
    assert.deepEqual(pick("kind:<null> and owner:<null>"), ["B2", "C"]);
    assert.deepEqual(pick("group:<null>+"), ["B2", "C"]);
    assert.deepEqual(pick("kind: <null>"), ["A", "B2", "C"]);
    assert.deepEqual(pick("sinks(kind:<null>)"), ["C"]);
  });
  it("<null> after a tag's = means no value: tag:foo=<null> is tag:foo", () => {
    assert.deepEqual(pick("tag:foo"), ["B"]);
    assert.deepEqual(pick("tag:foo=<null>"), ["B"]);
    assert.deepEqual(pick("tag:foo=bar"), ["A"]);
  });
  it('a quoted "<null>" is the literal text', () => {
    const literal: SelectableAsset[] = [
      { key: "x", deps: [], kinds: ["<null>"] },
      { key: "y", deps: [] },
    ];
    assert.deepEqual(resolveSelection('kind:"<null>"', literal), ["x"]);
    assert.deepEqual(resolveSelection("kind:<null>", literal), ["y"]);
  });
  it("<null> leaves out external assets where the attribute does, owner: keeps them", () => {
    assert.deepEqual(select("owner:<null>"), [
      "transform/by_customer",
      "reports/weekly",
      "misc/lonely",
      "transform/fx_rates",
    ]);
    assert.deepEqual(select("group:<null>"), ["misc/lonely"]);
    assert.deepEqual(select("kind:<null> and key:ext/fx"), []);
  });
  it("key:<null> and tag:<null>=value are refused with what to write instead", () => {
    expectError("key:<null>", 5, /`key:` takes no `<null>`: every asset has a key/);
    expectError("tag:<null>=x", 5, /`tag:<null>` selects the assets without tags; it takes no `=` value/);
  });

  // Dagster's AssetSelection tests: kinds {"my_kind"}, {""} and none; the selection strings
  // its AssetSelection objects print (tag:"", tag:"fake", kind:"", owner:"", group:"").
  const empties: SelectableAsset[] = [
    { key: "asset1", deps: [], group: "g", kinds: ["my_kind"], tags: { fake: "", other: "v" } },
    { key: "asset2", deps: [], group: "", kinds: [""], tags: { "": "" }, owners: [""] },
    { key: "asset3", deps: [], owners: ["team:x"] },
  ];
  const empty = (text: string): string[] => resolveSelection(text, empties);

  it('kind:"" is the empty kind, not an error and not kind:<null>', () => {
    assert.deepEqual(empty("kind:my_kind"), ["asset1"]);
    assert.deepEqual(empty('kind:""'), ["asset2"]);
    assert.deepEqual(empty("kind:<null>"), ["asset3"]);
  });
  it('tag:"" is the tag named "" with an empty value; tag:"fake"="" is tag:"fake"', () => {
    assert.deepEqual(empty('tag:""'), ["asset2"]);
    assert.deepEqual(empty('tag:"fake"=""'), ["asset1"]);
    assert.deepEqual(empty('tag:"fake"=""'), empty('tag:"fake"'));
    assert.deepEqual(empty('tag:other=""'), [], "other has a value");
    assert.deepEqual(parseSelection('tag:"fake"=""'), {
      type: "attr",
      attr: "tag",
      value: "fake",
      tagValue: "",
      quoted: true,
      span: { start: 1, end: 14 },
    });
  });
  it('owner:"" and group:"" match the empty string', () => {
    assert.deepEqual(empty('owner:""'), ["asset2"]);
    assert.deepEqual(empty('group:""'), ["asset2"]);
    assert.deepEqual(empty("group:<null>"), ["asset3"]);
  });
  it("an empty unquoted value and an empty key are still refused", () => {
    expectError("(kind:) or *", 7, /`kind:` needs a value/);
    expectError('key:""', 5, /`key:` needs a value/);
  });

  it('group:"*" is a pattern over group names, as key:"*" is over keys', () => {
    assert.deepEqual(pick('group:"*"'), ["A", "B", "C"], "B2 has no group");
    assert.deepEqual(pick('group:"my_*"'), ["C"]);
    assert.deepEqual(pick('group:"*_group"'), ["C"]);
    assert.deepEqual(pick('group:"*fault"'), ["A", "B"]);
    assert.deepEqual(pick('group:"my*"'), ["C"]);
    assert.deepEqual(pick('group:"x*"'), [], "a pattern that matches nothing is an empty selection");
    assert.deepEqual(select('group:"trans*"'), [
      "transform/cleaned",
      "transform/daily",
      "transform/by_customer",
      "transform/fx_rates",
    ]);
    assert.deepEqual(select('group:"*"'), select("not group:<null>"));
  });
  it("an unquoted * in group: is refused with the quoted form (Dagster's grammar reads it only quoted)", () => {
    expectError("group:trans*", 7, /Quote a group pattern: group:"trans\*"/);
  });
  it("tag:, owner: and kind: take no wildcards: a quoted * is literal, an unquoted one refused", () => {
    const starred: SelectableAsset[] = [
      { key: "s", deps: [], kinds: ["a*"], owners: ["o*"], tags: { "t*": "" } },
      { key: "t", deps: [], kinds: ["ab"], owners: ["ob"], tags: { tb: "" } },
    ];
    assert.deepEqual(resolveSelection('kind:"a*"', starred), ["s"]);
    assert.deepEqual(resolveSelection('owner:"o*"', starred), ["s"]);
    assert.deepEqual(resolveSelection('tag:"t*"', starred), ["s"]);
    expectError("kind:csv*", 6, /Only key: and group: take `\*` wildcards; kind: matches the exact value/);
    expectError("tag:layer=b*", 11, /Only key: and group: take `\*` wildcards; tag: matches the exact value/);
  });
});

describe("selection: roots and sinks on a long chain", () => {
  it("resolve in one pass over the graph (5000 assets)", () => {
    const chain: SelectableAsset[] = Array.from({ length: 5000 }, (_, i) => ({
      key: `c/${i}`,
      deps: i === 0 ? [] : [`c/${i - 1}`],
    }));
    const started = Date.now();
    assert.deepEqual(resolveSelection("roots(*)", chain), ["c/0"]);
    assert.deepEqual(resolveSelection("sinks(*)", chain), ["c/4999"]);
    assert.deepEqual(resolveSelection("roots(key:c/10 or key:c/4000)", chain), ["c/10"]);
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });
});
