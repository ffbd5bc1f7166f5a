import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
// s3rver ships no types; its constructor, run and close are all a test uses.
// @ts-expect-error no declaration file
import S3rver from "s3rver";

/** A private S3-compatible server (s3rver) on a spare loopback port, with one bucket. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`; use path-style addressing. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Options of `createS3ObjectStore` that reach it. */
  storeOptions: {
    bucket: string;
    region: string;
    endpoint: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** The `S3_*` environment of a service (or the Lambda) that reaches it. */
  env: Record<string, string>;
  /** Stops serving (open connections are cut) and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver in this process on a free port of 127.0.0.1 (or `port`, to bring one back where it
 * was) with a bucket and a temporary folder.
 * It checks AWS signatures (v4 presigned URLs, with their expiry) with the key pair S3RVER/S3RVER.
 */
export async function startS3Server(options: { bucket?: string; port?: number } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? "mercato-test";
  const directory = await mkdtemp(join(tmpdir(), "mercato-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  }) as { run(): Promise<AddressInfo>; httpServer: Server };
  const { port } = await server.run();
  let stopped = false;
  const endpoint = `http://127.0.0.1:${port}`;
  const region = "us-east-1";
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  return {
    endpoint,
    bucket,
    region,
    ...credentials,
    storeOptions: { bucket, region, endpoint, forcePathStyle: true, credentials },
    env: {
      S3_BUCKET: bucket,
      S3_REGION: region,
      S3_ENDPOINT: endpoint,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.httpServer.close(() => resolve());
        server.httpServer.closeAllConnections();
      });
      await rm(directory, { recursive: true, force: true });
    },
  };
}
