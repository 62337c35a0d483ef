// `npm test`: builds, type-checks, lints and checks formatting, then runs every test suite and ends with one line
// `N passed, N failed` over all of them (what CI reads).
//
//   npm test                       everything
//   npm test -- unit lsp           only the named suites (unit, lsp, dagster, e2e, e2e-packaged)
//   ASSETLINE_SKIP_E2E=1 npm test  everything but the real-VS-Code suite
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// A fresh clone: install the dependencies first, so that `npm test` alone works.
if (!fs.existsSync(path.join(root, "node_modules", "mocha", "package.json"))) {
  console.log("=== npm ci (no node_modules yet)");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  if (spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" }).status !== 0) {
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}

const resultsDir = path.join(root, "test-results");
fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
const reporter = path.join(root, "test", "support", "counting-reporter.cjs");

/** A step counts as one test: it passes when its command exits 0. */
const steps = [
  { name: "build", command: [process.execPath, "scripts/build.mjs"] },
  { name: "typecheck", command: [process.execPath, "node_modules/typescript/bin/tsc", "-b"] },
  { name: "lint", command: [process.execPath, "node_modules/eslint/bin/eslint.js", "."] },
  { name: "format", command: [process.execPath, "node_modules/prettier/bin/prettier.cjs", "--check", "."] },
  // Python (integrations/dagster, examples/*/dagster): lint and format, from the .venv.
  { name: "ruff", command: [path.join(root, ".venv", "bin", "ruff"), "check", "."] },
  { name: "ruff-format", command: [path.join(root, ".venv", "bin", "ruff"), "format", "--check", "."] },
  {
    name: "mypy",
    command: [
      path.join(root, ".venv", "bin", "mypy"),
      "--config-file",
      "integrations/dagster/pyproject.toml",
      "integrations/dagster/src",
    ],
  },
];

/** A suite is mocha (or a launcher running mocha) writing its counts to a results file. */
const suites = [
  {
    name: "unit",
    command: [
      process.execPath,
      // Our packages' sources, not their built dist/ (see scripts/build.mjs).
      "--conditions=assetline-source",
      "--import",
      "tsx",
      mocha,
      "--reporter",
      reporter,
      "--timeout",
      "20000",
      "test/unit/**/*.test.ts",
    ],
  },
  {
    name: "lsp",
    command: [
      process.execPath,
      // Our packages' sources, not their built dist/ (see scripts/build.mjs).
      "--conditions=assetline-source",
      "--import",
      "tsx",
      mocha,
      "--reporter",
      reporter,
      "--timeout",
      "30000",
      "test/lsp/**/*.test.ts",
    ],
  },
  // The Dagster integration: pytest on real Dagster in the .venv that scripts/setup-python.sh makes;
  // its JUnit XML gives the counts.
  {
    name: "dagster",
    command: [path.join(root, ".venv", "bin", "pytest"), "integrations/dagster/tests", "--junitxml"],
    junit: true,
  },
  { name: "e2e", command: [process.execPath, "test/e2e/launch.mjs"] },
  // The packaged .vsix (npm run package) installed into a clean code-server: slower, so its own suite.
  { name: "e2e-packaged", command: [process.execPath, "test/e2e/launch.mjs", "packaged"] },
];

/** Passed and failed counts from a JUnit XML report (pytest's): its <testsuite> totals. */
function junitCounts(xml) {
  const suites = [...xml.matchAll(/<testsuite\b([^>]*)>/g)];
  if (suites.length === 0) return undefined;
  const count = (attributes, name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
  let passed = 0;
  let failed = 0;
  for (const [, attributes] of suites) {
    const bad = count(attributes, "failures") + count(attributes, "errors");
    passed += count(attributes, "tests") - bad - count(attributes, "skipped");
    failed += bad;
  }
  return { passed, failed };
}

const only = process.argv.slice(2);
const selected = (name) => only.length === 0 || only.includes(name);
let passed = 0;
let failed = 0;
const failedNames = [];

for (const step of steps) {
  if (only.length > 0) break;
  console.log(`\n=== ${step.name}: ${step.command.slice(1).join(" ")}`);
  const status = spawnSync(step.command[0], step.command.slice(1), { cwd: root, stdio: "inherit" }).status;
  if (status === 0) passed++;
  else {
    failed++;
    failedNames.push(step.name);
  }
}

for (const suite of suites) {
  if (!selected(suite.name)) continue;
  if (suite.name.startsWith("e2e") && process.env.ASSETLINE_SKIP_E2E) {
    console.log(`\n=== ${suite.name}: skipped (ASSETLINE_SKIP_E2E is set)`);
    continue;
  }
  const resultsFile = path.join(resultsDir, `${suite.name}.${suite.junit ? "xml" : "json"}`);
  console.log(`\n=== ${suite.name}`);
  const args = suite.junit ? [...suite.command.slice(1), resultsFile] : suite.command.slice(1);
  const run = spawnSync(suite.command[0], args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ASSETLINE_TEST_RESULTS: resultsFile },
  });
  if (run.error) console.log(`=== ${suite.name}: could not start ${suite.command[0]} (${run.error.message})`);
  if (run.error && suite.name === "dagster") console.log("=== run `bash scripts/setup-python.sh` first");
  const status = run.status;
  let result;
  try {
    const text = fs.readFileSync(resultsFile, "utf8");
    result = suite.junit ? junitCounts(text) : JSON.parse(text);
  } catch {
    result = undefined;
  }
  if (!result) {
    // The suite died before reporting: count it as one failure so it cannot pass silently.
    console.log(`=== ${suite.name}: no results were written (exit ${status}); counted as a failure`);
    failed++;
    failedNames.push(suite.name);
    continue;
  }
  passed += result.passed;
  failed += result.failed;
  if (result.failed > 0 || status !== 0) failedNames.push(suite.name);
  if (status !== 0 && result.failed === 0) {
    console.log(`=== ${suite.name}: exited ${status} with no failed test; counted as a failure`);
    failed++;
  }
}

if (failedNames.length > 0) console.log(`\nFailed: ${failedNames.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
