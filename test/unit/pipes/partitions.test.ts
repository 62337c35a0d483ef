/** Which partitions a Dagster step asks for: key, key range, the bridge's range extra, a time window alone. */
import assert from "node:assert/strict";
import { dailyPartitions, weeklyPartitions, type PartitionsDefinition } from "@assetline/core";
import { stepPartitionRange } from "../../../sdk/src/pipes/partitions";
import type { PipesContextData } from "../../../sdk/src/pipes/protocol";

const NOW = Date.parse("2024-06-01T00:00:00Z");
const days = dailyPartitions({ start: "2024-01-01", end: "2024-02-01" });
const weeks = weeklyPartitions({ start: "2024-01-01", end: "2024-02-01" });
const berlin = dailyPartitions({ start: "2024-03-25", end: "2024-04-05", timezone: "Europe/Berlin" });

function data(fields: Partial<PipesContextData>): PipesContextData {
  return {
    asset_keys: ["a"],
    code_version_by_asset_key: null,
    provenance_by_asset_key: null,
    partition_key: null,
    partition_key_range: null,
    partition_time_window: null,
    run_id: "r",
    job_name: null,
    retry_number: 0,
    extras: {},
    ...fields,
  };
}

function assets(entries: Record<string, PartitionsDefinition>): Map<string, PartitionsDefinition> {
  return new Map(Object.entries(entries));
}

describe("pipes: the step's partitions", () => {
  it("is null for a step that is not partitioned", () => {
    assert.equal(stepPartitionRange(data({}), assets({ a: days }), NOW), null);
  });

  it("reads one key, and a key range from the context or from the bridge's extra", () => {
    const one = data({
      partition_key: "2024-01-03",
      partition_key_range: { start: "2024-01-03", end: "2024-01-03" },
    });
    assert.deepEqual(stepPartitionRange(one, assets({ a: days }), NOW), {
      start: "2024-01-03",
      end: "2024-01-03",
    });
    const range = data({ partition_key_range: { start: "2024-01-02", end: "2024-01-09" } });
    assert.deepEqual(stepPartitionRange(range, assets({ a: days }), NOW), {
      start: "2024-01-02",
      end: "2024-01-09",
    });
    const extra = data({
      extras: { "assetline/partition_key_range": { start: "2024-01-04", end: "2024-01-05" } },
    });
    assert.deepEqual(stepPartitionRange(extra, assets({ a: days }), NOW), {
      start: "2024-01-04",
      end: "2024-01-05",
    });
  });

  it("maps a time window alone to the keys whose windows lie inside it", () => {
    const window = data({
      partition_time_window: { start: "2024-01-03T00:00:00+00:00", end: "2024-01-06T12:00:00+00:00" },
    });
    assert.deepEqual(stepPartitionRange(window, assets({ a: days, b: days }), NOW), {
      start: "2024-01-03",
      end: "2024-01-05",
    });
    // Days of a time zone, across its daylight-saving change (2024-03-31 is 23 hours long).
    const spring = data({
      partition_time_window: { start: "2024-03-30T00:00:00+01:00", end: "2024-04-01T00:00:00+02:00" },
    });
    assert.deepEqual(stepPartitionRange(spring, assets({ a: berlin }), NOW), {
      start: "2024-03-30",
      end: "2024-03-31",
    });
  });

  it("says why a time window names no partitions", () => {
    const narrow = data({
      partition_time_window: { start: "2024-01-03T01:00:00+00:00", end: "2024-01-03T05:00:00+00:00" },
    });
    assert.throws(
      () => stepPartitionRange(narrow, assets({ a: days }), NOW),
      /no daily partition of "a" lies inside/,
    );
    const week = data({
      partition_time_window: { start: "2024-01-07T00:00:00+00:00", end: "2024-01-14T00:00:00+00:00" },
    });
    assert.throws(
      () => stepPartitionRange(week, assets({ a: days, b: weeks }), NOW),
      /different partitions for "a" and "b": materialize them in separate steps/,
    );
    assert.throws(
      () => stepPartitionRange(week, assets({}), NOW),
      /none of the step's assets is partitioned/,
    );
    const backwards = data({
      partition_time_window: { start: "2024-01-07T00:00:00Z", end: "2024-01-01T00:00:00Z" },
    });
    assert.throws(
      () => stepPartitionRange(backwards, assets({ a: days }), NOW),
      /not a window of two ISO instants/,
    );
  });
});
