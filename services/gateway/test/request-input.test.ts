import { createLogger, parseConfig } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayModules, upstreamServices } from "../src/catalog.js";
import { createGateway, defineGatewayModule, type Gateway, gatewayConfigSchema } from "../src/index.js";
import { issuerAuthenticator, signedIn } from "./module-harness.js";

/** Echoes what validation made of the query string, path and body. */
const echoModule = defineGatewayModule({
  name: "echo",
  schema: "",
  rest: (app) => {
    app.post(
      "/echo/:n",
      {
        schema: {
          hide: true,
          params: { type: "object", properties: { n: { type: "integer" } } },
          querystring: {
            type: "object",
            additionalProperties: false,
            properties: {
              limit: { type: "integer", minimum: 1, maximum: 100 },
              radius: { type: "number" },
              flag: { type: "boolean" },
              tag: { type: "array", items: { type: "string" } },
              name: { type: "string" },
            },
          },
          body: {
            type: "object",
            additionalProperties: false,
            properties: {
              quantity: { type: "integer", minimum: -1000, maximum: 1000 },
              gift: { type: "boolean" },
              note: { type: "string" },
              line: { type: "object", additionalProperties: false, properties: { sku: { type: "string" } } },
            },
          },
        },
      },
      async (request) => ({ params: request.params, query: request.query, body: request.body }),
    );
  },
});

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: { type?: unknown } }[];
  requestBody?: { content?: { "application/json"?: { schema?: JsonSchema } } };
}
interface JsonSchema {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
}

/** Integers as they are written by mistake or on purpose: none of them is one. */
const notIntegerTexts = ["Infinity", "-Infinity", "1e400", "1e2", "0x10", "  1", "1.5", "true"];
/** The same as JSON values of a body, plus an integer sent as a string. */
const notIntegerLiterals = ['"Infinity"', '"1e400"', "1e400", '"0x10"', "true", "1.5", '"  1"', '"12"'];

const isInteger = (schema: { type?: unknown } | undefined) => [schema?.type].flat().includes("integer");
const someId = "0190a000-0000-7000-8000-000000000000";

