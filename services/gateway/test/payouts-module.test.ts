import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type LedgerEntry,
  LedgerEntryKind,
  LedgerEntrySchema,
  type Payout,
  PayoutSchema,
  PayoutStatus,
  PayoutsService,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  type Caller,
  FailedPrecondition,
  InvalidArgument,
  type Listening,
  NotFound,
  PermissionDenied,
  Unauthenticated,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { payoutsGatewayModule } from "../src/modules/payouts/index.js";
import { sellersGatewayModule } from "../src/modules/sellers/index.js";
import {
  callRecorder,
  injectors,
  issuerAuthenticator,
  moduleGateway,
  type RecordedCall,
  signedIn,
  startFakeService,
  type User,
} from "./module-harness.js";

const eur = (amountMinor: bigint) => create(MoneySchema, { amountMinor, currency: "EUR" });

/**
 * A PayoutsService for the gateway's tests: each seller has one storefront earning 87.50 EUR, the
 * contract's validation and caller rules, and a record of every call with the token it carried.
 */
function fakePayouts(calls: RecordedCall[]) {
  const storefronts = new Map<string, { id: string; available: bigint }>();
  const payouts = new Map<string, Payout>();
  const entries = new Map<string, LedgerEntry[]>();
  const record = callRecorder(calls);
  const seen = (method: string, request: object, context: HandlerContext): Caller => {
    const caller = record(method, request, context);
    if (!caller) throw new Unauthenticated("sign in first");
    return caller;
  };
  const own = (caller: Caller) => {
    let storefront = storefronts.get(caller.id);
    if (!storefront) {
      storefront = { id: uuidv7(), available: 8750n };
      storefronts.set(caller.id, storefront);
      entries.set(storefront.id, [
        create(LedgerEntrySchema, {
          id: uuidv7(),
          storefrontId: storefront.id,
          kind: LedgerEntryKind.ORDER_CREDIT,
          amount: eur(8750n),
          balanceAfter: eur(8750n),
          orderId: uuidv7(),
          gross: eur(10_000n),
          commission: eur(1250n),
          commissionBps: 1250,
          createdAt: timestampNow(),
        }),
      ]);
    }
    return storefront;
  };
  const adminOnly = (caller: Caller) => {
    if (!caller.roles.includes("admin"))
      throw new PermissionDenied("only an admin marks payouts paid or failed");
  };
  const requested = (id: string) => {
    const payout = payouts.get(id);
    if (!payout) throw new NotFound(`payout ${id} not found`);
    if (payout.status !== PayoutStatus.REQUESTED)
      throw new FailedPrecondition(`payout ${id} is already ${PayoutStatus[payout.status]?.toLowerCase()}`);
    return payout;
  };
  /** Credits the storefront of `sellerId` with one order's net `amountMinor` (any size, as stored). */
  const earn = (sellerId: string, amountMinor: bigint) => {
    const storefront = own({ id: sellerId, roles: ["seller"], claims: {} });
    storefront.available += amountMinor;
    entries.get(storefront.id)?.push(
      create(LedgerEntrySchema, {
        id: uuidv7(),
        storefrontId: storefront.id,
        kind: LedgerEntryKind.ORDER_CREDIT,
        amount: eur(amountMinor),
        balanceAfter: eur(storefront.available),
        orderId: uuidv7(),
        gross: eur(amountMinor),
        commission: eur(0n),
        createdAt: timestampNow(),
      }),
    );
  };
  return {
    earn,
    routes: {
      async getBalance(request, context) {
        const storefront = own(seen("getBalance", request, context));
        const inPayout = [...payouts.values()]
          .filter((p) => p.storefrontId === storefront.id && p.status === PayoutStatus.REQUESTED)
          .reduce((sum, p) => sum + (p.amount?.amountMinor ?? 0n), 0n);
        return {
          storefrontId: storefront.id,
          balances: [
            { available: eur(storefront.available), inPayout: eur(inPayout), updatedAt: timestampNow() },
          ],
        };
      },
      async listLedgerEntries(request, context) {
        const storefront = own(seen("listLedgerEntries", request, context));
        if (request.cursor === "garbage")
          throw InvalidArgument.field("cursor", "is not a cursor of this list");
        return { entries: [...(entries.get(storefront.id) ?? [])].reverse(), nextCursor: "" };
      },
      async listPayouts(request, context) {
        const caller = seen("listPayouts", request, context);
        const all = [...payouts.values()].filter(
          (p) =>
            (caller.roles.includes("admin") || p.storefrontId === own(caller).id) &&
            (request.status === PayoutStatus.UNSPECIFIED || p.status === request.status),
        );
        return { payouts: all.reverse(), nextCursor: all.length > 1 ? "next-page" : "" };
      },
      async requestPayout(request, context) {
        const caller = seen("requestPayout", request, context);
        const storefront = own(caller);
        if (storefront.available === 0n)
          throw new FailedPrecondition(`no available balance in ${request.currency} to pay out`);
        const payout = create(PayoutSchema, {
          id: uuidv7(),
          storefrontId: storefront.id,
          amount: eur(storefront.available),
          status: PayoutStatus.REQUESTED,
          requestedBy: caller.id,
          provider: "manual",
          requestedAt: timestampNow(),
        });
        payouts.set(payout.id, payout);
        entries.get(storefront.id)?.push(
          create(LedgerEntrySchema, {
            id: uuidv7(),
            storefrontId: storefront.id,
            kind: LedgerEntryKind.PAYOUT_DEBIT,
            amount: eur(-storefront.available),
            balanceAfter: eur(0n),
            payoutId: payout.id,
            createdAt: timestampNow(),
          }),
        );
        storefront.available = 0n;
        return { payout };
      },
      async markPayoutPaid(request, context) {
        const caller = seen("markPayoutPaid", request, context);
        adminOnly(caller);
        const payout = requested(request.id);
        Object.assign(payout, {
          status: PayoutStatus.PAID,
          providerReference: request.reference,
          decidedBy: caller.id,
          decidedAt: timestampNow(),
        });
        return { payout };
      },
      async markPayoutFailed(request, context) {
        const caller = seen("markPayoutFailed", request, context);
        adminOnly(caller);
        const payout = requested(request.id);
        Object.assign(payout, {
          status: PayoutStatus.FAILED,
          failureReason: request.reason,
          decidedBy: caller.id,
          decidedAt: timestampNow(),
        });
        return { payout };
      },
    } satisfies ServiceImpl<typeof PayoutsService>,
  };
}

