/**
 * Time-window partitions as Dagster computes them: windows start at each tick of the
 * definition's schedule in its time zone (hourly at `minuteOffset`; daily, weekly and monthly at
 * `hourOffset:minuteOffset` on their day). Across daylight-saving changes an hourly schedule
 * skips the hour that does not exist and fires twice in the hour that repeats (the second key
 * carries its UTC offset, "2023-10-29-02:00+0100"); a daily time in a gap moves to the gap's
 * end, and one in a fold is taken at its later occurrence.
 */
import { cronTicks, latestCronTick } from "../cron";
import { formatWall, parseWall, type TimeWindowPartitions } from "./definitions";
import {
  endOfGap,
  formatOffset,
  instantsOf,
  instantsOfSlot,
  naiveOf,
  utcOffset,
  wallClock,
  wallOfNaive,
  type WallClock,
} from "./zone";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** More windows than any real pipeline has (a century of hours); beyond it a definition is a mistake. */
export const MAX_PARTITIONS = 1_000_000;

/** A partition's time window: [start, end) in milliseconds since the epoch. */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface TimePartition extends TimeWindow {
  key: string;
}

/** The naive wall clock of the first schedule slot at or before `wall` (slots, not instants). */
function slotAtOrBefore(d: TimeWindowPartitions, wall: WallClock): number {
  const { year, month, day, hour } = wall;
  switch (d.type) {
    case "cron":
      throw new Error("unreachable: cron partitions tick through the cron schedule");
    case "hourly":
      return Date.UTC(year, month - 1, day, hour, d.minuteOffset) - HOUR;
    case "daily":
      return Date.UTC(year, month - 1, day, d.hourOffset, d.minuteOffset) - DAY;
    case "weekly": {
      const today = Date.UTC(year, month - 1, day, d.hourOffset, d.minuteOffset);
      const back = (new Date(today).getUTCDay() - d.dayOffset + 7) % 7;
      return today - (back + 7) * DAY;
    }
    case "monthly":
      return Date.UTC(year, month - 2, 1, d.hourOffset, d.minuteOffset);
  }
}

/** The naive wall clock of the slot after `slot`. */
function nextSlot(d: TimeWindowPartitions, slot: number): number {
  switch (d.type) {
    case "cron":
      throw new Error("unreachable: cron partitions tick through the cron schedule");
    case "hourly":
      return slot + HOUR;
    case "daily":
      return slot + DAY;
    case "weekly":
      return slot + 7 * DAY;
    case "monthly": {
      const date = new Date(slot);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1, d.hourOffset, d.minuteOffset);
    }
  }
}

/** The instants a slot fires at: monthly slots stand for the month, and fire on `dayOffset`. */
function slotInstants(d: TimeWindowPartitions, slot: number): number[] {
  let wall = wallOfNaive(slot);
  if (d.type === "monthly") {
    const probe = new Date(Date.UTC(wall.year, wall.month - 1, d.dayOffset));
    if (probe.getUTCMonth() !== wall.month - 1) return []; // the month has no such day
    wall = { ...wall, day: d.dayOffset };
  }
  return instantsOfSlot(wall, d.timezone, d.type === "hourly");
}

/** The schedule's ticks at or after `from`, ascending, without end. */
export function* ticksFrom(d: TimeWindowPartitions, from: number): Generator<number> {
  if (d.type === "cron") {
    yield* cronTicks(d.cron!, d.timezone, from);
    return;
  }
  let slot = slotAtOrBefore(d, wallClock(from, d.timezone));
  for (;;) {
    for (const instant of slotInstants(d, slot)) if (instant >= from) yield instant;
    slot = nextSlot(d, slot);
  }
}

/** The first tick at or after `from`. */
export function tickAtOrAfter(d: TimeWindowPartitions, from: number): number {
  for (const tick of ticksFrom(d, from)) return tick;
  throw new Error("unreachable: a schedule always ticks again");
}

/** The longest a window of this unit can be, with a margin for daylight-saving changes. */
function longestWindow(d: TimeWindowPartitions): number {
  return {
    cron: 367 * DAY,
    hourly: 2 * HOUR,
    daily: DAY + 2 * HOUR,
    weekly: 7 * DAY + 2 * HOUR,
    monthly: 31 * DAY + 2 * HOUR,
  }[d.type];
}

