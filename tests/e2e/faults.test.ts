import { setTimeout as sleep } from "node:timers/promises";
import { latestMailTo, latestSmsTo } from "@mercato/platform";
import { describeWithInfra, waitFor } from "@mercato/testing";
import pg from "pg";
import { expect, it } from "vitest";
import { randomPhone, restClient, startPrivateDistributedStack } from "./stack.js";

// The issue 16 fault drill, in distributed mode on real PostgreSQL with a private NATS and a private
// Redis: buyers check out without pause while Redis is stopped for 10 s, and then while the
// inventory process is killed (the launcher restarts it). Afterwards the books must agree: no
// reservation is held without a checkout, every committed reservation belongs to a completed
// checkout and the other way round, the ledger adds up to the stock on hand, what the ledger sold
// is what the orders bought, and no answer came later than the gateway's deadline.

const deadlineMs = 5_000;
/** What a busy two-core machine may add to a deadline: scheduling, the answer's own way back. */
const graceMs = 1_500;
const adminEmail = "fault-admin@mercato.test";
const adminPassword = "fault drill passphrase";
const shipTo = {
  name: "Fault Drill",
  address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
};

interface Answer {
  key: string;
  status: number;
  startedAt: number;
  ms: number;
  checkoutId?: string;
  /** A 5xx answer's message and Retry-After header, with its status and timing to tell what it met. */
  failure?: { message: string; retryAfter: string | null; status: number; ms: number; at: number };
}

