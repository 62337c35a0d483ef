/**
 * Assetline's pure core: the rules every other package shares (keys, the graph contract, the
 * selection language, durations, the definitions-file rule, partitions, automation conditions,
 * run records and the run state of an asset). No Node imports, one dependency (croner, for cron
 * expressions): the library, the analysis, the command line, the language server and the
 * webview all build on it.
 */
export * from "./automation";
export * from "./closest";
export * from "./cron";
export * from "./duration";
export * from "./files";
export * from "./graph";
export * from "./keys";
export * from "./partitions";
export * from "./runs";
export * from "./selection";
export * from "./state";
