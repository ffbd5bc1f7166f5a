import { randomBytes } from "node:crypto";
import { create, fromBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { eventSubjects } from "@mercato/contracts/events";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import {
  CreateStorefrontRequestSchema,
  LedgerEntryKind,
  PayoutChangedSchema,
  PayoutStatus,
  PayoutsService,
  SellersService,
  type Storefront,
  StorefrontStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  createRpcClient,
  type EventEnvelope,
  Outbox,
  parseConfig,
  type RunningService,
  rowsOf,
} from "@mercato/platform";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import {
  type DatabaseFixture,
  failure,
  openServiceRig,
  pgliteFixture,
  postgresFixture,
  type ServiceRig,
  startTestService,
} from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  orderCreditsConsumer,
  type PayoutProvider,
  Payouts,
  sellersConfigSchema,
  sellersService,
} from "../src/index.js";

/** A signed-in account of the tests. */
interface Account {
  id: string;
  /** Call options carrying the account's bearer token. */
  as: { headers: { authorization: string } };
}

/** The commission the suite's service is configured with: 12.5%, to show the setting is applied. */
const commissionBps = 1250;

function describePayouts(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, () => {
    let rig: ServiceRig;
    let service: RunningService;
    let sellers: ReturnType<typeof createRpcClient<typeof SellersService>>;
    let client: ReturnType<typeof createRpcClient<typeof PayoutsService>>;

    beforeAll(async () => {
      rig = await openServiceRig(openFixture, "mercato.sellers.payout.>");
      service = await startTestService(sellersService, {
        ...rig,
        env: { PLATFORM_COMMISSION_BPS: String(commissionBps) },
      });
      sellers = createRpcClient(SellersService, { baseUrl: service.url, maxRetries: 0 });
      client = createRpcClient(PayoutsService, { baseUrl: service.url, maxRetries: 0 });
      // PGlite's first open with PostGIS takes 6-16 s alone and far longer on a busy machine.
    }, 180_000);

    afterAll(async () => {
      await service?.stop();
      await rig?.close();
    });

    const account = async (roles: string[]): Promise<Account> => {
      const id = uuidv7();
      const jwt = await rig.issuer.sign({ sub: id, roles, email_verified: true });
      return { id, as: { headers: { authorization: `Bearer ${jwt}` } } };
    };
    const admin = () => account(["admin"]);

    /** A storefront opened by a new verified seller. */
    const opened = async (): Promise<{ owner: Account; storefront: Storefront }> => {
      const owner = await account(["seller"]);
      const slug = `payouts-${randomBytes(5).toString("hex")}`;
      const { storefront } = await sellers.createStorefront(
        create(CreateStorefrontRequestSchema, {
          name: `Shop ${slug}`,
          slug,
          address: { line1: "Unter den Linden 1", city: "Berlin", countryCode: "DE" },
          location: { latitude: 52.52, longitude: 13.405 },
        }),
        owner.as,
      );
      if (!storefront) throw new Error("no storefront returned");
      return { owner, storefront };
    };

    /** An OrderStatusChanged envelope on `.completed`, as the orders service's relay publishes it. */
    const completed = (storefrontId: string, amountMinor: bigint, currency = "EUR", orderId = uuidv7()) =>
      eventEnvelope(
        eventSubjects.orders.orderCompleted.subject,
        OrderStatusChangedSchema,
        create(OrderStatusChangedSchema, {
          orderId,
          storefrontId,
          sellerOwnerId: uuidv7(),
          status: "completed",
          previousStatus: "delivered",
          total: { amountMinor, currency },
          version: 5n,
        }),
      );

    const db = () => service.runtime.database.db;

    /** True once the consumer has recorded the event in its inbox (applied, or dropped as a repeat). */
    const processed = async (event: EventEnvelope) =>
      rowsOf(await db().execute(sql`select 1 from "sellers".inbox where event_id = ${event.id}`)).length ===
      1;

    /** Publishes completed orders and waits until the consumer has taken each. */
    const deliver = async (...events: EventEnvelope[]) => {
      for (const event of events) await rig.bus.publish(event);
      for (const event of events)
        await waitFor(() => processed(event), { message: `event ${event.id} not taken` });
    };

    /** The balance row and the ledger sum of a storefront in a currency, which must always agree. */
    const books = async (storefrontId: string, currency: string) => {
      const [row] = rowsOf<{ balance: string | null; ledger: string | null }>(
        await db().execute(sql`
          select (select available_minor::text from "sellers".balances
                  where storefront_id = ${storefrontId} and currency = ${currency}) as balance,
                 (select coalesce(sum(amount_minor), 0)::text from "sellers".ledger_entries
                  where storefront_id = ${storefrontId} and currency = ${currency}) as ledger`),
      );
      return { balance: BigInt(row?.balance ?? 0), ledger: BigInt(row?.ledger ?? 0) };
    };

    const available = async (owner: Account, currency = "EUR") => {
      const { balances } = await client.getBalance({}, owner.as);
      return balances.find((b) => b.available?.currency === currency);
    };

    /** A storefront whose owner has `amountMinor` net available in EUR. */
    const earning = async (grossMinor: bigint) => {
      const shop = await opened();
      await deliver(completed(shop.storefront.id, grossMinor));
      return shop;
    };

    const payoutEvents = (payoutId: string) =>
      rig.published
        .filter((e) => e.subject.startsWith("mercato.sellers.payout."))
        .map((e) => ({ subject: e.subject, payout: fromBinary(PayoutChangedSchema, e.payload).payout }))
        .filter((e) => e.payout?.id === payoutId);

    describe("crediting completed orders", () => {
      it("credits a completed order less the configured commission, rounded half up", async () => {
        const { owner, storefront } = await opened();
        const event = completed(storefront.id, 1004n);
        await deliver(event);
        // 1004 × 12.5% = 125.5, rounded half up to 126; the seller keeps 878.
        const balance = await available(owner);
        expect(balance).toMatchObject({
          available: { amountMinor: 878n, currency: "EUR" },
          inPayout: { amountMinor: 0n, currency: "EUR" },
        });
        const { entries } = await client.listLedgerEntries({}, owner.as);
        const orderId = fromBinary(OrderStatusChangedSchema, event.payload).orderId;
        expect(entries).toEqual([
          expect.objectContaining({
            storefrontId: storefront.id,
            kind: LedgerEntryKind.ORDER_CREDIT,
            orderId,
            payoutId: "",
            gross: expect.objectContaining({ amountMinor: 1004n }),
            commission: expect.objectContaining({ amountMinor: 126n }),
            commissionBps,
            amount: expect.objectContaining({ amountMinor: 878n }),
            balanceAfter: expect.objectContaining({ amountMinor: 878n }),
          }),
        ]);
      });

      it("credits an order once: a redelivered event is dropped by the inbox, another event of the same order by the ledger", async () => {
        const { owner, storefront } = await opened();
        const orderId = uuidv7();
        const first = completed(storefront.id, 2000n, "EUR", orderId);
        await deliver(first);
        const consumer = service.consumers.get(orderCreditsConsumer);
        expect(await consumer?.handle(first, 1)).toBe("duplicate");
        // The orders service announcing the same completion again, under a new event id.
        const again = completed(storefront.id, 2000n, "EUR", orderId);
        await deliver(again);
        const { entries } = await client.listLedgerEntries({}, owner.as);
        expect(entries.map((e) => e.orderId)).toEqual([orderId]);
        expect((await available(owner))?.available?.amountMinor).toBe(1750n);
        expect(await books(storefront.id, "EUR")).toEqual({ balance: 1750n, ledger: 1750n });
      });

      it("keeps one balance per currency", async () => {
        const { owner, storefront } = await opened();
        await deliver(
          completed(storefront.id, 1000n, "USD"),
          completed(storefront.id, 1000n, "EUR"),
          completed(storefront.id, 3000n, "EUR"),
        );
        const { storefrontId, balances } = await client.getBalance({}, owner.as);
        expect(storefrontId).toBe(storefront.id);
        expect(balances.map((b) => [b.available?.currency, b.available?.amountMinor])).toEqual([
          ["EUR", 3500n],
          ["USD", 875n],
        ]);
        const usd = await client.listLedgerEntries({ currency: "USD" }, owner.as);
        expect(usd.entries.map((e) => e.amount?.amountMinor)).toEqual([875n]);
      });

      it("parks an event it cannot credit at its first delivery and credits nothing for it", async () => {
        const { owner, storefront } = await opened();
        const consumer = service.consumers.get(orderCreditsConsumer);
        if (!consumer) throw new Error("no order-credits consumer");
        const unknownStorefront = completed(uuidv7(), 1000n);
        const badCurrency = completed(storefront.id, 1000n, "euro");
        // A storefront this service never had (another stack's event) or a currency that is no
        // code never applies however often it comes: parked at once, not retried (ADR 0005).
        for (const event of [unknownStorefront, badCurrency])
          expect(await consumer.handle(event, 1)).toBe("parked");
        const parked = (await consumer.parked()).map((p) => p.event.id);
        expect(parked).toEqual(expect.arrayContaining([unknownStorefront.id, badCurrency.id]));
        expect((await consumer.parked()).find((p) => p.event.id === badCurrency.id)?.error).toContain(
          "total.currency",
        );
        expect((await client.getBalance({}, owner.as)).balances).toEqual([]);
      });
    });

    describe("payouts", () => {
      it("pays out the whole available balance in a currency, and refuses a request with nothing left", async () => {
        const { owner, storefront } = await earning(8000n);
        await deliver(completed(storefront.id, 800n, "USD"));
        const { payout } = await client.requestPayout({ currency: "EUR" }, owner.as);
        expect(payout).toMatchObject({
          storefrontId: storefront.id,
          amount: { amountMinor: 7000n, currency: "EUR" },
          status: PayoutStatus.REQUESTED,
          requestedBy: owner.id,
          provider: "manual",
          decidedBy: "",
        });
        expect(payout?.decidedAt).toBeUndefined();
        const eur = await available(owner);
        expect(eur).toMatchObject({ available: { amountMinor: 0n }, inPayout: { amountMinor: 7000n } });
        expect((await available(owner, "USD"))?.available?.amountMinor).toBe(700n);
        const { entries } = await client.listLedgerEntries({ currency: "EUR" }, owner.as);
        expect(entries[0]).toMatchObject({
          kind: LedgerEntryKind.PAYOUT_DEBIT,
          payoutId: payout?.id,
          orderId: "",
          amount: { amountMinor: -7000n },
          balanceAfter: { amountMinor: 0n },
        });
        expect(entries[0]?.gross).toBeUndefined();
        for (const currency of ["EUR", "GBP"]) {
          const refused = await failure(client.requestPayout({ currency }, owner.as));
          expect(refused.code).toBe(Code.FailedPrecondition);
          expect(refused.message).toContain(`no available balance in ${currency}`);
        }
        expect(await books(storefront.id, "EUR")).toEqual({ balance: 0n, ledger: 0n });
      });

      it("lets an admin mark a payout paid once; a paid payout can be marked neither again nor failed", async () => {
        const { owner } = await earning(2000n);
        const { payout } = await client.requestPayout({ currency: "EUR" }, owner.as);
        const id = payout?.id ?? "";
        const boss = await admin();
        const { payout: paid } = await client.markPayoutPaid({ id, reference: " SEPA-2026-0001 " }, boss.as);
        expect(paid).toMatchObject({
          status: PayoutStatus.PAID,
          providerReference: "SEPA-2026-0001",
          decidedBy: boss.id,
        });
        expect(paid?.decidedAt).toBeDefined();
        for (const again of [
          () => client.markPayoutPaid({ id }, boss.as),
          () => client.markPayoutFailed({ id, reason: "bounced" }, boss.as),
        ]) {
          const refused = await failure(again());
          expect(refused.code).toBe(Code.FailedPrecondition);
          expect(refused.message).toContain("already paid");
        }
        expect(await available(owner)).toMatchObject({
          available: { amountMinor: 0n },
          inPayout: { amountMinor: 0n },
        });
      });

      it("gives a failed payout's amount back to the balance, to be requested again", async () => {
        const { owner, storefront } = await earning(4000n);
        const { payout } = await client.requestPayout({ currency: "EUR" }, owner.as);
        const id = payout?.id ?? "";
        const boss = await admin();
        const { payout: failed } = await client.markPayoutFailed({ id, reason: "  IBAN closed  " }, boss.as);
        expect(failed).toMatchObject({ status: PayoutStatus.FAILED, failureReason: "IBAN closed" });
        expect((await available(owner))?.available?.amountMinor).toBe(3500n);
        const { entries } = await client.listLedgerEntries({}, owner.as);
        expect(entries.map((e) => [e.kind, e.amount?.amountMinor, e.balanceAfter?.amountMinor])).toEqual([
          [LedgerEntryKind.PAYOUT_REVERSAL, 3500n, 3500n],
          [LedgerEntryKind.PAYOUT_DEBIT, -3500n, 0n],
          [LedgerEntryKind.ORDER_CREDIT, 3500n, 3500n],
        ]);
        for (const again of [
          () => client.markPayoutFailed({ id, reason: "twice" }, boss.as),
          () => client.markPayoutPaid({ id }, boss.as),
        ]) {
          expect((await failure(again())).code).toBe(Code.FailedPrecondition);
        }
        expect((await available(owner))?.available?.amountMinor).toBe(3500n);
        const { payout: second } = await client.requestPayout({ currency: "EUR" }, owner.as);
        expect(second?.amount?.amountMinor).toBe(3500n);
        expect(await books(storefront.id, "EUR")).toEqual({ balance: 0n, ledger: 0n });
      });

      it("publishes PayoutChanged when a payout is requested, paid and failed", async () => {
        const { owner, storefront } = await earning(1000n);
        const { payout: first } = await client.requestPayout({ currency: "EUR" }, owner.as);
        const boss = await admin();
        await client.markPayoutFailed({ id: first?.id ?? "", reason: "bounced" }, boss.as);
        const { payout: second } = await client.requestPayout({ currency: "EUR" }, owner.as);
        await client.markPayoutPaid({ id: second?.id ?? "" }, boss.as);
        await waitFor(
          () => payoutEvents(first?.id ?? "").length === 2 && payoutEvents(second?.id ?? "").length === 2,
        );
        expect(payoutEvents(first?.id ?? "").map((e) => [e.subject, e.payout?.status])).toEqual([
          [eventSubjects.sellers.payoutRequested.subject, PayoutStatus.REQUESTED],
          [eventSubjects.sellers.payoutFailed.subject, PayoutStatus.FAILED],
        ]);
        expect(payoutEvents(second?.id ?? "").map((e) => [e.subject, e.payout?.storefrontId])).toEqual([
          [eventSubjects.sellers.payoutRequested.subject, storefront.id],
          [eventSubjects.sellers.payoutPaid.subject, storefront.id],
        ]);
      });

      it("lists a storefront's payouts newest first, page by page, by status", async () => {
        const { owner, storefront } = await opened();
        const boss = await admin();
        const ids: string[] = [];
        for (const gross of [1000n, 2000n, 3000n]) {
          await deliver(completed(storefront.id, gross));
          const { payout } = await client.requestPayout({ currency: "EUR" }, owner.as);
          ids.push(payout?.id ?? "");
        }
        await client.markPayoutPaid({ id: ids[0] ?? "" }, boss.as);
        const first = await client.listPayouts({ limit: 2 }, owner.as);
        expect(first.payouts.map((p) => p.id)).toEqual([ids[2], ids[1]]);
        const second = await client.listPayouts({ limit: 2, cursor: first.nextCursor }, owner.as);
        expect(second.payouts.map((p) => p.id)).toEqual([ids[0]]);
        expect(second.nextCursor).toBe("");
        const paid = await client.listPayouts({ status: PayoutStatus.PAID }, owner.as);
        expect(paid.payouts.map((p) => p.id)).toEqual([ids[0]]);
        const forAdmin = await client.listPayouts({ storefrontId: storefront.id }, boss.as);
        expect(forAdmin.payouts).toHaveLength(3);
        const ledger = await client.listLedgerEntries({ limit: 4 }, owner.as);
        const rest = await client.listLedgerEntries({ limit: 4, cursor: ledger.nextCursor }, owner.as);
        expect([...ledger.entries, ...rest.entries]).toHaveLength(6);
        expect(rest.nextCursor).toBe("");
      });

      it("lets an admin list every storefront's requested payouts, and read any balance", async () => {
        const a = await earning(1000n);
        const b = await earning(2000n);
        const payoutA = (await client.requestPayout({ currency: "EUR" }, a.owner.as)).payout;
        const payoutB = (await client.requestPayout({ currency: "EUR" }, b.owner.as)).payout;
        const boss = await admin();
        const queue = await client.listPayouts({ status: PayoutStatus.REQUESTED, limit: 100 }, boss.as);
        expect(queue.payouts.map((p) => p.id)).toEqual(expect.arrayContaining([payoutA?.id, payoutB?.id]));
        expect(queue.payouts.every((p) => p.status === PayoutStatus.REQUESTED)).toBe(true);
        const balance = await client.getBalance({ storefrontId: b.storefront.id }, boss.as);
        expect(balance.balances[0]?.inPayout?.amountMinor).toBe(1750n);
        const refused = await failure(client.getBalance({}, boss.as));
        expect(refused).toMatchObject({ code: Code.InvalidArgument, fields: ["storefront_id"] });
      });
    });

    describe("who may act", () => {
      it("refuses another seller the balance, ledger and payouts of a storefront", async () => {
        const { storefront } = await earning(1000n);
        const other = await account(["seller"]);
        for (const call of [
          () => client.getBalance({ storefrontId: storefront.id }, other.as),
          () => client.listLedgerEntries({ storefrontId: storefront.id }, other.as),
          () => client.listPayouts({ storefrontId: storefront.id }, other.as),
        ]) {
          expect((await failure(call())).code).toBe(Code.PermissionDenied);
        }
      });

      it("answers NotFound for a suspended storefront to others, and holds its owner's payouts", async () => {
        const { owner, storefront } = await earning(1000n);
        const boss = await admin();
        await sellers.setStorefrontStatus(
          { id: storefront.id, status: StorefrontStatus.SUSPENDED, reason: "fraud review" },
          boss.as,
        );
        const other = await account(["seller"]);
        expect((await failure(client.getBalance({ storefrontId: storefront.id }, other.as))).code).toBe(
          Code.NotFound,
        );
        expect((await failure(client.getBalance({ storefrontId: uuidv7() }, boss.as))).code).toBe(
          Code.NotFound,
        );
        const held = await failure(client.requestPayout({ currency: "EUR" }, owner.as));
        expect(held.code).toBe(Code.FailedPrecondition);
        expect(held.message).toContain("suspended");
        expect((await available(owner))?.available?.amountMinor).toBe(875n);
      });

      it("lets only an admin mark payouts, and answers NotFound for an unknown payout", async () => {
        const { owner } = await earning(1000n);
        const { payout } = await client.requestPayout({ currency: "EUR" }, owner.as);
        const id = payout?.id ?? "";
        for (const caller of [owner, await account(["seller"])]) {
          expect((await failure(client.markPayoutPaid({ id }, caller.as))).code).toBe(Code.PermissionDenied);
          expect((await failure(client.markPayoutFailed({ id, reason: "x" }, caller.as))).code).toBe(
            Code.PermissionDenied,
          );
        }
        expect((await failure(client.markPayoutPaid({ id: uuidv7() }, (await admin()).as))).code).toBe(
          Code.NotFound,
        );
        expect((await client.listPayouts({}, owner.as)).payouts[0]?.status).toBe(PayoutStatus.REQUESTED);
      });

      it("answers NotFound to an account without a storefront and Unauthenticated to anonymous callers", async () => {
        const buyer = await account(["buyer"]);
        for (const call of [
          () => client.getBalance({}, buyer.as),
          () => client.listLedgerEntries({}, buyer.as),
          () => client.listPayouts({}, buyer.as),
          () => client.requestPayout({ currency: "EUR" }, buyer.as),
        ]) {
          const refused = await failure(call());
          expect(refused.code).toBe(Code.NotFound);
          expect(refused.message).toContain("not opened a storefront");
        }
        for (const call of [
          () => client.getBalance({}),
          () => client.listLedgerEntries({}),
          () => client.listPayouts({}),
          () => client.requestPayout({ currency: "EUR" }),
          () => client.markPayoutPaid({ id: uuidv7() }),
          () => client.markPayoutFailed({ id: uuidv7(), reason: "x" }),
        ]) {
          expect((await failure(call())).code).toBe(Code.Unauthenticated);
        }
      });
    });

    describe("bad input", () => {
      const ledgerCursor = "eyJ4IjoxfQ";
      it.each([
        [
          "a lower-case currency",
          (c: typeof client, as: Account["as"]) => c.requestPayout({ currency: "eur" }, as),
          "currency",
        ],
        [
          "no currency",
          (c: typeof client, as: Account["as"]) => c.requestPayout({ currency: "" }, as),
          "currency",
        ],
        [
          "a storefront id that is no UUID",
          (c: typeof client, as: Account["as"]) => c.getBalance({ storefrontId: "shop" }, as),
          "storefront_id",
        ],
        [
          "a four-letter currency filter",
          (c: typeof client, as: Account["as"]) => c.listLedgerEntries({ currency: "EURO" }, as),
          "currency",
        ],
        [
          "a limit over 100",
          (c: typeof client, as: Account["as"]) => c.listLedgerEntries({ limit: 101 }, as),
          "limit",
        ],
        [
          "a cursor of nothing",
          (c: typeof client, as: Account["as"]) => c.listLedgerEntries({ cursor: ledgerCursor }, as),
          "cursor",
        ],
        [
          "an unknown status",
          (c: typeof client, as: Account["as"]) => c.listPayouts({ status: 9 as PayoutStatus }, as),
          "status",
        ],
        [
          "a payout id that is no UUID",
          (c: typeof client, as: Account["as"]) => c.markPayoutPaid({ id: "p1" }, as),
          "id",
        ],
        [
          "a reference with a control character",
          (c: typeof client, as: Account["as"]) =>
            c.markPayoutPaid({ id: uuidv7(), reference: "SEPA\u0007" }, as),
          "reference",
        ],
        [
          "a reference over 200 characters",
          (c: typeof client, as: Account["as"]) =>
            c.markPayoutPaid({ id: uuidv7(), reference: "r".repeat(201) }, as),
          "reference",
        ],
        [
          "a failure without a reason",
          (c: typeof client, as: Account["as"]) => c.markPayoutFailed({ id: uuidv7(), reason: "   " }, as),
          "reason",
        ],
        [
          "a reason over 500 characters",
          (c: typeof client, as: Account["as"]) =>
            c.markPayoutFailed({ id: uuidv7(), reason: "r".repeat(501) }, as),
          "reason",
        ],
      ])("refuses %s naming the field", async (_label, call, field) => {
        const { owner } = await opened();
        const boss = await admin();
        const caller = field === "id" || field === "reference" || field === "reason" ? boss : owner;
        const refused = await failure(call(client, caller.as));
        expect(refused).toMatchObject({ code: Code.InvalidArgument, fields: [field] });
      });

      it("refuses a ledger cursor for the payouts list", async () => {
        const { owner, storefront } = await opened();
        await deliver(completed(storefront.id, 100n), completed(storefront.id, 200n));
        const { nextCursor } = await client.listLedgerEntries({ limit: 1 }, owner.as);
        expect(nextCursor).not.toBe("");
        const refused = await failure(client.listPayouts({ cursor: nextCursor }, owner.as));
        expect(refused).toMatchObject({ code: Code.InvalidArgument, fields: ["cursor"] });
      });
    });

    describe("concurrency", () => {
      it("lets one of 10 concurrent payout requests take the balance, the others find nothing left", async () => {
        const { owner, storefront } = await earning(10_000n);
        const attempts = await Promise.allSettled(
          Array.from({ length: 10 }, () => client.requestPayout({ currency: "EUR" }, owner.as)),
        );
        const taken = attempts.flatMap((a) => (a.status === "fulfilled" ? [a.value.payout] : []));
        expect(taken.map((p) => p?.amount?.amountMinor)).toEqual([8750n]);
        for (const attempt of attempts) {
          if (attempt.status === "rejected")
            expect(attempt.reason).toMatchObject({ code: Code.FailedPrecondition });
        }
        const { payouts } = await client.listPayouts({}, owner.as);
        expect(payouts).toHaveLength(1);
        expect(await books(storefront.id, "EUR")).toEqual({ balance: 0n, ledger: 0n });
      });

      it("keeps the books straight while orders are credited during payout requests", async () => {
        const { owner, storefront } = await earning(800n);
        const events = Array.from({ length: 20 }, () => completed(storefront.id, 800n));
        const request = () => client.requestPayout({ currency: "EUR" }, owner.as).catch(() => undefined);
        // Payout requests keep arriving while the consumer credits order after order.
        let crediting = true;
        const requesting = (async () => {
          while (crediting) await Promise.all([request(), request()]);
        })();
        await deliver(...events);
        crediting = false;
        await requesting;
        const { payouts } = await client.listPayouts({ limit: 100 }, owner.as);
        expect(payouts.length).toBeGreaterThan(0);
        const paidOut = payouts.reduce((sum, p) => sum + (p.amount?.amountMinor ?? 0n), 0n);
        const { balance, ledger } = await books(storefront.id, "EUR");
        expect(balance).toBe(ledger);
        expect(paidOut + balance).toBe(21n * 700n);
      });

      it("lets exactly one of a concurrent paid and failed mark win", async () => {
        const { owner, storefront } = await earning(1000n);
        const { payout } = await client.requestPayout({ currency: "EUR" }, owner.as);
        const id = payout?.id ?? "";
        const boss = await admin();
        const [paid, failed] = await Promise.allSettled([
          client.markPayoutPaid({ id }, boss.as),
          client.markPayoutFailed({ id, reason: "bounced" }, boss.as),
        ]);
        expect([paid?.status, failed?.status].filter((s) => s === "fulfilled")).toHaveLength(1);
        const { balance, ledger } = await books(storefront.id, "EUR");
        expect(balance).toBe(ledger);
        expect(balance).toBe(failed?.status === "fulfilled" ? 875n : 0n);
      });
    });

    describe("the payout provider", () => {
      it("takes nothing when the provider refuses the payout", async () => {
        const { owner, storefront } = await earning(1000n);
        const refusing: PayoutProvider = {
          name: "refusing",
          send: async () => {
            throw new Error("provider is down");
          },
        };
        const payouts = new Payouts(service.runtime.database, new Outbox("sellers"), refusing);
        await expect(
          payouts.request({ id: owner.id, roles: ["seller"], claims: {} }, storefront.id, "EUR"),
        ).rejects.toThrow("provider is down");
        expect((await available(owner))?.available?.amountMinor).toBe(875n);
        expect((await client.listPayouts({}, owner.as)).payouts).toEqual([]);
      });

      it("stores the provider's name and reference with the payout", async () => {
        const { owner, storefront } = await earning(1000n);
        const bank: PayoutProvider = {
          name: "bank-file",
          send: async (p) => ({ reference: `BF-${p.amountMinor}` }),
        };
        const payouts = new Payouts(service.runtime.database, new Outbox("sellers"), bank);
        const row = await payouts.request(
          { id: owner.id, roles: ["seller"], claims: {} },
          storefront.id,
          "EUR",
        );
        expect(row).toMatchObject({ provider: "bank-file", providerReference: "BF-875", amountMinor: 875n });
      });
    });
  });
}

describe("the sellers config", () => {
  it("defaults the platform commission to 1000 bps and reads a configured one", () => {
    expect(parseConfig(sellersConfigSchema, {}).PLATFORM_COMMISSION_BPS).toBe(1000);
    expect(parseConfig(sellersConfigSchema, { PLATFORM_COMMISSION_BPS: "250" }).PLATFORM_COMMISSION_BPS).toBe(
      250,
    );
  });

  it.each(["", "10001", "1.5", "-1", "ten"])(
    "refuses PLATFORM_COMMISSION_BPS=%j, naming the variable",
    (value) => {
      expect(() => parseConfig(sellersConfigSchema, { PLATFORM_COMMISSION_BPS: value })).toThrow(
        /PLATFORM_COMMISSION_BPS must be a whole number of basis points from 0 to 10000/,
      );
    },
  );
});

describePayouts("payouts on PGlite", () => pgliteFixture());

describeWithInfra("DATABASE_URL", "payouts on PostgreSQL", (url) => {
  // The migrations name the "sellers" schema, so each run gets a database of its own.
  describePayouts("a fresh database", () =>
    postgresFixture(url, { prefix: "payouts_test", maxConnections: 8 }),
  );
});