describeWithInfra(
  "DATABASE_URL",
  "faults in distributed mode on real PostgreSQL, NATS and Redis",
  (databaseUrl) => {
    it("keeps stock, ledger and orders in agreement through a Redis outage and a killed service, answering every checkout within its deadline", {
      timeout: 420_000,
    }, async () => {
      const stack = await startPrivateDistributedStack({
        databaseUrl,
        name: "faults",
        logLevel: "error",
        env: () => ({
          ADMIN_EMAIL: adminEmail,
          ADMIN_PASSWORD: adminPassword,
          OTP_RATE_PER_IP: "1000",
          REGISTRATIONS_PER_IP: "1000",
          EMAILS_PER_IP: "1000",
          RATE_LIMIT_MAX: "100000",
          SERVICE_TIMEOUT_MS: String(deadlineMs),
          // A checkout whose runner was lost is finished or undone within seconds, not 30 s.
          CHECKOUT_LEASE_MS: "8000",
          CHECKOUT_RECOVERY_MS: "1000",
        }),
      });
      const { run, api, outboxDir, redis, launched, ports } = stack;
      const call = restClient(() => api);
      const databases = new Map<string, pg.Client>();
      const query = async <R extends pg.QueryResultRow>(
        service: string,
        sql: string,
        params: unknown[] = [],
      ) => {
        let client = databases.get(service);
        if (!client) {
          client = new pg.Client({ connectionString: stack.databaseUrlOf(service) });
          await client.connect();
          databases.set(service, client);
        }
        return (await client.query<R>(sql, params)).rows;
      };

      try {
        // A seller with three variants: two with plenty of stock, one scarce enough to sell out.
        const admin = (
          await call("POST", "/auth/login", { body: { email: adminEmail, password: adminPassword } })
        ).body.accessToken as string;
        const category = await call("POST", "/categories", {
          token: admin,
          body: { name: "Drill", slug: "drill" },
        });
        expect(category.status, JSON.stringify(category.body)).toBe(201);
        const email = `seller-${run}@shop.test`;
        const password = "fault drill seller passphrase";
        expect((await call("POST", "/auth/sellers", { body: { email, password } })).status).toBe(201);
        const mail = await waitFor(
          async () => (await latestMailTo(outboxDir, email))?.text.match(/\/verify-email\?token=([\w-]+)/),
          { timeoutMs: 15_000, intervalMs: 100, message: "no verification mail" },
        );
        expect((await call("GET", `/auth/email/verify?token=${mail[1]}`)).status).toBe(200);
        const seller = (await call("POST", "/auth/login", { body: { email, password } })).body
          .accessToken as string;
        const store = await call("POST", "/sellers", {
          token: seller,
          body: {
            name: "Drill shop",
            slug: `drill-${run}`,
            address: { line1: "Torstraße 1", city: "Berlin", countryCode: "DE" },
            location: { lat: 52.53, lng: 13.4 },
          },
        });
        expect(store.status, JSON.stringify(store.body)).toBe(201);
        const product = await waitFor(
          async () => {
            const created = await call("POST", "/products", {
              token: seller,
              body: {
                title: "Drill kit",
                categoryId: category.body.id,
                status: "active",
                optionNames: ["size"],
                variants: ["a", "b", "c"].map((sku, i) => ({
                  sku: `${run}-${sku}`,
                  options: { size: sku },
                  price: { amountMinor: 1_000 + i, currency: "EUR" },
                })),
              },
            });
            if (created.status !== 201) throw new Error(`${created.status} ${JSON.stringify(created.body)}`);
            return created.body as { id: string; variants: { id: string }[] };
          },
          { timeoutMs: 30_000, intervalMs: 250, message: "the product was never created" },
        );
        const initial = new Map<string, number>();
        for (const [i, variant] of product.variants.entries()) {
          const units = i === 2 ? 40 : 5_000;
          await waitFor(
            async () =>
              (
                await call("POST", `/inventory/${variant.id}/adjustments`, {
                  token: seller,
                  body: { quantity: units, reason: "replenishment", note: "drill stock" },
                })
              ).status === 200,
            { timeoutMs: 30_000, intervalMs: 250, message: "inventory never learnt of the variant" },
          );
          initial.set(variant.id, units);
        }
        const buyers: string[] = [];
        for (let i = 0; i < 5; i++) {
          const phone = randomPhone();
          expect((await call("POST", "/auth/otp/request", { body: { phone } })).status).toBe(202);
          const sms = await waitFor(() => latestSmsTo(outboxDir, phone), {
            timeoutMs: 10_000,
            intervalMs: 50,
          });
          const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
          buyers.push(
            (await call("POST", "/auth/otp/verify", { body: { phone, code } })).body.accessToken as string,
          );
        }

        // Buyers check out one unit of a random variant at a time; an answer of 5xx (or none) is
        // retried with the same key after its Retry-After, as a careful client does.
        const answers: Answer[] = [];
        const productReads: { status: number; at: number }[] = [];
        let loading = true;
        const buyerLoop = async (token: string, b: number) => {
          for (let n = 0; loading; n++) {
            const key = `${run}-${b}-${n}`;
            const variantId = product.variants[Math.floor(Math.random() * product.variants.length)]?.id;
            for (;;) {
              const startedAt = Date.now();
              let status = 0;
              let retryAfter = 0.2;
              let checkoutId: string | undefined;
              let failure: Answer["failure"];
              let inProgress = false;
              try {
                const answer = await call("POST", "/checkout", {
                  token,
                  headers: { "idempotency-key": key },
                  body: { shippingAddress: shipTo, lines: [{ variantId, quantity: 1 }] },
                });
                status = answer.status;
                checkoutId = answer.body.id;
                retryAfter = Number(answer.headers.get("retry-after") ?? retryAfter);
                // 409 "still in progress": an earlier attempt under the key is running; ask again.
                inProgress = status === 409 && /still in progress/.test(answer.body.error?.message);
                if (status >= 500)
                  failure = {
                    message: answer.body.error?.message,
                    retryAfter: answer.headers.get("retry-after"),
                    status,
                    ms: Date.now() - startedAt,
                    at: startedAt,
                  };
              } catch {
                status = 0;
              }
              answers.push({
                key,
                status,
                startedAt,
                ms: Date.now() - startedAt,
                ...(status < 300 && checkoutId ? { checkoutId } : {}),
                ...(failure ? { failure } : {}),
              });
              if ((status > 0 && status < 500 && !inProgress) || !loading) break;
              await sleep(Math.min(retryAfter, 2) * 1_000);
            }
          }
        };
        const readLoop = async () => {
          while (loading) {
            const response = await fetch(`${api}/products/${product.id}`).catch(() => undefined);
            productReads.push({ status: response?.status ?? 0, at: Date.now() });
            await response?.arrayBuffer();
            await sleep(100);
          }
        };
        const loops = [...buyers.map(buyerLoop), readLoop()];

        await sleep(3_000);
        const redisDown = Date.now();
        await redis.stop();
        await sleep(10_000);
        await redis.start();
        const redisUp = Date.now();
        await sleep(3_000);
        const killed = Date.now();
        const inventoryPid = launched.children.get("inventory")?.pid;
        expect(inventoryPid).toBeDefined();
        launched.kill("inventory", "SIGKILL");
        await waitFor(
          async () =>
            (await fetch(`http://127.0.0.1:${ports.inventory}/ready`).catch(() => undefined))?.status === 200,
          {
            timeoutMs: 60_000,
            intervalMs: 200,
            message: "inventory was never restarted",
          },
        );
        expect(launched.children.get("inventory")?.pid).not.toBe(inventoryPid);
        const restarted = Date.now();
        await sleep(4_000);
        loading = false;
        await Promise.all(loops);

        // Every answer came within the deadline (none waited on a stopped Redis or a dead process).
        const slowest = Math.max(...answers.map((a) => a.ms));
        expect(slowest, "the slowest checkout answer, in ms").toBeLessThanOrEqual(deadlineMs + graceMs);
        // Checkouts went on while Redis was stopped: it is a cache, not a dependency of selling.
        const duringRedisOutage = answers.filter(
          (a) => a.startedAt >= redisDown && a.startedAt + a.ms <= redisUp && a.status === 201,
        );
        expect(duringRedisOutage.length, "checkouts placed while Redis was stopped").toBeGreaterThan(0);
        // Product reads never depended on the killed inventory process.
        const readsDuringKill = productReads.filter((r) => r.at >= killed && r.at <= restarted);
        expect(readsDuringKill.filter((r) => r.status !== 200)).toEqual([]);
        // While inventory was down, checkouts failed naming inventory (not orders, which relayed
        // the outage) and told the client when to come back.
        // (`at` is relative to the kill, to tell which fault an unexpected failure met.)
        const failures = answers.flatMap((a) =>
          a.failure ? [{ ...a.failure, at: a.failure.at - killed }] : [],
        );
        expect(
          failures.filter((f) => !/^service inventory is unavailable/.test(f.message)),
          `Redis was down ${redisDown - killed} to ${redisUp - killed} ms, inventory back at ${restarted - killed} ms`,
        ).toEqual([]);
        expect(failures.filter((f) => f.retryAfter === null)).toEqual([]);
        // A key answered twice with success answered with the same checkout.
        const byKey = new Map<string, Set<string>>();
        for (const a of answers)
          if (a.checkoutId) byKey.set(a.key, (byKey.get(a.key) ?? new Set()).add(a.checkoutId));
        expect([...byKey.values()].filter((ids) => ids.size > 1)).toEqual([]);

        // The books settle: abandoned checkouts are finished or undone, held stock comes back.
        await waitFor(
          async () => {
            const [held] = await query<{ n: string }>(
              "inventory",
              "select count(*) n from inventory.reservations where status = 'held'",
            );
            const [pending] = await query<{ n: string }>(
              "orders",
              "select count(*) n from orders.checkouts where status in ('pending', 'abandoned') or release_owed",
            );
            return held?.n === "0" && pending?.n === "0";
          },
          { timeoutMs: 90_000, intervalMs: 500, message: "reservations or checkouts never settled" },
        );
        const completed = new Set(
          (
            await query<{ id: string }>(
              "orders",
              "select id from orders.checkouts where status = 'completed'",
            )
          ).map((r) => r.id),
        );
        const committed = new Set(
          (
            await query<{ id: string }>(
              "inventory",
              "select id from inventory.reservations where status = 'committed'",
            )
          ).map((r) => r.id),
        );
        expect(
          [...committed].filter((id) => !completed.has(id)),
          "stock sold without a completed checkout",
        ).toEqual([]);
        expect(
          [...completed].filter((id) => !committed.has(id)),
          "checkouts completed without their stock",
        ).toEqual([]);
        for (const id of byKey.values())
          for (const checkoutId of id) expect(completed.has(checkoutId)).toBe(true);

        const bought = new Map<string, number>();
        for (const { snapshot } of await query<{
          snapshot: { lines: { variantId: string; quantity: number }[] };
        }>(
          "orders",
          "select o.snapshot from orders.orders o join orders.checkouts c on c.id = o.checkout_id where c.status = 'completed'",
        ))
          for (const line of snapshot.lines)
            bought.set(line.variantId, (bought.get(line.variantId) ?? 0) + line.quantity);
        for (const [variantId, units] of initial) {
          const [level] = await query<{ on_hand: string; reserved: string }>(
            "inventory",
            "select on_hand, reserved from inventory.stock_levels where variant_id = $1",
            [variantId],
          );
          const [ledger] = await query<{ total: string; sold: string; last: string | null }>(
            "inventory",
            `select coalesce(sum(quantity), 0) total,
                  coalesce(-sum(quantity) filter (where reason = 'sale'), 0) sold,
                  (select on_hand_after from inventory.movements where variant_id = $1 order by id desc limit 1) last
             from inventory.movements where variant_id = $1`,
            [variantId],
          );
          expect(level?.reserved).toBe("0");
          expect(Number(ledger?.total), "the ledger adds up to the stock on hand").toBe(
            Number(level?.on_hand),
          );
          expect(ledger?.last).toBe(level?.on_hand);
          expect(Number(ledger?.sold), "the ledger sold what the orders bought").toBe(
            bought.get(variantId) ?? 0,
          );
          expect(Number(level?.on_hand)).toBe(units - (bought.get(variantId) ?? 0));
        }
        expect(completed.size).toBeGreaterThan(0);
        const count = (status: (s: number) => boolean) => answers.filter((a) => status(a.status)).length;
        console.info(
          `fault drill: ${answers.length} checkout answers over ${new Set(answers.map((a) => a.key)).size} keys ` +
            `(${count((s) => s === 201)} placed, ${count((s) => s >= 400 && s < 500)} refused, ` +
            `${count((s) => s >= 500 || s === 0)} 5xx or none), ${completed.size} checkouts completed, ` +
            `${duringRedisOutage.length} placed while Redis was stopped, slowest answer ${slowest} ms (${answers.find((a) => a.ms === slowest)?.status})`,
        );
      } finally {
        for (const client of databases.values()) await client.end().catch(() => {});
        await stack.stop();
      }
    });
  },
);
