import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { latestMailTo, latestSmsTo } from "@mercato/platform";
import { waitFor } from "@mercato/testing";

/**
 * The loopback address the benchmark's requests come from: the gateway counts rate limits per
 * client address in the shared Redis, so the benchmark's thousands of requests never eat into the
 * budget of another stack on 127.0.0.1 that uses the same Redis.
 */
const clientAddress = "127.0.0.2";

/** One HTTP answer and how long it took from send to the last byte, in ms. */
export interface Reply {
  status: number;
  text: string;
  ms: number;
}

/** What a request carries besides its method and path. */
export interface SendOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/** A keep-alive HTTP/1.1 client of the gateway's REST API (`/api/v1`), at most `sockets` connections. */
export class GatewayClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(gatewayUrl: string, sockets: number) {
    this.base = new URL(gatewayUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Sends one request under `/api/v1`; rejects on a connection error or after 30 s without an answer. */
  send(method: "GET" | "POST" | "PUT" | "DELETE", path: string, options: SendOptions = {}): Promise<Reply> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const outgoing = request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          localAddress: clientAddress,
          method,
          path: `/api/v1${path}`,
          headers,
          timeout: 30_000,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("error", reject);
          incoming.on("end", () =>
            resolve({
              status: incoming.statusCode ?? 0,
              text: Buffer.concat(chunks).toString("utf8"),
              ms: performance.now() - started,
            }),
          );
        },
      );
      outgoing.on("timeout", () => outgoing.destroy(new Error("no answer after 30 s")));
      outgoing.on("error", reject);
      outgoing.end(payload);
    });
  }

  /** Sends and parses the JSON answer; throws unless the status is `expected`. */
  async json<T>(
    method: "GET" | "POST" | "PUT",
    path: string,
    expected: number,
    options: SendOptions = {},
  ): Promise<T> {
    const reply = await this.send(method, path, options);
    if (reply.status !== expected)
      throw new Error(
        `${method} ${path}: HTTP ${reply.status} (expected ${expected}): ${reply.text.slice(0, 500)}`,
      );
    return JSON.parse(reply.text) as T;
  }

  /** Closes the idle connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, answers in the order of `items`. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A signed-in seller with an open storefront and the variants it listed. */
export interface Shop {
  token: string;
  storefrontId: string;
  variantIds: string[];
}

/** The marketplace side of the benchmark: an admin, a category, sellers and buyers, made through the gateway. */
export class Marketplace {
  private categoryId = "";
  private adminToken = "";

  constructor(
    private readonly client: GatewayClient,
    private readonly outboxDir: string,
    private readonly run: string,
  ) {}

  /** The admin's token, for stock levels and ledgers of every storefront. */
  get admin(): string {
    return this.adminToken;
  }

  /** Signs the admin in (the auth service creates it at start) and creates the category products go in. */
  async open(adminEmail: string, adminPassword: string): Promise<void> {
    const login = await waitFor(
      async () => {
        const reply = await this.client.send("POST", "/auth/login", {
          body: { email: adminEmail, password: adminPassword },
        });
        return reply.status === 200 ? (JSON.parse(reply.text) as { accessToken: string }) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, message: "the admin could not sign in" },
    );
    this.adminToken = login.accessToken;
    const category = await this.client.json<{ id: string }>("POST", "/categories", 201, {
      token: this.adminToken,
      body: { name: "Bench goods", slug: `bench-${this.run}` },
    });
    this.categoryId = category.id;
  }

