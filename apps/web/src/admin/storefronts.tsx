import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { AdminStorefrontsQuery, StorefrontStatus } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const AdminStorefronts = graphql(`
  query AdminStorefronts($status: StorefrontStatus, $query: String, $after: String) {
    storefronts(status: $status, query: $query, first: 20, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          name
          slug
          status
          statusReason
          createdAt
          address {
            city
            countryCode
          }
          contact {
            email
          }
        }
      }
    }
  }
`);

const SetStatus = graphql(`
  mutation SetStorefrontStatus($id: ID!, $status: StorefrontStatus!, $reason: String) {
    setStorefrontStatus(id: $id, status: $status, reason: $reason) {
      id
      status
      statusReason
    }
  }
`);

type Store = AdminStorefrontsQuery["storefronts"]["edges"][number]["node"];

export default function Storefronts() {
  const { t } = useTranslation("admin");
  const [status, setStatus] = useState<StorefrontStatus | "">("");
  const [query, setQuery] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({
    query: AdminStorefronts,
    variables: { status: status || null, query: query || null, after },
  });
  const [said, setSaid] = useState("");
  const refresh = () => retry({ requestPolicy: "network-only" });
  const stores = data?.storefronts.edges.map((e) => e.node) ?? [];
  return (
    <Page title={t("storefronts.title")}>
      <form
        className="row filters-row"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          setAfter(null);
          setQuery(String(form.get("query") ?? "").trim());
          setStatus(String(form.get("status") ?? "") as StorefrontStatus | "");
        }}
      >
        <TextField label={t("storefronts.search")} name="query" type="search" defaultValue={query} />
        <SelectField label={t("storefronts.status")} name="status" defaultValue={status}>
          <option value="">{t("storefronts.any")}</option>
          {(["PENDING", "ACTIVE", "SUSPENDED"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit">{t("storefronts.filter")}</button>
      </form>
      <p role="status">{said}</p>
      {fetching && !data ? <Loading /> : null}
      {error ? <LoadError error={error} retry={refresh} /> : null}
      {data && stores.length === 0 ? <Empty>{t("storefronts.none")}</Empty> : null}
      <ul className="plain stack">
        {stores.map((store) => (
          <li key={store.id} className="card">
            <StoreCard
              store={store}
              onChanged={(text) => {
                setSaid(text);
                refresh();
              }}
            />
          </li>
        ))}
      </ul>
      {data?.storefronts.pageInfo.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setAfter(data.storefronts.pageInfo.endCursor ?? null)}
        >
          {t("common.next")}
        </button>
      ) : null}
    </Page>
  );
}

function StoreCard({ store, onChanged }: { store: Store; onChanged: (said: string) => void }) {
  const { t } = useTranslation("admin");
  const [result, setStatus] = useMutation(SetStatus);
  const [suspending, setSuspending] = useState(false);
  const problem = apiProblem(result.error, ["reason"]);
  const activate = async () => {
    const reply = await setStatus({ id: store.id, status: "ACTIVE", reason: null });
    if (!reply.error) onChanged(t("storefronts.activated", { name: store.name }));
  };
  const suspend = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
    const reply = await setStatus({ id: store.id, status: "SUSPENDED", reason });
    if (!reply.error) {
      setSuspending(false);
      onChanged(t("storefronts.suspended", { name: store.name }));
    }
  };
  return (
    <article aria-labelledby={`s-${store.id}`}>
      <h2 id={`s-${store.id}`} className="h3">
        {store.status === "ACTIVE" ? <Link to={`/storefronts/${store.slug}`}>{store.name}</Link> : store.name}
      </h2>
      <p className="row">
        <span className="status">{t(`status.${store.status}`)}</span>
        <span>
          {store.address.city}, {store.address.countryCode}
        </span>
        <span className="muted">{dateTime(store.createdAt)}</span>
        {store.contact.email ? <span className="muted">{store.contact.email}</span> : null}
      </p>
      {store.statusReason ? (
        <p className="muted">{t("storefronts.reason", { reason: store.statusReason })}</p>
      ) : null}
      <div className="row">
        {store.status !== "ACTIVE" ? (
          <button type="button" disabled={result.fetching} onClick={activate}>
            {store.status === "PENDING" ? t("storefronts.approve") : t("storefronts.reactivate")}
          </button>
        ) : null}
        {store.status === "ACTIVE" && !suspending ? (
          <button type="button" className="danger" aria-expanded={false} onClick={() => setSuspending(true)}>
            {t("storefronts.suspend")}
          </button>
        ) : null}
      </div>
      {suspending ? (
        <form onSubmit={suspend} noValidate className="inline-form">
          <TextField
            label={t("storefronts.suspendReason")}
            name="reason"
            required
            error={problem?.fields.reason}
            hint={t("storefronts.suspendHint")}
          />
          <div className="row">
            <button type="submit" className="danger" disabled={result.fetching}>
              {t("storefronts.confirmSuspend")}
            </button>
            <button type="button" className="secondary" onClick={() => setSuspending(false)}>
              {t("storefronts.cancel")}
            </button>
          </div>
        </form>
      ) : null}
      <FormProblem problem={problem} />
    </article>
  );
}
