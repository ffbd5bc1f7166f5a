// The container image's recipe, performed without a Docker engine (ADR 0045): the Dockerfile is
// parsed, its build context is the repository filtered by .dockerignore, and its npm and node
// steps run in a temporary directory per stage; then the runtime stage's CMD starts one service
// from the build with the image's environment, its /ready answers, and so does the HEALTHCHECK.
// A RUN that is neither an npm/node step nor one of the OS steps listed below fails the test, so
// a new step in the Dockerfile cannot go untried.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import dockerignore from "@balena/dockerignore";
import { describeWithInfra, freePort, waitFor } from "@mercato/testing";
import { type Copy, DockerfileParser, type Instruction } from "dockerfile-ast";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtEntries } from "../src/container.js";

const root = resolve(import.meta.dirname, "../../..");
const dockerfile = DockerfileParser.parse(readFileSync(join(root, "Dockerfile"), "utf8"));

/** Steps of the image that install or prepare the operating system: a Docker build runs them; this test cannot. */
const osSteps = [
  /^apt-get update\b/,
  /^mkdir -p \/var\/lib\/mercato && chown node:node \/var\/lib\/mercato$/,
];

interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

function stages(): Stage[] {
  const args = new Map(
    dockerfile
      .getInitialARGs()
      .map((arg) => [arg.getProperty()?.getName() ?? "", arg.getProperty()?.getValue() ?? ""]),
  );
  const result: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const [image = "", , name = ""] = instruction.getArguments().map((a) => a.getValue());
      const from = image.replace(/^\$\{(\w+)\}$/, (_, arg: string) => args.get(arg) ?? "");
      result.push({ name, from, instructions: [] });
    } else result.at(-1)?.instructions.push(instruction);
  }
  return result;
}

/** One instruction's arguments as written, continuation lines joined. */
const text = (instruction: Instruction) =>
  instruction
    .getArgumentsContent()
    ?.replace(/\\\n\s*/g, "")
    .trim() ?? "";

/** The key/value pairs of an ENV or ARG instruction, `${ARG}` replaced by the stage's ARG values. */
function pairs(instruction: Instruction, known: Map<string, string>): [string, string][] {
  const found = [...text(instruction).matchAll(/(\w+)=(\S*)/g)].map(
    ([, key = "", value = ""]) =>
      [key, value.replace(/\$\{(\w+)\}/g, (_, v: string) => known.get(v) ?? "")] as [string, string],
  );
  return found;
}

/** The files of the build context: what git knows of (tracked or not ignored) that .dockerignore lets through. */
function buildContext(): string[] {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  })
    .split("\0")
    .filter((file) => file && existsSync(join(root, file)));
  const ignore = dockerignore().add(readFileSync(join(root, ".dockerignore"), "utf8"));
  return ignore.filter(files);
}