/** The tick `n` windows after (or, negative, before) `tick`. */
export function shiftTick(d: TimeWindowPartitions, tick: number, n: number): number {
  if (d.type === "cron" && n < 0) {
    // Back one tick at a time: a cron window can be a minute or a year long.
    let at = tick;
    for (let i = 0; i < -n; i++) at = latestCronTick(d.cron!, d.timezone, at - 1) ?? at;
    return at;
  }
  if (n >= 0) {
    let i = 0;
    for (const t of ticksFrom(d, tick)) if (i++ === n) return t;
  }
  const earlier: number[] = [];
  for (const t of ticksFrom(d, tick + n * longestWindow(d) - longestWindow(d))) {
    if (t >= tick) break;
    earlier.push(t);
  }
  return earlier[earlier.length + n] as number;
}

/** The instant a start or end written in the definition's format names (the gap's end in a gap). */
function instantOfText(d: TimeWindowPartitions, text: string): number {
  const parsed = parseWall(d.format, text);
  if (parsed === undefined) throw new Error(`"${text}" is not a date in the format ${d.format}.`);
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0 } = parsed.fields;
  const wall = { year, month, day, hour, minute };
  if (parsed.offset !== undefined) return naiveOf(wall) - parsed.offset * 60_000;
  const instants = instantsOf(wall, d.timezone);
  return instants[0] ?? endOfGap(wall, d.timezone);
}

/** The key of the window starting at `tick`: its wall clock, plus the UTC offset at a repeated hour. */
export function keyOfTick(d: TimeWindowPartitions, tick: number): string {
  const wall = wallClock(tick, d.timezone);
  const key = formatWall(d.format, wall);
  if (d.type !== "hourly") return key;
  const instants = instantsOf(wall, d.timezone);
  return instants.length === 2 && instants[1] === tick
    ? key + formatOffset(utcOffset(tick, d.timezone))
    : key;
}

/** The instant after which no window may end: the definition's end, or now plus `endOffset` windows. */
function limitOf(d: TimeWindowPartitions, now: number): { limit: number; extra: number } {
  if (d.end !== undefined) return { limit: instantOfText(d, d.end), extra: 0 };
  return { limit: now, extra: d.endOffset };
}

/** Every partition of a time-window definition as of `now`, oldest first. */
export function timePartitions(d: TimeWindowPartitions, now: number): TimePartition[] {
  const { limit, extra } = limitOf(d, now);
  const partitions: TimePartition[] = [];
  let start: number | undefined;
  for (const tick of ticksFrom(d, instantOfText(d, d.start))) {
    if (start !== undefined) {
      if (tick > limit) break;
      if (partitions.length >= MAX_PARTITIONS) {
        throw new Error(
          `${d.type} partitions from ${d.start} would be more than ${MAX_PARTITIONS.toLocaleString("en")}: set a later start or an end.`,
        );
      }
      partitions.push({ key: keyOfTick(d, start), start, end: tick });
    }
    start = tick;
  }
  if (extra < 0) return partitions.slice(0, Math.max(0, partitions.length + extra));
  if (extra > 0 && start !== undefined) {
    let previous = start;
    for (let i = 0; i < extra; i++) {
      const next = shiftTick(d, previous, 1);
      partitions.push({ key: keyOfTick(d, previous), start: previous, end: next });
      previous = next;
    }
  }
  return partitions;
}

/**
 * The window a key names, or a sentence saying why it names none (not in the format, or not a
 * start of this schedule). Whether the key exists as of now is for `timePartitions` to say.
 */
export function windowOfKey(d: TimeWindowPartitions, key: string): TimeWindow | string {
  const parsed = parseWall(d.format, key);
  const wrong = `"${key}" is not a ${d.type} partition key: keys look like ${keyOfTick(d, instantOfText(d, d.start))}.`;
  if (parsed === undefined) return wrong;
  const { year = 1970, month = 1, day = 1 } = parsed.fields;
  const hour = parsed.fields.hour ?? (d.type === "hourly" ? 0 : d.hourOffset);
  const minute = parsed.fields.minute ?? d.minuteOffset;
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  const candidate =
    parsed.offset !== undefined
      ? naive - parsed.offset * 60_000
      : (instantsOf(wallOfNaive(naive), d.timezone)[0] ?? naive);
  // The tick whose key this is: at or after the wall clock's earliest instant, within a day.
  // A cron key is its tick's own wall clock (give or take a daylight-saving hour).
  const reach = d.type === "cron" ? 2 * HOUR : longestWindow(d);
  for (const tick of ticksFrom(d, candidate - 2 * HOUR)) {
    if (tick > candidate + reach) break;
    if (keyOfTick(d, tick) === key) return { start: tick, end: shiftTick(d, tick, 1) };
  }
  return wrong;
}
