import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { AdminPayoutsQuery, PayoutStatus } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const AdminPayouts = graphql(`
  query AdminPayouts($status: PayoutStatus, $after: String) {
    payouts(status: $status, first: 20, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          storefrontId
          amount {
            formatted
          }
          status
          provider
          providerReference
          failureReason
          requestedAt
          decidedAt
        }
      }
    }
  }
`);

const MarkPaid = graphql(`
  mutation MarkPayoutPaid($id: ID!, $reference: String) {
    markPayoutPaid(id: $id, reference: $reference) {
      id
      status
    }
  }
`);

const MarkFailed = graphql(`
  mutation MarkPayoutFailed($id: ID!, $reason: String!) {
    markPayoutFailed(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

type Payout = AdminPayoutsQuery["payouts"]["edges"][number]["node"];

export default function Payouts() {
  const { t } = useTranslation("admin");
  const [status, setStatus] = useState<PayoutStatus | "">("REQUESTED");
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({
    query: AdminPayouts,
    variables: { status: status || null, after },
  });
  const [said, setSaid] = useState("");
  const refresh = () => retry({ requestPolicy: "network-only" });
  const payouts = data?.payouts.edges.map((e) => e.node) ?? [];
  return (
    <Page title={t("payouts.title")}>
      <SelectField
        label={t("payouts.show")}
        value={status}
        onChange={(event) => {
          setAfter(null);
          setStatus(event.target.value as PayoutStatus | "");
        }}
      >
        <option value="">{t("payouts.all")}</option>
        {(["REQUESTED", "PAID", "FAILED"] as const).map((s) => (
          <option key={s} value={s}>
            {t(`payoutStatus.${s}`)}
          </option>
        ))}
      </SelectField>
      <p role="status">{said}</p>
      {fetching && !data ? <Loading /> : null}
      {error ? <LoadError error={error} retry={refresh} /> : null}
      {data && payouts.length === 0 ? <Empty>{t("payouts.none")}</Empty> : null}
      <ul className="plain stack">
        {payouts.map((payout) => (
          <li key={payout.id} className="card">
            <PayoutCard
              payout={payout}
              onChanged={(text) => {
                setSaid(text);
                refresh();
              }}
            />
          </li>
        ))}
      </ul>
      {data?.payouts.pageInfo.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setAfter(data.payouts.pageInfo.endCursor ?? null)}
        >
          {t("common.next")}
        </button>
      ) : null}
    </Page>
  );
}

function PayoutCard({ payout, onChanged }: { payout: Payout; onChanged: (said: string) => void }) {
  const { t } = useTranslation("admin");
  const [paid, markPaid] = useMutation(MarkPaid);
  const [failed, markFailed] = useMutation(MarkFailed);
  const [open, setOpen] = useState<"paid" | "failed" | null>(null);
  const problem = apiProblem(paid.error ?? failed.error, ["reference", "reason"]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const reply =
      open === "paid"
        ? await markPaid({ id: payout.id, reference: text("reference") || null })
        : await markFailed({ id: payout.id, reason: text("reason") });
    if (!reply.error) {
      setOpen(null);
      onChanged(open === "paid" ? t("payouts.markedPaid") : t("payouts.markedFailed"));
    }
  };
  return (
    <article aria-label={t("payouts.payoutOf", { amount: payout.amount.formatted })}>
      <p className="row">
        <span className="price">{payout.amount.formatted}</span>
        <span className="status">{t(`payoutStatus.${payout.status}`)}</span>
        <span>{t("payouts.requestedAt", { at: dateTime(payout.requestedAt) })}</span>
        <span className="muted small">{t("payouts.storefront", { id: payout.storefrontId })}</span>
      </p>
      {payout.providerReference ? (
        <p className="muted">{t("payouts.reference", { reference: payout.providerReference })}</p>
      ) : null}
      {payout.failureReason ? (
        <p className="muted">{t("payouts.failure", { reason: payout.failureReason })}</p>
      ) : null}
      {payout.status === "REQUESTED" && !open ? (
        <div className="row">
          <button type="button" onClick={() => setOpen("paid")}>
            {t("payouts.markPaid")}
          </button>
          <button type="button" className="secondary" onClick={() => setOpen("failed")}>
            {t("payouts.markFailed")}
          </button>
        </div>
      ) : null}
      {open ? (
        <form onSubmit={submit} noValidate className="inline-form">
          {open === "paid" ? (
            <TextField
              label={t("payouts.referenceLabel")}
              name="reference"
              error={problem?.fields.reference}
            />
          ) : (
            <TextField
              label={t("payouts.reasonLabel")}
              name="reason"
              required
              error={problem?.fields.reason}
            />
          )}
          <div className="row">
            <button type="submit" disabled={paid.fetching || failed.fetching}>
              {open === "paid" ? t("payouts.confirmPaid") : t("payouts.confirmFailed")}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(null)}>
              {t("payouts.cancel")}
            </button>
          </div>
        </form>
      ) : null}
      <FormProblem problem={problem} />
    </article>
  );
}
