/**
 * The editor features, computed from the analysis's model (records, occurrences, symbols) and
 * independent of any editor protocol, as rust-analyzer's `ide` crate: positions are offsets
 * into the text the last analysis saw, results are spans and edits of it. The language server
 * only converts LSP positions and URIs to and from these.
 */
export { completion, type KeyCompletion } from "./completion";
export { hover, renderHover, type AssetHover } from "./hover";
export { definition, prepareRename, references, rename } from "./navigation";
export { codeActions, type ActionDiagnostic, type KeyAction } from "./actions";
export { documentSymbols, workspaceSymbols, type AssetSymbol } from "./symbols";
export type { SpanEdit } from "./common";
