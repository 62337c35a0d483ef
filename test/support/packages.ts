/**
 * The repository's packages and the one-way dependencies between them (ARCHITECTURE.md draws
 * the same picture). A package may import only itself, the packages listed for it, and npm
 * dependencies; never a file of another package's folder.
 */
export const PACKAGES: Record<string, { name: string; mayImport: string[] }> = {
  core: { name: "@assetline/core", mayImport: [] },
  protocol: { name: "@assetline/protocol", mayImport: ["core"] },
  analysis: { name: "@assetline/analysis", mayImport: ["core"] },
  sdk: { name: "assetline", mayImport: ["core", "analysis"] },
  server: { name: "@assetline/server", mayImport: ["core", "protocol", "analysis", "sdk"] },
  client: { name: "@assetline/client", mayImport: ["core", "protocol", "sdk"] },
  webview: { name: "@assetline/webview", mayImport: ["core", "protocol"] },
};

/** The packages published to npm (the others are bundled into the VS Code extension). */
export const PUBLISHED = ["core", "analysis", "sdk"];
