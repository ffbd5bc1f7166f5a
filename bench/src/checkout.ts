import { resolve } from "node:path";
import pg from "pg";
import { cpuByCommand, GatewayClient, inBatches, Marketplace, type Reply } from "./checkout-client.js";
import { buildProduction, type DistributedStack, startDistributed } from "./distributed.js";
import { median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { formatTable, mark } from "./report.js";
import { percentile } from "./stats.js";

/** Sellers, products per seller and variants per product of the ordinary catalog: 200 variants. */
const catalog = { sellers: 10, products: 2, variants: 10 } as const;
/** Units of each ordinary variant: more than any run sells. */
const plentyUnits = 1_000_000;
/** Units of a hot variant, sold out within seconds (`BENCH_HOT_STOCK`). */
const hotUnits = Number(process.env.BENCH_HOT_STOCK ?? 200);
/** Buyers signed in by SMS code (at least one per connection); each checkout is made by one of them at random. */
const buyerCount = 60;
/** The admin account the auth service creates at start. */
const admin = { email: "bench-admin@mercato.test", password: "bench admin passphrase" };
/** Commands of the infrastructure whose CPU time is read around each measured run. */
const infrastructure = ["postgres", "nats-server", "redis-server"] as const;

const shipTo = {
  name: "Bench Buyer",
  address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
};

/** One shape of cart the benchmark checks out over and over. */
interface Scenario {
  label: string;
  /** Lines per cart, each a distinct variant, one unit each. */
  lines: 1 | 5;
  /** Every cart holds the one hot variant of the run (its stock is `hotUnits`). */
  hot: boolean;
  /**
   * As a shopper does it: add the line to the buyer's cart, then check out the cart (each
   * connection with buyers of its own, so no two fill one cart); otherwise the lines are posted
   * with the checkout.
   */
  viaCart?: boolean;
}

const scenarios: readonly Scenario[] = [
  { label: "cart: add 1 line, check out the cart", lines: 1, hot: false, viaCart: true },
  { label: "1 line, 200 variants", lines: 1, hot: false },
  { label: "5 lines, 200 variants", lines: 5, hot: false },
  { label: `1 line, hot variant (${hotUnits} units)`, lines: 1, hot: true },
  { label: `5 lines, 1 hot (${hotUnits} units)`, lines: 5, hot: true },
];

type Line = { variantId: string; quantity: number };

/** What every variant was given and what the 201 answers say was sold of it, over the whole run. */
interface Books {
  received: Map<string, number>;
  sold: Map<string, number>;
}

/** The figures of one closed-loop run. */
interface RunFigures {
  durationS: number;
  /** 201 answers: checkouts that sold. */
  checkouts: number;
  /** Seller orders in those answers (a five-line cart across sellers makes several). */
  orders: number;
  /** 422 out-of-stock answers: correct refusals. */
  refused: number;
  /** Any other answer, or no answer. */
  errors: number;
  errorSamples: string[];
  p50Ms: number;
  p99Ms: number;
  refusedP50Ms: number;
  refusedP99Ms: number;
  /** Seconds from the start to the last 201 (the hot variant's sell-out); NaN without a 201. */
  lastSaleS: number;
}

/** CPU time of each process group per answer (201 or 422), in ms. */
type CpuPerAnswer = Record<string, number>;

/** What the audit of stock, ledger and orders found after a run. */
interface Audit {
  /** Units sold beyond what a variant ever had, summed over variants. */
  oversold: number;
  /** Disagreements between the answers, the ledger, the stock levels and the orders table. */
  issues: string[];
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** `count` distinct variants of `pool`, one unit each. */
function distinctLines(pool: readonly string[], count: number): Line[] {
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(pick(pool));
  return [...chosen].map((variantId) => ({ variantId, quantity: 1 }));
}

/**
 * Checks out carts from `cart()` over `connections` connections for `durationS` seconds, each
 * connection sending its next checkout (a new Idempotency-Key, a random buyer) as soon as the
 * previous one is answered. Units of 201 answers are added to `books.sold`.
 */
async function drive(
  client: GatewayClient,
  buyers: readonly string[],
  connections: number,
  durationS: number,
  cart: () => Line[],
  books: Books,
  run: string,
  viaCart = false,
): Promise<RunFigures> {
  const sold: number[] = [];
  const refused: number[] = [];
  const errorSamples = new Map<string, number>();
  let errors = 0;
  let orders = 0;
  let lastSale = Number.NaN;
  let sequence = 0;
  const started = performance.now();
  const deadline = started + durationS * 1000;
  const fail = (what: string) => {
    errors++;
    errorSamples.set(what, (errorSamples.get(what) ?? 0) + 1);
  };
  const worker = async (index: number) => {
    // A connection of the cart scenario fills the carts of its own buyers only.
    const mine = viaCart ? buyers.filter((_, i) => i % connections === index) : buyers;
    // At least one turn: the first, single checkout's run is shorter than a worker takes to start.
    for (let turn = 0; turn === 0 || performance.now() < deadline; turn++) {
      const key = `bench-${run}-${sequence++}`;
      const token = pick(mine);
      const lines = cart();
      let reply: Reply;
      try {
        if (viaCart) {
          const added = await client.send("POST", "/cart/lines", { token, body: lines[0] });
          if (added.status !== 200) {
            fail(`cart HTTP ${added.status}: ${added.text.slice(0, 200)}`);
            continue;
          }
          reply = await client.send("POST", "/checkout", {
            token,
            headers: { "idempotency-key": key },
            body: { shippingAddress: shipTo },
          });
          reply.ms += added.ms;
          // A refused cart keeps its line: empty it, so the next turn holds one line again.
          if (reply.status !== 201) await client.send("DELETE", "/cart", { token });
        } else
          reply = await client.send("POST", "/checkout", {
            token,
            headers: { "idempotency-key": key },
            body: { shippingAddress: shipTo, lines },
          });
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
        continue;
      }
      if (reply.status === 201) {
        const answer = JSON.parse(reply.text) as { orders: { snapshot: { lines: Line[] } }[] };
        for (const order of answer.orders)
          for (const line of order.snapshot.lines)
            books.sold.set(line.variantId, (books.sold.get(line.variantId) ?? 0) + line.quantity);
        orders += answer.orders.length;
        sold.push(reply.ms);
        lastSale = performance.now();
      } else if (reply.status === 422 && reply.text.includes("out of stock")) {
        refused.push(reply.ms);
      } else {
        fail(`HTTP ${reply.status}: ${reply.text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, index) => worker(index)));
  const durationMs = performance.now() - started;
  sold.sort((a, b) => a - b);
  refused.sort((a, b) => a - b);
  return {
    durationS: durationMs / 1000,
    checkouts: sold.length,
    orders,
    refused: refused.length,
    errors,
    errorSamples: [...errorSamples].map(([what, count]) => `${count}× ${what}`),
    p50Ms: percentile(sold, 50),
    p99Ms: percentile(sold, 99),
    refusedP50Ms: percentile(refused, 50),
    refusedP99Ms: percentile(refused, 99),
    lastSaleS: (lastSale - started) / 1000,
  };
}

/**
 * Compares, for each of `variantIds`, what it was given, what the 201 answers sold, the ledger's
 * sale movements (through the gateway, as the admin), the placed orders' lines (in the orders
 * table) and its stock level (on hand ≥ 0, on hand = received − sold = the ledger's sum, nothing
 * left reserved).
 */
async function audit(
  client: GatewayClient,
  adminToken: string,
  variantIds: readonly string[],
  books: Books,
  database: pg.Pool,
): Promise<Audit> {
  type Level = { variantId: string; onHand: number; reserved: number };
  const readLevels = async () => {
    const levels = new Map<string, Level>();
    for (let i = 0; i < variantIds.length; i += 200) {
      const page = await client.json<{ items: Level[] }>(
        "GET",
        `/inventory?variantIds=${variantIds.slice(i, i + 200).join(",")}`,
        200,
        { token: adminToken },
      );
      for (const level of page.items) levels.set(level.variantId, level);
    }
    return levels;
  };
  // Refused checkouts give their reservations back before they answer; allow a moment for stragglers.
  let levels = await readLevels();
  for (let wait = 0; wait < 20 && [...levels.values()].some((level) => level.reserved !== 0); wait++) {
    await new Promise((done) => setTimeout(done, 500));
    levels = await readLevels();
  }
  const ledgers = await inBatches(variantIds, 8, async (variantId) => {
    let sum = 0;
    let sales = 0;
    let cursor: string | null = null;
    do {
      const page: { items: { quantity: number; reason: string }[]; nextCursor: string | null } =
        await client.json(
          "GET",
          `/inventory/${variantId}/movements?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
          200,
          { token: adminToken },
        );
      for (const movement of page.items) {
        sum += movement.quantity;
        if (movement.reason === "sale") sales -= movement.quantity;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return { sum, sales };
  });
  const placed = new Map<string, number>();
  const ordered = await database.query<{ variant_id: string; units: string }>(
    `select line->>'variantId' as variant_id, sum((line->>'quantity')::bigint) as units
       from orders.orders o cross join jsonb_array_elements(o.snapshot->'lines') line
      where o.status = 'placed' and line->>'variantId' = any($1::text[])
      group by 1`,
    [variantIds],
  );
  for (const row of ordered.rows) placed.set(row.variant_id, Number(row.units));
  const pending = await database.query<{ n: string }>(
    "select count(*) as n from orders.orders where status = 'pending'",
  );

  let oversold = 0;
  const issues: string[] = [];
  if (Number(pending.rows[0]?.n ?? 0) > 0) issues.push(`${pending.rows[0]?.n} orders left pending`);
  variantIds.forEach((variantId, i) => {
    const received = books.received.get(variantId) ?? 0;
    const answered = books.sold.get(variantId) ?? 0;
    const ledger = ledgers[i] ?? { sum: Number.NaN, sales: Number.NaN };
    const inOrders = placed.get(variantId) ?? 0;
    const level = levels.get(variantId);
    oversold += Math.max(0, Math.max(answered, ledger.sales, inOrders) - received);
    const name = variantId.slice(-6);
    if (!level) {
      issues.push(`${name}: no stock level`);
      return;
    }
    if (level.onHand < 0) issues.push(`${name}: on hand ${level.onHand} < 0`);
    if (level.reserved !== 0) issues.push(`${name}: ${level.reserved} still reserved`);
    if (ledger.sum !== level.onHand)
      issues.push(`${name}: ledger sums to ${ledger.sum}, on hand ${level.onHand}`);
    if (level.onHand !== received - ledger.sales)
      issues.push(`${name}: on hand ${level.onHand} ≠ received ${received} − sold ${ledger.sales}`);
    if (answered !== ledger.sales)
      issues.push(`${name}: 201 answers sold ${answered}, the ledger ${ledger.sales}`);
    if (inOrders !== ledger.sales)
      issues.push(`${name}: placed orders hold ${inOrders}, the ledger sold ${ledger.sales}`);
  });
  return { oversold, issues };
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

/**
 * Committed and rolled-back transactions so far of `databases` (every service's of the run;
 * PostgreSQL flushes the counts about once a second).
 */
async function transactions(database: pg.Pool, databases: readonly string[]): Promise<number> {
  const found = await database.query<{ n: string }>(
    "select coalesce(sum(xact_commit + xact_rollback), 0) as n from pg_stat_database where datname = any($1::text[])",
    [databases],
  );
  return Number(found.rows[0]?.n ?? 0);
}

/** One measured round of a scenario. */
interface Measured {
  figures: RunFigures;
  cpu: CpuPerAnswer;
  /** PostgreSQL transactions per answer, background work (outbox relay, consumers, sweeps) included. */
  transactions: number;
  /** Whether the hot variant sold every unit. */
  soldOut: boolean;
  audit: Audit;
}

/** Everything a measured round needs from the set-up. */
interface Stage {
  client: GatewayClient;
  market: Marketplace;
  /** The orders service's database, for the audit. */
  orders: pg.Pool;
  stack: DistributedStack;
  buyers: readonly string[];
  pool: readonly string[];
  hotShopToken: string;
  books: Books;
}

let roundCount = 0;

/** Warms up with the scenario's carts (without the hot variant), then measures it and audits the books. */
async function measure(
  stage: Stage,
  scenario: Scenario,
  connections: number,
  options: BenchOptions,
): Promise<Measured> {
  const { client, market, orders, stack, buyers, pool, books } = stage;
  const run = `${stack.run}-${roundCount++}`;
  const databases = stack.services.map((name) => new URL(stack.databaseUrl(name)).pathname.slice(1));
  const viaCart = scenario.viaCart === true;
  // The hot variant's few units are for the measured run only.
  await drive(
    client,
    buyers,
    connections,
    options.warmupS,
    () => distinctLines(pool, scenario.lines),
    books,
    `${run}-w`,
    viaCart,
  );
  let hot: string | undefined;
  if (scenario.hot) {
    [hot] = await market.product(stage.hotShopToken, `hot-${run}`, 1);
    if (!hot) throw new Error("the hot product has no variant");
    await market.stock(stage.hotShopToken, [hot], hotUnits);
    books.received.set(hot, hotUnits);
  }
  const hotVariant = hot;
  const cart = hotVariant
    ? () => [{ variantId: hotVariant, quantity: 1 }, ...distinctLines(pool, scenario.lines - 1)]
    : () => distinctLines(pool, scenario.lines);
  const processes = await stack.cpu();
  const infra = await cpuByCommand(infrastructure);
  const xacts = await transactions(orders, databases);
  const loader = process.cpuUsage();
  const figures = await drive(
    client,
    buyers,
    connections,
    options.durationS,
    cart,
    books,
    `${run}-m`,
    viaCart,
  );
  const loaderUsed = process.cpuUsage(loader);
  const processesAfter = await stack.cpu();
  const infraAfter = await cpuByCommand(infrastructure);
  const answers = Math.max(1, figures.checkouts + figures.refused);
  const spent = (name: (typeof infrastructure)[number]) =>
    ((infraAfter[name] ?? 0) - (infra[name] ?? 0)) / answers;
  const perProcess = Object.fromEntries(
    [...processesAfter].map(([name, ms]) => [name, (ms - (processes.get(name) ?? 0)) / answers]),
  );
  const cpu: CpuPerAnswer = {
    node: Object.values(perProcess).reduce((sum, ms) => sum + ms, 0),
    postgres: spent("postgres"),
    nats: spent("nats-server"),
    redis: spent("redis-server"),
    loader: (loaderUsed.user + loaderUsed.system) / 1000 / answers,
    ...perProcess,
  };
  await new Promise((done) => setTimeout(done, 1_100));
  const xactsPerAnswer = ((await transactions(orders, databases)) - xacts) / answers;
  const checked = await audit(client, market.admin, hot ? [...pool, hot] : pool, books, orders);
  return {
    figures,
    cpu,
    transactions: xactsPerAnswer,
    soldOut: hot !== undefined && (books.sold.get(hot) ?? 0) >= hotUnits,
    audit: checked,
  };
}

function describe(
  scenario: Scenario,
  connections: number,
  round: number,
  rounds: number,
  m: Measured,
): string {
  const f = m.figures;
  const refused = f.refused
    ? `refused ${f.refused} (p50 ${fixed(f.refusedP50Ms, 1)} ms, p99 ${fixed(f.refusedP99Ms, 1)} ms)`
    : "refused 0";
  const hot = scenario.hot
    ? m.soldOut
      ? `  sold out at ${fixed(f.lastSaleS, 2)} s (${fixed(hotUnits / f.lastSaleS, 1)} checkouts/s until then)`
      : "  not sold out"
    : "";
  const cpu = Object.entries(m.cpu)
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(", ");
  return `  round ${round + 1}/${rounds} c=${connections} ${scenario.label}: ${fixed(f.checkouts / f.durationS, 1)} checkouts/s (${f.checkouts} sold, ${f.orders} seller orders)  p50 ${fixed(f.p50Ms, 1)} ms  p99 ${fixed(f.p99Ms, 1)} ms  ${refused}  errors ${f.errors}${hot}  oversold ${m.audit.oversold}  CPU ms/answer ${cpu}  PostgreSQL transactions/answer ${m.transactions.toFixed(1)}\n`;
}

function row(scenario: Scenario, connections: number, runs: readonly Measured[]): string[] {
  const middle = (fn: (run: Measured) => number, digits: number) => fixed(median(runs.map(fn)), digits);
  const oversold = runs.reduce((sum, r) => sum + r.audit.oversold, 0);
  const issues = runs.reduce((sum, r) => sum + r.audit.issues.length, 0);
  const soldOut = runs.filter((r) => r.soldOut);
  return [
    scenario.label,
    String(connections),
    middle((r) => r.figures.checkouts / r.figures.durationS, 1),
    middle((r) => r.figures.orders / Math.max(1, r.figures.checkouts), 1),
    middle((r) => r.figures.p50Ms, 1),
    middle((r) => r.figures.p99Ms, 1),
    String(runs.reduce((sum, r) => sum + r.figures.refused, 0)),
    String(runs.reduce((sum, r) => sum + r.figures.errors, 0)),
    !scenario.hot
      ? "-"
      : soldOut.length === 0
        ? "no"
        : fixed(median(soldOut.map((r) => r.figures.lastSaleS)), 1),
    ["node", "postgres", "nats", "redis", "loader"]
      .map((name) => middle((r) => r.cpu[name] ?? 0, 2))
      .join(" / "),
    middle((r) => r.transactions, 1),
    `${oversold} ${mark(oversold === 0)}`,
    issues === 0 ? "yes" : `${issues} issues`,
  ];
}

/**
 * Checkouts through the gateway's REST route in distributed mode (every service and the gateway in
 * its own process from the production build, on real PostgreSQL, a private NATS JetStream and
 * Redis), the closed-loop load generator here. A shopper's single line through the cart, then
 * single-line and five-line carts posted with the checkout over 200 variants with plenty of
 * stock, then the same with one hot variant of `BENCH_HOT_STOCK` units in every cart; after each
 * run the stock, ledger and orders are audited for oversold units.
 */
export async function runCheckout(options: BenchOptions): Promise<void> {
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/postgres";
  process.stdout.write(
    `\nCheckout — POST /api/v1/checkout through the gateway, distributed mode (production build); PostgreSQL ${new URL(databaseUrl).host}, a private NATS and Redis\n`,
  );
  const startedAt = performance.now();
  buildProduction();
  const profile = options.profileDir
    ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(options.profileDir)} --cpu-prof-interval=200` }
    : {};
  const stack = await startDistributed("build", databaseUrl, {
    // NODE_ENV as the catalog bench and the end-to-end tests leave it: production would close
    // /health/services, which the stack waits on. The load signs its buyers in with the codes the
    // local outbox keeps.
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    PUBLIC_URL: "http://mercato.bench",
    // Every request of the benchmark comes from one loopback address.
    RATE_LIMIT_MAX: "100000000",
    OTP_RATE_PER_IP: "100000",
    REGISTRATIONS_PER_IP: "100000",
    EMAILS_PER_IP: "100000",
    ...profile,
  });
  const connections = Math.max(...options.connections, 8);
  const client = new GatewayClient(stack.gatewayUrl, connections);
  const orders = new pg.Pool({ connectionString: stack.databaseUrl("orders"), max: 2 });
  try {
    process.stdout.write(
      `  ${stack.services.length} services and the gateway up in ${((performance.now() - startedAt) / 1000).toFixed(1)} s (build included)\n`,
    );
    const market = new Marketplace(client, stack.outboxDir, stack.run);
    const setupStarted = performance.now();
    await market.open(admin.email, admin.password);
    const books: Books = { received: new Map(), sold: new Map() };
    const shops = await inBatches(
      Array.from({ length: catalog.sellers }, (_, i) => `seller${i}`),
      5,
      (name) => market.shop(name, catalog.products, catalog.variants, plentyUnits),
    );
    const pool = shops.flatMap((shop) => shop.variantIds);
    for (const variantId of pool) books.received.set(variantId, plentyUnits);
    const hotShop = await market.shop("hot", 0, 0, 0);
    const buyers = await inBatches(Array.from({ length: Math.max(buyerCount, connections) }), 6, () =>
      market.buyer(),
    );
    process.stdout.write(
      `  set up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s: ${shops.length} sellers, ${pool.length} variants of ${plentyUnits} units, ${buyers.length} buyers signed in by SMS code\n`,
    );
    const stage: Stage = {
      client,
      market,
      orders,
      stack,
      buyers,
      pool,
      hotShopToken: hotShop.token,
      books,
    };
    const first = await drive(
      client,
      buyers,
      1,
      0.001,
      () => distinctLines(pool, 1),
      books,
      `${stack.run}-first`,
    );
    if (first.checkouts !== 1)
      throw new Error(
        `the first checkout did not sell: ${first.checkouts} sold, ${first.refused} refused, ${first.errors} errors: ${first.errorSamples.join("; ")}`,
      );

    const rows: string[][] = [];
    for (const connections of options.connections) {
      // BENCH_SCENARIOS='cart|hot' measures only the scenarios whose label holds one of the words.
      const wanted = process.env.BENCH_SCENARIOS?.split("|").filter(Boolean);
      for (const scenario of scenarios.filter((s) => !wanted || wanted.some((w) => s.label.includes(w)))) {
        const runs: Measured[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const measured = await measure(stage, scenario, connections, options);
          runs.push(measured);
          process.stdout.write(describe(scenario, connections, round, options.rounds, measured));
          for (const sample of measured.figures.errorSamples.slice(0, 5))
            process.stdout.write(`    error: ${sample}\n`);
          for (const issue of measured.audit.issues.slice(0, 10))
            process.stdout.write(`    audit: ${issue}\n`);
        }
        rows.push(row(scenario, connections, runs));
      }
    }
    const header = [
      "checkout (REST)",
      "conns",
      "orders/s (201)",
      "seller orders/201",
      "p50 ms",
      "p99 ms",
      "refused (422)",
      "errors",
      "sold out at s",
      "CPU ms/answer node/pg/nats/redis/loader",
      "PG xacts/answer",
      "oversold",
      "books agree",
    ];
    process.stdout.write(`\n${formatTable(header, rows)}\n`);
  } finally {
    client.close();
    await orders.end();
    await stack.stop();
  }
}