describe("the Dockerfile", () => {
  it("builds from Node 24 slim in two stages and runs as a non-root user with a health check", () => {
    const [build, runtime] = stages();
    expect(build?.from).toMatch(/^node:24[-.\w]*-slim$/);
    expect(runtime?.from).toBe(build?.from);
    expect(build?.name).toBe("build");
    const keywords = (runtime?.instructions ?? []).map((i) => i.getKeyword());
    const user = runtime?.instructions.filter((i) => i.getKeyword() === "USER").at(-1);
    expect(text(user as Instruction)).toBe("node");
    expect(keywords).toContain("HEALTHCHECK");
    expect(keywords.at(-1)).toBe("CMD");
    const copy = runtime?.instructions.find((i) => i.getKeyword() === "COPY") as Copy;
    expect(copy.getFlags().map((flag) => [flag.getName(), flag.getValue()])).toContainEqual([
      "from",
      "build",
    ]);
  });

  it("leaves out of the build context what the build makes itself and what is local", () => {
    const context = buildContext();
    expect(context).toContain("package-lock.json");
    expect(context).toContain("services/orders/src/main.ts");
    expect(context.some((file) => /(^|\/)(node_modules|dist)\//.test(file))).toBe(false);
    expect(context.some((file) => file.startsWith(".git/") || file.startsWith("data/"))).toBe(false);
  });
});

describeWithInfra(
  "DATABASE_URL",
  "the image's build and run steps, without a Docker engine",
  (databaseUrl) => {
    let work: string;
    let app: string;
    let env: Record<string, string>;
    const steps: string[] = [];

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "mercato-image-"));
      const [build, runtime] = stages() as [Stage, Stage];
      // The build stage, in its own folder standing in for its /app.
      const buildApp = join(work, "build");
      mkdirSync(buildApp);
      // The machine's own settings (PATH, HOME, certificates, proxies) as a Docker build would have
      // them from its host's daemon; not what the test run set for itself.
      const base = {
        ...Object.fromEntries(
          Object.entries(process.env).filter(
            ([key]) =>
              !/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|CI$|DATABASE_URL$|NATS_URL$|REDIS_URL$)/i.test(key),
          ),
        ),
        // What this machine's npm cache holds is not asked for again (a Docker build has no cache
        // and fetches it: the recipe is the same).
        npm_config_prefer_offline: "true",
      };
      for (const instruction of build.instructions) {
        const keyword = instruction.getKeyword();
        if (keyword === "WORKDIR") expect(text(instruction)).toBe("/app");
        else if (keyword === "COPY") {
          expect(text(instruction)).toBe(". .");
          for (const file of buildContext()) {
            mkdirSync(dirname(join(buildApp, file)), { recursive: true });
            cpSync(join(root, file), join(buildApp, file));
          }
        } else if (keyword === "RUN") {
          const command = text(instruction);
          if (osSteps.some((step) => step.test(command))) continue;
          expect(command, "a RUN of the build stage this test does not know").toMatch(/^(npm|node) /);
          steps.push(command);
          const ran = spawnSync("sh", ["-c", command], {
            cwd: buildApp,
            env: base,
            encoding: "utf8",
            timeout: 300_000,
          });
          expect(ran.status, `${command}\n${ran.stdout.slice(-2_000)}\n${ran.stderr.slice(-4_000)}`).toBe(0);
        } else throw new Error(`the build stage has a ${keyword} this test does not perform`);
      }
      // The runtime stage: the build stage's /app, the image's environment.
      app = join(work, "runtime");
      const known = new Map<string, string>();
      env = {};
      for (const instruction of runtime.instructions) {
        const keyword = instruction.getKeyword();
        if (keyword === "RUN") {
          const command = text(instruction);
          expect(
            osSteps.some((step) => step.test(command)),
            `an unknown RUN in the runtime stage: ${command}`,
          ).toBe(true);
        } else if (keyword === "COPY") renameSync(buildApp, app);
        else if (keyword === "ARG")
          for (const [key, value] of pairs(instruction, known)) known.set(key, value);
        else if (keyword === "ENV") for (const [key, value] of pairs(instruction, known)) env[key] = value;
      }
    }, 900_000);

    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    /** The node arguments of the runtime stage's CMD or HEALTHCHECK (exec form, `node` first). */
    const nodeArgsOf = (keyword: "CMD" | "HEALTHCHECK") => {
      const instruction = stages()[1]?.instructions.find((i) => i.getKeyword() === keyword) as Instruction;
      const [command, ...args] = JSON.parse(/\[.*\]$/.exec(text(instruction))?.[0] ?? "[]") as string[];
      expect(command).toBe("node");
      return args;
    };

    it("installs without dev dependencies and keeps no sources or transpiler", () => {
      expect(steps).toEqual(
        expect.arrayContaining(["npm run build", "npm ci --omit=dev --no-audit --no-fund"]),
      );
      expect(existsSync(join(app, "node_modules/tsx"))).toBe(false);
      expect(existsSync(join(app, "node_modules/typescript"))).toBe(false);
      expect(existsSync(join(app, "services/orders/src"))).toBe(false);
      expect(existsSync(join(app, "services/orders/dist/main.js"))).toBe(true);
      expect(existsSync(join(app, "apps/web/dist/index.html"))).toBe(true);
    });

    it("loads every process's code with the production dependencies alone", () => {
      // Each process's service module (the gateway's and the launcher's too), from the build.
      const modules = [
        ...[...builtEntries(app).keys()].map((name) => `./services/${name}/dist/index.js`),
        "./apps/host/dist/services.js",
      ];
      for (const module of modules) {
        const loaded = spawnSync(
          process.execPath,
          ["--input-type=module", "-e", `await import(${JSON.stringify(module)})`],
          {
            cwd: app,
            env: { ...env, PATH: process.env.PATH ?? "" },
            encoding: "utf8",
            timeout: 60_000,
          },
        );
        expect(loaded.status, `${module}: ${loaded.stderr}`).toBe(0);
      }
      // Ten Node processes one after the other: beyond the default 30 s on a busy machine.
    }, 120_000);

    it("refuses an unknown SERVICE, naming the ones it has", () => {
      const args = nodeArgsOf("CMD");
      const ran = spawnSync(process.execPath, args, {
        cwd: app,
        env: { ...env, PATH: process.env.PATH ?? "", SERVICE: "billing" },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(ran.status).toBe(1);
      expect(ran.stderr.trim()).toBe(
        'invalid configuration: SERVICE must be one of auth, inventory, media, notifications, orders, products, sellers, users, gateway (got "billing")',
      );
    });

    it("starts a service from the build with the image's CMD; its /ready and the HEALTHCHECK answer", async () => {
      const database = `mercato_image_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`create database "${database}"`);
      const serviceUrl = new URL(databaseUrl);
      serviceUrl.pathname = `/${database}`;
      const port = await freePort();
      const runEnv = {
        ...env,
        PATH: process.env.PATH ?? "",
        SERVICE: "inventory",
        // Loopback only on this machine; the image itself listens on 0.0.0.0.
        HOST: "127.0.0.1",
        PORT: String(port),
        DATA_DIR: join(work, "data"),
        DATABASE_URL: serviceUrl.toString(),
        NATS_URL: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        SERVICE_TOKEN_SECRET: "a-secret-of-the-image-test-0123456789",
        LOG_LEVEL: "warn",
      };
      const args = nodeArgsOf("CMD");
      const check = nodeArgsOf("HEALTHCHECK");
      const child = spawn(process.execPath, args, {
        cwd: app,
        env: runEnv,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let errors = "";
      child.stderr.on("data", (chunk: Buffer) => {
        errors += chunk.toString("utf8");
      });
      try {
        const ready = await waitFor(
          async () => {
            if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}: ${errors}`);
            const response = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
            return response?.status === 200 ? ((await response.json()) as { status: string }) : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 250, message: "the service from the image never became ready" },
        );
        expect(ready.status).toBe("ready");
        const health = spawnSync(process.execPath, check, {
          cwd: app,
          env: runEnv,
          encoding: "utf8",
          timeout: 10_000,
        });
        expect(health.status, health.stderr).toBe(0);
      } finally {
        child.kill("SIGTERM");
        await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once("exit", done)));
        await admin.query(`drop database if exists "${database}" with (force)`);
        await admin.end();
      }
      // Stopped, the health check says so.
      const down = spawnSync(process.execPath, check, {
        cwd: app,
        env: runEnv,
        encoding: "utf8",
        timeout: 10_000,
      });
      expect(down.status).toBe(1);
      expect(down.stderr).toContain(`http://127.0.0.1:${port}/ready`);
    }, 120_000);
  },
);
