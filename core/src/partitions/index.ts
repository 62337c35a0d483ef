export * from "./definitions";
export { describePartitions, describePartitionMapping } from "./describe";
export * from "./keys";
export * from "./mapping";
export {
  ticksFrom,
  tickAtOrAfter,
  shiftTick,
  timePartitions,
  windowOfKey,
  type TimePartition,
  type TimeWindow,
} from "./time";
export { clockText, isTimeZone } from "./zone";
export * from "./status";
