import assert from "node:assert/strict";
import fc from "fast-check";
import { resolveSelection } from "../../../core/src/selection";
import { focusSet, hiddenNeighbours, lineageOf, walk } from "../../../webview/src/focus";
import { indexGraph } from "../../../webview/src/graph-index";
import { asset, graphOf, randomGraph } from "./fixtures";

// a -> b -> c -> d -> e, plus x -> c and a -> y (a sibling branch of b)
const chain = indexGraph(
  graphOf([
    asset("a"),
    asset("b", ["a"]),
    asset("x"),
    asset("c", ["b", "x"]),
    asset("d", ["c"]),
    asset("e", ["d"]),
    asset("y", ["a"]),
  ]),
);

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe("webview focus view", () => {
  it("counts hops separately upstream and downstream", () => {
    assert.deepEqual(sorted(focusSet(chain, "c", 1)), ["b", "c", "d", "x"]);
    assert.deepEqual(sorted(focusSet(chain, "c", 2)), ["a", "b", "c", "d", "e", "x"]);
    assert.deepEqual([...walk(chain, "c", "up", 2)].sort(), [
      ["a", 2],
      ["b", 1],
      ["c", 0],
      ["x", 1],
    ]);
  });

  it("does not walk sideways: a sibling of an upstream is not part of the focus", () => {
    assert.ok(!focusSet(chain, "c", 9).has("y"), "y hangs off a, upstream of c, but is not on c's lineage");
    assert.ok(!lineageOf(chain, "c").has("y"));
  });

  it("is the same set as the selection N+key+N, on random graphs with cycles", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        (n, seed, back, hops) => {
          const graph = randomGraph(n, seed, back);
          const index = indexGraph(graph);
          const focus = graph.assets[Math.floor(n / 2)]!.key;
          const expected = resolveSelection(`${hops}+key:"${focus}"+${hops}`, graph);
          assert.deepEqual(sorted(focusSet(index, focus, hops)), sorted(expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("expands a boundary node in place by its direct neighbours in one direction", () => {
    const one = focusSet(chain, "d", 1);
    assert.deepEqual(sorted(one), ["c", "d", "e"]);
    assert.deepEqual(hiddenNeighbours(chain, "c", one), { up: 2, down: 0 });
    assert.deepEqual(sorted(focusSet(chain, "d", 1, [{ key: "c", direction: "up" }])), [
      "b",
      "c",
      "d",
      "e",
      "x",
    ]);
    // An expansion of a node that is not shown does nothing.
    assert.deepEqual(sorted(focusSet(chain, "d", 1, [{ key: "a", direction: "down" }])), ["c", "d", "e"]);
  });

  it("shows nothing for a key that is not in the graph", () => {
    assert.equal(focusSet(chain, "nope", 2).size, 0);
    assert.equal(lineageOf(chain, "nope").size, 0);
  });
});
