export * from "./lsp";
export * from "./webview";
