// A mocha reporter that prints like `spec` and also writes the totals to the JSON file named
// by ASSETLINE_TEST_RESULTS, so that test/run-all.mjs can add up every suite (including the
// one that runs inside VS Code, whose exit code never reaches us).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Mocha = require("mocha");

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) => {
      failures.push({ title: test.fullTitle(), error: String((error && error.stack) || error) });
    });
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.ASSETLINE_TEST_RESULTS;
      if (!file) return;
      const stats = runner.stats || {};
      const result = {
        passed: stats.passes || 0,
        failed: stats.failures || 0,
        pending: stats.pending || 0,
        failures,
      };
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(result, null, 2));
    });
  }
}

module.exports = CountingReporter;
