/**
 * Wall clocks in IANA time zones, with nothing but `Intl`: the wall clock an instant shows in a
 * zone, and the instants (none in a spring-forward gap, two in a fall-back fold) at which a zone's
 * wall clock shows a given time. Instants are milliseconds since the epoch.
 */

/** A wall-clock time; `month` is 1-12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function isUtc(timeZone: string): boolean {
  return timeZone === "UTC" || timeZone === "Etc/UTC" || timeZone === "GMT";
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether `name` is a time zone this runtime knows (an IANA name such as "Europe/Berlin", or "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The naive milliseconds of a wall clock: as if the wall clock were UTC. */
export function naiveOf(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** The wall clock of naive milliseconds (the inverse of `naiveOf`, to the minute). */
export function wallOfNaive(naive: number): WallClock {
  const d = new Date(naive);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** The wall clock `instant` shows in `timeZone`, read from Intl (slow: see `utcOffset`). */
function intlWallClock(instant: number, timeZone: string): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type in wall) wall[part.type as keyof WallClock] = Number(part.value);
  }
  return wall;
}

function intlOffset(instant: number, timeZone: string): number {
  const floored = Math.floor(instant / MINUTE) * MINUTE;
  return Math.round((naiveOf(intlWallClock(floored, timeZone)) - floored) / MINUTE);
}

/** Per zone and UTC day: the offset at the day's start and end, and the instant it changes. */
interface DayOffsets {
  start: number;
  end: number;
  change: number;
}

const days = new Map<string, Map<number, DayOffsets>>();

function dayOffsets(day: number, timeZone: string): DayOffsets {
  let zone = days.get(timeZone);
  if (zone === undefined) days.set(timeZone, (zone = new Map<number, DayOffsets>()));
  let found = zone.get(day);
  if (found === undefined) {
    const from = day * DAY;
    const start = intlOffset(from, timeZone);
    const end = intlOffset(from + DAY - MINUTE, timeZone);
    let change = from + DAY;
    if (start !== end) {
      // The first minute of the day at the new offset (zones change at most once a day).
      let low = from;
      let high = from + DAY - MINUTE;
      while (high - low > MINUTE) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
        if (intlOffset(middle, timeZone) === start) low = middle;
        else high = middle;
      }
      change = high;
    }
    found = { start, end, change };
    zone.set(day, found);
  }
  return found;
}

/** Minutes east of UTC that `timeZone` is at `instant` (Intl once per zone and day, then cached). */
export function utcOffset(instant: number, timeZone: string): number {
  if (isUtc(timeZone)) return 0;
  const offsets = dayOffsets(Math.floor(instant / DAY), timeZone);
  return instant < offsets.change ? offsets.start : offsets.end;
}

/** The wall clock `instant` shows in `timeZone`, to the minute. */
export function wallClock(instant: number, timeZone: string): WallClock {
  const floored = Math.floor(instant / MINUTE) * MINUTE;
  return wallOfNaive(floored + utcOffset(floored, timeZone) * MINUTE);
}

/** The instants, ascending, at which `timeZone`'s wall clock shows `wall`: none, one, or two. */
export function instantsOf(wall: WallClock, timeZone: string): number[] {
  const naive = naiveOf(wall);
  if (isUtc(timeZone)) return [naive];
  const offsets = new Set([
    utcOffset(naive - DAY, timeZone),
    utcOffset(naive, timeZone),
    utcOffset(naive + DAY, timeZone),
  ]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const instant = naive - offset * MINUTE;
    if (naiveOf(wallClock(instant, timeZone)) === naive) found.add(instant);
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Where a wall-clock time that does not exist (inside a spring-forward gap) lands: the instant
 * the gap ends, as a cron schedule that fires daily at that time does in Dagster.
 */
export function endOfGap(wall: WallClock, timeZone: string): number {
  const naive = naiveOf(wall);
  const before = utcOffset(naive - DAY, timeZone);
  let low = naive - utcOffset(naive + DAY, timeZone) * MINUTE;
  let high = naive - before * MINUTE;
  if (low > high) [low, high] = [high, low];
  // The first minute in [low, high] whose offset is no longer the one before the gap.
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (utcOffset(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** An offset in minutes as strftime's %z writes it: "+0100", "-0500". */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

/**
 * The instants a schedule's wall-clock slot fires at, as Dagster's cron iteration decides: in a
 * spring-forward gap, a schedule that repeats every hour skips the slot and any other moves to
 * the gap's end; in a fall-back fold, the hourly one fires at both instants and any other at the
 * later one.
 */
export function instantsOfSlot(wall: WallClock, timeZone: string, repeatsEveryHour: boolean): number[] {
  const instants = instantsOf(wall, timeZone);
  if (instants.length === 0) return repeatsEveryHour ? [] : [endOfGap(wall, timeZone)];
  if (repeatsEveryHour || instants.length === 1) return instants;
  return [instants[instants.length - 1] as number];
}

/**
 * A time as the automation's reasons and the editor's lens write it: "06:02" in `timeZone`
 * ("06:02 UTC" for UTC), with the date in front when it is not the day of `at` there.
 */
export function clockText(instant: number, at: number, timeZone = "UTC"): string {
  const wall = wallClock(instant, timeZone);
  const today = wallClock(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(wall.hour)}:${pad(wall.minute)}${timeZone === "UTC" ? " UTC" : ""}`;
  const sameDay = wall.year === today.year && wall.month === today.month && wall.day === today.day;
  return sameDay ? time : `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${time}`;
}
