/**
 * The end-to-end suite's entry point: VS Code's `extensionTestsPath` loads this module (bundled
 * to out/e2e/suite.js by scripts/build.mjs) inside the real extension host and calls `run()`.
 *
 * The same bundle runs in code-server (test/e2e/launch.mjs, on machines without VS Code
 * desktop) and in VS Code desktop (test/e2e/run-electron.mjs, through @vscode/test-electron).
 * The extension host's exit code does not reach code-server's launcher, so the counting
 * reporter writes the totals to the file named by ASSETLINE_TEST_RESULTS, which the launcher
 * reads.
 */
import * as fs from "node:fs";
import { format } from "node:util";
import Mocha from "mocha";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CountingReporter = require("../../support/counting-reporter.cjs") as Mocha.ReporterConstructor;
import { defineEditorTests } from "./editor.test";
import { defineExtensionTests } from "./extension.test";
import { setLogSink } from "./log";
import { defineUntrustedTests } from "./untrusted.test";

export async function run(): Promise<void> {
  // The extension host's console goes to the workbench's developer tools; the launcher shows
  // the reporter's lines from this file instead (ASSETLINE_E2E_LOG), as they are written.
  const logFile = process.env["ASSETLINE_E2E_LOG"];
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const originalBaseLog = base.consoleLog;
  const originalConsoleLog = console.log;
  if (logFile) {
    const tee = (...args: unknown[]) => {
      originalConsoleLog(...args);
      fs.appendFileSync(logFile, `${format(...args)}\n`);
    };
    base.consoleLog = tee;
    setLogSink(tee);
  }
  try {
    await runMocha();
  } finally {
    base.consoleLog = originalBaseLog;
    setLogSink(originalConsoleLog);
  }
}

function runMocha(): Promise<void> {
  const mocha = new Mocha({
    ui: "bdd",
    reporter: CountingReporter,
    color: false,
    // One test may run an asset (starting Node and tsx); a broken signal must still end the run.
    timeout: 120_000,
    slow: 5_000,
  });
  // Sets up the `describe`/`it` globals as mocha does before it loads a test file.
  mocha.suite.emit(
    Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE,
    globalThis,
    "test/e2e/suite/index.ts",
    mocha,
  );
  // ASSETLINE_E2E_MODE=untrusted (the launcher's untrusted session): the Restricted Mode tests.
  if (process.env["ASSETLINE_E2E_MODE"] === "untrusted") defineUntrustedTests();
  else {
    defineExtensionTests();
    defineEditorTests();
  }

  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} end-to-end test(s) failed.`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
