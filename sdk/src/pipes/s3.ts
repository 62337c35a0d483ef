/**
 * The two S3 calls Pipes needs (read the context object, write message chunks), signed with
 * AWS Signature V4 by `aws4fetch`. Credentials and region come from the standard AWS environment
 * variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` or
 * `AWS_DEFAULT_REGION`); `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL` point at another endpoint
 * (MinIO, a local mock), addressed path-style.
 */
import { AwsClient } from "aws4fetch";
import { PipesError, type PipesEnvironment } from "./protocol";

export interface PipesS3Client {
  getObject(bucket: string, key: string): Promise<string>;
  putObject(bucket: string, key: string, body: string): Promise<void>;
}

function objectUrl(bucket: string, key: string, region: string, endpoint: string | undefined): string {
  const path = key.split("/").map(encodeURIComponent).join("/");
  if (endpoint) return `${endpoint.replace(/\/+$/, "")}/${encodeURIComponent(bucket)}/${path}`;
  return `https://${bucket}.s3.${region}.amazonaws.com/${path}`;
}

async function failure(response: Response, what: string): Promise<PipesError> {
  const body = await response.text().catch(() => "");
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  return new PipesError(
    `${what} failed: HTTP ${response.status}${code ? ` ${code}` : ""}. Check the bucket, the key and the AWS credentials this process sees.`,
  );
}

/** An S3 client from the process's AWS environment variables. */
export function s3ClientFromEnv(env: PipesEnvironment = process.env): PipesS3Client {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new PipesError(
      "Dagster asked for S3 (context or messages), but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; pass them to the process.",
    );
  }
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const client = new AwsClient({
    accessKeyId,
    secretAccessKey,
    sessionToken: env.AWS_SESSION_TOKEN,
    service: "s3",
    region,
  });
  return {
    async getObject(bucket, key) {
      const response = await client.fetch(objectUrl(bucket, key, region, endpoint), { method: "GET" });
      if (!response.ok) throw await failure(response, `Reading s3://${bucket}/${key}`);
      return response.text();
    },
    async putObject(bucket, key, body) {
      const response = await client.fetch(objectUrl(bucket, key, region, endpoint), {
        method: "PUT",
        body,
        headers: { "content-type": "application/json" },
      });
      if (!response.ok) throw await failure(response, `Writing s3://${bucket}/${key}`);
    },
  };
}
