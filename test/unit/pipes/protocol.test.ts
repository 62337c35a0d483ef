/** The Pipes library on its own: keys, typed metadata, exceptions, loaders, writers and S3. */
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import {
  assetKeyParts,
  blobStoreChannel,
  cliArgsParamsLoader,
  defaultContextLoader,
  defaultMessageWriter,
  encodeParam,
  escapeAssetKey,
  mappingParamsLoader,
  normalizeMetadata,
  openDagsterPipes,
  pipesException,
  pipesMetadata,
  PipesError,
  s3ClientFromEnv,
  serializeMessage,
  type PipesMessage,
} from "assetline";

const decode = (text: string): unknown =>
  JSON.parse(zlib.inflateSync(Buffer.from(text, "base64")).toString("utf8"));

function context(assetKeys: string[] | null = ["a/b"]): Record<string, unknown> {
  return { asset_keys: assetKeys, run_id: "r", job_name: "j", retry_number: 0, extras: { x: 1 } };
}

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pipes-unit-")), name);
}

function lines(file: string): PipesMessage[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PipesMessage);
}

describe("pipes: keys and metadata", () => {
  it("escapes and splits asset keys as Dagster does", () => {
    assert.equal(escapeAssetKey(["a/b", "c\\d", "e"]), "a\\/b/c\\\\d/e");
    assert.deepEqual(assetKeyParts("a\\/b/c\\\\d/e"), ["a/b", "c\\d", "e"]);
    assert.deepEqual(assetKeyParts("ingest/raw_orders"), ["ingest", "raw_orders"]);
  });

  it("keeps the types JavaScript's JSON would lose", () => {
    assert.deepEqual(pipesMetadata.float(2), { type: "float", raw_value: 2 });
    assert.deepEqual(pipesMetadata.timestamp(new Date("2026-01-02T03:04:05.500Z")), {
      type: "timestamp",
      raw_value: 1767323045.5,
    });
    assert.deepEqual(pipesMetadata.table([{ a: 1 }], [{ name: "a", type: "int" }]), {
      type: "table",
      raw_value: { records: [{ a: 1 }], schema: [{ name: "a", type: "int" }] },
    });
    assert.deepEqual(
      pipesMetadata.tableSchema([{ name: "a", type: "int", constraints: { nullable: false } }]),
      {
        type: "table_schema",
        raw_value: { columns: [{ name: "a", type: "int", constraints: { nullable: false } }] },
      },
    );
    assert.deepEqual(pipesMetadata.columnLineage({ total: [{ asset: "ingest/orders", column: "amount" }] }), {
      type: "table_column_lineage",
      raw_value: { deps_by_column: { total: [{ asset_key: ["ingest", "orders"], column_name: "amount" }] } },
    });
    // On the wire an integral float is 2.0: Python reads 2 as an int, which MetadataValue.float refuses.
    const line = serializeMessage({
      __dagster_pipes_version: "0.1",
      method: "report_custom_message",
      params: {
        f: pipesMetadata.float(2),
        i: pipesMetadata.int(2),
        g: pipesMetadata.float(-0.5),
        s: "\u0000float\u00002",
      },
    });
    assert.match(line, /"f":\{"type":"float","raw_value":2\.0\}/);
    assert.match(line, /"i":\{"type":"int","raw_value":2\}/);
    assert.match(line, /"g":\{"type":"float","raw_value":-0\.5\}/);
    assert.equal((JSON.parse(line) as { params: { s: string } }).params.s, "\u0000float\u00002");
    assert.throws(() => pipesMetadata.int(1.5), PipesError);
    assert.throws(() => pipesMetadata.float(Number.NaN), /finite/);
  });

  it("normalizes raw values to __infer__, Dates to timestamps, refuses what JSON cannot carry", () => {
    assert.deepEqual(
      normalizeMetadata(
        { n: 1, s: "x", d: new Date(0), b: 3n, gone: undefined, t: pipesMetadata.md("*") },
        "m",
      ),
      {
        n: { type: "__infer__", raw_value: 1 },
        s: { type: "__infer__", raw_value: "x" },
        d: { type: "timestamp", raw_value: 0 },
        b: { type: "int", raw_value: 3 },
        t: { type: "md", raw_value: "*" },
      },
    );
    assert.throws(
      () => normalizeMetadata({ bad: { type: "nope", raw_value: 1 } }, "m"),
      /"nope" is not one of/,
    );
    assert.throws(() => normalizeMetadata({ f: () => 1 }, "m"), /JSON values/);
  });
});

