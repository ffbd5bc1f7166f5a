import { createGateway, gatewayConfigSchema, gatewayModules, upstreamServices } from "@mercato/gateway";
import { createLogger, type ErrorCode, errorMappings, parseConfig, seededRandom } from "@mercato/platform";
import { waitFor } from "@mercato/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bodyTargets,
  describeValue,
  encodeJson,
  type FuzzPath,
  type FuzzValue,
  GraphqlTypes,
  type InputValue,
  type IntrospectedType,
  introspectionQuery,
  type JsonSchema,
  jsonValues,
  printType,
  Raw,
  textValues,
  unwrap,
  type ValueClass,
  validValue,
  valueClasses,
  withValueAt,
} from "./fuzz-values.js";
import { realInfra, type Stack, startStack } from "./stack.js";

/*
 * Schema-driven fuzzing (issue 15): every REST operation of the live gateway's OpenAPI document and
 * every Query and Mutation field of its introspected GraphQL schema, each input (parameter, body
 * property down to four levels, argument, input field) with malformed, boundary and hostile values
 * by its type, the other inputs valid and the ids real (a seeded fixture). Each operation is first
 * called with valid values as every role; its fuzz cases then go round the roles it admits (no 401
 * or 403), and every role it turns away still gets one case of each class. Operations that revoke,
 * rotate, cancel or delete run last, and roles whose token stopped working sign in again.
 *
 * The rules:
 * - No REST answer is a 5xx, and every 4xx is in the error envelope with a correlation id; no
 *   GraphQL answer has a 5xx status or an error whose code maps to one.
 * - A REST 400 has error.details, and one detail's field names the fuzzed input (see namesTarget),
 *   or names a body or query field the request left out (the value made it necessary: a name of
 *   only emoji needs a slug), or one the same role's valid request was already refused for.
 * - A GraphQL INVALID_ARGUMENT mentions the fuzzed argument or one of the input fields on its path
 *   in its message or details, or, for a literal written into the document, points inside it; a
 *   refusal of the document as a whole (a syntax error, the token limit, the query cost, which is a
 *   product of several arguments) names that instead, as does one the valid request also got.
 */

type Role = "anonymous" | "buyer" | "seller" | "admin";
const roles: readonly Role[] = ["anonymous", "buyer", "seller", "admin"];

const seed = 15_2026;
const adminEmail = "fuzz-admin@mercato.test";
const adminPassword = "fuzz admin passphrase";
const sellerPassword = "fuzz seller passphrase";
const buyerPhone = "+4915150000001";
/** Requests in flight at once: enough to keep both cores busy without queueing on PGlite. */
const concurrency = 6;

interface Answer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each route and checked by the rules
  body: any;
}

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  body?: JsonSchema;
}

/** One fuzzed input of an operation: where it goes, its name for the naming rule, and its values. */
interface Target {
  where: "query" | "path" | "header" | "body";
  name: string;
  /** Segments of a body path; the parameter name otherwise. */
  path: FuzzPath;
  values: FuzzValue[];
}

interface Fixture {
  categoryId: string;
  storefrontId: string;
  productId: string;
  variantId: string;
  orderId: string;
  addressId: string;
  sessionId: string;
  payoutId: string;
  /** A push device of the buyer's. */
  deviceId: string;
  /** The id of a dead letter: none exist, so a well-formed id of none. */
  deadLetterId: string;
  /** An upload of the seller's, waiting for its bytes. */
  mediaId: string;
}

/** A pool that runs `tasks` with at most `limit` in flight. */
async function inPool<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await run(item);
      }
    }),
  );
}

/** Percent-encodes text for a URL; a lone surrogate goes as the bytes a careless client would send. */
const encodeText = (text: string) =>
  text.replace(/[\s\S]/gu, (c) =>
    c.length === 1 && /[\uD800-\uDFFF]/.test(c) ? "%ED%A0%80" : encodeURIComponent(c),
  );

/**
 * The REST operations and GraphQL root fields of the gateway as shipped (every module of its
 * catalog), built in memory: the stack must serve all of them for the fuzzing to cover them.
 */
async function shippedSurface(): Promise<{ operations: string[]; fields: string[] }> {
  const gateway = await createGateway({
    config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test" }),
    services: upstreamServices.map((s) => ({ name: s.name, url: "http://127.0.0.1:9" })),
    modules: gatewayModules,
    logger: createLogger({ service: "gateway", level: "silent" }),
  });
  try {
    await gateway.app.ready();
    const document = gateway.app.swagger() as unknown as { paths: Record<string, Record<string, unknown>> };
    const answer = await gateway.app.inject({
      method: "POST",
      url: "/graphql",
      payload: { query: "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }" },
    });
    const schema = answer.json().data.__schema as Record<string, { fields: { name: string }[] }>;
    return {
      operations: Object.entries(document.paths).flatMap(([path, verbs]) =>
        Object.keys(verbs).map((verb) => `${verb.toUpperCase()} ${path}`),
      ),
      fields: [
        ...(schema.queryType?.fields ?? []).map((f) => `query ${f.name}`),
        ...(schema.mutationType?.fields ?? []).map((f) => `mutation ${f.name}`),
      ],
    };
  } finally {
    await gateway.app.close();
  }
}

