import { createHash } from "node:crypto";
import type { Caller, RequestContext } from "@mercato/platform";
import {
  Conflict,
  currentContext,
  DomainError,
  FailedPrecondition,
  InvalidArgument,
  remainingMs,
  runWithContext,
} from "@mercato/platform";
import {
  type ContactAddress,
  type Money,
  type PlannedOrder,
  planOrders,
  totalsByCurrency,
  type WantedLine,
} from "./domain/checkout-plan.js";
import type { Carts } from "./store/cart.store.js";
import { type CheckoutRecord, LeaseLost, type Order, type Orders } from "./store/order.store.js";
import type { Catalog, StockKeeper } from "./upstream.js";

/** What a buyer sends to check out. */
export interface CheckoutInput {
  idempotencyKey: string;
  shippingAddress: ContactAddress;
  /** Absent: the shipping address. */
  billingAddress: ContactAddress | undefined;
  /** Empty: the cart. */
  lines: readonly WantedLine[];
  note: string;
}

/** A finished checkout. */
export interface CheckoutResult {
  id: string;
  orders: Order[];
  totals: Money[];
  createdAt: Date;
  /** This answer replays an earlier request with the same key. */
  replayed: boolean;
}

/** Settings of the checkout workflow. */
export interface CheckoutSettings {
  /** How long reserved units wait for the commit, in seconds. */
  reservationTtlSeconds: number;
  /** How long a checkout's runner holds it before another attempt may take over, in ms. */
  leaseMs: number;
  /** How often a request with the key of a checkout in progress looks again, in ms. */
  pollMs: number;
}

/**
 * Checkout as explicit steps, each undone when a later one fails: claim the idempotency key → price
 * the lines from the catalog → reserve the stock → write the orders (pending) → commit the stock →
 * place the orders. A refusal is kept and replayed for the same key; an unavailable service leaves
 * nothing behind once inventory confirms the reservation released, so the same key can try again.
 */
export class CheckoutWorkflow {
  constructor(
    private readonly orders: Orders,
    private readonly carts: Carts,
    private readonly catalog: Catalog,
    private readonly stock: StockKeeper,
    private readonly settings: CheckoutSettings,
  ) {}

  async run(ctx: RequestContext, caller: Caller, input: CheckoutInput): Promise<CheckoutResult> {
    const requestHash = hashRequest(input);
    const fromCart = input.lines.length === 0;
    let lines = input.lines;
    if (fromCart) {
      // A replay must not depend on the cart, which the first attempt emptied.
      // A given-up checkout is forgotten once its hold is back: the cart is what the buyer wants now.
      const found = await this.orders.checkout(caller.id, input.idempotencyKey);
      const existing = found?.status === "abandoned" ? undefined : found;
      lines = existing
        ? existing.lines
        : (await this.carts.get(caller.id)).lines.map(({ variantId, quantity }) => ({ variantId, quantity }));
      if (lines.length === 0 && !existing)
        throw new FailedPrecondition("the cart is empty; add something first");
    } else {
      checkDistinct(lines);
    }

    for (;;) {
      const { checkout, claimed, takenOver } = await this.orders.claimCheckout({
        buyerId: caller.id,
        key: input.idempotencyKey,
        requestHash,
        lines,
        fromCart,
        leaseMs: this.settings.leaseMs,
      });
      // An earlier attempt under the key gave up, but its hold on the stock is not confirmed given
      // back: give it back first (or fail as unavailable), so the buyer's own hold never refuses
      // this attempt, and start afresh.
      if (checkout.status === "abandoned") {
        await beforeCompensation(() => this.releaseOwed(checkout.id));
        continue;
      }
      if (checkout.requestHash !== requestHash)
        throw new Conflict(
          `idempotency key ${input.idempotencyKey} was used for a different checkout; use a new key for a new checkout`,
        );
      if (claimed) {
        try {
          return await this.execute(caller, checkout, input, takenOver);
        } catch (error) {
          // Too slow: another attempt took the checkout over. Its outcome is this request's too, and
          // the release of anything this runner reserved is its to owe (a taken-over checkout always
          // owes one when given up), so nothing here is undone.
          if (!(error instanceof LeaseLost)) throw error;
          continue;
        }
      }
      const settled = await this.settled(ctx, caller.id, input.idempotencyKey, checkout);
      if (settled) return settled;
      // The runner's lease ran out (or its checkout is gone): claim again.
    }
  }