describe("pipes: exceptions", () => {
  it("carries name, message, frames, cause and an AggregateError's first error as context", () => {
    const inner = new RangeError("inner");
    const outer = new TypeError("outer", { cause: inner });
    const agg = new AggregateError([outer], "several");
    const e = pipesException(agg);
    assert.equal(e.name, "AggregateError");
    assert.equal(e.message, "several");
    assert.ok(e.stack.length > 0 && e.stack.every((f) => f.startsWith("  at ") && f.endsWith("\n")));
    assert.equal(e.context?.name, "TypeError");
    assert.equal(e.context?.cause?.name, "RangeError");
    assert.equal(e.context?.cause?.cause, null);
    const cyclic = new Error("loop");
    (cyclic as { cause?: unknown }).cause = cyclic;
    assert.equal(pipesException(cyclic).cause, null);
    assert.deepEqual(pipesException("text"), {
      name: null,
      message: "text",
      stack: [],
      cause: null,
      context: null,
    });
  });
});

describe("pipes: bootstrap and context", () => {
  it("a mapping (a Lambda event) and CLI arguments carry the same bootstrap as the environment", async () => {
    const messages = tempFile("m.ndjson");
    const event = {
      DAGSTER_PIPES_CONTEXT: encodeParam({ data: context() }),
      DAGSTER_PIPES_MESSAGES: encodeParam({ path: messages }),
    };
    assert.deepEqual(decode(event.DAGSTER_PIPES_CONTEXT), { data: context() });
    const pipes = await openDagsterPipes({ paramsLoader: mappingParamsLoader(event, "the Lambda event") });
    assert.equal(pipes.assetKey, "a/b");
    assert.equal(pipes.getExtra("x"), 1);
    assert.throws(() => pipes.getExtra("y"), /Extra "y" is undefined/);
    pipes.reportAssetMaterialization({ dataVersion: "v1" });
    assert.throws(() => pipes.reportAssetMaterialization(), /already reported/);
    assert.throws(
      () => pipes.reportAssetCheck({ checkName: "c", passed: true, assetKey: "x/y" }),
      /expected one of/,
    );
    pipes.logExternalStream("stdout", "hello\n");
    await pipes.close();
    await pipes.close();
    assert.throws(() => pipes.reportCustomMessage(1), /after the Pipes context is closed/);
    assert.deepEqual(
      lines(messages).map((m) => [m.method, m.params]),
      [
        ["opened", { extras: {} }],
        ["report_asset_materialization", { asset_key: "a/b", data_version: "v1", metadata: null }],
        ["log_external_stream", { stream: "stdout", text: "hello\n", extras: {} }],
        ["closed", {}],
      ],
    );

    const argv = [
      "node",
      "x",
      "--dagster-pipes-context",
      event.DAGSTER_PIPES_CONTEXT,
      `--dagster-pipes-messages=${event.DAGSTER_PIPES_MESSAGES}`,
    ];
    const loader = cliArgsParamsLoader(argv);
    assert.ok(loader.isDagsterPipesProcess());
    assert.deepEqual(loader.loadMessagesParams(), { path: messages });
    assert.equal(cliArgsParamsLoader(["node", "x"]).isDagsterPipesProcess(), false);
  });

  it("bad bootstrap parameters get a sentence, not a stack trace", async () => {
    assert.throws(
      () => mappingParamsLoader({ DAGSTER_PIPES_CONTEXT: "not base64 zlib" }).loadContextParams(),
      /not a Dagster Pipes parameter \(base64 of zlib-compressed JSON\)/,
    );
    await assert.rejects(
      defaultContextLoader().loadContext({ path: "/nonexistent/ctx.json" }),
      /Cannot read the Pipes context file .*ENOENT/,
    );
    await assert.rejects(
      defaultContextLoader().loadContext({ data: { asset_keys: null } }),
      /has no "run_id"/,
    );
    assert.throws(() => defaultMessageWriter().open({ stdio: "stdmiddle" }), /expected "stdout" or "stderr"/);
    assert.throws(
      () => defaultMessageWriter().open({ nothing: 1 }),
      /expected "path", "stdio", "buffered_stdio" or "bucket"/,
    );
  });

  it("a context that cannot be loaded is still reported to Dagster as closed with the exception", async () => {
    const messages = tempFile("m.ndjson");
    await assert.rejects(
      openDagsterPipes({
        paramsLoader: mappingParamsLoader({
          DAGSTER_PIPES_CONTEXT: encodeParam({ path: "/nonexistent/ctx.json" }),
          DAGSTER_PIPES_MESSAGES: encodeParam({ path: messages }),
        }),
      }),
      PipesError,
    );
    const [opened, closed] = lines(messages);
    assert.equal(opened!.method, "opened");
    assert.equal((closed!.params!.exception as { name: string }).name, "DagsterPipesError");
  });

  it("include_stdio_in_messages sends what the process prints as log_external_stream", async () => {
    const patched = (): boolean => Object.prototype.hasOwnProperty.call(process.stderr, "write");
    assert.equal(patched(), false);
    const messages = tempFile("m.ndjson");
    const pipes = await openDagsterPipes({
      paramsLoader: mappingParamsLoader({
        DAGSTER_PIPES_CONTEXT: encodeParam({ data: context() }),
        DAGSTER_PIPES_MESSAGES: encodeParam({ path: messages, include_stdio_in_messages: true }),
      }),
    });
    assert.equal(patched(), true, "captured while open");
    process.stderr.write("captured line\n");
    await pipes.close();
    assert.equal(patched(), false, "restored at close");
    const streamed = lines(messages).filter((m) => m.method === "log_external_stream");
    assert.deepEqual(
      streamed.map((m) => m.params),
      [{ stream: "stderr", text: "captured line\n", extras: {} }],
    );
  });
});

