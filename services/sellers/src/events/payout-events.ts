import { eventSubjects } from "@mercato/contracts/events";
import type { Payout } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { Executor, Outbox } from "@mercato/platform";

const payoutSubjects = {
  requested: eventSubjects.sellers.payoutRequested,
  paid: eventSubjects.sellers.payoutPaid,
  failed: eventSubjects.sellers.payoutFailed,
} as const;

/** Records PayoutChanged on `.requested`, `.paid` or `.failed` in the transaction that made the change. */
export async function recordPayoutChanged(
  outbox: Outbox,
  tx: Executor,
  verb: keyof typeof payoutSubjects,
  payout: Payout,
): Promise<void> {
  await outbox.add(tx, payoutSubjects[verb], { payout });
}
