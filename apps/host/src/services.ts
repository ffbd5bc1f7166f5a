import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { gatewayConfigSchema, upstreamServices } from "@mercato/gateway";
import { parseConfig, runMain, servicePorts, standaloneConfigSchema } from "@mercato/platform";
import pg from "pg";
import { hostedServices } from "./catalog.js";

/** One process to run: a service (or the gateway) and its entry file. */
export interface ProcessSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
}

/** Running child processes of the distributed launcher. */
export interface Launched {
  children: Map<string, ChildProcess>;
  stop(): Promise<void>;
  /** Resolves with the name of the first process that exits. */
  exited: Promise<{ name: string; code: number | null }>;
}

const root = resolve(import.meta.dirname, "../../..");

/** The database URL of one service: the same server as `base`, database `mercato_<service>`. */
export function serviceDatabaseUrl(base: string, service: string): string {
  const url = new URL(base);
  url.pathname = `/mercato_${service}`;
  return url.toString();
}

/** Creates each service's database on the server of `base` when it does not exist yet. */
export async function ensureDatabases(base: string, services: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    for (const service of services) {
      const name = `mercato_${service}`;
      const found = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (found.rowCount === 0) await client.query(`create database "${name}"`);
    }
  } finally {
    await client.end();
  }
}

/** Starts one process per spec with `tsx`, prefixing each output line with its name. */
export function launch(specs: readonly ProcessSpec[]): Launched {
  const children = new Map<string, ChildProcess>();
  const tsx = resolve(root, "node_modules/.bin/tsx");
  let notify: (value: { name: string; code: number | null }) => void = () => {};
  const exited = new Promise<{ name: string; code: number | null }>((resolveExit) => {
    notify = resolveExit;
  });
  for (const spec of specs) {
    const child = spawn(tsx, [spec.entry], {
      cwd: root,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const prefix = `${spec.name.padEnd(14)}| `;
    const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line) stream.write(`${prefix}${line}\n`);
    };
    child.stdout?.on("data", forward(process.stdout));
    child.stderr?.on("data", forward(process.stderr));
    child.once("exit", (code) => notify({ name: spec.name, code }));
    children.set(spec.name, child);
  }
  return {
    children,
    exited,
    stop: async () => {
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
              setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
            }),
        ),
      );
    },
  };
}

/** The processes of the distributed mode: every catalog service, then the gateway. */
export function distributedSpecs(env: Record<string, string | undefined>): ProcessSpec[] {
  const infra = parseConfig(standaloneConfigSchema, env);
  const gateway = parseConfig(gatewayConfigSchema, env);
  const host = infra.HOST;
  // Every process verifies bearer tokens against the auth service's key set unless told otherwise.
  const ports = servicePorts([...upstreamServices, ...hostedServices], env);
  const jwksUrl = env.JWKS_URL ?? `http://${host}:${ports.auth ?? 9000}/.well-known/jwks.json`;
  const urls = Object.fromEntries(
    upstreamServices.map((s) => [`${s.name.toUpperCase()}_SERVICE_URL`, `http://${host}:${ports[s.name]}`]),
  );
  // The services sign their own tokens with one secret; made up for this launch when not given.
  const serviceSecret = env.SERVICE_TOKEN_SECRET ?? randomBytes(32).toString("base64url");
  const specs: ProcessSpec[] = hostedServices.map((service) => ({
    name: service.name,
    entry: `services/${service.name}/src/main.ts`,
    env: {
      ...urls,
      SERVICE_TOKEN_SECRET: serviceSecret,
      DATABASE_URL: serviceDatabaseUrl(infra.DATABASE_URL, service.name),
      PORT: String(ports[service.name]),
      JWKS_URL: jwksUrl,
    },
  }));
  specs.push({
    name: "gateway",
    entry: "services/gateway/src/main.ts",
    env: { ...urls, GATEWAY_PORT: String(gateway.GATEWAY_PORT), JWKS_URL: jwksUrl },
  });
  return specs;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  runMain(async () => {
    const specs = distributedSpecs(process.env);
    const infra = parseConfig(standaloneConfigSchema);
    await ensureDatabases(
      infra.DATABASE_URL,
      hostedServices.map((s) => s.name),
    );
    const launched = launch(specs);
    process.stdout.write(`Mercato (distributed): ${specs.map((s) => s.name).join(", ")}\n`);
    const stop = async () => {
      await launched.stop();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
    const first = await launched.exited;
    process.stderr.write(`${first.name} exited with code ${first.code}; stopping the others\n`);
    await launched.stop();
    process.exit(1);
  });
}
