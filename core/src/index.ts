/**
 * Assetline's pure core: the rules every other package shares (keys, the graph contract, the
 * selection language, durations, partitions, run records). No Node imports, no dependencies: the library,
 * the analysis, the command line, the language server and the webview all build on it.
 */
export * from "./closest";
export * from "./duration";
export * from "./graph";
export * from "./keys";
export * from "./partitions";
export * from "./runs";
export * from "./selection";
