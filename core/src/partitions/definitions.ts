/**
 * Partitions definitions, with Dagster's meaning: time windows (hourly, daily, weekly, monthly,
 * in a time zone, with offsets and an optional end), a static list of keys, and two dimensions
 * (multi). Definitions are plain data, so the analysis can read them statically, `graph --json`
 * can carry them, and the Dagster bridge can rebuild them.
 */
import { cronProblem } from "../cron";
import { isTimeZone, type WallClock } from "./zone";

export type TimeUnit = "hourly" | "daily" | "weekly" | "monthly";
/** A fixed unit, or `cron`: windows between the ticks of any cron schedule (Dagster's TimeWindowPartitionsDefinition). */
export type TimeWindowType = TimeUnit | "cron";

export interface TimeWindowPartitions {
  type: TimeWindowType;
  /** `cron` partitions: the schedule whose ticks start the windows (offsets do not apply). */
  cron?: string;
  /** The first partition's start, in `format` (Dagster's start_date). */
  start: string;
  /** Partitions end before this time, in `format` (Dagster's end_date, exclusive). */
  end?: string;
  timezone: string;
  /** strftime-like: %Y %m %d %H %M, as Dagster's fmt. */
  format: string;
  minuteOffset: number;
  hourOffset: number;
  /** Weekly: the day of the week the windows start on (0 = Sunday). Monthly: the day of the month. */
  dayOffset: number;
  /** Windows beyond (positive) or before (negative) the last complete one, when there is no end. */
  endOffset: number;
}

export interface StaticPartitions {
  type: "static";
  keys: string[];
}

export type DimensionPartitions = TimeWindowPartitions | StaticPartitions;

export interface MultiPartitions {
  type: "multi";
  /** Sorted by name, as Dagster orders them; a key is the dimensions' keys joined by "|". */
  dimensions: { name: string; partitions: DimensionPartitions }[];
}

export type PartitionsDefinition = TimeWindowPartitions | StaticPartitions | MultiPartitions;

export interface TimePartitionsOptions {
  start: string | Date;
  end?: string | Date;
  /** An IANA time zone; default "UTC". */
  timezone?: string;
  minuteOffset?: number;
  hourOffset?: number;
  dayOffset?: number;
  endOffset?: number;
  format?: string;
}

/**
 * One reason a definition cannot be used, and the option it is about, as a path into the
 * constructor's argument: `["start"]`, `["keys", 2]` (the third static key), `["region", "keys", 1]`
 * (a multi dimension's); empty when it is about the whole definition. The editor puts its
 * diagnostic there.
 */
export interface PartitionsProblem {
  message: string;
  path: (string | number)[];
}

/** Why a spec's `partitions` value that is no definition at all cannot be used (load time and editor). */
export const NOT_A_PARTITIONS_DEFINITION =
  "it is not a partitions definition; write dailyPartitions({ start }), staticPartitions([...]), multiPartitions({...}), ...";

/** A partitions definition that cannot be used, with every reason in a sentence. */
export class PartitionsDefinitionError extends Error {
  /** The same reasons with the option each is about. */
  readonly details: PartitionsProblem[];

  constructor(
    readonly problems: string[],
    details?: PartitionsProblem[],
  ) {
    super(`Invalid partitions: ${problems.join(" ")}`);
    this.name = "PartitionsDefinitionError";
    this.details = details ?? problems.map((message) => ({ message, path: [] }));
  }
}

export const DEFAULT_FORMAT: Record<TimeWindowType, string> = {
  cron: "%Y-%m-%d-%H:%M",
  hourly: "%Y-%m-%d-%H:%M",
  daily: "%Y-%m-%d",
  weekly: "%Y-%m-%d",
  monthly: "%Y-%m-%d",
};

const FIELDS: Record<string, { field: keyof WallClock; digits: number }> = {
  Y: { field: "year", digits: 4 },
  m: { field: "month", digits: 2 },
  d: { field: "day", digits: 2 },
  H: { field: "hour", digits: 2 },
  M: { field: "minute", digits: 2 },
};

