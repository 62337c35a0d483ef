import assert from "node:assert/strict";
import fc from "fast-check";
import { keyProblem } from "../../../analysis/src/index";

/** What makes a key invalid, segment by segment (the rules keyProblem explains). */
function invalid(key: string): boolean {
  if (key.length === 0) return true;
  return key
    .split("/")
    .some(
      (segment) =>
        segment.length === 0 || segment === "." || segment === ".." || !/^[A-Za-z0-9_.-]+$/.test(segment),
    );
}

describe("keyProblem", function () {
  it("accepts exactly the keys whose every segment is valid (random keys over the interesting characters)", function () {
    const character = fc.constantFrom("a", "Z", "0", "_", "-", ".", "/", " ", "é", ":");
    fc.assert(
      fc.property(fc.array(character, { maxLength: 12 }), (characters) => {
        const key = characters.join("");
        assert.equal(keyProblem(key) !== undefined, invalid(key), JSON.stringify(key));
      }),
      { numRuns: 5000 },
    );
  });

  it("explains what is wrong", function () {
    assert.match(keyProblem("a/../b")!, /"\.\." segment/);
    assert.match(keyProblem("a//b")!, /double "\/"/);
    assert.match(keyProblem("a b")!, /contains " "/);
    assert.equal(keyProblem("ingest/raw_orders.v2"), undefined);
  });
});