describe("request input: integers are integers, every refusal names its field", () => {
  let issuer: TestIssuer;
  let gateway: Gateway;
  let authorization: string;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    gateway = await createGateway({
      config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "500" }),
      // Nothing listens there: a request that passes validation answers 502.
      services: upstreamServices.map((s) => ({ name: s.name, url: "http://127.0.0.1:9" })),
      modules: [...gatewayModules, echoModule],
      logger: createLogger({ service: "gateway", level: "silent" }),
      authenticate: issuerAuthenticator(issuer),
    });
    await gateway.app.ready();
    const admin = await signedIn(issuer, { roles: ["buyer", "seller", "admin"] });
    authorization = admin.headers.authorization;
  });
  afterAll(async () => {
    await gateway?.app.close();
    await issuer?.close();
  });

  const echo = (query: string, payload: string | object = {}, n = "7") =>
    gateway.app.inject({
      method: "POST",
      url: `/api/v1/echo/${n}${query}`,
      headers: { "content-type": "application/json" },
      payload: typeof payload === "string" ? payload : JSON.stringify(payload),
    });
  const fields = (response: { json(): { error?: { details?: { field: string }[] } } }) =>
    (response.json().error?.details ?? []).map((d) => d.field);

  it("reads decimal integers, numbers, booleans and repeated values from the query string and path", async () => {
    const response = await echo("?limit=12&radius=2.5&flag=true&tag=a&name=42", {
      quantity: -3,
      gift: false,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      params: { n: 7 },
      query: { limit: 12, radius: 2.5, flag: true, tag: ["a"], name: "42" },
      body: { quantity: -3, gift: false },
    });
  });

  it.each([...notIntegerTexts, "", "99999999999999999999"])(
    "refuses %j as a query-string and path integer with 400 naming the field",
    async (text) => {
      const query = await echo(`?limit=${encodeURIComponent(text)}`);
      expect(query.statusCode).toBe(400);
      expect(query.json().error.code).toBe("INVALID_ARGUMENT");
      expect(fields(query)).toEqual(["querystring.limit"]);
      const path = await echo("", {}, encodeURIComponent(text) || "%20");
      expect(path.statusCode).toBe(400);
      expect(fields(path)).toEqual(["params.n"]);
    },
  );

  it.each([...notIntegerLiterals, "null"])(
    "refuses %s as a body integer with 400 naming the field",
    async (literal) => {
      const response = await echo("", `{"quantity":${literal}}`);
      expect(response.statusCode).toBe(400);
      expect(fields(response)).toEqual(["body.quantity"]);
    },
  );

  it("refuses a string for a body boolean instead of reading it", async () => {
    const response = await echo("", { gift: "true" });
    expect(response.statusCode).toBe(400);
    expect(fields(response)).toEqual(["body.gift"]);
  });

  it("names an unknown property, at any depth", async () => {
    const response = await echo("?colour=red", { note: "x", extra: 1, line: { sku: "a", size: "M" } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual(
      expect.arrayContaining([
        { field: "body.extra", message: "is not allowed" },
        { field: "body.line.size", message: "is not allowed" },
      ]),
    );
    const query = await echo("?colour=red");
    expect(query.json().error.details).toEqual([{ field: "querystring.colour", message: "is not allowed" }]);
  });

  it.each([
    ['{"__proto__":{"admin":true}}', "body.__proto__"],
    ['{"note":"x","line":{"\\u005f_proto__":{}}}', "body.line.__proto__"],
    ['{"constructor":{"prototype":{"admin":true}}}', "body.constructor.prototype"],
  ])("refuses %s with 400 naming the key", async (payload, field) => {
    const response = await echo("", payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: `${field} is not allowed`,
      details: [{ field, message: "is not allowed" }],
    });
  });

  it("answers a path that is not percent-encoded UTF-8 with 400 in the envelope, naming the url", async () => {
    const response = await gateway.app.inject({ method: "GET", url: "/api/v1/products/%ED%A0%80x" });
    expect(response.statusCode).toBe(400);
    expect(response.headers["x-correlation-id"]).toEqual(expect.any(String));
    expect(response.json()).toMatchObject({
      success: false,
      error: {
        code: "INVALID_ARGUMENT",
        details: [{ field: "url", message: "is not valid percent-encoded UTF-8" }],
      },
    });
  });

  it("answers a path parameter of more than 100 characters with 414 in the envelope, naming the url", async () => {
    const response = await gateway.app.inject({ method: "GET", url: `/api/v1/products/${"x".repeat(101)}` });
    expect(response.statusCode).toBe(414);
    expect(response.json()).toMatchObject({
      success: false,
      error: { code: "INVALID_ARGUMENT", details: [{ field: "url" }], correlationId: expect.any(String) },
    });
  });

  it("still reads a body with a constructor key that has no prototype, and calls broken JSON broken", async () => {
    expect((await echo("", { note: "constructor" })).statusCode).toBe(200);
    const broken = await echo("", '{"note":');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message).toMatch(/not valid JSON/);
  });

  it("refuses Infinity, 1e400, 0x10, true and 1.5 in every integer field of every public route", async () => {
    const document = gateway.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
    const headers = { authorization, "idempotency-key": "k-1", "content-type": "application/json" };
    const checked: string[] = [];
    const failures: string[] = [];
    const expectNamed = async (field: string, request: InjectOptions) => {
      const response = await gateway.app.inject(request);
      if (response.statusCode !== 400 || !fields(response).includes(field))
        failures.push(`${field} of ${JSON.stringify(request)}: ${response.statusCode} ${response.body}`);
    };
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [verb, operation] of Object.entries(operations)) {
        const method = verb.toUpperCase() as "GET";
        const url = path.replace(/\{[^}]+\}/g, someId);
        for (const parameter of (operation.parameters ?? []).filter((p) => isInteger(p.schema))) {
          const inQuery = parameter.in === "query";
          const field = `${inQuery ? "querystring" : "params"}.${parameter.name}`;
          checked.push(`${method} ${path} ${field}`);
          for (const text of notIntegerTexts) {
            const value = encodeURIComponent(text);
            await expectNamed(field, {
              method,
              url: inQuery
                ? `${url}?${parameter.name}=${value}`
                : path.replace(`{${parameter.name}}`, value).replace(/\{[^}]+\}/g, someId),
              headers,
              ...(method === "GET" || method === "DELETE" ? {} : { payload: "{}" }),
            });
          }
        }
        const body = operation.requestBody?.content?.["application/json"]?.schema;
        for (const name of Object.keys(body?.properties ?? {}).filter((n) =>
          isInteger(body?.properties?.[n]),
        )) {
          checked.push(`${method} ${path} body.${name}`);
          for (const literal of notIntegerLiterals) {
            await expectNamed(`body.${name}`, { method, url, headers, payload: `{"${name}":${literal}}` });
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(15);
  });
});
