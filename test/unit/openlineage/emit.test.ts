/**
 * OpenLineage from a real `assetline materialize` on a temporary project: a local HTTP collector
 * (node:http on port 0) receives the events; the file and console transports; a dead endpoint; off.
 * Every event is checked against the OpenLineage 2-0-2 RunEvent schema and the facets' schemas.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { readNdjson, removeTemps, requireBuiltCli, runCli, tempProject } from "../sdk/helpers";
import { openLineageProblems } from "../../support/openlineage-spec";

type OlEvent = {
  eventType: string;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets: Record<string, Record<string, unknown>> };
  job: { namespace: string; name: string; facets: Record<string, Record<string, unknown>> };
  inputs: { namespace: string; name: string }[];
  outputs: { namespace: string; name: string; facets: Record<string, Record<string, unknown>> }[];
};

const definitions = `import { asset, check } from "assetline";

export const raw = asset(
  "ingest/raw",
  { owners: ["team:data-eng"], description: "Raw rows from the shop." },
  () => [{ id: 1, amount: 2 }, { id: 2, amount: 5 }],
);
export const positive = check(raw, "positive", (_ctx, rows) => rows.every((r) => r.amount > 0));
export const small = check(raw, "small", (_ctx, rows) => ({ passed: rows.length < 2 }));
export const total = asset("report/total", { ins: { raw } }, (_ctx, { raw }) => raw.reduce((s, r) => s + r.amount, 0));
export const boom = asset("report/boom", { deps: [raw] }, () => {
  throw new Error("kaboom from the asset");
});
`;

interface Collector {
  url: string;
  events: OlEvent[];
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

async function collector(status = 200): Promise<Collector> {
  const events: OlEvent[] = [];
  const requests: Collector["requests"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => (body += d));
    req.on("end", () => {
      requests.push({ path: req.url ?? "", authorization: req.headers.authorization });
      events.push(JSON.parse(body) as OlEvent);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: one that was just closed. */
async function deadPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const cleanEnv = {
  OPENLINEAGE_URL: undefined,
  OPENLINEAGE_CONFIG: undefined,
  OPENLINEAGE_DISABLED: undefined,
  OPENLINEAGE_ENDPOINT: undefined,
  OPENLINEAGE_API_KEY: undefined,
  OPENLINEAGE_NAMESPACE: undefined,
  OPENLINEAGE_PARENT_ID: undefined,
};

function assertValid(events: OlEvent[]): void {
  for (const e of events) assert.deepEqual(openLineageProblems(e), [], JSON.stringify(e, null, 2));
}

const byJob = (events: OlEvent[], name: string): OlEvent[] => events.filter((e) => e.job.name === name);
const warnings = (stderr: string): string[] => stderr.split("\n").filter((l) => l.includes("OpenLineage"));