/** A stand-in for S3 that records signed requests (GET returns what was PUT or preloaded). */
async function fakeS3(objects: Map<string, string>): Promise<{
  url: string;
  requests: { method: string; url: string; auth: string }[];
  close: () => Promise<void>;
}> {
  const requests: { method: string; url: string; auth: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => (body += d));
    req.on("end", () => {
      requests.push({ method: req.method!, url: req.url!, auth: String(req.headers.authorization ?? "") });
      if (req.method === "PUT") {
        objects.set(req.url!, body);
        res.end();
      } else if (objects.has(req.url!)) res.end(objects.get(req.url!));
      else {
        res.statusCode = 404;
        res.end("<Error><Code>NoSuchKey</Code></Error>");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("pipes: S3", () => {
  it("reads the context object and writes message chunks, signed with SigV4", async () => {
    const objects = new Map([["/bucket/ctx/context.json", JSON.stringify(context())]]);
    const s3 = await fakeS3(objects);
    try {
      const env = {
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_REGION: "eu-west-1",
        AWS_ENDPOINT_URL: s3.url,
      };
      const client = () => s3ClientFromEnv(env);
      const pipes = await openDagsterPipes({
        paramsLoader: mappingParamsLoader({
          DAGSTER_PIPES_CONTEXT: encodeParam({ bucket: "bucket", key: "ctx/context.json" }),
          DAGSTER_PIPES_MESSAGES: encodeParam({ bucket: "bucket", key_prefix: "run/msgs" }),
        }),
        contextLoader: defaultContextLoader(client),
        messageWriter: defaultMessageWriter({ s3: client }),
      });
      pipes.log.info("one");
      pipes.reportCustomMessage({ two: 2 });
      await pipes.close();
      for (const r of s3.requests)
        assert.match(r.auth, /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request/);
      const chunk = objects.get("/bucket/run/msgs/1.json")!;
      assert.deepEqual(
        chunk.split("\n").map((l) => (JSON.parse(l) as PipesMessage).method),
        ["opened", "log", "report_custom_message", "closed"],
      );
      await assert.rejects(client().getObject("bucket", "missing.json"), /HTTP 404 NoSuchKey/);
      assert.throws(() => s3ClientFromEnv({}), /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/);
    } finally {
      await s3.close();
    }
  });

  it("a blob store channel uploads numbered chunks on its interval and the rest at close", async () => {
    const chunks: [number, string][] = [];
    let uploaded!: () => void;
    const first = new Promise<void>((resolve) => (uploaded = resolve));
    const channel = blobStoreChannel((chunk, index) => {
      chunks.push([index, chunk]);
      uploaded();
      return Promise.resolve();
    }, 20);
    channel.write({ __dagster_pipes_version: "0.1", method: "opened", params: { extras: {} } });
    await first;
    channel.write({ __dagster_pipes_version: "0.1", method: "closed", params: {} });
    await channel.close();
    assert.deepEqual(
      chunks.map(([i, c]) => [i, (JSON.parse(c) as PipesMessage).method]),
      [
        [1, "opened"],
        [2, "closed"],
      ],
    );
  });
});
