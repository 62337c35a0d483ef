/**
 * Partitions in words (`describePartitions`, `describePartitionMapping`: the hover, the CLI and the
 * Dagster bridge share them), and where each problem of a definition is (`PartitionsProblem.path`,
 * where the editor puts its `invalid-partitions` diagnostic).
 */
import assert from "node:assert/strict";
import {
  PartitionsDefinitionError,
  allPartitionsMapping,
  dailyPartitions,
  describePartitionMapping,
  describePartitions,
  dimensionMapping,
  hourlyPartitions,
  identityMapping,
  lastPartitionMapping,
  monthlyPartitions,
  multiPartitions,
  partitionsProblemDetails,
  partitionsProblems,
  staticMapping,
  staticPartitions,
  timeWindowMapping,
  weeklyPartitions,
  type PartitionsProblem,
} from "@assetline/core";

function detailsOf(make: () => unknown): PartitionsProblem[] {
  try {
    make();
  } catch (error) {
    assert.ok(error instanceof PartitionsDefinitionError, String(error));
    assert.deepEqual(
      error.details.map((d) => d.message),
      error.problems,
    );
    return error.details;
  }
  assert.fail("the constructor accepted it");
}

describe("partitions in words", function () {
  it("time windows: unit, start, end, time zone, offsets and formats", function () {
    assert.equal(describePartitions(dailyPartitions({ start: "2024-01-01" })), "daily from 2024-01-01 (UTC)");
    assert.equal(
      describePartitions(
        dailyPartitions({ start: "2024-01-01", end: "2025-01-01", timezone: "Europe/Berlin" }),
      ),
      "daily from 2024-01-01 until 2025-01-01 (Europe/Berlin)",
    );
    assert.equal(
      describePartitions(dailyPartitions({ start: "2024-01-01", hourOffset: 6, minuteOffset: 30 })),
      "daily from 2024-01-01 (UTC, starting at 06:30)",
    );
    assert.equal(
      describePartitions(hourlyPartitions({ start: "2024-01-01-00:00", minuteOffset: 15 })),
      "hourly from 2024-01-01-00:00 (UTC, at minute 15)",
    );
    assert.equal(
      describePartitions(weeklyPartitions({ start: "2024-01-01", dayOffset: 1 })),
      "weekly from 2024-01-01 (UTC, weeks start on Monday)",
    );
    assert.equal(
      describePartitions(monthlyPartitions({ start: "2024-01-15", dayOffset: 15, endOffset: 1 })),
      "monthly from 2024-01-15 (UTC, months start on day 15, 1 window beyond the last complete one)",
    );
    assert.equal(
      describePartitions(dailyPartitions({ start: "2024/01/01", format: "%Y/%m/%d" })),
      "daily from 2024/01/01 (UTC, keys like 2024/01/31)",
    );
  });

  it("static keys (the first five), and both dimensions of multi partitions", function () {
    assert.equal(describePartitions(staticPartitions(["eu"])), "static, 1 key: eu");
    assert.equal(
      describePartitions(staticPartitions(["a", "b", "c", "d", "e", "f", "g"])),
      "static, 7 keys: a, b, c, d, e and 2 more",
    );
    assert.equal(
      describePartitions(
        multiPartitions({
          region: staticPartitions(["eu", "us"]),
          date: dailyPartitions({ start: "2024-01-01" }),
        }),
      ),
      "multi: date = daily from 2024-01-01 (UTC) × region = static, 2 keys: eu, us",
    );
  });

  it("mappings", function () {
    assert.equal(describePartitionMapping(identityMapping()), "the same partition");
    assert.equal(describePartitionMapping(timeWindowMapping()), "the overlapping time windows");
    assert.equal(
      describePartitionMapping(timeWindowMapping({ startOffset: -6 })),
      "the time windows from 6 before to this window",
    );
    assert.equal(
      describePartitionMapping(timeWindowMapping({ startOffset: -1, endOffset: -1 })),
      "the previous time window",
    );
    assert.equal(
      describePartitionMapping(timeWindowMapping({ startOffset: 2, endOffset: 2 })),
      "the time window 2 after",
    );
    assert.equal(describePartitionMapping(allPartitionsMapping()), "all partitions");
    assert.equal(describePartitionMapping(lastPartitionMapping()), "the last partition");
    assert.equal(
      describePartitionMapping(staticMapping({ eu: ["emea", "all"], us: "amer" })),
      "static: eu → emea, all; us → amer",
    );
    assert.equal(describePartitionMapping(dimensionMapping("date")), 'the "date" dimension');
  });
});

describe("where a partitions problem is", function () {
  it("each problem names the option it is about, in the order of partitionsProblems", function () {
    assert.deepEqual(
      detailsOf(() => dailyPartitions({ start: "2024-13-01", timezone: "Mars/Base", hourOffset: 24 })).map(
        (d) => d.path,
      ),
      [["timezone"], ["start"], ["hourOffset"]],
    );
    assert.deepEqual(
      detailsOf(() => dailyPartitions({ start: "2024-03-10", end: "2024-03-01" })).map((d) => d.path),
      [["end"]],
    );
    assert.deepEqual(
      detailsOf(() => staticPartitions(["a", "b", "a", " "])).map((d) => d.path),
      [
        ["keys", 2],
        ["keys", 3],
      ],
    );
    assert.deepEqual(
      detailsOf(() =>
        multiPartitions({
          date: dailyPartitions({ start: "2024-01-01" }),
          region: staticPartitions(["x", "y|z"]),
        }),
      ).map((d) => d.path),
      [["region", "keys", 1]],
    );
  });

  it("a time definition without a start is a sentence, not a TypeError", function () {
    const [missing] = detailsOf(() => dailyPartitions({} as never));
    assert.deepEqual(missing, {
      message: 'dailyPartitions needs a start date, e.g. { start: "2024-01-31" }.',
      path: ["start"],
    });
  });

  it("partitionsProblems is the details' messages", function () {
    const definition = { type: "static" as const, keys: ["a", "a"] };
    assert.deepEqual(
      partitionsProblems(definition),
      partitionsProblemDetails(definition).map((d) => d.message),
    );
  });
});
