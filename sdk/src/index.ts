/**
 * The `assetline` library: declare assets, checks, resources and IO managers, and run them.
 */
export { asset, check, externalAsset, resource, defineAssets } from "./asset";
export { validateKey, isValidKey, keyProblem, InvalidKeyError } from "@assetline/core";
export {
  eager,
  onCron,
  onMissing,
  missing,
  newlyMissing,
  inProgress,
  newlyUpdated,
  anyDepsUpdated,
  anyDepsMissing,
  anyDepsInProgress,
  cronTickPassed,
  allDepsUpdatedSinceCron,
  sinceLastHandled,
  and,
  or,
  not,
  describeCondition,
  type AutomationCondition,
  type CronOptions,
} from "@assetline/core";
export {
  hourlyPartitions,
  dailyPartitions,
  weeklyPartitions,
  monthlyPartitions,
  timeWindowPartitions,
  staticPartitions,
  multiPartitions,
  identityMapping,
  timeWindowMapping,
  allPartitionsMapping,
  lastPartitionMapping,
  staticMapping,
  dimensionMapping,
  PartitionsDefinitionError,
  type PartitionsDefinition,
  type PartitionMapping,
  type TimePartitionsOptions,
} from "@assetline/core";
export {
  schedule,
  sensor,
  isSchedule,
  isSensor,
  AutomationDefinitionError,
  type Schedule,
  type ScheduleSpec,
  type Sensor,
  type SensorSpec,
  type SensorContext,
  type SensorResult,
  type SensorRunRequest,
  type SensorFn,
} from "./automation/definitions";
export { fsIOManager, memoryIOManager, storagePath } from "./io";
export {
  collectDefinitions,
  runtimeGraph,
  upstreamKeys,
  DefinitionsError,
  type LoadedDefinitions,
} from "./definitions";
export { readConfig, chooseEnvironment, type AssetlineConfig, type EnvironmentConfig } from "./config";
export { loadProject, type LoadedProject } from "./loader";
export { materializeInMemory, type InMemoryRun, type InMemoryOptions } from "./testing";
export {
  materialize,
  MissingUpstreamError,
  type MaterializeOptions,
  type RunListener,
  type RunResult,
} from "./runner/run";
export { type RunEvent, type RunIndex, type RunStatus } from "@assetline/core";
export { readEvents, readIndex, rebuildIndex, listRunIds } from "./runner/events";
export {
  parseSelection,
  resolveSelection,
  trySelect,
  SelectionError,
  type SelectionExpr,
  type SelectableAsset,
} from "@assetline/core";
export type { SourceLocation } from "./location";
export {
  isAsset,
  isCheck,
  isResource,
  isDefinitions,
  type Asset,
  type AnyAsset,
  type AssetSpec,
  type AssetContext,
  type AssetCheck,
  type AssetMetadata,
  type CheckSpec,
  type CheckOutcome,
  type CheckFn,
  type CheckSeverity,
  type Definitions,
  type Freshness,
  type InputValues,
  type IOContext,
  type PartitionContext,
  type IOManager,
  type DatasetName,
  type Logger,
  type Resource,
  type ResourceContext,
  type ResourceFactory,
  type ResourceValues,
  type SaveResult,
  type StandardSchemaV1,
} from "./types";
export * from "./pipes";
export { openLineageListener, openLineageFromEnv, type OpenLineageOptions } from "./openlineage";
export { readOpenLineageConfig, OpenLineageConfigError, type OpenLineageConfig } from "./openlineage/config";
