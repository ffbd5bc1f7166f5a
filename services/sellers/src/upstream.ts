import type { Logger } from "pino";

/** A payout to send: money from the marketplace to one storefront's seller. */
export interface PayoutInstruction {
  payoutId: string;
  storefrontId: string;
  amountMinor: bigint;
  /** ISO 4217 code. */
  currency: string;
}

/** What a provider says when it has taken a payout on. */
export interface PayoutReceipt {
  /** The provider's reference of the transfer; empty when there is none yet. */
  reference: string;
}

/**
 * Sends payouts to sellers (a bank file, a payment provider's API, a person). It is called in the
 * transaction that takes the balance, so throwing refuses the payout request and takes nothing.
 * Whether the money arrived is recorded later, by marking the payout paid or failed.
 */
export interface PayoutProvider {
  /** Name stored with each payout it sends, e.g. `manual`. */
  readonly name: string;
  /** Takes a requested payout on. */
  send(payout: PayoutInstruction): Promise<PayoutReceipt>;
}

/** The provider of a marketplace that pays by hand: an admin transfers the money, then marks the payout. */
export class ManualPayoutProvider implements PayoutProvider {
  readonly name = "manual";

  constructor(private readonly logger?: Logger) {}

  async send(payout: PayoutInstruction): Promise<PayoutReceipt> {
    this.logger?.info(
      {
        payoutId: payout.payoutId,
        storefrontId: payout.storefrontId,
        amountMinor: payout.amountMinor.toString(),
        currency: payout.currency,
      },
      "payout waits for an admin to transfer it by hand and mark it paid or failed",
    );
    return { reference: "" };
  }
}
