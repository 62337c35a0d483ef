/**
 * Partitions definitions and mappings in words, for people: the editor's hover, the command
 * line and the Dagster bridge's descriptions all say the same thing.
 */
import {
  DEFAULT_FORMAT,
  formatWall,
  isTimeWindow,
  type DimensionPartitions,
  type PartitionsDefinition,
  type TimeWindowPartitions,
} from "./definitions";
import type { PartitionMapping } from "./mapping";

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
/** Static keys named before "and N more". */
const SHOWN_KEYS = 5;

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function describeTime(d: TimeWindowPartitions): string {
  const parts = [d.type === "cron" ? `every tick of ${d.cron} from ${d.start}` : `${d.type} from ${d.start}`];
  if (d.end !== undefined) parts[0] += ` until ${d.end}`;
  const details: string[] = [d.timezone];
  if (d.minuteOffset !== 0 || d.hourOffset !== 0) {
    const clock = `${String(d.hourOffset).padStart(2, "0")}:${String(d.minuteOffset).padStart(2, "0")}`;
    details.push(d.type === "hourly" ? `at minute ${d.minuteOffset}` : `starting at ${clock}`);
  }
  if (d.type === "weekly" && d.dayOffset !== 0)
    details.push(`weeks start on ${WEEKDAYS[d.dayOffset] ?? d.dayOffset}`);
  if (d.type === "monthly" && d.dayOffset !== 1) details.push(`months start on day ${d.dayOffset}`);
  if (d.endOffset !== 0) {
    details.push(
      d.endOffset > 0
        ? `${plural(d.endOffset, "window")} beyond the last complete one`
        : `ending ${plural(-d.endOffset, "window")} before the last complete one`,
    );
  }
  if (d.format !== DEFAULT_FORMAT[d.type]) {
    details.push(`keys like ${formatWall(d.format, { year: 2024, month: 1, day: 31, hour: 6, minute: 0 })}`);
  }
  return `${parts.join(" ")} (${details.join(", ")})`;
}

function describeStatic(keys: readonly string[]): string {
  const shown = keys.slice(0, SHOWN_KEYS).join(", ");
  const more = keys.length > SHOWN_KEYS ? ` and ${keys.length - SHOWN_KEYS} more` : "";
  return `static, ${plural(keys.length, "key")}: ${shown}${more}`;
}

function describeDimension(d: DimensionPartitions): string {
  return isTimeWindow(d) ? describeTime(d) : describeStatic(d.keys);
}

/**
 * A definition in words: "daily from 2024-01-01 (UTC)", "static, 3 keys: eu, us, apac",
 * "multi: date = daily from 2024-01-01 (UTC) × region = static, 2 keys: eu, us".
 */
export function describePartitions(definition: PartitionsDefinition): string {
  if (definition.type === "static") return describeStatic(definition.keys);
  if (definition.type === "multi") {
    return `multi: ${definition.dimensions.map((d) => `${d.name} = ${describeDimension(d.partitions)}`).join(" × ")}`;
  }
  return describeTime(definition);
}

function windowAt(offset: number): string {
  if (offset === 0) return "this window";
  return offset < 0 ? `${-offset} before` : `${offset} after`;
}

/**
 * Which upstream partitions a mapping reads, in words: "the same partition", "the windows from
 * 6 before to this window", "all partitions", "the last partition", ...
 */
export function describePartitionMapping(mapping: PartitionMapping): string {
  switch (mapping.type) {
    case "identity":
      return "the same partition";
    case "timeWindow": {
      const { startOffset, endOffset } = mapping;
      if (startOffset === 0 && endOffset === 0) return "the overlapping time windows";
      if (startOffset === endOffset) {
        if (startOffset === -1) return "the previous time window";
        return `the time window ${windowAt(startOffset)}`;
      }
      return `the time windows from ${windowAt(startOffset)} to ${windowAt(endOffset)}`;
    }
    case "all":
      return "all partitions";
    case "last":
      return "the last partition";
    case "static": {
      const pairs = Object.entries(mapping.downstreamKeysByUpstreamKey).map(
        ([upstream, downstream]) =>
          `${upstream} → ${Array.isArray(downstream) ? downstream.join(", ") : downstream}`,
      );
      return `static: ${pairs.join("; ")}`;
    }
    case "dimension":
      return `the "${mapping.dimension}" dimension`;
  }
}
