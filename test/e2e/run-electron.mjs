// @ts-check
// Runs the end-to-end suite (the same bundle as test/e2e/launch.mjs) in VS Code desktop through
// @vscode/test-electron, for machines that can download VS Code (a laptop, public CI). On
// machines that cannot (ours: only npm and Debian are reachable), use test/e2e/launch.mjs.
//
//   node test/e2e/run-electron.mjs                     VS Code 1.100.3 (the lowest engine we accept)
//   VSCODE_VERSION=stable node test/e2e/run-electron.mjs
//   ASSETLINE_TEST_RESULTS=file ...                     where the suite writes its totals
//
// On Linux without a display, run it under `xvfb-run -a`.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runTests } from "@vscode/test-electron";
import { Fatal, ensureBuilt, prepareWorkspace } from "./workspace.mjs";

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const resultsDir = path.join(root, "test-results");
const workspace = path.join(resultsDir, "e2e-electron", "workspace");
const resultsFile = path.resolve(
  process.env.ASSETLINE_TEST_RESULTS || path.join(resultsDir, "e2e-electron.json"),
);
const example = path.resolve(process.env.ASSETLINE_E2E_EXAMPLE || path.join(root, "examples", "shop"));

let exitCode = 1;
try {
  fs.rmSync(resultsFile, { force: true });
  ensureBuilt(root);
  prepareWorkspace({ root, example, workspace });
  try {
    await runTests({
      version: process.env.VSCODE_VERSION || "1.100.3",
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, "out", "e2e", "suite.js"),
      launchArgs: [
        workspace,
        "--disable-extensions",
        "--disable-workspace-trust",
        "--skip-welcome",
        "--skip-release-notes",
      ],
      extensionTestsEnv: { ASSETLINE_TEST_RESULTS: resultsFile },
    });
  } catch (error) {
    // VS Code exits non-zero when a test failed; the results file says which.
    console.error(`e2e (electron): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!fs.existsSync(resultsFile)) throw new Fatal(`the suite wrote no results (${resultsFile}).`);
  /** @type {{ passed: number, failed: number, failures: { title: string, error: string }[] }} */
  const result = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
  console.log(`e2e (electron): ${result.passed} passed, ${result.failed} failed`);
  for (const failure of result.failures)
    console.log(`  FAILED ${failure.title}: ${failure.error.split("\n")[0]}`);
  exitCode = result.failed === 0 && result.passed > 0 ? 0 : 1;
} catch (error) {
  console.error(
    `e2e (electron): ${error instanceof Fatal ? error.message : error instanceof Error ? error.stack : String(error)}`,
  );
}
process.exit(exitCode);
