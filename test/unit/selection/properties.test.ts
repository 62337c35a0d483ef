import assert from "node:assert/strict";
import fc from "fast-check";
import {
  parseSelection,
  resolveSelection,
  SelectionError,
  type SelectableAsset,
} from "../../../core/src/selection";

const graph: SelectableAsset[] = [
  { key: "a/one", deps: [], group: "g1", tags: { layer: "bronze" }, owners: ["team:x"], kinds: ["csv"] },
  { key: "a/two", deps: ["a/one"], group: "g1", tags: { layer: "silver" } },
  { key: "b/three", deps: ["a/two", "a/one"], group: "g2", kinds: ["duckdb"] },
  { key: "b/four", deps: ["b/three"], owners: ["team:y"] },
  { key: "c/five", deps: [] },
];
const keys = graph.map((a) => a.key);

// Building blocks of valid selections, and of plausible mistakes.
const atom = fc.oneof(
  fc.constantFrom(
    ...keys,
    "*",
    "key:a/*",
    'key:"b/three"',
    "group:g1",
    "tag:layer=bronze",
    "tag:layer",
    'owner:"team:x"',
    "kind:duckdb",
    "kind:<null>",
    "owner:<null>",
    "tag:<null>",
    'group:"g*"',
    'kind:""',
  ),
);
const expr: fc.Arbitrary<string> = fc.letrec((tieAny) => {
  const tie = (name: string) => tieAny(name) as fc.Arbitrary<string>;
  return {
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      atom,
      fc
        .tuple(tie("e"), fc.constantFrom(" and ", " or ", " AND "), tie("e"))
        .map(([l, op, r]) => `${l}${op}${r}`),
      tie("e").map((e) => `not ${e}`),
      tie("e").map((e) => `(${e})`),
      tie("e").map((e) => `+(${e})`),
      tie("e").map((e) => `(${e})+`),
      fc.tuple(fc.integer({ min: 1, max: 3 }), tie("e")).map(([n, e]) => `${n}+(${e})`),
      tie("e").map((e) => `roots(${e})`),
      tie("e").map((e) => `sinks(${e})`),
    ),
  };
}).e;

describe("selection: properties", () => {
  it("any text either parses or fails with a SelectionError whose column lies within the text", () => {
    const alphabet = fc.constantFrom(...'ab/*+() :"=-_ andornotkeygroupagsinkrots12<null>'.split(""));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join("")),
        (text) => {
          try {
            resolveSelection(text, graph);
          } catch (error) {
            assert.ok(
              error instanceof SelectionError,
              `non-SelectionError for ${JSON.stringify(text)}: ${String(error)}`,
            );
            assert.ok(
              error.column >= 1 && error.column <= text.length + 1,
              `column ${error.column} for ${JSON.stringify(text)}`,
            );
            assert.ok(error.endColumn >= error.column);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("well-formed selections resolve to keys of the graph, in graph order, and obey the set laws", () => {
    fc.assert(
      fc.property(expr, expr, (x, y) => {
        const sx = resolveSelection(x, graph);
        assert.deepEqual(
          sx,
          keys.filter((k) => sx.includes(k)),
          "graph order, no repeats",
        );
        const sy = new Set(resolveSelection(y, graph));
        const and = new Set(resolveSelection(`(${x}) and (${y})`, graph));
        const or = new Set(resolveSelection(`(${x}) or (${y})`, graph));
        const not = new Set(resolveSelection(`not (${x})`, graph));
        for (const k of keys) {
          assert.equal(and.has(k), sx.includes(k) && sy.has(k));
          assert.equal(or.has(k), sx.includes(k) || sy.has(k));
          assert.equal(not.has(k), !sx.includes(k));
        }
        // Traversal only ever adds, and roots/sinks only ever remove.
        for (const k of sx) {
          assert.ok(resolveSelection(`+(${x})+`, graph).includes(k));
        }
        for (const k of resolveSelection(`roots(${x})`, graph)) assert.ok(sx.includes(k));
        // The parse tree's span covers the whole text.
        const parsed = parseSelection(x);
        assert.equal(parsed.span.start, 1);
        assert.equal(parsed.span.end, x.length + 1);
      }),
      { numRuns: 300 },
    );
  });
});
