import { request as httpRequest } from "node:http";
import { defineGatewayModule, type GraphqlContext } from "@mercato/gateway";
import { auditServer } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

interface Thing {
  id: string;
}

const things = (count: number | null | undefined): Thing[] =>
  Array.from({ length: Math.min(count ?? 20, 200) }, (_, i) => ({ id: String(i) }));

/** A nested list to cost: things(first) { children(first) { … } }. */
/** Called each time the `hang` resolver has started waiting for its request's end. */
let hanging = () => {};

const thingsModule = defineGatewayModule({
  name: "things",
  schema: /* GraphQL */ `
    type Thing {
      id: ID!
      children(first: Int): [Thing!]!
    }
    extend type Query {
      things(first: Int): [Thing!]!
      sum(values: [Int!], n: Int): Int!
      failing: Thing!
      "Waits until the client goes away, then fails as a cancelled service call does"
      hang: Int
    }
  `,
  resolvers: () => ({
    Query: {
      things: (_root: unknown, args: { first?: number | null }) => things(args.first),
      sum: (_root: unknown, args: { values?: number[] | null; n?: number | null }) =>
        (args.values ?? []).reduce((a, b) => a + b, args.n ?? 0),
      failing: () => {
        throw new Error("boom");
      },
      hang: (_root: unknown, _args: unknown, context: GraphqlContext) =>
        new Promise((_resolve, reject) => {
          const { signal } = context.ctx;
          const abort = () => reject(new Error("the operation was aborted"));
          if (signal.aborted) abort();
          else signal.addEventListener("abort", abort);
          hanging();
        }),
    },
    Thing: {
      children: (_thing: Thing, args: { first?: number | null }) => things(args.first),
    },
  }),
});

/** The gateway's CPU time (user + system, ms) spent answering one request. */
async function cpuMsOf<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, result };
}