/** Operations or fields that missed a value class, and those not called as every role. */
function coverageGaps(report: { classes: Map<string, Set<ValueClass>>; roles: Map<string, Set<Role>> }) {
  return {
    uncovered: [...report.classes]
      .filter(([, c]) => c.size < valueClasses.length)
      .map(([name, c]) => `${name}: ${[...c].join(", ")}`),
    roleGaps: [...report.roles].filter(([, r]) => r.size < roles.length).map(([name]) => name),
  };
}

const emergencyRotation =
  "done, an emergency rotation signs every client out and the gateway refuses the new tokens until its JWKS cooldown (30 s) lets it fetch the new key, which would stall the run; auth's tests cover it";

/**
 * What the stack does not fuzz, with why; the tests check these lists are exact. No operation or
 * field is left out (the stack runs every service behind a shipped gateway module); the cases
 * listed are sent only as a role the operation refuses.
 */
const notFuzzed = {
  operations: {} as Record<string, string>,
  fields: {} as Record<string, string>,
  restCases: { "POST /api/v1/auth/signing-keys/rotate body emergency = true": emergencyRotation } as Record<
    string,
    string
  >,
  graphqlCases: { "mutation rotateSigningKey emergency = true": emergencyRotation } as Record<string, string>,
};

/** `cases` with those listed in `listed` moved to a role the operation refuses; their keys go to `withheld`. */
function withholding<C extends { role: Role }>(
  cases: C[],
  key: (c: C) => string,
  listed: Record<string, string>,
  admitted: readonly Role[],
  withheld: Set<string>,
): C[] {
  const refused = roles.find((r) => !admitted.includes(r));
  return cases.map((c) => {
    const k = key(c);
    if (!(k in listed) || refused === undefined) return c;
    withheld.add(k);
    return { ...c, role: refused };
  });
}

/** Operations and fields that end a session, a key, an order or a variant: they run last. */
const destructive = /logout|revoke|rotate|cancel|status|password|delete|remove|clear|sessions\/\{/i;

/** A value as a GraphQL literal; strings that are names go bare for an enum. */
function printLiteral(value: unknown, enumType: boolean): string {
  if (value instanceof Raw) {
    const parsed: unknown = JSON.parse(value.json);
    return parsed !== null && typeof parsed === "object" ? printLiteral(parsed, enumType) : value.json;
  }
  if (typeof value === "string")
    return enumType && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => printLiteral(v, enumType)).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}: ${printLiteral(item, false)}`)
      .join(", ")}}`;
  return String(value);
}

/** Segments of a field path: `body.lines[0].quantity` → body, lines, 0, quantity; `a["k"]` → a, k. */
const segments = (field: string) =>
  field
    .split(/[.[\]]+/)
    .map((s) => s.replace(/^"(.*)"$/, "$1"))
    .filter(Boolean);
const wherePrefix = { query: "querystring", path: "params", header: "headers", body: "body" } as const;

/**
 * True when a REST refusal's field names the fuzzed input: the whole body accepts any field, a path
 * parameter `url` (a path that is not percent-encoded UTF-8 cannot be split into parameters); else
 * the field (without its `body.`/`querystring.` prefix) and the input's path agree as far as the
 * shorter goes (an ancestor holding the value, or a part inside it), or its last segment is the
 * input's name (a service names `title`, not `body.title`).
 */
function namesTarget(field: string, target: Target): boolean {
  if (target.where === "body" && target.path.length === 0) return true;
  if (target.where === "path" && field === "url") return true;
  const parts = segments(field);
  const rest = parts[0] === wherePrefix[target.where] ? parts.slice(1) : parts;
  const path = target.path.map(String);
  const shared = Math.min(rest.length, path.length);
  const same = (a: string, b: string) => a === b || a === snake(b);
  if (shared > 0 && rest.slice(0, shared).every((s, i) => same(s, path[i] ?? ""))) return true;
  return same(rest[rest.length - 1] ?? "", target.name);
}

/**
 * True when a refusal names a field under one of `sent`'s roots (`body`, `querystring`, a GraphQL
 * argument) that the request did not send: the fuzzed value made it necessary.
 */
function namesAbsent(field: string, sent: Record<string, unknown>): boolean {
  const [where = "", ...rest] = segments(field);
  if (!Object.hasOwn(sent, where)) return false;
  let at: unknown = sent[where];
  for (const key of rest) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return true;
    at = (at as Record<string, unknown>)[key];
  }
  return false;
}

