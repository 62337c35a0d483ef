import assert from "node:assert/strict";
import { asset, check, externalAsset, InvalidKeyError, isValidKey, validateKey } from "../../../sdk/src";

describe("asset keys", () => {
  it("accepts segments of letters, digits, _ . - joined by /", () => {
    for (const key of ["a", "ingest/raw_orders", "a.b-c_d/E9", "x/y/z"]) assert.equal(validateKey(key), key);
  });

  const bad: [unknown, RegExp][] = [
    ["", /must not be empty/],
    ["/a", /empty segment \(leading "\/"\)/],
    ["a/", /empty segment \(trailing "\/"\)/],
    ["a//b", /empty segment \(double "\/"\)/],
    ["a b", /contains " "/],
    ["ingest/raw orders", /contains " "; key segments may only use letters, digits/],
    ["a/../b", /"\.\." segment/],
    ["naïve", /contains "ï"/],
    [42, /must be a string/],
  ];
  for (const [key, message] of bad) {
    it(`rejects ${JSON.stringify(key)} with a clear message`, () => {
      assert.equal(isValidKey(key), false);
      assert.throws(
        () => validateKey(key),
        (e: unknown) => e instanceof InvalidKeyError && message.test(e.message),
      );
    });
  }

  it("asset(), externalAsset() and string deps validate keys", () => {
    assert.throws(() => asset("bad key", {}, () => 1), /contains " "/);
    assert.throws(() => externalAsset("x//y"), /empty segment/);
    assert.throws(
      () => asset("ok/key", { deps: ["not ok"] }, () => 1),
      /asset\("ok\/key"\) deps: Asset key "not ok" contains " "/,
    );
  });

  it("brands objects with Symbol.for so any copy of the library recognises them", () => {
    const a = asset("a/b", { group: "g", tags: { layer: "bronze" } }, () => 1);
    assert.equal(typeof (a as unknown as Record<symbol, unknown>)[Symbol.for("assetline.asset")], "number");
    const c = check(a, "positive", { blocking: true }, (_ctx, v) => v > 0);
    assert.equal(typeof (c as unknown as Record<symbol, unknown>)[Symbol.for("assetline.check")], "number");
    assert.equal(c.blocking, true);
    assert.equal(c.severity, "error");
    assert.deepEqual(
      a.checks.map((x) => x.name),
      ["positive"],
    );
  });

  it("captures the declaring source location", () => {
    const line = Number(new Error().stack!.split("\n")[1]!.match(/:(\d+):\d+\)?$/)![1]) + 1;
    const a = asset("loc/here", {}, () => 1);
    assert.ok(a.location, "location captured");
    assert.match(a.location.file, /keys\.test\.ts$/);
    assert.equal(a.location.line, line);
  });

  it("rejects non-asset inputs and duplicate check names", () => {
    assert.throws(() => asset("a/c", { ins: { x: "a/b" as never } }, () => 1), /input "x" is not an asset/);
    const a = asset("a/d", {}, () => 1);
    check(a, "c1", () => true);
    assert.throws(() => check(a, "c1", () => true), /already has a check named "c1"/);
  });
});

describe("runtime graph: generated assets", () => {
  it("marks assets declared in .map as generated, even a single one", async () => {
    const { collectDefinitions, runtimeGraph } = await import("../../../sdk/src");
    const one = ["x"].map((n) => asset(`gen/${n}`, {}, () => n));
    const many = ["a", "b"].map((n) => asset(`gen2/${n}`, {}, () => n));
    const plain = asset("gen/plain", {}, () => 1);
    const graph = runtimeGraph(collectDefinitions([one, many, plain]), "/");
    assert.deepEqual(
      graph.assets.map((a) => [a.key, a.generated]),
      [
        ["gen/x", true],
        ["gen2/a", true],
        ["gen2/b", true],
        ["gen/plain", false],
      ],
    );
  });
});
