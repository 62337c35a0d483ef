export * from "./closest";
export * from "./graph";
export * from "./lsp";
export * from "./webview";
