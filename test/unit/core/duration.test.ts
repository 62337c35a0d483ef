import assert from "node:assert/strict";
import { runDuration } from "@assetline/core";

describe("runDuration: how long a run took, one way everywhere", function () {
  it("says milliseconds under a second, tenths under a minute, then minutes and hours", function () {
    assert.deepEqual(
      [
        0,
        45.4,
        999.4,
        1000,
        940 * 1.0,
        912,
        12_345,
        59_949,
        59_950,
        125_000,
        3_599_400,
        3_840_000,
        86_400_000,
      ].map(runDuration),
      [
        "0 ms",
        "45 ms",
        "999 ms",
        "1.0 s",
        "940 ms",
        "912 ms",
        "12.3 s",
        "59.9 s",
        "1 min 0 s",
        "2 min 5 s",
        "59 min 59 s",
        "1 h 4 min",
        "24 h 0 min",
      ],
    );
  });

  it("does not print NaN for a missing or negative duration", function () {
    assert.equal(runDuration(Number.NaN), "? s");
    assert.equal(runDuration(-5), "? s");
  });
});
