import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import {
  GetBalanceResponseSchema,
  ListLedgerEntriesResponseSchema,
  ListPayoutsResponseSchema,
  MarkPayoutFailedResponseSchema,
  MarkPayoutPaidResponseSchema,
  PayoutsService,
  RequestPayoutResponseSchema,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { type Caller, InvalidArgument, NotFound } from "@mercato/platform";
import {
  assertMayMarkPayouts,
  assertMayRequestPayout,
  assertMaySeeMoney,
  checkedFailureReason,
  checkedReference,
} from "../domain/payout-rules.js";
import { isAdmin } from "../domain/storefront-rules.js";
import {
  currencyBalanceToProto,
  ledgerEntryToProto,
  payoutStatusFromProto,
  payoutToProto,
} from "../store/payout-mappers.js";
import type { Payouts } from "../store/payouts.store.js";
import type { StorefrontRow } from "../store/schema.js";
import type { Storefronts } from "../store/storefronts.store.js";
import { requireUser } from "./caller.js";
import { defaultPageSize } from "./sellers.rpc.js";

const noStorefront = () => new NotFound("you have not opened a storefront yet");

/** Registers the PayoutsService handlers (served by the sellers service next to SellersService). */
export function payoutsRoutes(
  router: ConnectRouter,
  deps: { storefronts: Storefronts; payouts: Payouts },
): void {
  const { storefronts, payouts } = deps;

  /** The storefront whose money the caller reads: the named one (owner or admin), else the caller's own. */
  const readable = async (caller: Caller, storefrontId: string): Promise<StorefrontRow> => {
    if (storefrontId === "") {
      const own = await storefronts.find({ ownerId: caller.id });
      if (own) return own;
      if (isAdmin(caller)) throw InvalidArgument.field("storefront_id", "is required: name the storefront");
      throw noStorefront();
    }
    const row = await storefronts.find({ id: storefrontId.toLowerCase() });
    if (!row) throw new NotFound("storefront not found");
    assertMaySeeMoney(caller, row);
    return row;
  };

  router.service(PayoutsService, {
    async getBalance(req, context) {
      const caller = requireUser(context);
      const storefront = await readable(caller, req.storefrontId);
      const rows = await payouts.balances(storefront.id);
      return create(GetBalanceResponseSchema, {
        storefrontId: storefront.id,
        balances: rows.map(currencyBalanceToProto),
      });
    },

    async listLedgerEntries(req, context) {
      const caller = requireUser(context);
      const storefront = await readable(caller, req.storefrontId);
      const page = await payouts.ledger(
        storefront.id,
        req.currency || undefined,
        req.limit || defaultPageSize,
        req.cursor || undefined,
      );
      return create(ListLedgerEntriesResponseSchema, {
        entries: page.items.map(ledgerEntryToProto),
        nextCursor: page.nextCursor ?? "",
      });
    },

    async listPayouts(req, context) {
      const caller = requireUser(context);
      // An admin who names no storefront lists every storefront's payouts (the queue to pay).
      const everyStorefront = req.storefrontId === "" && isAdmin(caller);
      const storefrontId = everyStorefront ? undefined : (await readable(caller, req.storefrontId)).id;
      const page = await payouts.list(
        { storefrontId, status: payoutStatusFromProto(req.status) },
        req.limit || defaultPageSize,
        req.cursor || undefined,
      );
      return create(ListPayoutsResponseSchema, {
        payouts: page.items.map(payoutToProto),
        nextCursor: page.nextCursor ?? "",
      });
    },

    async requestPayout(req, context) {
      const caller = requireUser(context);
      const storefront = await storefronts.find({ ownerId: caller.id });
      if (!storefront) throw noStorefront();
      assertMayRequestPayout(storefront);
      const row = await payouts.request(caller, storefront.id, req.currency);
      return create(RequestPayoutResponseSchema, { payout: payoutToProto(row) });
    },

    async markPayoutPaid(req, context) {
      const caller = requireUser(context);
      assertMayMarkPayouts(caller);
      const row = await payouts.markPaid(caller, req.id.toLowerCase(), checkedReference(req.reference));
      return create(MarkPayoutPaidResponseSchema, { payout: payoutToProto(row) });
    },

    async markPayoutFailed(req, context) {
      const caller = requireUser(context);
      assertMayMarkPayouts(caller);
      const row = await payouts.markFailed(caller, req.id.toLowerCase(), checkedFailureReason(req.reason));
      return create(MarkPayoutFailedResponseSchema, { payout: payoutToProto(row) });
    },
  });
}
