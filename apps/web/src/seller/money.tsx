import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const Money = graphql(`
  query SellerMoney($ledgerAfter: String, $payoutsAfter: String) {
    balance {
      balances {
        currency
        available {
          formatted
          amountMinor
        }
        inPayout {
          formatted
        }
      }
    }
    ledgerEntries(first: 20, after: $ledgerAfter) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          amount {
            formatted
          }
          balanceAfter {
            formatted
          }
          commission {
            formatted
          }
          orderId
          createdAt
        }
      }
    }
    payouts(first: 20, after: $payoutsAfter) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          amount {
            formatted
          }
          status
          providerReference
          failureReason
          requestedAt
          decidedAt
        }
      }
    }
  }
`);

const RequestPayout = graphql(`
  mutation RequestPayout($currency: String!) {
    requestPayout(currency: $currency) {
      id
      status
    }
  }
`);

export default function MoneyPage() {
  const { t } = useTranslation("seller");
  const [ledgerAfter, setLedgerAfter] = useState<string | null>(null);
  const [payoutsAfter, setPayoutsAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({
    query: Money,
    variables: { ledgerAfter, payoutsAfter },
  });
  const [requested, request] = useMutation(RequestPayout);
  const [said, setSaid] = useState("");
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  const balances = data?.balance.balances ?? [];
  const ledger = data?.ledgerEntries.edges.map((e) => e.node) ?? [];
  const payouts = data?.payouts.edges.map((e) => e.node) ?? [];
  const problem = apiProblem(requested.error);
  return (
    <Page title={t("money.title")}>
      <section aria-labelledby="balance-heading">
        <h2 id="balance-heading">{t("money.balance")}</h2>
        {balances.length === 0 ? <Empty>{t("money.noBalance")}</Empty> : null}
        <ul className="plain row">
          {balances.map((b) => (
            <li key={b.currency} className="card">
              <p className="big-number">{b.available.formatted}</p>
              <p className="muted">{t("money.inPayout", { amount: b.inPayout.formatted })}</p>
              <button
                type="button"
                disabled={requested.fetching || b.available.amountMinor <= 0}
                onClick={async () => {
                  const result = await request({ currency: b.currency });
                  if (!result.error) {
                    setSaid(t("money.requested"));
                    retry({ requestPolicy: "network-only" });
                  }
                }}
              >
                {t("money.requestPayout")}
              </button>
            </li>
          ))}
        </ul>
        <p role="status">{said}</p>
        <FormProblem problem={problem} />
      </section>
      <section aria-labelledby="payouts-heading">
        <h2 id="payouts-heading">{t("money.payouts")}</h2>
        {payouts.length === 0 ? <Empty>{t("money.noPayouts")}</Empty> : null}
        {payouts.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("money.requestedAt")}</th>
                  <th scope="col">{t("money.amount")}</th>
                  <th scope="col">{t("money.status")}</th>
                  <th scope="col">{t("money.detail")}</th>
                </tr>
              </thead>
              <tbody>
                {payouts.map((p) => (
                  <tr key={p.id}>
                    <td>{dateTime(p.requestedAt)}</td>
                    <td>{p.amount.formatted}</td>
                    <td>
                      <span className="status">{t(`payoutStatus.${p.status}`)}</span>
                    </td>
                    <td>{p.failureReason ?? p.providerReference ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {data?.payouts.pageInfo.hasNextPage ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setPayoutsAfter(data.payouts.pageInfo.endCursor ?? null)}
          >
            {t("common.next")}
          </button>
        ) : null}
      </section>
      <section aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">{t("money.ledger")}</h2>
        {ledger.length === 0 ? <Empty>{t("money.noEntries")}</Empty> : null}
        {ledger.length > 0 ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("money.when")}</th>
                  <th scope="col">{t("money.kind")}</th>
                  <th scope="col">{t("money.amount")}</th>
                  <th scope="col">{t("money.commission")}</th>
                  <th scope="col">{t("money.after")}</th>
                </tr>
              </thead>
              <tbody>
                {ledger.map((entry) => (
                  <tr key={entry.id}>
                    <td>{dateTime(entry.createdAt)}</td>
                    <td>{t(`money.kinds.${entry.kind}`)}</td>
                    <td>{entry.amount.formatted}</td>
                    <td>{entry.commission?.formatted ?? ""}</td>
                    <td>{entry.balanceAfter.formatted}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {data?.ledgerEntries.pageInfo.hasNextPage ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setLedgerAfter(data.ledgerEntries.pageInfo.endCursor ?? null)}
          >
            {t("common.next")}
          </button>
        ) : null}
      </section>
    </Page>
  );
}