describe("payouts gateway module in front of the sellers service", () => {
  let issuer: TestIssuer;
  let server: Listening;
  let gateway: Gateway;
  const calls: RecordedCall[] = [];
  const fake = fakePayouts(calls);

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    server = await startFakeService(PayoutsService, fake.routes, authenticate);
    gateway = await moduleGateway({
      services: [{ name: "sellers", url: server.url }],
      // The payouts module's GraphQL types use Money and PageInfo of the sellers module.
      modules: [sellersGatewayModule(), payoutsGatewayModule()],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await server?.close();
    await issuer?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const signIn = (roles: string[] = ["seller"]): Promise<User> => signedIn(issuer, { roles });
  const { rest, graphql } = injectors(() => gateway);

  /** A seller whose storefront has requested one payout of 87.50 EUR. */
  const requestedPayout = async () => {
    const seller = await signIn();
    const response = await rest("POST", "/payouts", seller, { currency: "eur" });
    expect(response.statusCode).toBe(201);
    return { seller, payout: response.json() };
  };

  describe("REST", () => {
    it.each([
      ["GET", "/payouts/balance", undefined],
      ["GET", "/payouts/ledger", undefined],
      ["GET", "/payouts", undefined],
      ["POST", "/payouts", { currency: "EUR" }],
      ["POST", `/payouts/${uuidv7()}/paid`, {}],
      ["POST", `/payouts/${uuidv7()}/failed`, { reason: "bounced" }],
    ] as const)(
      "answers %s %s without a token with 401 before calling the service",
      async (method, url, payload) => {
        const response = await rest(method, url, undefined, payload);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ success: false, error: { code: "UNAUTHENTICATED" } });
        expect(calls).toEqual([]);
      },
    );

    it("answers the caller's balance with money in minor units and for display, the token forwarded", async () => {
      const seller = await signIn();
      const response = await rest("GET", "/payouts/balance", seller);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        storefrontId: expect.any(String),
        balances: [
          {
            currency: "EUR",
            available: { amountMinor: 8750, currency: "EUR", formatted: "€87.50" },
            inPayout: { amountMinor: 0, currency: "EUR", formatted: "€0.00" },
            updatedAt: expect.any(String),
          },
        ],
      });
      expect(calls).toEqual([
        expect.objectContaining({
          method: "getBalance",
          token: seller.token,
          request: expect.objectContaining({ storefrontId: "" }),
        }),
      ]);
    });

    it("requests a payout of the whole balance, shows the debit in the ledger, and answers 422 for a second one", async () => {
      const { seller, payout } = await requestedPayout();
      expect(payout).toMatchObject({
        amount: { amountMinor: 8750, currency: "EUR" },
        status: "requested",
        requestedBy: seller.id,
        provider: "manual",
        providerReference: null,
        failureReason: null,
        decidedBy: null,
        decidedAt: null,
      });
      expect(calls[0]?.request).toMatchObject({ currency: "EUR" });
      const ledger = (await rest("GET", "/payouts/ledger?currency=eur&limit=5", seller)).json();
      expect(ledger.nextCursor).toBeNull();
      expect(ledger.items).toEqual([
        expect.objectContaining({
          kind: "payout_debit",
          amount: { amountMinor: -8750, currency: "EUR", formatted: "-€87.50" },
          payoutId: payout.id,
          orderId: null,
          gross: null,
          commission: null,
          commissionBps: null,
        }),
        expect.objectContaining({
          kind: "order_credit",
          gross: expect.objectContaining({ amountMinor: 10_000 }),
          commission: expect.objectContaining({ amountMinor: 1250 }),
          commissionBps: 1250,
          payoutId: null,
        }),
      ]);
      expect(calls.at(-1)?.request).toMatchObject({ currency: "EUR", limit: 5 });
      const again = await rest("POST", "/payouts", seller, { currency: "EUR" });
      expect(again.statusCode).toBe(422);
      expect(again.json().error).toMatchObject({
        code: "FAILED_PRECONDITION",
        message: expect.stringContaining("no available balance in EUR"),
      });
    });

    it("lets an admin mark payouts paid (with or without a reference) and failed, and answers 422 for a second mark", async () => {
      const admin = await signIn(["admin"]);
      const first = (await requestedPayout()).payout;
      const paid = await rest("POST", `/payouts/${first.id}/paid`, admin, { reference: "SEPA-1" });
      expect(paid.statusCode).toBe(200);
      expect(paid.json()).toMatchObject({ status: "paid", providerReference: "SEPA-1", decidedBy: admin.id });
      expect(Date.parse(paid.json().decidedAt)).not.toBeNaN();
      const twice = await rest("POST", `/payouts/${first.id}/failed`, admin, { reason: "bounced" });
      expect(twice.statusCode).toBe(422);
      const second = (await requestedPayout()).payout;
      const bare = await rest("POST", `/payouts/${second.id}/paid`, admin);
      expect(bare.statusCode).toBe(200);
      expect(calls.at(-1)?.request).toMatchObject({ id: second.id, reference: "" });
      const third = (await requestedPayout()).payout;
      const failed = await rest("POST", `/payouts/${third.id}/failed`, admin, { reason: "IBAN closed" });
      expect(failed.json()).toMatchObject({ status: "failed", failureReason: "IBAN closed" });
    });

    it("answers 403 to a seller marking a payout and 404 for an unknown payout", async () => {
      const { seller, payout } = await requestedPayout();
      expect((await rest("POST", `/payouts/${payout.id}/paid`, seller, {})).statusCode).toBe(403);
      const unknown = await rest("POST", `/payouts/${uuidv7()}/paid`, await signIn(["admin"]), {});
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    });

    it("lists payouts by status, forwarding the filter and storefront", async () => {
      const { seller } = await requestedPayout();
      const storefrontId = uuidv7();
      const page = (
        await rest("GET", `/payouts?status=requested&storefrontId=${storefrontId}`, seller)
      ).json();
      expect(page.items).toEqual([expect.objectContaining({ status: "requested", requestedBy: seller.id })]);
      expect(calls.at(-1)?.request).toMatchObject({
        status: PayoutStatus.REQUESTED,
        storefrontId,
        limit: 20,
      });
    });

    it("answers balances, ledgers and payouts beyond 2^53 minor units with their exact digits, never 500", async () => {
      const seller = await signIn();
      const admin = await signIn(["admin"]);
      // Two orders of 81,064,793,292,668.92 EUR each, credited before prices were bounded.
      fake.earn(seller.id, 8_106_479_329_266_892n);
      fake.earn(seller.id, 8_106_479_329_266_892n);
      const exact = "16212958658542534";
      const balance = await rest("GET", "/payouts/balance", seller);
      expect(balance.statusCode, balance.body).toBe(200);
      expect(balance.body).toContain(`"available":{"amountMinor":${exact},`);
      expect(balance.json().balances[0].available.formatted).toBe("€162,129,586,585,425.34");
      const ledger = await rest("GET", "/payouts/ledger", seller);
      expect(ledger.statusCode, ledger.body).toBe(200);
      expect(ledger.body).toContain(`"balanceAfter":{"amountMinor":${exact},`);
      const requested = await rest("POST", "/payouts", seller, { currency: "EUR" });
      expect(requested.statusCode, requested.body).toBe(201);
      expect(requested.body).toContain(`"amount":{"amountMinor":${exact},`);
      const listed = await rest("GET", "/payouts", admin);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.body).toContain(`"amountMinor":${exact},`);
      const afterwards = await rest("GET", "/payouts/balance", seller);
      expect(afterwards.body).toContain(`"inPayout":{"amountMinor":${exact},`);
      const graph = await graphql(
        "{ balance { balances { inPayout { amountMinor formatted } } } payouts { edges { node { amount { amountMinor } } } } }",
        {},
        seller,
      );
      expect(graph.json().errors).toBeUndefined();
      expect(graph.body).toContain(
        `"inPayout":{"amountMinor":${exact},"formatted":"€162,129,586,585,425.34"}`,
      );
      expect(graph.body).toContain(`"amount":{"amountMinor":${exact}}`);
    });

    it.each([
      ["GET", "/payouts/balance?storefrontId=shop", undefined, "querystring.storefrontId"],
      ["GET", "/payouts/ledger?currency=EURO", undefined, "querystring.currency"],
      ["GET", "/payouts/ledger?limit=101", undefined, "querystring.limit"],
      ["GET", "/payouts/ledger?cursor=garbage", undefined, "querystring.cursor"],
      ["GET", "/payouts?status=closed", undefined, "querystring.status"],
      ["POST", "/payouts", {}, "body.currency"],
      ["POST", "/payouts", { currency: "E1R" }, "body.currency"],
      ["POST", "/payouts", { currency: "EUR", amount: 5 }, "body.amount"],
      ["POST", "/payouts/p1/paid", {}, "params.id"],
      ["POST", `/payouts/${uuidv7()}/paid`, { reference: "r".repeat(201) }, "body.reference"],
      ["POST", `/payouts/${uuidv7()}/failed`, {}, "body.reason"],
      ["POST", `/payouts/${uuidv7()}/failed`, { reason: "" }, "body.reason"],
    ] as const)("answers %s %s (body %j) with 400 naming %s", async (method, url, payload, field) => {
      const response = await rest(method, url, await signIn(["admin"]), payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    });

    it("documents every route with its tag, bearer security and the error envelope", async () => {
      const paths = (
        gateway.app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> }
      ).paths;
      const routes = Object.entries(paths)
        .filter(([path]) => path.startsWith("/api/v1/payouts"))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
        );
      expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        "get /api/v1/payouts",
        "get /api/v1/payouts/balance",
        "get /api/v1/payouts/ledger",
        "post /api/v1/payouts",
        "post /api/v1/payouts/{id}/failed",
        "post /api/v1/payouts/{id}/paid",
      ]);
      for (const { operation } of routes) {
        expect(operation.tags).toEqual(["payouts"]);
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses as object)).toEqual(expect.arrayContaining(["4XX", "5XX"]));
      }
    });
  });

  describe("GraphQL", () => {
    const payoutFields =
      "id status amount { amountMinor currency formatted } providerReference failureReason decidedBy";

    it("answers the balance and the ledger as a connection with enum kinds", async () => {
      const seller = await signIn();
      const body = (
        await graphql(
          `{ balance { storefrontId balances { currency available { amountMinor formatted } inPayout { amountMinor } } }
             ledgerEntries(first: 10, currency: "eur") { edges { node { kind amount { amountMinor } commissionBps gross { amountMinor } } } pageInfo { hasNextPage } } }`,
          {},
          seller,
        )
      ).json();
      expect(body.errors).toBeUndefined();
      expect(body.data.balance.balances).toEqual([
        {
          currency: "EUR",
          available: { amountMinor: 8750, formatted: "€87.50" },
          inPayout: { amountMinor: 0 },
        },
      ]);
      expect(body.data.ledgerEntries).toEqual({
        edges: [
          {
            node: {
              kind: "ORDER_CREDIT",
              amount: { amountMinor: 8750 },
              commissionBps: 1250,
              gross: { amountMinor: 10_000 },
            },
          },
        ],
        pageInfo: { hasNextPage: false },
      });
      expect(calls.find((c) => c.method === "listLedgerEntries")?.request).toMatchObject({
        currency: "EUR",
        limit: 10,
      });
    });

    it("requests a payout, lists it, and lets an admin mark it paid, then refuses marking it failed", async () => {
      const seller = await signIn();
      const requested = (
        await graphql(`mutation { requestPayout(currency: "EUR") { ${payoutFields} } }`, {}, seller)
      ).json();
      expect(requested.data.requestPayout).toMatchObject({
        status: "REQUESTED",
        amount: { amountMinor: 8750, currency: "EUR", formatted: "€87.50" },
        providerReference: null,
      });
      const id = requested.data.requestPayout.id;
      const listed = (
        await graphql("{ payouts(status: REQUESTED) { edges { node { id status } } } }", {}, seller)
      ).json();
      expect(listed.data.payouts.edges).toEqual([{ node: { id, status: "REQUESTED" } }]);
      expect(calls.at(-1)?.request).toMatchObject({ status: PayoutStatus.REQUESTED });
      const admin = await signIn(["admin"]);
      const paid = (
        await graphql(
          `mutation($id: ID!) { markPayoutPaid(id: $id, reference: "SEPA-9") { ${payoutFields} } }`,
          { id },
          admin,
        )
      ).json();
      expect(paid.data.markPayoutPaid).toMatchObject({
        status: "PAID",
        providerReference: "SEPA-9",
        decidedBy: admin.id,
      });
      const failed = (
        await graphql(
          'mutation($id: ID!) { markPayoutFailed(id: $id, reason: "late") { id } }',
          { id },
          admin,
        )
      ).json();
      expect(failed.errors[0].extensions.code).toBe("FAILED_PRECONDITION");
      const bySeller = (
        await graphql('mutation($id: ID!) { markPayoutFailed(id: $id, reason: "x") { id } }', { id }, seller)
      ).json();
      expect(bySeller.errors[0].extensions.code).toBe("PERMISSION_DENIED");
    });

    it("refuses every payouts operation without a token with UNAUTHENTICATED and calls nothing", async () => {
      const id = uuidv7();
      for (const operation of [
        "{ balance { storefrontId } }",
        "{ ledgerEntries { edges { cursor } } }",
        "{ payouts { edges { cursor } } }",
        'mutation { requestPayout(currency: "EUR") { id } }',
        `mutation { markPayoutPaid(id: "${id}") { id } }`,
        `mutation { markPayoutFailed(id: "${id}", reason: "x") { id } }`,
      ]) {
        expect((await graphql(operation)).json().errors[0].extensions.code, operation).toBe(
          "UNAUTHENTICATED",
        );
      }
      expect(calls).toEqual([]);
    });

    it.each([
      ["{ ledgerEntries(first: 0) { edges { cursor } } }", "first"],
      ['{ ledgerEntries(after: "garbage") { edges { cursor } } }', "after"],
      ["{ payouts(first: 101) { edges { cursor } } }", "first"],
    ])("refuses %s naming %s", async (query, field) => {
      const body = (await graphql(query, {}, await signIn())).json();
      expect(body.errors[0].extensions).toMatchObject({
        code: "INVALID_ARGUMENT",
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    });
  });
});
