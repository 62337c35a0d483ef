/**
 * Message writers: where the process's messages go, as the orchestrator's message reader says
 * in the messages parameters. A file (`path`: one whole line per message, appended with one
 * write), a standard stream (`stdio`, what the Kubernetes, Docker and ECS clients read from the
 * container's logs), a standard stream written at close (`buffered_stdio`), or S3 chunks
 * (`bucket`, `key_prefix`: `<prefix>/1.json`, `2.json`, ..., one message per line).
 */
import fs from "node:fs";
import {
  makeMessage,
  PipesError,
  serializeMessage,
  type PipesMessage,
  type PipesParams,
  type PipesTextSink,
} from "./protocol";
import { s3ClientFromEnv, type PipesS3Client } from "./s3";

export interface PipesMessageChannel {
  write(message: PipesMessage): void;
  /** Writes whatever is buffered; the channel takes no messages after it. */
  close(): Promise<void>;
}

export interface PipesMessageWriter {
  open(params: PipesParams): PipesMessageChannel;
  /** What the `opened` message carries under `extras`. */
  openedExtras?(): Record<string, unknown>;
}

/** One JSON line: JSON.stringify escapes every newline inside strings, so a message never splits. */
export function messageLine(message: PipesMessage): string {
  return serializeMessage(message) + "\n";
}

export function fileChannel(path: string): PipesMessageChannel {
  return {
    write(message) {
      // One append per message: a reader never sees half a line, a kill loses at most the last.
      fs.appendFileSync(path, messageLine(message), "utf8");
    },
    async close() {},
  };
}

export function streamChannel(stream: PipesTextSink): PipesMessageChannel {
  return {
    write(message) {
      stream.write(messageLine(message));
    },
    close: () => new Promise<void>((resolve) => stream.write("", () => resolve())),
  };
}

export function bufferedStreamChannel(stream: PipesTextSink): PipesMessageChannel {
  const buffer: string[] = [];
  return {
    write(message) {
      buffer.push(messageLine(message));
    },
    close: () =>
      new Promise<void>((resolve) => {
        stream.write(buffer.splice(0).join(""), () => resolve());
      }),
  };
}

/**
 * Buffers messages and uploads them as numbered chunks every `intervalMs` and at close, as
 * Dagster's blob-store writers do (its readers download `1.json`, `2.json`, ... in order).
 */
export function blobStoreChannel(
  upload: (chunk: string, index: number) => Promise<void>,
  intervalMs = 10_000,
): PipesMessageChannel {
  let buffer: PipesMessage[] = [];
  let counter = 1;
  let uploading: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  const flush = (): Promise<void> => {
    if (buffer.length === 0) return uploading;
    const chunk = buffer.map(serializeMessage).join("\n");
    buffer = [];
    const index = counter++;
    uploading = uploading.then(() =>
      upload(chunk, index).catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new PipesError(JSON.stringify(error));
      }),
    );
    return uploading;
  };
  const timer = setInterval(() => void flush(), intervalMs);
  timer.unref();
  return {
    write(message) {
      buffer.push(message);
    },
    async close() {
      clearInterval(timer);
      await flush();
      if (failure !== undefined) throw failure;
    },
  };
}

function streamOf(params: PipesParams, key: string): PipesTextSink {
  const value = params[key];
  if (value !== "stdout" && value !== "stderr")
    throw new PipesError(
      `Invalid value for "${key}": expected "stdout" or "stderr", received ${JSON.stringify(value)}.`,
    );
  return value === "stderr" ? process.stderr : process.stdout;
}

/**
 * Sends what the process writes to stdout and stderr as `log_external_stream` messages too
 * (`include_stdio_in_messages`), for channels that are not themselves a standard stream.
 */
function withStdioCapture(channel: PipesMessageChannel): PipesMessageChannel {
  const restore: (() => void)[] = [];
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    const hadOwn = Object.prototype.hasOwnProperty.call(stream, "write");
    const previous = stream.write.bind(stream);
    const own = hadOwn ? (Object.getOwnPropertyDescriptor(stream, "write")?.value as unknown) : undefined;
    const original = previous as (...args: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
      if (text) channel.write(makeMessage("log_external_stream", { stream: name, text, extras: {} }));
      return original(chunk, ...rest);
    };
    restore.push(() => {
      // Back to exactly what was there: the prototype's method, or an own one someone else set.
      if (hadOwn) stream.write = own as typeof stream.write;
      else delete (stream as { write?: unknown }).write;
    });
  }
  return {
    write: (message) => channel.write(message),
    async close() {
      for (const undo of restore) undo();
      await channel.close();
    },
  };
}

export interface DefaultMessageWriterOptions {
  /** The S3 client for `bucket` parameters (default: from the AWS environment variables). */
  s3?: () => PipesS3Client;
  /** How often S3 chunks are uploaded (default 10 s, as Dagster's writers). */
  intervalMs?: number;
}

/** Picks the channel from the message reader's parameters (see the module comment). */
export function defaultMessageWriter(options: DefaultMessageWriterOptions = {}): PipesMessageWriter {
  return {
    open(params) {
      let channel: PipesMessageChannel;
      let capture = params.include_stdio_in_messages === true;
      if ("path" in params) {
        if (typeof params.path !== "string")
          throw new PipesError(
            `Invalid messages parameter "path": expected a string, got ${JSON.stringify(params.path)}.`,
          );
        channel = fileChannel(params.path);
      } else if ("stdio" in params) {
        channel = streamChannel(streamOf(params, "stdio"));
        capture = false;
      } else if ("buffered_stdio" in params) {
        channel = bufferedStreamChannel(streamOf(params, "buffered_stdio"));
        capture = false;
      } else if ("bucket" in params) {
        const bucket = params.bucket;
        const prefix = params.key_prefix ?? null;
        if (typeof bucket !== "string" || (prefix !== null && typeof prefix !== "string"))
          throw new PipesError(
            `Invalid S3 messages parameters: expected a string "bucket" and an optional string "key_prefix", received ${JSON.stringify(params)}.`,
          );
        const client = (options.s3 ?? s3ClientFromEnv)();
        channel = blobStoreChannel(
          (chunk, index) =>
            client.putObject(bucket, prefix ? `${prefix}/${index}.json` : `${index}.json`, chunk),
          options.intervalMs,
        );
      } else {
        throw new PipesError(
          `Invalid messages parameters: expected "path", "stdio", "buffered_stdio" or "bucket", received ${JSON.stringify(params)}. ` +
            "The orchestration side's message reader may expect another message writer.",
        );
      }
      return capture ? withStdioCapture(channel) : channel;
    },
    openedExtras: () => ({}),
  };
}