const parseSent = (body: string | undefined): unknown => {
  try {
    return body === undefined ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
};
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** The last named segment of a path: what a refusal must name. */
const leafName = (path: FuzzPath, fallback: string) =>
  [...path].reverse().find((p): p is string => typeof p === "string") ?? fallback;
/** True when `text` mentions `name` as a whole word (camelCase or snake_case). */
const mentions = (text: string, name: string) =>
  [name, snake(name)].some((n) =>
    new RegExp(`(?<![A-Za-z0-9_])${n.replace(/[$.]/g, "\\$&")}(?![A-Za-z0-9_])`, "i").test(text),
  );

describe("schema-driven fuzzing of the gateway", { timeout: 120_000 }, () => {
  let stack: Stack;
  let fixture: Fixture;
  const tokens: Record<Role, string | undefined> = {
    anonymous: undefined,
    buyer: undefined,
    seller: undefined,
    admin: undefined,
  };
  let sellerEmail: string;
  let counter = 0;
  const fresh = () => `${++counter}`;

  const send = async (
    method: string,
    url: string,
    options: { body?: string; token?: string | undefined; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const response = await fetch(`${stack.url}${url}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    return { status: response.status, text, body };
  };
  const rest = (method: string, path: string, body?: unknown, token?: string) =>
    send(method, `/api/v1${path}`, { ...(body === undefined ? {} : { body: JSON.stringify(body) }), token });

  const signInBuyer = async () => {
    expect((await rest("POST", "/auth/otp/request", { phone: buyerPhone })).status).toBe(202);
    const code = await stack.otpFor(buyerPhone);
    const signedIn = await rest("POST", "/auth/otp/verify", { phone: buyerPhone, code });
    expect(signedIn.status, signedIn.text).toBe(200);
    return signedIn.body.accessToken as string;
  };
  const signIn = async (email: string, password: string) => {
    const login = await rest("POST", "/auth/login", { email, password });
    expect(login.status, login.text).toBe(200);
    return login.body.accessToken as string;
  };

  /** Signs each role in again whose token no longer works (a fuzzed logout or key rotation). */
  const refreshTokens = async () => {
    for (const role of ["buyer", "seller", "admin"] as const) {
      if ((await rest("GET", "/auth/account", undefined, tokens[role])).status !== 401) continue;
      tokens[role] =
        role === "buyer"
          ? await signInBuyer()
          : await signIn(
              role === "admin" ? adminEmail : sellerEmail,
              role === "admin" ? adminPassword : sellerPassword,
            );
      const account = await rest("GET", "/auth/account", undefined, tokens[role]);
      expect(account.status, `${role} signed in again: ${account.text}`).toBe(200);
    }
  };

  beforeAll(async () => {
    stack = await startStack({
      // On real PostgreSQL, NATS and Redis where they are given (as CI does): what production runs,
      // and twice as fast as PGlite in this process; on the embedded adapters otherwise.
      ...(process.env.DATABASE_URL ? { real: realInfra(process.env.DATABASE_URL) } : {}),
      commerce: true,
      notifications: true,
      media: true,
      env: {
        ADMIN_EMAIL: adminEmail,
        ADMIN_PASSWORD: adminPassword,
        RATE_LIMIT_MAX: "1000000",
        OTP_RATE_PER_PHONE: "1000",
        OTP_RATE_PER_IP: "100000",
        OTP_RESEND_COOLDOWN_MS: "1",
        OTP_MAX_ATTEMPTS: "100000",
        REGISTRATIONS_PER_IP: "100000",
        EMAILS_PER_ADDRESS: "100000",
        EMAILS_PER_IP: "100000",
        LOGIN_MAX_FAILURES: "100000",
      },
    });
    tokens.admin = await signIn(adminEmail, adminPassword);
    tokens.buyer = await signInBuyer();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  /**
   * A category, a verified seller (with a second session) whose storefront lists an active product
   * of one stocked variant, a buyer's address, a placed order and a payout of a completed one. Each
   * test makes its own: the other's deletions, cancellations and revocations would leave it 404s.
   */
  const makeFixture = async (label: string): Promise<Fixture> => {
    const category = await rest(
      "POST",
      "/categories",
      { name: `Fuzz goods ${label}`, slug: `fuzz-goods-${label}` },
      tokens.admin,
    );
    expect(category.status, category.text).toBe(201);

    sellerEmail = `fuzz-seller-${label}@shop.test`;
    expect(
      (await rest("POST", "/auth/sellers", { email: sellerEmail, password: sellerPassword })).status,
    ).toBe(201);
    const link = await stack.linkTokenFor(sellerEmail, "/verify-email");
    expect((await rest("GET", `/auth/email/verify?token=${link}`)).status).toBe(200);
    // A second session of the seller's, for the operations that revoke one.
    await signIn(sellerEmail, sellerPassword);
    tokens.seller = await signIn(sellerEmail, sellerPassword);
    const sessions = await rest("GET", "/auth/sessions", undefined, tokens.seller);
    const other = (sessions.body.items ?? sessions.body) as { id: string; current?: boolean }[];
    const store = await rest(
      "POST",
      "/sellers",
      {
        name: `Fuzz shop ${label}`,
        slug: `fuzz-shop-${label}`,
        address: { line1: "Torstraße 1", city: "Berlin", postalCode: "10115", countryCode: "DE" },
        location: { lat: 52.53, lng: 13.4 },
      },
      tokens.seller,
    );
    expect(store.status, store.text).toBe(201);
    const product = await waitFor(async () => {
      const created = await rest(
        "POST",
        "/products",
        {
          title: "Fuzz kettle",
          categoryId: category.body.id,
          optionNames: ["colour"],
          status: "active",
          variants: [
            {
              sku: `FUZZ-KETTLE-${label}`,
              price: { amountMinor: 4500, currency: "EUR" },
              options: { colour: "red" },
            },
          ],
        },
        tokens.seller,
      );
      return created.status === 201 ? created.body : undefined;
    });
    const variantId = product.variants[0].id as string;
    await waitFor(
      async () =>
        (
          await rest(
            "POST",
            `/inventory/${variantId}/adjustments`,
            { quantity: 1_000_000, reason: "replenishment" },
            tokens.seller,
          )
        ).status === 200,
      { message: "inventory never learnt of the variant" },
    );

    const address = await rest(
      "POST",
      "/users/me/addresses",
      {
        recipientName: "Fuzz Buyer",
        line1: "Karl-Marx-Allee 90",
        city: "Berlin",
        postalCode: "10243",
        countryCode: "DE",
      },
      tokens.buyer,
    );
    expect(address.status, address.text).toBe(201);
    const checkout = async (key: string) => {
      const placed = await send("POST", "/api/v1/checkout", {
        token: tokens.buyer,
        headers: { "idempotency-key": key },
        body: JSON.stringify({
          shippingAddress: {
            name: "Fuzz Buyer",
            address: { line1: "Karl-Marx-Allee 90", city: "Berlin", postalCode: "10243", countryCode: "DE" },
          },
          lines: [{ variantId, quantity: 1 }],
        }),
      });
      expect(placed.status, placed.text).toBe(201);
      return placed.body.orders[0].id as string;
    };
    const orderId = await checkout(`fuzz-fixture-${label}`);
    // A second order goes all the way, so the seller has a balance and a payout exists.
    const paid = await checkout(`fuzz-fixture-paid-${label}`);
    for (const [step, token, body] of [
      ["accept", tokens.seller, undefined],
      ["ship", tokens.seller, { trackingNumber: "FUZZ-1" }],
      ["deliver", tokens.seller, undefined],
      ["complete", tokens.buyer, undefined],
    ] as const) {
      const moved = await rest("POST", `/orders/${paid}/${step}`, body, token);
      expect(moved.status, `${step}: ${moved.text}`).toBe(200);
    }
    const payout = await waitFor(
      async () => {
        const requested = await rest("POST", "/payouts", { currency: "EUR" }, tokens.seller);
        return requested.status === 201 ? (requested.body.id as string) : undefined;
      },
      { message: "the completed order never credited the seller's balance" },
    );
    const device = await rest(
      "POST",
      "/notifications/devices",
      { token: `fuzz-device-${label}`, platform: "android" },
      tokens.buyer,
    );
    expect(device.status, device.text).toBe(201);
    const upload = await rest(
      "POST",
      "/media/uploads",
      { purpose: "product", contentType: "image/jpeg", byteSize: 1000 },
      tokens.seller,
    );
    expect(upload.status, upload.text).toBe(201);
    const made = {
      mediaId: upload.body.media.id as string,
      deviceId: device.body.id as string,
      deadLetterId: "01a24400-0000-7000-8000-000000000000",
      categoryId: category.body.id,
      storefrontId: store.body.id,
      productId: product.id,
      variantId,
      orderId,
      addressId: address.body.id,
      sessionId: other.find((s) => !s.current)?.id ?? "",
      payoutId: payout,
    };
    expect(made.sessionId).not.toBe("");
    return made;
  };

  /** Valid values by field name, shared by REST and GraphQL; fresh where a value must be unique. */
  const known = (name: string): unknown => {
    switch (name) {
      case "phone":
        return "+4915150000002";
      case "code":
        return "123456";
      case "email":
        return `fuzz-${fresh()}@mercato.test`;
      case "password":
      case "currentPassword":
      case "newPassword":
        return "not the password, but long";
      case "token":
      case "refreshToken":
        return "fuzz-token";
      case "idempotency-key":
      case "idempotencyKey":
        return `fuzz-${fresh()}`;
      case "currency":
        return "EUR";
      case "countryCode":
        return "DE";
      case "postalCode":
        return "10115";
      case "slug":
        return `fuzz-${fresh()}`;
      case "sku":
        return `FUZZ-${fresh()}`;
      case "near":
        return "52.52,13.40";
      case "lat":
        return 52.52;
      case "lng":
        return 13.4;
      case "option":
        return "colour:red";
      case "website":
        return "https://shop.mercato.test";
      case "locale":
        return "en";
      case "categoryId":
      case "parentId":
        return fixture.categoryId;
      case "storefrontId":
        return fixture.storefrontId;
      case "productId":
        return fixture.productId;
      case "variantId":
        return fixture.variantId;
      case "variantIds":
        return [fixture.variantId];
      case "quantity":
        return 1;
      case "contentType":
        return "image/jpeg";
      case "byteSize":
        return 1000;
      default:
        return undefined;
    }
  };

  /** The fixture id a path parameter or an `id` argument stands for, by the resource it follows. */
  const idFor = (resource: string): string | undefined => {
    const ids: [RegExp, string][] = [
      [/order/i, fixture.orderId],
      [/address/i, fixture.addressId],
      [/session/i, fixture.sessionId],
      [/payout/i, fixture.payoutId],
      [/device/i, fixture.deviceId],
      [/media|upload/i, fixture.mediaId],
      [/dead-letter/i, fixture.deadLetterId],
      [/variant/i, fixture.variantId],
      [/product/i, fixture.productId],
      [/categor/i, fixture.categoryId],
      [/seller|storefront/i, fixture.storefrontId],
    ];
    return ids.find(([pattern]) => pattern.test(resource))?.[1];
  };

  it("answers every REST operation, fuzzed as every role, without a 5xx, every refusal in the envelope and every 400 naming its field", async () => {
    fixture = await makeFixture("rest");
    const random = seededRandom(seed);
    const document = stack.host.gateway.app.swagger() as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Operation["parameters"];
            requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
          }
        >
      >;
    };
    const operations: Operation[] = Object.entries(document.paths).flatMap(([path, verbs]) =>
      Object.entries(verbs).map(([verb, op]) => ({
        method: verb.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        ...(op.requestBody?.content?.["application/json"]?.schema
          ? { body: op.requestBody.content["application/json"].schema }
          : {}),
      })),
    );
    const pathValue = (op: Operation, name: string): string => {
      const before = op.path.split(`/{${name}}`)[0]?.split("/").pop() ?? "";
      const id = idFor(name === "id" || name === "idOrSlug" ? before : name);
      if (!id) throw new Error(`no fixture id for {${name}} of ${op.method} ${op.path}`);
      return id;
    };
    const report = {
      operations: operations.length,
      requests: 0,
      failures: [] as string[],
      unnamed: [] as string[],
      setup: [] as string[],
      statuses: {} as Record<number, number>,
      classes: new Map<string, Set<ValueClass>>(),
      roles: new Map<string, Set<Role>>(),
      withheld: new Set<string>(),
    };

    /** The request of `op` with valid values, and `value` at `target` when given. */
    const build = (op: Operation, target?: Target, value?: unknown) => {
      let url = op.path;
      for (const p of op.parameters.filter((p) => p.in === "path")) {
        const text =
          target?.where === "path" && target.name === p.name ? String(value) : pathValue(op, p.name);
        url = url.replace(`{${p.name}}`, encodeText(text));
      }
      const query: [string, string][] = [];
      const headers: Record<string, string> = {};
      for (const p of op.parameters.filter((p) => p.in === "query" || p.in === "header")) {
        const fuzzed = target?.where === p.in && target.name === p.name;
        if (!fuzzed && !p.required) continue;
        const raw = fuzzed ? value : validValue(p.schema ?? {}, p.name, known);
        if (p.in === "header") headers[p.name] = String(raw);
        else for (const item of [raw].flat()) query.push([p.name, String(item)]);
      }
      if (target?.where === "query" && target.name === "fuzzExtra") query.push(["fuzzExtra", String(value)]);
      let body: string | undefined;
      if (op.body) {
        const base = validValue(op.body, "", known);
        body = encodeJson(
          target?.where === "body" ? withValueAt(base, op.body, target.path, value, known) : base,
        );
      } else if (target?.where === "body") body = encodeJson(value);
      return {
        url: `${url}${query.length > 0 ? `?${query.map(([k, v]) => `${k}=${encodeText(v)}`).join("&")}` : ""}`,
        query,
        body,
        headers,
      };
    };

    const targetsOf = (op: Operation): Target[] => {
      const out: Target[] = [];
      for (const p of op.parameters) {
        const valid = p.in === "path" ? pathValue(op, p.name) : validValue(p.schema ?? {}, p.name, known);
        const values = textValues(p.schema ?? {}, valid, random).map((v) =>
          // A header cannot carry control or non-Latin-1 characters: the client would refuse to send them.
          p.in === "header" && typeof v.value === "string" && /[^\x20-\x7e]/.test(v.value)
            ? { ...v, label: `${v.label}, percent-encoded`, value: encodeText(v.value) }
            : v,
        );
        out.push({ where: p.in as Target["where"], name: p.name, path: [p.name], values });
      }
      if (op.body) {
        const base = validValue(op.body, "", known);
        for (const { path, schema } of bodyTargets(op.body)) {
          const valid = path.reduce<unknown>(
            (at, key) => (at as Record<string | number, unknown> | undefined)?.[key],
            base,
          );
          const name = leafName(path, "body");
          out.push({
            where: "body",
            name,
            path,
            values: jsonValues(schema, valid ?? validValue(schema, name, known), random),
          });
        }
      }
      if (out.length === 0) {
        // An operation without inputs still meets inputs it did not ask for.
        out.push(
          op.method === "GET" || op.method === "DELETE"
            ? {
                where: "query",
                name: "fuzzExtra",
                path: ["fuzzExtra"],
                values: textValues({ type: "integer" }, 1, random),
              }
            : { where: "body", name: "body", path: [], values: jsonValues({ type: "object" }, {}, random) },
        );
      }
      return out;
    };

    const rank = (op: Operation) =>
      (op.method === "GET" ? 0 : op.method === "DELETE" || destructive.test(op.path) ? 2 : 1) +
      (op.path.includes("signing-keys") ? 1 : 0);
    operations.sort((a, b) => rank(a) - rank(b));

    for (const op of operations) {
      const name = `${op.method} ${op.path}`;
      const classes = new Set<ValueClass>();
      const seen = new Set<Role>();
      report.classes.set(name, classes);
      report.roles.set(name, seen);
      let targets: Target[];
      try {
        targets = targetsOf(op);
      } catch (error) {
        report.setup.push(`${name}: ${(error as Error).message}`);
        continue;
      }
      const baseline = new Map<Role, Answer>();
      const call = async (role: Role, target?: Target, value?: FuzzValue) => {
        let request: ReturnType<typeof build>;
        try {
          request = build(op, target, value?.value);
        } catch (error) {
          report.setup.push(`${name}: ${(error as Error).message}`);
          return undefined;
        }
        report.requests++;
        seen.add(role);
        if (value) classes.add(value.class);
        const what = `${name} as ${role}${target ? `, ${target.where} ${target.path.join(".") || "body"} = ${value?.label}: ${describeValue(value?.value)}` : " (valid values)"}`;
        let answer: Answer;
        try {
          answer = await send(op.method, request.url, {
            token: tokens[role],
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: request.body }),
          });
        } catch (error) {
          report.failures.push(`${what}: no answer (${(error as Error).message})`);
          return undefined;
        }
        report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 500)
          report.failures.push(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
        else if (
          answer.status >= 400 &&
          (answer.body?.success !== false || typeof answer.body?.error?.correlationId !== "string")
        )
          report.unnamed.push(
            `${what}: ${answer.status} outside the error envelope: ${answer.text.slice(0, 300)}`,
          );
        if (answer.status === 400 && target) {
          const fields: string[] = (answer.body?.error?.details ?? []).map(
            (d: { field?: string }) => d.field ?? "",
          );
          const base = baseline.get(role);
          const baseFields: string[] =
            base?.status === 400
              ? (base.body?.error?.details ?? []).map((d: { field: string }) => d.field)
              : [];
          const sent = { body: parseSent(request.body), querystring: Object.fromEntries(request.query) };
          const named = fields.some(
            (f) => f !== "" && (namesTarget(f, target) || baseFields.includes(f) || namesAbsent(f, sent)),
          );
          if (!named) report.unnamed.push(`${what}: 400 ${answer.text.slice(0, 300)}`);
        }
        return answer;
      };
      for (const role of roles) {
        const answer = await call(role);
        if (answer) baseline.set(role, answer);
      }
      if (destructive.test(op.path) || op.method === "DELETE") await refreshTokens();
      // Fuzz as the roles the operation lets in (any role when none passes), and every value
      // class once as each role it turns away, so its gate is fuzzed too.
      const admitted = roles.filter((r) => ![401, 403].includes(baseline.get(r)?.status ?? 401));
      const fuzzRoles = admitted.length > 0 ? admitted : roles;
      const cases: { role: Role; target: Target; value: FuzzValue }[] = [];
      let turn = Math.floor(random() * fuzzRoles.length);
      for (const target of targets)
        for (const value of target.values)
          cases.push({ role: fuzzRoles[turn++ % fuzzRoles.length] as Role, target, value });
      for (const role of roles.filter((r) => !fuzzRoles.includes(r)))
        for (const cls of valueClasses) {
          const target = targets[Math.floor(random() * targets.length)] as Target;
          const value = target.values.find((v) => v.class === cls) ?? target.values[0];
          if (value) cases.push({ role, target, value });
        }
      const sent = withholding(
        cases,
        (c) => `${name} ${c.target.where} ${c.target.path.join(".")} = ${c.value.label}`,
        notFuzzed.restCases,
        fuzzRoles,
        report.withheld,
      );
      await inPool(sent, concurrency, async (c) => void (await call(c.role, c.target, c.value)));
      await refreshTokens();
    }

    const { uncovered, roleGaps } = coverageGaps(report);
    console.info(
      `REST fuzzing: ${report.operations} operations, ${report.requests} requests, ${report.failures.length} 5xx, ${report.unnamed.length} unnamed 400s; statuses ${JSON.stringify(report.statuses)}`,
    );
    const shipped = await shippedSurface();
    const live = operations.map((op) => `${op.method} ${op.path}`);
    expect(shipped.operations.filter((o) => !live.includes(o))).toEqual(Object.keys(notFuzzed.operations));
    expect([...report.withheld]).toEqual(Object.keys(notFuzzed.restCases));
    expect(report.setup).toEqual([]);
    expect(uncovered).toEqual([]);
    expect(roleGaps).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.unnamed).toEqual([]);
  });

  it("answers every GraphQL Query and Mutation field, fuzzed as every role, without INTERNAL or a 5xx, and names the argument of every INVALID_ARGUMENT", async () => {
    fixture = await makeFixture("graphql");
    const random = seededRandom(seed + 1);
    const introspection = await send("POST", "/graphql", {
      body: JSON.stringify({ query: introspectionQuery }),
    });
    expect(introspection.status, introspection.text).toBe(200);
    const schema = introspection.body.data.__schema as {
      queryType: { name: string };
      mutationType: { name: string };
      types: IntrospectedType[];
    };
    const types = new GraphqlTypes(schema.types);
    const fields = [schema.queryType.name, schema.mutationType.name].flatMap((root) =>
      (types.byName.get(root)?.fields ?? []).map((field) => ({
        kind: root === schema.mutationType.name ? "mutation" : "query",
        ...field,
      })),
    );
    const rank = (field: (typeof fields)[number]) =>
      (field.kind === "query" ? 0 : destructive.test(field.name) ? 2 : 1) +
      (field.name === "rotateSigningKey" ? 1 : 0);
    fields.sort((a, b) => rank(a) - rank(b));
    const report = {
      fields: fields.length,
      requests: 0,
      failures: [] as string[],
      unnamed: [] as string[],
      codes: {} as Record<string, number>,
      classes: new Map<string, Set<ValueClass>>(),
      roles: new Map<string, Set<Role>>(),
      withheld: new Set<string>(),
    };
    const gqlKnown = (field: string) => (name: string) =>
      name === "id" ? idFor(field) : name === "near" ? undefined : known(name);
    /** Arguments a field needs: required ones, by name or from the fixture. */
    const baseArgs = (field: (typeof fields)[number]) =>
      Object.fromEntries(
        field.args
          .filter((a) => a.type.kind === "NON_NULL" && a.defaultValue === null)
          .map((a) => [a.name, types.valid(a.type, a.name, gqlKnown(field.name))]),
      );
    /** `args` with `value` at `path` (an argument, or an input field inside one). */
    const withArg = (
      field: (typeof fields)[number],
      args: Record<string, unknown>,
      path: string[],
      value: unknown,
    ) => {
      const [head = "", ...rest] = path;
      const arg = field.args.find((a) => a.name === head) as InputValue;
      const set = (current: unknown, ref: InputValue["type"], keys: string[]): unknown => {
        if (keys.length === 0) return value;
        const [key = "", ...more] = keys;
        const inner = types.inputFieldsOf(ref)?.find((f) => f.name === key) as InputValue;
        const object =
          current !== null && typeof current === "object" && !Array.isArray(current)
            ? { ...(current as Record<string, unknown>) }
            : {};
        object[key] = set(
          key in object ? object[key] : types.valid(inner.type, key, gqlKnown(field.name)),
          inner.type,
          more,
        );
        return object;
      };
      const current = head in args ? args[head] : types.valid(arg.type, head, gqlKnown(field.name));
      return { ...args, [head]: set(current, arg.type, rest) };
    };

    for (const field of fields) {
      const name = `${field.kind} ${field.name}`;
      const classes = new Set<ValueClass>();
      const seen = new Set<Role>();
      report.classes.set(name, classes);
      report.roles.set(name, seen);
      const selection = types.selection(field.type);
      const baseline = new Map<Role, { codes: string[]; text: string }>();
      const call = async (
        role: Role,
        args: Record<string, unknown>,
        fuzz?: { path: string[]; value: FuzzValue; literal: boolean },
      ) => {
        report.requests++;
        seen.add(role);
        if (fuzz) classes.add(fuzz.value.class);
        const inline = fuzz?.literal ? (fuzz.path[0] ?? "") : undefined;
        const variables = Object.entries(args).filter(([arg]) => arg !== inline);
        const definitions = variables.map(([arg]) => {
          const ref = field.args.find((a) => a.name === arg)?.type as InputValue["type"];
          return `$${arg}: ${printType(ref)}`;
        });
        const head = `${field.kind} Fuzz${definitions.length > 0 ? `(${definitions.join(", ")})` : ""} { ${field.name}`;
        const argText = [
          ...variables.map(([arg]) => `${arg}: $${arg}`),
          ...(inline === undefined ? [] : [`${inline}: `]),
        ];
        const literal =
          inline === undefined
            ? ""
            : printLiteral(
                fuzz?.value.value,
                types.byName.get(
                  unwrap(
                    field.args.find((a) => a.name === inline)?.type ?? { kind: "", name: "", ofType: null },
                  ).named,
                )?.kind === "ENUM",
              );
        const open = argText.length > 0 ? `(${argText.join(", ")}` : "";
        const column = head.length + open.length + 1;
        const query = `${head}${open}${literal}${argText.length > 0 ? ")" : ""} ${selection} }`;
        const body = `{"query":${JSON.stringify(query)},"variables":${encodeJson(Object.fromEntries(variables))}}`;
        const what = `${name} as ${role}${fuzz ? `, ${fuzz.literal ? "literal" : "variable"} ${fuzz.path.join(".")} = ${fuzz.value.label}: ${describeValue(fuzz.value.value)}` : " (valid values)"}`;
        let answer: Answer;
        try {
          answer = await send("POST", "/graphql", {
            token: tokens[role],
            body,
            headers: { accept: "application/graphql-response+json" },
          });
        } catch (error) {
          report.failures.push(`${what}: no answer (${(error as Error).message})`);
          return undefined;
        }
        const errors: {
          message: string;
          locations?: { line: number; column: number }[];
          extensions?: { code?: string; details?: { field: string }[] };
        }[] = answer.body?.errors ?? [];
        const codes = errors.map((e) => e.extensions?.code ?? "");
        for (const code of codes.length > 0 ? codes : ["OK"])
          report.codes[code] = (report.codes[code] ?? 0) + 1;
        const serverFault = codes.some(
          (c) => !(c in errorMappings) || errorMappings[c as ErrorCode].http >= 500,
        );
        if (answer.status >= 500 || serverFault)
          report.failures.push(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
        if (fuzz) {
          const before = baseline.get(role);
          for (const error of errors.filter((e) => e.extensions?.code === "INVALID_ARGUMENT")) {
            const said = [error.message, ...(error.extensions?.details ?? []).map((d) => d.field)].join(" ");
            const named =
              fuzz.path.some((segment) => mentions(said, segment)) ||
              (fuzz.literal &&
                error.locations?.some(
                  (l) => l.line === 1 && l.column >= column && l.column < column + literal.length,
                )) ||
              /^Syntax Error|cost|tokens/.test(error.message) ||
              (error.extensions?.details ?? []).some((d) => namesAbsent(d.field, args)) ||
              (before?.codes.includes("INVALID_ARGUMENT") && before.text.includes(error.message));
            if (!named) report.unnamed.push(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
          }
        }
        return { codes, text: answer.text };
      };

      const base = baseArgs(field);
      for (const role of roles) {
        const answer = await call(role, base);
        if (answer) baseline.set(role, answer);
      }
      if (destructive.test(field.name)) await refreshTokens();
      const admitted = roles.filter(
        (r) => !baseline.get(r)?.codes.some((c) => c === "UNAUTHENTICATED" || c === "PERMISSION_DENIED"),
      );
      const fuzzRoles = admitted.length > 0 ? admitted : roles;
      const cases: { role: Role; path: string[]; value: FuzzValue; literal: boolean }[] = [];
      let turn = Math.floor(random() * fuzzRoles.length);
      const next = () => fuzzRoles[turn++ % fuzzRoles.length] as Role;
      const targets = types.targets(field.args);
      for (const target of targets) {
        const valid = target.path.reduce<unknown>(
          (at, key) => (at as Record<string, unknown> | undefined)?.[key],
          withArg(
            field,
            base,
            target.path.slice(0, 1),
            base[target.path[0] ?? ""] ?? types.valid(target.ref, target.path[0] ?? "", gqlKnown(field.name)),
          ),
        );
        const values = types.values(
          target.ref,
          valid ?? types.valid(target.ref, target.path.at(-1) ?? "", gqlKnown(field.name)),
          random,
        );
        for (const value of values) cases.push({ role: next(), path: target.path, value, literal: false });
        // An argument written into the document meets the validator instead of variable coercion.
        if (target.path.length === 1 && types.inputFieldsOf(target.ref) === undefined)
          for (const cls of valueClasses) {
            const own = values.filter((v) => v.class === cls);
            const value = own[Math.floor(random() * own.length)];
            if (value) cases.push({ role: next(), path: target.path, value, literal: true });
          }
      }
      if (targets.length === 0)
        // A field without arguments still meets arguments it did not ask for.
        for (const value of jsonValues({ type: "object" }, {}, random))
          cases.push({ role: next(), path: ["fuzzExtra"], value, literal: true });
      for (const role of roles.filter((r) => !fuzzRoles.includes(r)))
        for (const cls of valueClasses) {
          const pick = cases.filter((c) => c.value.class === cls);
          const chosen = pick[Math.floor(random() * pick.length)];
          if (chosen) cases.push({ ...chosen, role });
        }
      const sent = withholding(
        cases,
        (c) => `${name} ${c.path.join(".")} = ${c.value.label}`,
        notFuzzed.graphqlCases,
        fuzzRoles,
        report.withheld,
      );
      await inPool(sent, concurrency, async (c) => {
        const args = c.path[0] === "fuzzExtra" ? base : withArg(field, base, c.path, c.value.value);
        await call(c.role, args, c);
      });
      await refreshTokens();
    }

    const { uncovered, roleGaps } = coverageGaps(report);
    console.info(
      `GraphQL fuzzing: ${report.fields} fields, ${report.requests} requests, ${report.failures.length} failures, ${report.unnamed.length} unnamed INVALID_ARGUMENTs; codes ${JSON.stringify(report.codes)}`,
    );
    const shipped = await shippedSurface();
    const live = fields.map((f) => `${f.kind} ${f.name}`);
    expect(shipped.fields.filter((f) => !live.includes(f))).toEqual(Object.keys(notFuzzed.fields));
    expect([...report.withheld]).toEqual(Object.keys(notFuzzed.graphqlCases));
    expect(uncovered).toEqual([]);
    expect(roleGaps).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.unnamed).toEqual([]);
  });
});