  /** Waits for another attempt's checkout under the same key to end, and replays its outcome. */
  private async settled(
    ctx: RequestContext,
    buyerId: string,
    key: string,
    first: CheckoutRecord,
  ): Promise<CheckoutResult | undefined> {
    let checkout: CheckoutRecord | undefined = first;
    for (;;) {
      // Gone, given up, or replaced by another request's checkout under the key: claim again, which
      // gives an owed reservation back and answers a different body with 409.
      if (
        !checkout ||
        checkout.status === "abandoned" ||
        checkout.id !== first.id ||
        checkout.requestHash !== first.requestHash
      )
        return undefined;
      if (checkout.status === "completed") return this.result(checkout, true);
      if (checkout.status === "failed") {
        const error = checkout.error;
        throw new DomainError(
          error?.code ?? "FAILED_PRECONDITION",
          error?.message ?? "checkout failed",
          error?.violations ?? [],
        );
      }
      if (checkout.leaseExpired) return undefined;
      // Answer while the caller still listens: a 409 past its deadline would reach it as this
      // service's outage. The next look (a query on a busy database) may take a while, so keep
      // the compensation reserve back here too.
      if (remainingMs(ctx) <= this.settings.pollMs + compensationReserveMs)
        throw new Conflict(`a checkout with idempotency key ${key} is still in progress; retry shortly`);
      await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
      checkout = await this.orders.checkout(buyerId, key);
    }
  }

  private async execute(
    caller: Caller,
    checkout: CheckoutRecord,
    input: CheckoutInput,
    takenOver: boolean,
  ): Promise<CheckoutResult> {
    // An attempt this one took over may have reserved (or may still be reserving) under the id.
    let reserved = takenOver;
    let commitSent = false;
    try {
      // A checkout taken over after its runner wrote the orders resumes from there, with the prices
      // and stock it already holds; a new one has written nothing yet. Either way the slow steps are
      // then behind, and the lease is renewed for the rest (in the write of the orders, when this
      // runner makes them), or this runner learns it was taken over.
      if (!(takenOver && (await this.orders.hasPending(checkout.id)))) {
        const planned = await beforeCompensation(() => this.plan(caller, checkout, input));
        reserved = true;
        await beforeCompensation(() =>
          this.stock.reserve(checkout.id, checkout.lines, this.settings.reservationTtlSeconds),
        );
        await this.orders.createPending(checkout, planned, this.settings.leaseMs);
      } else await this.orders.renewLease(checkout, this.settings.leaseMs);
      reserved = true;
      commitSent = true;
      await beforeCompensation(() => this.stock.commit(checkout.id, caller.id));
      const placed = await this.orders.place(checkout, (tx) =>
        checkout.fromCart ? this.carts.removeBought(tx, caller.id, checkout.lines) : Promise.resolve(),
      );
      return { ...this.summary(checkout, placed), replayed: false };
    } catch (error) {
      // Whoever holds the lease now carries on; nothing here is undone.
      if (error instanceof LeaseLost) throw error;
      // Once the commit was sent, only inventory's definite refusal proves nothing was sold: after
      // a lost answer or a failure to place, the checkout stays pending, and a retry with the same
      // key or the recovery sweep (once the lease runs out) commits again (a no-op) and places it.
      if (commitSent && !definitelyNotSold(error)) {
        // This runner is done with it: a retry with the key may take the checkout over at once
        // instead of waiting out the lease (the sweep does the same once it runs out anyway).
        await this.orders.endLease(checkout).catch(() => undefined);
        throw error;
      }
      // Inventory's refusal speaks of reservations; the buyer needs to know what to do.
      const refusal = commitSent
        ? new FailedPrecondition(
            "this checkout took too long and its hold on the stock ran out; check out again with a new idempotency key",
          )
        : error;
      await this.undo(checkout, reserved, refusal);
      throw refusal;
    }
  }

  /**
   * Compensation: the pending orders go, a refusal (4xx) is kept for replays, and what was reserved
   * goes back. The release is owed in the same write that gives the checkout up, before it is asked
   * for: if inventory does not confirm it, the recovery sweep or a retry with the key asks again.
   */
  private async undo(checkout: CheckoutRecord, reserved: boolean, error: unknown): Promise<void> {
    const refusal = error instanceof DomainError && error.httpStatus < 500 ? error : undefined;
    await this.orders.abandon(checkout, refusal, reserved);
    if (!reserved) return;
    // After an outage there may be no time left to ask (a Reserve that ran into its deadline): the
    // debt is recorded, and the sweep asks once this runner's lease is out.
    const ctx = currentContext();
    if (ctx && remainingMs(ctx) < compensationReserveMs) return;
    try {
      await this.releaseOwed(checkout.id);
    } catch {
      // Still owed: the checkout keeps it, and the sweep asks again once this runner's lease is out.
    }
  }

  /**
   * Asks inventory to release a given-up checkout's reservation and records the debt paid; throws
   * (the debt stays) when inventory cannot answer. Inventory's definite refusal (a committed
   * reservation; an unknown one is recorded released) leaves nothing to give back either.
   */
  private async releaseOwed(checkoutId: string): Promise<void> {
    try {
      await this.stock.release(checkoutId);
    } catch (error) {
      if (!(error instanceof DomainError && error.httpStatus < 500)) throw error;
    }
    await this.orders.released(checkoutId);
  }

