import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { latestSmsTo } from "@mercato/platform";
import { describeWithInfra, freePort, waitFor } from "@mercato/testing";
import { describe, expect, it } from "vitest";
import {
  distributedSpecs,
  ensureDatabases,
  launch,
  parseReplicas,
  serviceDatabaseUrl,
} from "../src/services.js";

const root = resolve(import.meta.dirname, "../../..");
const tsx = resolve(root, "node_modules/.bin/tsx");

/** Runs a command-line entry of the repository with only PATH and `env` in its environment. */
const run = (args: string[], env: Record<string, string>) =>
  spawnSync(tsx, args, {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });

describe("standalone service process", () => {
  it("exits with status 1 and one line naming a missing variable", () => {
    const result = run(["packages/testing/src/item-service-main.ts"], {
      DATABASE_URL: "postgres://x@127.0.0.1/db",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("invalid configuration: NATS_URL is required (missing)");
  });

  it("exits with status 1 naming a malformed variable", () => {
    const result = run(["packages/testing/src/item-service-main.ts"], {
      DATABASE_URL: "mysql://x",
      NATS_URL: "nats://127.0.0.1:4222",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'invalid configuration: DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got "mysql://x")',
    );
  });
});

describe("seed command", () => {
  it("exits with status 1 naming a bad LOG_LEVEL, before it touches any data", () => {
    const result = run(["apps/host/src/seed-cli.ts", "--products", "1"], {
      LOG_LEVEL: "loud",
      DATA_DIR: join(tmpdir(), "mercato-seed-never-made"),
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
  });
});

describe("distributedSpecs", () => {
  it("refuses a bad <SERVICE>_PORT naming it, before any process starts", () => {
    const env = { DATABASE_URL: "postgres://u@db/x", NATS_URL: "nats://n:4222", REDIS_URL: "redis://r:6379" };
    expect(() => distributedSpecs({ ...env, INVENTORY_PORT: "-1" })).toThrow(
      /INVENTORY_PORT must be between 0 and 65535 \(got "-1"\)/,
    );
    const specs = distributedSpecs({ ...env, INVENTORY_PORT: "9104" });
    expect(specs.find((spec) => spec.name === "inventory")?.env.PORT).toBe("9104");
    expect(specs.find((spec) => spec.name === "orders")?.env.INVENTORY_SERVICE_URL).toBe(
      "http://127.0.0.1:9104",
    );
  });
});

describe("replicas", () => {
  const env = { DATABASE_URL: "postgres://u@db/x", NATS_URL: "nats://n:4222", REDIS_URL: "redis://r:6379" };

  it("starts each replica on its own port and gives callers every replica's URL", () => {
    // One port listed for orders' replicas: the third falls back to its port + 200.
    const specs = distributedSpecs(
      { ...env, ORDERS_PORT: "9105", ORDERS_REPLICA_PORTS: "9400" },
      { replicas: parseReplicas("orders=3, inventory=2") },
    );
    const orders = specs.filter((spec) => spec.entry.includes("services/orders/"));
    expect(orders.map((spec) => [spec.name, spec.env.PORT, spec.env.DATABASE_URL])).toEqual([
      ["orders", "9105", "postgres://u@db/mercato_orders"],
      ["orders-2", "9400", "postgres://u@db/mercato_orders"],
      ["orders-3", "9305", "postgres://u@db/mercato_orders"],
    ]);
    const gateway = specs.find((spec) => spec.name === "gateway");
    expect(gateway?.env.INVENTORY_SERVICE_URL).toBe("http://127.0.0.1:9004,http://127.0.0.1:9104");
  });

  it("refuses an unknown service or a count out of range, naming it", () => {
    expect(() => parseReplicas("billing=2")).toThrow(
      /--replicas names "billing", which is not one of auth, users/,
    );
    expect(() => parseReplicas("orders=0")).toThrow(
      /--replicas orders must be a whole number from 1 to 16 \(got "0"\)/,
    );
    expect(() => parseReplicas("orders=two")).toThrow(/got "two"/);
    expect(() =>
      distributedSpecs({ ...env, ORDERS_REPLICA_PORTS: "9305,x" }, { replicas: { orders: 2 } }),
    ).toThrow(/ORDERS_REPLICA_PORTS must be ports separated by commas/);
  });
});

describe("serviceDatabaseUrl", () => {
  it("keeps the server and credentials and names the database after the service", () => {
    expect(serviceDatabaseUrl("postgres://u:p@db.internal:5433/anything?sslmode=require", "orders")).toBe(
      "postgres://u:p@db.internal:5433/mercato_orders?sslmode=require",
    );
  });
});

describeWithInfra("DATABASE_URL", "distributed mode on real PostgreSQL, NATS and Redis", (databaseUrl) => {
  it("runs a service and the gateway as separate processes against the real infrastructure", {
    timeout: 90_000,
  }, async () => {
    const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    await ensureDatabases(databaseUrl, ["testkit_dist"]);
    const [servicePort, gatewayPort] = [await freePort(), await freePort()];
    const launched = launch([
      {
        name: "testkit",
        entry: "packages/testing/src/item-service-main.ts",
        env: {
          ITEM_SERVICE_NAME: "testkit_dist",
          DATABASE_URL: serviceDatabaseUrl(databaseUrl, "testkit_dist"),
          NATS_URL: natsUrl,
          REDIS_URL: redisUrl,
          PORT: String(servicePort),
          LOG_LEVEL: "warn",
        },
      },
      {
        name: "gateway",
        entry: "services/gateway/src/main.ts",
        env: { GATEWAY_PORT: String(gatewayPort), LOG_LEVEL: "warn", REDIS_URL: redisUrl },
      },
    ]);
    try {
      const ready = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${servicePort}/ready`);
          return response.status === 200
            ? ((await response.json()) as { checks: { name: string; ok: boolean }[] })
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250, message: "service never became ready" },
      );
      expect(ready.checks.map((c) => [c.name, c.ok])).toEqual([
        ["database", true],
        ["bus", true],
        ["redis", true],
      ]);
      const put = await fetch(`http://127.0.0.1:${servicePort}/mercato.testkit.v1.ItemService/PutItem`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Distributed", priceMinor: "10", currency: "EUR" }),
      });
      expect(put.status).toBe(200);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${gatewayPort}/health`)).status === 200, {
        timeoutMs: 60_000,
        intervalMs: 250,
        message: "gateway never answered",
      });
    } finally {
      await launched.stop();
    }
    for (const child of launched.children.values()) expect(child.exitCode ?? child.signalCode).not.toBeNull();
  });

  // From source as `npm run start:services` runs it, and from the production build
  // (`npm run build`, `node dist/...` with no transpiler) as the container image runs it.
  it.each([
    { from: "source", build: false },
    { from: "build", build: true },
  ])(
    "signs a buyer in through the launcher's processes from $from: gateway, auth and users over NATS, with sellers, products and orders serving",
    {
      timeout: 180_000,
    },
    async ({ build }) => {
      if (build) {
        const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
          cwd: root,
          encoding: "utf8",
          timeout: 120_000,
        });
        expect(built.stderr).toBe("");
        expect(built.status).toBe(0);
      }
      const outboxDir = await mkdtemp(join(tmpdir(), "mercato-dist-"));
      const services = [
        "auth",
        "users",
        "sellers",
        "products",
        "inventory",
        "orders",
        "notifications",
        "media",
      ];
      const [auth, users, sellers, products, inventory, orders, notifications, media, gateway] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const env = {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NATS_URL: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
        REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
        AUTH_PORT: String(auth),
        USERS_PORT: String(users),
        SELLERS_PORT: String(sellers),
        PRODUCTS_PORT: String(products),
        INVENTORY_PORT: String(inventory),
        ORDERS_PORT: String(orders),
        NOTIFICATIONS_PORT: String(notifications),
        MEDIA_PORT: String(media),
        GATEWAY_PORT: String(gateway),
      };
      const specs = distributedSpecs(env, { build }).map((spec) => ({
        ...spec,
        env: {
          ...spec.env,
          OUTBOX_DIR: outboxDir,
          MEDIA_DIR: join(outboxDir, "media"),
          LOG_LEVEL: "warn",
          NATS_URL: env.NATS_URL,
          REDIS_URL: env.REDIS_URL,
        },
      }));
      expect(specs.map((s) => s.name)).toEqual([...services, "gateway"]);
      await ensureDatabases(databaseUrl, services);
      if (build) expect(specs.map((spec) => spec.entry)).toContain("services/orders/dist/main.js");
      const launched = launch(specs);
      const api = `http://127.0.0.1:${gateway}/api/v1`;
      const post = (path: string, body: unknown) =>
        fetch(`${api}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      try {
        await waitFor(
          async () =>
            (await fetch(`http://127.0.0.1:${gateway}/health/services`).catch(() => undefined))?.status ===
            200,
          { timeoutMs: 90_000, intervalMs: 250, message: "the services never all answered" },
        );
        const phone = `+49151${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
        expect((await post("/auth/otp/request", { phone })).status).toBe(202);
        const sms = await waitFor(() => latestSmsTo(outboxDir, phone), { timeoutMs: 10_000, intervalMs: 50 });
        const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
        const signedIn = (await (await post("/auth/otp/verify", { phone, code })).json()) as {
          accessToken: string;
        };
        // The users process verifies the token against the auth process's JWKS and has the
        // profile from the registration event that crossed NATS.
        const me = await waitFor(
          async () => {
            const response = await fetch(`${api}/users/me`, {
              headers: { authorization: `Bearer ${signedIn.accessToken}` },
            });
            const body = (await response.json()) as { profile: { phone: string } | null };
            return body.profile ? body : undefined;
          },
          { timeoutMs: 20_000, intervalMs: 100, message: "the profile never appeared" },
        );
        expect(me.profile?.phone).toBe(phone);
        // Sellers and products answer through the gateway from their own processes and databases.
        const near = await fetch(`${api}/products?near=52.52,13.405&radius=1000&query=zzzz`);
        expect(near.status).toBe(200);
        expect(await near.json()).toMatchObject({ items: [] });
        expect((await fetch(`${api}/sellers/no-such-shop`)).status).toBe(404);
        // Orders answers from its process, and asks products (at the URL the launcher gave it) at checkout.
        const authorization = `Bearer ${signedIn.accessToken}`;
        const cart = await fetch(`${api}/cart`, { headers: { authorization } });
        expect(await cart.json()).toMatchObject({ lines: [], totals: [] });
        const checkout = await fetch(`${api}/checkout`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json", "idempotency-key": "distributed-1" },
          body: JSON.stringify({
            shippingAddress: {
              name: "Ada",
              address: { line1: "Main St 1", city: "Berlin", postalCode: "10115", countryCode: "DE" },
            },
            lines: [{ variantId: "01890a5d-ac96-774b-bcce-b302099a8057", quantity: 1 }],
          }),
        });
        expect(checkout.status).toBe(422);
        expect(await checkout.text()).toContain("not for sale");
      } finally {
        await launched.stop();
        await rm(outboxDir, { recursive: true, force: true });
      }
    },
  );
});
