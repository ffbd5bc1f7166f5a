import { create } from "@bufbuild/protobuf";
import { type Payout, PayoutChangedSchema } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Subjects of the payout events the sellers service publishes. */
export const payoutSubjects = {
  requested: "mercato.sellers.payout.requested",
  paid: "mercato.sellers.payout.paid",
  failed: "mercato.sellers.payout.failed",
} as const;

/** Records PayoutChanged on `.requested`, `.paid` or `.failed` in the transaction that made the change. */
export async function recordPayoutChanged(
  outbox: Outbox,
  tx: Executor,
  verb: keyof typeof payoutSubjects,
  payout: Payout,
): Promise<void> {
  await outbox.add(tx, {
    subject: payoutSubjects[verb],
    schema: PayoutChangedSchema,
    message: create(PayoutChangedSchema, { payout }),
  });
}
