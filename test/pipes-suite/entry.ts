/**
 * Our entry for the community cross-language Pipes suite (`dagster-pipes-tests`, see README.md
 * here): the suite launches it through Dagster's Pipes clients with `--test-name` and a few
 * arguments, and asserts on what Dagster receives. It uses the library `assetline pipes` is
 * built on, with its default loaders and writers (path, data, S3 picked from the parameters).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { pipesMetadata, withDagsterPipes, type PipesAssetCheckSeverity } from "assetline";

const { values: args } = parseArgs({
  options: {
    "test-name": { type: "string" },
    "job-name": { type: "string" },
    extras: { type: "string" },
    "custom-payload": { type: "string" },
    "report-asset-materialization": { type: "string" },
    "report-asset-check": { type: "string" },
    // S3 is chosen from the parameters Dagster sends; these only say the suite expects it.
    "message-writer": { type: "string" },
    "context-loader": { type: "string" },
  },
  strict: false,
});

function readJson(file: unknown): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(String(file), "utf8")) as Record<string, unknown>;
}

/** The suite's static metadata (data/static/metadata.json), built with our typed constructors. */
function knownMetadata(): Record<string, unknown> {
  return {
    bool_true: pipesMetadata.bool(true),
    bool_false: pipesMetadata.bool(false),
    float: pipesMetadata.float(0.1),
    int: pipesMetadata.int(1),
    url: pipesMetadata.url("https://dagster.io"),
    path: pipesMetadata.path("/dev/null"),
    null: pipesMetadata.null(),
    md: pipesMetadata.md("**markdown**"),
    json: pipesMetadata.json({ quux: { a: 1, b: 2 }, corge: null, qux: [1, 2, 3], foo: "bar", baz: 1 }),
    text: pipesMetadata.text("hello"),
    asset: pipesMetadata.asset("foo/bar"),
    dagster_run: pipesMetadata.dagsterRun("db892d7f-0031-4747-973d-22e8b9095d9d"),
    notebook: pipesMetadata.notebook("notebook.ipynb"),
  };
}

async function main(): Promise<void> {
  await withDagsterPipes((pipes) => {
    if (args["test-name"] === "test_error_reporting") throw new Error("Very bad error has happened!");
    pipes.reportCustomMessage("Hello from external process!");
    if (args["job-name"] !== undefined) assert.equal(pipes.jobName, args["job-name"]);
    if (args.extras !== undefined) assert.deepEqual(pipes.extras, readJson(args.extras));
    switch (args["test-name"]) {
      case "test_message_log":
        pipes.log.debug("Debug message");
        pipes.log.info("Info message");
        pipes.log.warning("Warning message");
        pipes.log.error("Error message");
        pipes.log.critical("Critical message");
        break;
      case "test_message_report_custom_message":
        pipes.reportCustomMessage(readJson(args["custom-payload"]).payload);
        break;
      case "test_message_report_asset_materialization": {
        const config = readJson(args["report-asset-materialization"]);
        pipes.reportAssetMaterialization({
          metadata: knownMetadata(),
          dataVersion: (config.dataVersion as string | undefined) ?? null,
          assetKey: (config.assetKey as string | undefined) ?? null,
        });
        break;
      }
      case "test_message_report_asset_check": {
        const config = readJson(args["report-asset-check"]);
        pipes.reportAssetCheck({
          checkName: config.checkName as string,
          passed: config.passed as boolean,
          severity: config.severity as PipesAssetCheckSeverity,
          metadata: knownMetadata(),
          assetKey: (config.assetKey as string | undefined) ?? null,
        });
        break;
      }
      default:
        break;
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
