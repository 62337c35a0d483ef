/** Dagster Pipes for TypeScript processes: the protocol, and what `assetline pipes` is built on. */
export {
  openDagsterPipes,
  withDagsterPipes,
  isDagsterPipesProcess,
  PipesContext,
  type OpenDagsterPipesOptions,
  type PipesLogger,
  type ReportAssetMaterialization,
  type ReportAssetCheck,
} from "./context";
export {
  envParamsLoader,
  cliArgsParamsLoader,
  mappingParamsLoader,
  defaultParamsLoader,
  defaultContextLoader,
  type PipesParamsLoader,
  type PipesContextLoader,
} from "./bootstrap";
export {
  defaultMessageWriter,
  fileChannel,
  streamChannel,
  bufferedStreamChannel,
  blobStoreChannel,
  type PipesMessageWriter,
  type PipesMessageChannel,
  type DefaultMessageWriterOptions,
} from "./writers";
export {
  pipesMetadata,
  normalizeMetadata,
  type PipesMetadataValue,
  type PipesMetadataType,
  type PipesTableColumn,
  type PipesColumnDep,
} from "./metadata";
export { escapeAssetKey, assetKeyParts, pipesAssetKey } from "./keys";
export { s3ClientFromEnv, type PipesS3Client } from "./s3";
export {
  encodeParam,
  decodeParam,
  pipesException,
  serializeMessage,
  PipesError,
  DAGSTER_PIPES_CONTEXT_ENV_VAR,
  DAGSTER_PIPES_MESSAGES_ENV_VAR,
  type PipesContextData,
  type PipesException,
  type PipesMessage,
  type PipesMethod,
  type PipesParams,
  type PipesAssetCheckSeverity,
  type PipesEnvironment,
  type PipesTextSink,
} from "./protocol";