  /**
   * Releases the reservations of up to `limit` given-up checkouts that inventory has not confirmed
   * yet (ADR 0026), then finishes or undoes up to `limit` checkouts whose runner died (their lease
   * ran out and no retry came): one whose orders are written is committed and placed, as a retry
   * would; one without is released and forgotten, so its key may be used again. Returns how many it
   * settled.
   */
  async recoverAbandoned(limit = 20): Promise<number> {
    let settled = 0;
    for (const owing of await this.orders.takeOwedReleases(limit, this.settings.leaseMs)) {
      try {
        await this.releaseOwed(owing.id);
        settled++;
      } catch {
        // Inventory is still unavailable: the debt stays, tried again once this claim runs out.
      }
    }
    const stale = await this.orders.takeOverStale(limit, this.settings.leaseMs);
    for (const checkout of stale) {
      try {
        if (await this.orders.hasPending(checkout.id)) {
          await this.stock.commit(checkout.id, checkout.buyerId);
          await this.orders.place(checkout, (tx) =>
            checkout.fromCart
              ? this.carts.removeBought(tx, checkout.buyerId, checkout.lines)
              : Promise.resolve(),
          );
        } else {
          // Orders are written before the commit is sent, so without any nothing was sold.
          await this.undo(checkout, true, undefined);
        }
        settled++;
      } catch (error) {
        if (error instanceof LeaseLost) continue;
        // A commit refused for good (the reservation expired) undoes the checkout; anything else
        // (a service down) waits for the next sweep, when the lease has run out again.
        if (!definitelyNotSold(error)) throw error;
        await this.undo(checkout, true, error);
        settled++;
      }
    }
    return settled;
  }

  /** Prices the lines from the catalog, one order per seller. */
  private async plan(
    caller: Caller,
    checkout: CheckoutRecord,
    input: CheckoutInput,
  ): Promise<PlannedOrder[]> {
    const variants = await this.catalog.variants(checkout.lines.map((line) => line.variantId));
    const storefronts = await this.catalog.storefronts([
      ...new Set([...variants.values()].map((variant) => variant.storefrontId)),
    ]);
    return planOrders({
      buyerId: caller.id,
      lines: checkout.lines,
      variants,
      storefronts,
      shippingAddress: input.shippingAddress,
      billingAddress: input.billingAddress ?? input.shippingAddress,
      note: input.note,
    });
  }

  private async result(checkout: CheckoutRecord, replayed: boolean): Promise<CheckoutResult> {
    return { ...this.summary(checkout, await this.orders.ofCheckout(checkout.id)), replayed };
  }

  private summary(checkout: CheckoutRecord, orders: Order[]): Omit<CheckoutResult, "replayed"> {
    return {
      id: checkout.id,
      orders,
      totals: totalsByCurrency(orders.map((order) => order.snapshot)),
      createdAt: checkout.createdAt,
    };
  }
}

/**
 * What a request keeps back from its calls to other services to undo a step and still answer
 * within its caller's deadline, in ms: a call that runs into its own deadline would otherwise leave
 * the undo and the answer no time, and the caller's deadline would blame this service for the
 * outage of the one it called (ADR 0028). A busy machine needs far more than the 250 ms onwardMs
 * keeps back for answering alone (a DB write to give the checkout up, a restarting peer's CPU).
 */
const compensationReserveMs = 1_000;

/** Runs `call` with the request's deadline moved compensationReserveMs earlier (at most a quarter of what is left). */
function beforeCompensation<T>(call: () => Promise<T>): Promise<T> {
  const ctx = currentContext();
  if (ctx?.deadline === undefined) return call();
  const keep = Math.min(compensationReserveMs, remainingMs(ctx) / 4);
  return runWithContext({ ...ctx, deadline: ctx.deadline - keep }, call);
}

/** Inventory refused the commit for good (expired, released, unknown): none of its units were sold. */
function definitelyNotSold(error: unknown): error is DomainError {
  return error instanceof DomainError && (error.code === "FAILED_PRECONDITION" || error.code === "NOT_FOUND");
}

function checkDistinct(lines: readonly WantedLine[]): void {
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    const id = line.variantId.toLowerCase();
    if (seen.has(id))
      throw InvalidArgument.field(`lines[${i}].variant_id`, "appears twice; add the quantities up");
    seen.add(id);
  });
}

/** A digest of what the request asks for, to tell a retry from a different checkout under the same key. */
function hashRequest(input: CheckoutInput): string {
  const contact = (c: ContactAddress | undefined) =>
    c && [
      c.name,
      c.phone,
      ...(["line1", "line2", "city", "region", "postalCode", "countryCode"] as const).map(
        (k) => c.address[k],
      ),
    ];
  const canonical = JSON.stringify([
    contact(input.shippingAddress),
    contact(input.billingAddress) ?? null,
    input.lines.map((line) => [line.variantId.toLowerCase(), line.quantity]),
    input.note,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}