describe("GraphQL over HTTP", () => {
  let h: Harness;
  let url: string;
  beforeAll(async () => {
    h = await startHarness({ RATE_LIMIT_MAX: "100000", GRAPHQL_MAX_COST: "5000" }, [thingsModule]);
    url = `${await h.gateway.app.listen({ port: 0, host: "127.0.0.1" })}/graphql`;
  });
  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    h.gateway.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json", ...headers },
      payload: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("passes every graphql-http server audit with no failure and no warning", async () => {
    const results = await auditServer({ url });
    const problems = results
      .filter((result) => result.status !== "ok")
      .map((result) => `${result.status} ${result.name}: ${"reason" in result ? result.reason : ""}`);
    expect(problems).toEqual([]);
  });

  it("refuses a fragment-doubling document quickly, whatever a comment does to the cache", async () => {
    // 2^40 __typename fields once expanded; each fragment spreads the next one twice.
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`,
    ).join("\n");
    const query = `# ${Math.random()}\n{ ...F0 }\n${fragments}\nfragment F40 on Query { __typename }`;
    const { ms, result } = await cpuMsOf(() => post({ query }));
    expect(result.statusCode).toBe(200);
    expect(result.json().errors[0]).toMatchObject({ extensions: { code: "INVALID_ARGUMENT" } });
    expect(result.json().errors[0].message).toMatch(/query cost .* exceeds the limit of 5000/);
    expect(result.json()).not.toHaveProperty("data");
    expect(ms).toBeLessThan(1_000);
  });

  it("refuses a document of 30 000 operations by its token count, quickly", async () => {
    const query = Array.from({ length: 30_000 }, (_, i) => `query q${i} { __typename }`).join("\n");
    const { ms, result } = await cpuMsOf(() => post({ query, operationName: "q0" }));
    expect(result.json().errors[0].message).toMatch(/Document contains more th.. \d+ tokens/);
    expect(result.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
    expect(ms).toBeLessThan(1_000);
  });

  it.each([
    ["a list literal nested 4 900 deep", `{ sum(values: ${"[".repeat(4_900)}1${"]".repeat(4_900)}) }`],
    ["an object literal nested 3 000 deep", `{ sum(n: ${"{a:".repeat(3_000)}1${"}".repeat(3_000)}) }`],
    ["9 000 fields of one name", `{ ${"__typename ".repeat(9_000)} }`],
    ["3 000 unknown arguments", `{ sum(${Array.from({ length: 3_000 }, (_, i) => `a${i}: 1`).join(" ")}) }`],
    ["a 900 kB string", `{ sum(n: "${"x".repeat(900_000)}") }`],
    // The bound tells a parser that blows up (seconds of CPU) from one that does not; it is no
    // speed measurement (that is bench/), so a busy machine's scheduling must not fail it.
  ])("answers %s within a second of CPU, as the client's mistake", async (_shape, query) => {
    const { ms, result } = await cpuMsOf(() => post({ query }));
    expect(result.statusCode).toBe(200);
    expect(result.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
    expect(result.json().errors[0].message.length).toBeLessThanOrEqual(1_001);
    expect(ms).toBeLessThan(1_000);
  });

  it("refuses selections nested thousands deep as a client error", async () => {
    const query = `{ ${"things { children { ".repeat(1_500)}id${" }".repeat(3_000)} }`;
    const response = await post({ query });
    expect(response.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
  });

  it("costs a list size given by a variable at its value", async () => {
    const query = `query($n: Int) { things(first: $n) { children(first: $n) { id } } }`;
    const small = await post({ query, variables: { n: 5 } });
    expect(small.json().errors).toBeUndefined();
    expect(small.json().data.things).toHaveLength(5);
    // 1 + 100 * (1 + 100 * 1) = 10 101 > 5 000: refused exactly as the literal 100 is.
    const big = await post({ query, variables: { n: 100 } });
    expect(big.json().errors[0].message).toBe("query cost 10101 exceeds the limit of 5000");
    const literal = await post({ query: `{ things(first: 100) { children(first: 100) { id } } }` });
    expect(literal.json().errors[0].message).toBe("query cost 10101 exceeds the limit of 5000");
  });

  it("costs a variable left out at its default value", async () => {
    const query = `query($n: Int = 100) { things(first: $n) { children(first: $n) { id } } }`;
    const response = await post({ query });
    expect(response.json().errors[0].message).toBe("query cost 10101 exceeds the limit of 5000");
  });

  it.each([
    ["a string", "abc"],
    ["a boolean", true],
    ["an object", {}],
    ["a number past 32 bits", 2_147_483_648],
    ["a fraction", 1.5],
  ])("refuses %s for an Int variable as INVALID_ARGUMENT naming it", async (_label, value) => {
    const response = await post({ query: "query($n: Int) { sum(n: $n) }", variables: { n: value } });
    const [error] = response.json().errors;
    expect(error.extensions.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(/\$n/);
    expect(response.json()).not.toHaveProperty("data");
  });

  it("refuses 1e400 for an Int variable (JSON reads it as Infinity) as INVALID_ARGUMENT", async () => {
    const response = await post('{"query":"query($n: Int) { sum(n: $n) }","variables":{"n":1e400}}');
    expect(response.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
    expect(response.json().errors[0].message).toMatch(/\$n/);
  });

  it("refuses a list variable nested 3 000 deep as INVALID_ARGUMENT", async () => {
    const values = `${"[".repeat(3_000)}1${"]".repeat(3_000)}`;
    const response = await post(
      `{"query":"query($v: [Int!]) { sum(values: $v) }","variables":{"v":${values}}}`,
    );
    expect(response.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
    expect(response.json().errors[0].message).toMatch(/\$v/);
  });

  it("refuses a query that is not a string as INVALID_ARGUMENT", async () => {
    const response = await post({ query: 5 });
    expect(response.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
    expect(response.json().errors[0].message).toMatch(/query/);
  });

  it("answers request errors with 400 and no data under application/graphql-response+json", async () => {
    const response = await post({ query: "{ nope }" }, { accept: "application/graphql-response+json" });
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toMatch(/^application\/graphql-response\+json/);
    expect(response.json()).not.toHaveProperty("data");
  });

  it("answers a successful query as application/graphql-response+json when the client asks", async () => {
    const response = await post(
      { query: "{ sum(values: [1, 2]) }" },
      { accept: "application/graphql-response+json, application/json;q=0.9" },
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/graphql-response\+json/);
    expect(response.json()).toEqual({ data: { sum: 3 } });
  });

  it("keeps 200 for request errors under application/json", async () => {
    const response = await post({ query: "{ nope }" }, { accept: "application/json" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.json().errors[0].extensions.code).toBe("INVALID_ARGUMENT");
  });

  it("keeps introspection and suggestions outside production", async () => {
    const introspection = await post({ query: "{ __schema { queryType { name } } }" });
    expect(introspection.json().data.__schema.queryType.name).toBe("Query");
    const typo = await post({ query: "{ thngs { id } }" });
    expect(typo.json().errors[0].message).toMatch(/Did you mean "things"/);
  });

  it("serves GraphiQL from this origin alone, under a CSP that allows nothing else", async () => {
    const page = await h.gateway.app.inject({ method: "GET", url: "/graphiql" });
    expect(page.statusCode).toBe(200);
    const policy = String(page.headers["content-security-policy"]);
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/https?:/);
    const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(sources).toHaveLength(5);
    for (const source of sources) {
      expect(source).toMatch(/^\/graphiql\/assets\//);
      const asset = await h.gateway.app.inject({ method: "GET", url: source });
      expect(asset.statusCode, source).toBe(200);
      expect(asset.headers["content-type"]).toMatch(
        source.endsWith(".css") ? /^text\/css/ : /^application\/javascript/,
      );
      expect(asset.body.length).toBeGreaterThan(100);
    }
  });

  it("counts a client that goes away mid-request as the client's doing, not a resolver failure", async () => {
    const aborts = async () => {
      const metrics = await h.gateway.app.inject({ method: "GET", url: "/metrics" });
      return Number(/gateway_client_aborts_total\{api="graphql"[^}]*\} (\d+)/.exec(metrics.body)?.[1] ?? 0);
    };
    const before = await aborts();
    // A raw request on its own socket, destroyed mid-answer as a client that gives up does.
    const body = JSON.stringify({ query: "{ hang }" });
    const request = httpRequest(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    request.on("error", () => undefined);
    // Gone once the resolver is waiting: a fixed delay could end the socket before the request is read.
    const waiting = new Promise<void>((resolve) => (hanging = resolve));
    request.end(body);
    await waiting;
    request.destroy();
    await expect.poll(aborts, { timeout: 5_000 }).toBe(before + 1);
  });

  it("answers an execution whose data is null with the status of its errors under graphql-response+json", async () => {
    const unavailable = await h.gateway.app.inject({
      method: "POST",
      url: "/graphql",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      payload: { query: `{ item(id: "0190a000-0000-7000-8000-000000000000") { id } failing { id } }` },
    });
    expect(unavailable.statusCode).toBe(500);
    expect(unavailable.json().data).toBeNull();
  });
});

describe("GraphQL in production", () => {
  const ask = (h: Harness, query: string) =>
    h.gateway.app.inject({ method: "POST", url: "/graphql", payload: { query } });

  it("refuses introspection and gives no field suggestions", async () => {
    const h = await startHarness({ NODE_ENV: "production" }, [thingsModule]);
    try {
      const introspection = await ask(h, "{ __schema { queryType { name } } }");
      expect(introspection.json().errors[0]).toMatchObject({ extensions: { code: "INVALID_ARGUMENT" } });
      expect(introspection.json().errors[0].message).toMatch(/introspection/i);
      const typo = await ask(h, "{ thngs { id } }");
      expect(typo.json().errors[0].message).toBe('Cannot query field "thngs" on type "Query".');
      // A service that is down is reported, without the error text that names its address.
      await h.service.stop();
      const health = await ask(h, "{ health { status services { name status error } } }");
      expect(health.json().data.health).toEqual({
        status: "degraded",
        services: [{ name: "items", status: "down", error: null }],
      });
    } finally {
      await h.close();
    }
  });

  it("serves introspection when GRAPHQL_INTROSPECTION=true", async () => {
    const h = await startHarness({ NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true" }, [thingsModule]);
    try {
      const introspection = await ask(h, "{ __schema { queryType { name } } }");
      expect(introspection.json().data.__schema.queryType.name).toBe("Query");
    } finally {
      await h.close();
    }
  });
});