/** Writes a wall clock in a strftime-like format (%Y %m %d %H %M %%). */
export function formatWall(format: string, wall: WallClock): string {
  return format.replace(/%([YmdHM%])/g, (_all, code: string) => {
    const spec = FIELDS[code];
    return spec === undefined ? "%" : String(wall[spec.field]).padStart(spec.digits, "0");
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const parsers = new Map<string, RegExp>();

/**
 * Reads a string written in `format`, optionally followed by a UTC offset ("+0100"), into the
 * wall-clock fields the format has; undefined when it does not match or names no real date.
 */
export function parseWall(
  format: string,
  text: string,
): { fields: Partial<WallClock>; offset?: number } | undefined {
  let parser = parsers.get(format);
  if (parser === undefined) {
    const source = format
      .split(/(%[YmdHM%])/)
      .map((piece) => {
        const spec = FIELDS[piece.slice(1)];
        if (piece === "%%") return "%";
        return piece.startsWith("%") && spec ? `(?<${spec.field}>\\d{${spec.digits}})` : escapeRegExp(piece);
      })
      .join("");
    parser = new RegExp(`^${source}(?<offset>[+-]\\d{4})?$`);
    parsers.set(format, parser);
  }
  const match = parser.exec(text);
  if (!match?.groups) return undefined;
  const fields: Partial<WallClock> = {};
  for (const { field } of Object.values(FIELDS)) {
    const value = match.groups[field];
    if (value !== undefined) fields[field] = Number(value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0 } = fields;
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59
  ) {
    return undefined;
  }
  const offsetText = match.groups.offset;
  if (offsetText === undefined) return { fields };
  const sign = offsetText.startsWith("-") ? -1 : 1;
  return { fields, offset: sign * (Number(offsetText.slice(1, 3)) * 60 + Number(offsetText.slice(3))) };
}

/** An example of `format` for messages: 2024-01-31 or 2024-01-31-06:00. */
function example(format: string): string {
  return formatWall(format, { year: 2024, month: 1, day: 31, hour: 6, minute: 0 });
}

function dateText(value: string | Date, format: string): string {
  if (typeof value === "string") return value;
  if (Number.isNaN(value.getTime())) return "Invalid Date";
  const wall = {
    year: value.getUTCFullYear(),
    month: value.getUTCMonth() + 1,
    day: value.getUTCDate(),
    hour: value.getUTCHours(),
    minute: value.getUTCMinutes(),
  };
  return formatWall(format, wall);
}

function timePartitions(
  type: TimeWindowType,
  options: TimePartitionsOptions,
  cron?: string,
): TimeWindowPartitions {
  const start = (options as Partial<TimePartitionsOptions> | undefined)?.start;
  if (typeof start !== "string" && !(start instanceof Date)) {
    const message = `${type}Partitions needs a start date, e.g. { start: "${example(options?.format ?? DEFAULT_FORMAT[type])}" }.`;
    throw new PartitionsDefinitionError([message], [{ message, path: ["start"] }]);
  }
  const format = options.format ?? DEFAULT_FORMAT[type];
  const definition: TimeWindowPartitions = {
    type,
    ...(cron === undefined ? {} : { cron }),
    start: dateText(options.start, format),
    timezone: options.timezone ?? "UTC",
    format,
    minuteOffset: options.minuteOffset ?? 0,
    hourOffset: options.hourOffset ?? 0,
    dayOffset: options.dayOffset ?? (type === "monthly" ? 1 : 0),
    endOffset: options.endOffset ?? 0,
  };
  if (options.end !== undefined) definition.end = dateText(options.end, format);
  return checked(definition);
}

function checked<T extends PartitionsDefinition>(definition: T): T {
  const details = partitionsProblemDetails(definition);
  if (details.length > 0) {
    throw new PartitionsDefinitionError(
      details.map((d) => d.message),
      details,
    );
  }
  return definition;
}

/** One partition per hour, from `start` (e.g. "2024-01-01-00:00") in `timezone`. */
export function hourlyPartitions(options: TimePartitionsOptions): TimeWindowPartitions {
  return timePartitions("hourly", options);
}

/** One partition per day, from `start` (e.g. "2024-01-01"); `hourOffset`/`minuteOffset` move the day's start. */
export function dailyPartitions(options: TimePartitionsOptions): TimeWindowPartitions {
  return timePartitions("daily", options);
}

/** One partition per week, starting on `dayOffset` (0 = Sunday, the default). */
export function weeklyPartitions(options: TimePartitionsOptions): TimeWindowPartitions {
  return timePartitions("weekly", options);
}

/** One partition per month, starting on day `dayOffset` of the month (default 1). */
export function monthlyPartitions(options: TimePartitionsOptions): TimeWindowPartitions {
  return timePartitions("monthly", options);
}

/**
 * One partition per window between two ticks of `cron` in `timezone` (Dagster's
 * TimeWindowPartitionsDefinition), e.g. `{ cron: "0 0,6,12,18 * * *", start: "2024-01-01-00:00" }`;
 * keys in `format` (default "%Y-%m-%d-%H:%M").
 */
export function timeWindowPartitions(
  options: Omit<TimePartitionsOptions, "minuteOffset" | "hourOffset" | "dayOffset"> & { cron: string },
): TimeWindowPartitions {
  const cron = (options as { cron?: unknown } | undefined)?.cron;
  if (typeof cron !== "string") {
    const message =
      'timeWindowPartitions needs a cron schedule, e.g. { cron: "0 */6 * * *", start: "2024-01-01-00:00" }.';
    throw new PartitionsDefinitionError([message], [{ message, path: ["cron"] }]);
  }
  return timePartitions("cron", options, cron);
}

/** A fixed list of partitions, e.g. regions. */
export function staticPartitions(keys: readonly string[]): StaticPartitions {
  return checked({ type: "static", keys: [...keys] });
}

/** Two dimensions (at most one of time), e.g. `{ date: dailyPartitions(...), region: staticPartitions([...]) }`. */
export function multiPartitions(dimensions: Record<string, DimensionPartitions>): MultiPartitions {
  const sorted = Object.keys(dimensions)
    .sort()
    .map((name) => ({ name, partitions: dimensions[name] as DimensionPartitions }));
  return checked({ type: "multi", dimensions: sorted });
}

function integerProblem(name: string, value: number, low: number, high: number): string | undefined {
  if (Number.isInteger(value) && value >= low && value <= high) return undefined;
  return `${name} must be a whole number from ${low} to ${high}, not ${String(value)}.`;
}

function timeProblems(d: TimeWindowPartitions): PartitionsProblem[] {
  const problems: PartitionsProblem[] = [];
  const add = (field: string, message: string | undefined): void => {
    if (message !== undefined) problems.push({ message, path: [field] });
  };
  if (!isTimeZone(d.timezone)) {
    add(
      "timezone",
      `"${d.timezone}" is not a time zone: use an IANA name such as "Europe/Berlin", or "UTC".`,
    );
  }
  const start = parseWall(d.format, d.start);
  if (start === undefined) {
    add(
      "start",
      `start "${d.start}" is not a date in the format ${d.format}: write it like ${example(d.format)}.`,
    );
  }
  if (d.end !== undefined) {
    const end = parseWall(d.format, d.end);
    if (end === undefined) {
      add(
        "end",
        `end "${d.end}" is not a date in the format ${d.format}: write it like ${example(d.format)}.`,
      );
    } else if (start !== undefined && compareFields(end.fields, start.fields) <= 0) {
      add("end", `end ${d.end} is not after start ${d.start}: no partition would exist; move the end later.`);
    }
  }
  add("minuteOffset", integerProblem("minuteOffset", d.minuteOffset, 0, 59));
  add("hourOffset", integerProblem("hourOffset", d.hourOffset, 0, 23));
  if (d.type === "weekly") add("dayOffset", integerProblem("dayOffset (0 = Sunday)", d.dayOffset, 0, 6));
  if (d.type === "monthly")
    add("dayOffset", integerProblem("dayOffset (the day of the month)", d.dayOffset, 1, 31));
  if (!Number.isInteger(d.endOffset))
    add("endOffset", `endOffset must be a whole number, not ${String(d.endOffset)}.`);
  if (d.type === "hourly" && d.hourOffset !== 0)
    add("hourOffset", "hourOffset does not apply to hourly partitions.");
  if (d.type === "cron") {
    add(
      "cron",
      d.cron === undefined ? "cron partitions need a cron schedule." : cronProblem(d.cron, d.timezone),
    );
    for (const field of ["minuteOffset", "hourOffset", "dayOffset"] as const)
      if (d[field] !== 0)
        add(field, `${field} does not apply to cron partitions: the cron schedule says when windows start.`);
  }
  return problems;
}

function compareFields(a: Partial<WallClock>, b: Partial<WallClock>): number {
  for (const field of ["year", "month", "day", "hour", "minute"] as const) {
    const difference = (a[field] ?? 0) - (b[field] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function staticProblems(d: StaticPartitions, inMulti: boolean): PartitionsProblem[] {
  const problems: PartitionsProblem[] = [];
  if (d.keys.length === 0) problems.push({ message: "static partitions need at least one key.", path: [] });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  let firstRepeat: number | undefined;
  d.keys.forEach((key, index) => {
    if (seen.has(key)) {
      duplicates.add(key);
      firstRepeat ??= index;
    }
    seen.add(key);
  });
  if (duplicates.size > 0) {
    const list = [...duplicates].map((k) => `"${k}"`).join(", ");
    problems.push({
      message: `partition keys must be unique: ${list} appears more than once.`,
      path: ["keys", firstRepeat as number],
    });
  }
  const empty = d.keys.findIndex((k) => k.trim() === "");
  if (empty >= 0) problems.push({ message: "a partition key cannot be empty.", path: ["keys", empty] });
  const piped = inMulti ? d.keys.findIndex((k) => k.includes("|")) : -1;
  if (piped >= 0) {
    problems.push({
      message: 'a key of a multi-partition dimension cannot contain "|" (it joins the dimensions).',
      path: ["keys", piped],
    });
  }
  return problems;
}

/** Why a definition cannot be used, one sentence each; empty when it is valid. */
export function partitionsProblems(definition: PartitionsDefinition): string[] {
  return partitionsProblemDetails(definition).map((problem) => problem.message);
}

/** `partitionsProblems` with the option each problem is about (see `PartitionsProblem`). */
export function partitionsProblemDetails(definition: PartitionsDefinition): PartitionsProblem[] {
  switch (definition.type) {
    case "static":
      return staticProblems(definition, false);
    case "multi": {
      const problems: PartitionsProblem[] = [];
      if (definition.dimensions.length !== 2) {
        problems.push({
          message: `multi partitions have exactly two dimensions, not ${definition.dimensions.length}.`,
          path: [],
        });
      }
      if (definition.dimensions.filter((d) => d.partitions.type !== "static").length > 1) {
        problems.push({
          message: "at most one dimension of multi partitions can be a time dimension.",
          path: [],
        });
      }
      for (const { name, partitions } of definition.dimensions) {
        if (name === "") problems.push({ message: "a dimension needs a name.", path: [name] });
        const inner =
          partitions.type === "static"
            ? staticProblems(partitions, true)
            : partitions.type === ("multi" as string)
              ? [{ message: "a dimension cannot itself be multi partitions.", path: [] }]
              : timeProblems(partitions);
        problems.push(...inner.map((p) => ({ message: `${name}: ${p.message}`, path: [name, ...p.path] })));
      }
      return problems;
    }
    default:
      return timeProblems(definition);
  }
}

export function isTimeWindow(
  definition: PartitionsDefinition | DimensionPartitions,
): definition is TimeWindowPartitions {
  return definition.type !== "static" && definition.type !== "multi";
}
