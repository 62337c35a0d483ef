/** The static analysis (the same one the language server uses), bundled into the CLI. */
export { analyzeProject } from "../../../server/src/analysis";