  /**
   * A verified seller with an open storefront listing `products` active products of `variants`
   * variants each, every variant with `stock` units on hand.
   */
  async shop(name: string, products: number, variants: number, stock: number): Promise<Shop> {
    const email = `${name}-${this.run}@shop.test`;
    const password = `${name} has a long passphrase`;
    await this.client.json("POST", "/auth/sellers", 201, { body: { email, password } });
    const link = await this.linkToken(email, "/verify-email");
    await this.client.json("GET", `/auth/email/verify?token=${link}`, 200);
    const { accessToken: token } = await this.client.json<{ accessToken: string }>(
      "POST",
      "/auth/login",
      200,
      {
        body: { email, password },
      },
    );
    const store = await this.client.json<{ id: string }>("POST", "/sellers", 201, {
      token,
      body: {
        name: `${name} shop`,
        slug: `${name}-${this.run}`,
        address: { line1: "Torstraße 1", city: "Berlin", countryCode: "DE" },
        location: { lat: 52.53, lng: 13.4 },
      },
    });
    const variantIds: string[] = [];
    for (let p = 0; p < products; p++)
      variantIds.push(...(await this.product(token, `${name}-${p}`, variants)));
    await this.stock(token, variantIds, stock);
    return { token, storefrontId: store.id, variantIds };
  }

  /** Lists one more active product of `variants` variants in the seller's storefront; answers their ids. */
  async product(token: string, slug: string, variants: number): Promise<string[]> {
    const body = {
      title: `${slug} goods`,
      categoryId: this.categoryId,
      status: "active",
      optionNames: ["size"],
      variants: Array.from({ length: variants }, (_, i) => ({
        sku: `${slug}-${i}`,
        price: { amountMinor: 1000 + 100 * i, currency: "EUR" },
        options: { size: `S${i}` },
      })),
    };
    // The products service learns of a new storefront from the sellers' events.
    const product = await waitFor(
      async () => {
        const reply = await this.client.send("POST", "/products", { token, body });
        return reply.status === 201 ? (JSON.parse(reply.text) as { variants: { id: string }[] }) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, message: `product ${slug} could not be listed` },
    );
    return product.variants.map((variant) => variant.id);
  }

  /** Receives `units` of each variant (a replenishment in the ledger), once inventory has learnt of it. */
  async stock(token: string, variantIds: readonly string[], units: number): Promise<void> {
    await inBatches(variantIds, 4, (variantId) =>
      // Inventory learns which storefront owns a variant from the products' and sellers' events.
      waitFor(
        async () =>
          (
            await this.client.send("POST", `/inventory/${variantId}/adjustments`, {
              token,
              body: { quantity: units, reason: "replenishment", note: "bench stock" },
            })
          ).status === 200,
        { timeoutMs: 30_000, intervalMs: 100, message: `inventory never learnt of variant ${variantId}` },
      ),
    );
  }

  /** Signs a new buyer in with a one-time code by SMS; answers the access token. */
  async buyer(): Promise<string> {
    const phone = `+49151${String(randomBytes(4).readUInt32BE(0) % 100_000_000).padStart(8, "0")}`;
    await this.client.json("POST", "/auth/otp/request", 202, { body: { phone } });
    const sms = await waitFor(() => latestSmsTo(this.outboxDir, phone), {
      timeoutMs: 10_000,
      intervalMs: 50,
      message: `no SMS to ${phone} in the outbox`,
    });
    const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
    if (!code) throw new Error(`no code in the SMS to ${phone}`);
    const signedIn = await this.client.json<{ accessToken: string }>("POST", "/auth/otp/verify", 200, {
      body: { phone, code },
    });
    return signedIn.accessToken;
  }

  private async linkToken(email: string, path: string): Promise<string> {
    const mail = await waitFor(
      async () => {
        const found = await latestMailTo(this.outboxDir, email);
        return found?.text.includes(path) ? found : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, message: `no mail to ${email} with ${path} in the outbox` },
    );
    const link = new RegExp(`${path.replace(/[/.?]/g, "\\$&")}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
    if (!link?.[1]) throw new Error(`no ${path} link in the mail to ${email}`);
    return link[1];
  }
}

/** CPU time in ms (user + system) of every process whose command name is in `names`, summed per name. */
export async function cpuByCommand(names: readonly string[]): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!(command in totals)) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime, in clock ticks of 10 ms.
      totals[command] = (totals[command] ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // The process ended while we were reading.
    }
  }
  return totals;
}