describe("OpenLineage from assetline materialize (real CLI, real collector)", function () {
  this.timeout(60000);
  before(requireBuiltCli);
  after(removeTemps);

  it("sends START then COMPLETE or FAIL per asset, with names, datasets and facets, valid against 2-0-2", async () => {
    const dir = tempProject({ "src/definitions.ts": definitions });
    const sink = await collector();
    try {
      const result = await runCli(["materialize", "--select", "*", "--root", dir], {
        env: {
          ...cleanEnv,
          OPENLINEAGE_URL: sink.url,
          OPENLINEAGE_ENDPOINT: "collect/events",
          OPENLINEAGE_API_KEY: "secret-key",
          OPENLINEAGE_NAMESPACE: "shop",
        },
      });
      assert.equal(result.code, 1, "report/boom fails the run\n" + result.stdout + result.stderr);
      assert.deepEqual(warnings(result.stderr), []);
      assertValid(sink.events);
      assert.ok(
        sink.requests.every((r) => r.path === "/collect/events" && r.authorization === "Bearer secret-key"),
      );

      for (const name of ["ingest/raw", "report/total"])
        assert.deepEqual(
          byJob(sink.events, name).map((e) => e.eventType),
          ["START", "COMPLETE"],
          name,
        );
      assert.deepEqual(
        byJob(sink.events, "report/boom").map((e) => e.eventType),
        ["START", "FAIL"],
      );
      assert.equal(sink.events.length, 6);
      assert.ok(sink.events.every((e) => e.job.namespace === "shop"));

      const [rawStart, rawComplete] = byJob(sink.events, "ingest/raw");
      assert.equal(rawStart!.run.runId, rawComplete!.run.runId, "START and COMPLETE share the run id");
      const storage = path.join(dir, ".assetline", "storage").split(path.sep).join("/");
      assert.deepEqual(
        rawComplete!.outputs.map((o) => [o.namespace, o.name]),
        [["file", `${storage}/ingest/raw.json`]],
      );
      assert.deepEqual(rawComplete!.inputs, []);
      const total = byJob(sink.events, "report/total")[1]!;
      assert.deepEqual(
        total.inputs.map((o) => [o.namespace, o.name]),
        [["file", `${storage}/ingest/raw.json`]],
        "inputs are the upstreams' datasets",
      );
      const boomFail = byJob(sink.events, "report/boom")[1]!;
      assert.deepEqual(
        boomFail.inputs.map((o) => o.name),
        [`${storage}/ingest/raw.json`],
        "a plain dep is an input too",
      );

      // Facets.
      const job = rawComplete!.job.facets;
      assert.deepEqual(job.ownership!.owners, [{ name: "team:data-eng" }]);
      assert.equal(job.documentation!.description, "Raw rows from the shop.");
      assert.equal(job.jobType!.integration, "ASSETLINE");
      assert.equal(job.jobType!.processingType, "BATCH");
      assert.equal(job.sourceCodeLocation!.path, "src/definitions.ts");
      assert.match(String(job.sourceCodeLocation!.url), /^file:\/\/.*definitions\.ts#L3$/);
      const runs = fs.readdirSync(path.join(dir, ".assetline", "runs"));
      assert.equal(runs.length, 1);
      const parent = rawComplete!.run.facets.parent!;
      assert.deepEqual((parent.job as Record<string, unknown>).namespace, "shop");
      const parentIds = new Set(
        sink.events.map((e) => (e.run.facets.parent!.run as { runId: string }).runId),
      );
      assert.equal(parentIds.size, 1, "every asset's run has the Assetline run as parent");
      assert.deepEqual(rawComplete!.outputs[0]!.facets.dataQualityAssertions!.assertions, [
        { assertion: "positive", success: true },
        { assertion: "small", success: false },
      ]);
      const error = boomFail.run.facets.errorMessage!;
      assert.match(String(error.message), /kaboom from the asset/);
      assert.equal(error.programmingLanguage, "JavaScript");
      assert.match(String(error.stackTrace), /definitions\.ts/);
      assert.ok(
        sink.events.every(
          (e) => e.schemaURL === "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        ),
      );
    } finally {
      await sink.close();
    }
  });

  it("on the example shop, DuckDB tables are datasets named by the warehouse, with their columns as schema", async () => {
    const dir = tempProject({}, true);
    const sink = await collector();
    try {
      const result = await runCli(["materialize", "--select", "+transform/daily_revenue", "--root", dir], {
        env: { ...cleanEnv, OPENLINEAGE_URL: sink.url },
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assertValid(sink.events);
      const complete = byJob(sink.events, "transform/daily_revenue").find((e) => e.eventType === "COMPLETE")!;
      const warehouse = path.join(dir, ".assetline", "warehouse.duckdb").split(path.sep).join("/");
      assert.deepEqual(
        complete.outputs.map((o) => [o.namespace, o.name]),
        [[`duckdb://${warehouse}`, "main.transform/daily_revenue"]],
      );
      assert.deepEqual(
        complete.inputs.map((o) => [o.namespace, o.name]),
        [
          [`duckdb://${warehouse}`, "main.transform/cleaned_orders"],
          [
            "file",
            `${path.join(dir, ".assetline", "storage").split(path.sep).join("/")}/finance/fx_rates.json`,
          ],
        ],
        "an external dep is named where the runner would load it from (the default IO manager)",
      );
      const fields = (complete.outputs[0]!.facets.schema!.fields as { name: string }[]).map((f) => f.name);
      assert.deepEqual(fields.sort(), ["day", "orders", "revenue"]);
    } finally {
      await sink.close();
    }
  });

  it("a dead endpoint leaves the run green with exactly one warning saying why", async () => {
    const dir = tempProject({ "src/definitions.ts": definitions });
    const port = await deadPort();
    const result = await runCli(["materialize", "--select", "ingest/raw or report/total", "--root", dir], {
      env: { ...cleanEnv, OPENLINEAGE_URL: `http://127.0.0.1:${port}` },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = warnings(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /not delivered.*ECONNREFUSED/);
  });

  it("a collector answering 500 is one warning too, the run still succeeds", async () => {
    const dir = tempProject({ "src/definitions.ts": definitions });
    const sink = await collector(500);
    try {
      const result = await runCli(["materialize", "--select", "ingest/raw or report/total", "--root", dir], {
        env: { ...cleanEnv, OPENLINEAGE_URL: sink.url },
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(warnings(result.stderr).length, 1, result.stderr);
      assert.match(warnings(result.stderr)[0]!, /answered 500/);
      assert.ok(sink.events.length < 4, "delivery stops at the first failure (a few may be in flight)");
    } finally {
      await sink.close();
    }
  });

  it("OPENLINEAGE_DISABLED=true sends nothing, even with a URL", async () => {
    const dir = tempProject({ "src/definitions.ts": definitions });
    const sink = await collector();
    try {
      const result = await runCli(["materialize", "--select", "ingest/raw", "--root", dir], {
        env: { ...cleanEnv, OPENLINEAGE_URL: sink.url, OPENLINEAGE_DISABLED: "true" },
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(sink.events.length, 0);
      assert.deepEqual(warnings(result.stderr), []);
    } finally {
      await sink.close();
    }
  });

  it("OPENLINEAGE_CONFIG with a file transport (YAML) appends one event a line", async () => {
    const dir = tempProject({
      "src/definitions.ts": definitions,
      "openlineage.yml":
        "namespace: from-yaml\ntransport:\n  type: file\n  log_file_path: lineage/events.ndjson\n  append: true\n",
    });
    const result = await runCli(["materialize", "--select", "ingest/raw or report/total", "--root", dir], {
      env: { ...cleanEnv, OPENLINEAGE_CONFIG: path.join(dir, "openlineage.yml") },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const events = readNdjson<OlEvent>(path.join(dir, "lineage", "events.ndjson"));
    assertValid(events);
    assert.deepEqual(
      events.map((e) => `${e.eventType} ${e.job.name}`),
      ["START ingest/raw", "COMPLETE ingest/raw", "START report/total", "COMPLETE report/total"],
    );
    assert.ok(events.every((e) => e.job.namespace === "from-yaml"));
  });

  it("the console transport writes events to stderr, leaving --json's stdout to run events", async () => {
    const dir = tempProject({
      "src/definitions.ts": definitions,
      "openlineage.json": JSON.stringify({ transport: { type: "console" } }),
    });
    const result = await runCli(["materialize", "--select", "ingest/raw", "--json", "--root", dir], {
      env: { ...cleanEnv, OPENLINEAGE_CONFIG: path.join(dir, "openlineage.json") },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const events = result.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as OlEvent);
    assertValid(events);
    assert.deepEqual(
      events.map((e) => e.eventType),
      ["START", "COMPLETE"],
    );
    for (const line of result.stdout.split("\n").filter(Boolean))
      assert.ok(!("eventType" in (JSON.parse(line) as object)), "no lineage on stdout");
  });

  it("a configuration that cannot be used is one warning with what to fix, and the run succeeds", async () => {
    const dir = tempProject({
      "src/definitions.ts": definitions,
      "openlineage.yml": "transport:\n  type: kafka\n",
    });
    const result = await runCli(["materialize", "--select", "ingest/raw", "--root", dir], {
      env: { ...cleanEnv, OPENLINEAGE_CONFIG: path.join(dir, "openlineage.yml") },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const lines = warnings(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(result.stderr, /"kafka" is not supported; use http, file, console or composite/);
  });
});
