/** OpenLineage configuration as the clients read it, the listener in process, and the spec check itself. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  asset,
  collectDefinitions,
  materialize,
  memoryIOManager,
  openLineageFromEnv,
  readOpenLineageConfig,
  OpenLineageConfigError,
  type StandardSchemaV1,
} from "assetline";
import { openLineageProblems } from "../../support/openlineage-spec";

describe("OpenLineage configuration", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetline-ol-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is off without OPENLINEAGE_URL or OPENLINEAGE_CONFIG", () => {
    assert.equal(readOpenLineageConfig({}), undefined);
  });

  it("OPENLINEAGE_URL gives an http transport with the default endpoint; the API key is a Bearer token", () => {
    assert.deepEqual(readOpenLineageConfig({ OPENLINEAGE_URL: "http://localhost:5000" }), {
      namespace: "assetline",
      transport: {
        type: "http",
        url: "http://localhost:5000",
        endpoint: "api/v1/lineage",
        timeoutMs: 5000,
        headers: {},
      },
    });
    const config = readOpenLineageConfig({
      OPENLINEAGE_URL: "http://localhost:5000",
      OPENLINEAGE_ENDPOINT: "events",
      OPENLINEAGE_API_KEY: "k",
      OPENLINEAGE_NAMESPACE: "ns",
    });
    assert.equal(config?.namespace, "ns");
    assert.deepEqual(config?.transport, {
      type: "http",
      url: "http://localhost:5000",
      endpoint: "events",
      apiKey: "k",
      timeoutMs: 5000,
      headers: {},
    });
  });

  it("OPENLINEAGE_DISABLED=true wins over everything", () => {
    assert.equal(
      readOpenLineageConfig({ OPENLINEAGE_URL: "http://x", OPENLINEAGE_DISABLED: "true" }),
      undefined,
    );
  });

  it("reads openlineage.yml in the Python client's spelling, and OPENLINEAGE__ variables over it", () => {
    const file = path.join(dir, "openlineage.yml");
    fs.writeFileSync(
      file,
      [
        "transport:",
        "  type: http",
        "  url: https://backend:5000",
        "  timeout: 2.5",
        "  auth:",
        "    type: api_key",
        "    api_key: f048521b",
        "  custom_headers:",
        "    x-team: data",
      ].join("\n"),
    );
    const config = readOpenLineageConfig({
      OPENLINEAGE_CONFIG: file,
      OPENLINEAGE__TRANSPORT__ENDPOINT: "v2/lineage",
    });
    assert.deepEqual(config?.transport, {
      type: "http",
      url: "https://backend:5000",
      endpoint: "v2/lineage",
      apiKey: "f048521b",
      timeoutMs: 2500,
      headers: { "x-team": "data" },
    });
  });

  it("a file transport's path is relative to the config file; the Python spelling writes one file per event", () => {
    const file = path.join(dir, "file.yml");
    fs.writeFileSync(file, "transport:\n  type: file\n  log_file_path: out/events\n");
    assert.deepEqual(readOpenLineageConfig({ OPENLINEAGE_CONFIG: file })?.transport, {
      type: "file",
      path: path.join(dir, "out", "events"),
      append: false,
    });
  });

  it("says what to fix in a configuration that cannot be used", () => {
    const bad = path.join(dir, "bad.yml");
    fs.writeFileSync(bad, "transport:\n  type: http\n");
    assert.throws(
      () => readOpenLineageConfig({ OPENLINEAGE_CONFIG: bad }),
      (e: unknown) =>
        e instanceof OpenLineageConfigError && /without a url; set transport\.url/.test(e.message),
    );
    assert.throws(
      () => readOpenLineageConfig({ OPENLINEAGE_CONFIG: path.join(dir, "missing.yml") }),
      /cannot be read \(ENOENT\)/,
    );
    fs.writeFileSync(bad, "transport: [unclosed\n");
    assert.throws(() => readOpenLineageConfig({ OPENLINEAGE_CONFIG: bad }), /is not valid YAML/);
  });
});

describe("OpenLineage listener in process", () => {
  /** A Standard Schema that can describe itself as JSON Schema (as zod, valibot and arktype do). */
  const rows: StandardSchemaV1<unknown, { id: number; name: string }[]> & {
    "~standard": { jsonSchema: { output: () => unknown } };
  } = {
    "~standard": {
      version: 1,
      vendor: "test",
      validate: (value) => ({ value: value as { id: number; name: string }[] }),
      jsonSchema: {
        output: () => ({
          type: "array",
          items: {
            type: "object",
            properties: {
              id: { type: "integer", description: "the row id" },
              name: { type: ["string", "null"] },
            },
          },
        }),
      },
    },
  };

  it("takes the schema facet from the asset's output schema, and a Dagster run as the parent's root", async () => {
    const people = asset("hr/people", { schema: rows }, () => [{ id: 1, name: "Ada" }]);
    const definitions = collectDefinitions({ people });
    const sent: Record<string, unknown>[] = [];
    const warnings: string[] = [];
    const store = memoryIOManager();
    const rootRun = "0190f0a2-1111-7222-8333-944445555666";
    const listener = openLineageFromEnv({
      root: os.tmpdir(),
      definitions,
      env: { OPENLINEAGE_URL: "http://127.0.0.1:9", OPENLINEAGE_PARENT_ID: `dagster/my_job/${rootRun}` },
      warn: (m) => warnings.push(m),
      // The run keeps every value in memory: the listener must name datasets the same way.
      io: () => store,
      transport: {
        send: (event) => {
          sent.push(event as Record<string, unknown>);
          return Promise.resolve();
        },
      },
    })!;
    const result = await materialize({
      root: os.tmpdir(),
      definitions,
      keys: ["hr/people"],
      record: false,
      io: store,
      // The runner awaits the listener's flush before it returns.
      listeners: [listener],
    });
    assert.equal(result.status, "success");
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      sent.map((e) => e.eventType),
      ["START", "COMPLETE"],
    );
    for (const e of sent) assert.deepEqual(openLineageProblems(e), []);
    const complete = sent[1] as {
      outputs: { namespace: string; name: string; facets: { schema: { fields: unknown[] } } }[];
      run: { facets: { parent: { root: { run: { runId: string }; job: { name: string } } } } };
    };
    assert.deepEqual(complete.outputs[0]!.facets.schema.fields, [
      { name: "id", type: "integer", description: "the row id" },
      { name: "name", type: "string" },
    ]);
    // The memory IO manager names no dataset: the key in the job namespace.
    assert.deepEqual([complete.outputs[0]!.namespace, complete.outputs[0]!.name], ["assetline", "hr/people"]);
    assert.equal(complete.run.facets.parent.root.run.runId, rootRun);
    assert.equal(complete.run.facets.parent.root.job.name, "my_job");
  });

  it("a transport that never answers is cut off by flush's timeout, with one warning", async () => {
    const slow = asset("a/slow", {}, () => 1);
    const definitions = collectDefinitions({ slow });
    const warnings: string[] = [];
    const listener = openLineageFromEnv({
      root: os.tmpdir(),
      definitions,
      env: { OPENLINEAGE_URL: "http://127.0.0.1:9" },
      warn: (m) => warnings.push(m),
      flushTimeoutMs: 50,
      transport: { send: () => new Promise<void>(() => undefined) },
    })!;
    await materialize({
      root: os.tmpdir(),
      definitions,
      keys: ["a/slow"],
      record: false,
      io: memoryIOManager(),
      onEvent: (e) => listener.onEvent(e),
    });
    const started = Date.now();
    await listener.flush();
    assert.ok(Date.now() - started < 2000);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /2 event\(s\) not delivered within 50 ms/);
  });
});

describe("the OpenLineage 2-0-2 check used by these tests", () => {
  it("rejects what the schema rejects", () => {
    const problems = openLineageProblems({
      eventType: "DONE",
      eventTime: "yesterday",
      producer: "not a uri",
      run: {
        runId: "1234",
        facets: { parent: { _producer: "https://p", _schemaURL: "https://s", run: {} } },
      },
      job: { namespace: "n", facets: { ownership: { owners: [{}] } } },
      outputs: [{ name: "x" }],
    });
    for (const expected of [
      "$.eventType",
      "$.eventTime",
      "$.producer",
      "$.schemaURL",
      "$.run.runId",
      "$.run.facets.parent.run.runId",
      "$.run.facets.parent.job",
      "$.job.name",
      "$.job.facets.ownership._producer",
      "$.job.facets.ownership.owners[0].name",
      "$.outputs[0].namespace",
    ])
      assert.ok(
        problems.some((p) => p.startsWith(expected)),
        `${expected} in ${problems.join("\n")}`,
      );
  });
});
