import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { StatusBadge, useOrderUpdates } from "../account/order-status";
import { graphql } from "../gql";
import type { OrderStatus, SellerOrdersQuery } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const SellerOrders = graphql(`
  query SellerOrders($status: OrderStatus, $after: String) {
    sellerOrders(status: $status, first: 20, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          status
          createdAt
          carrier
          trackingNumber
          snapshot {
            total {
              formatted
            }
            shippingAddress {
              name
              address {
                line1
                postalCode
                city
                countryCode
              }
            }
            lines {
              variantId
              title
              sku
              quantity
              options {
                name
                value
              }
            }
          }
        }
      }
    }
  }
`);

const Accept = graphql(`
  mutation AcceptOrder($id: ID!) {
    acceptOrder(id: $id) {
      id
      status
    }
  }
`);

const Ship = graphql(`
  mutation ShipOrder($id: ID!, $trackingNumber: String!, $carrier: String) {
    shipOrder(id: $id, trackingNumber: $trackingNumber, carrier: $carrier) {
      id
      status
      trackingNumber
      carrier
    }
  }
`);

const Deliver = graphql(`
  mutation DeliverOrder($id: ID!) {
    markOrderDelivered(id: $id) {
      id
      status
    }
  }
`);

const Cancel = graphql(`
  mutation SellerCancelOrder($id: ID!, $reason: String) {
    cancelOrder(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

const statuses: OrderStatus[] = ["PLACED", "ACCEPTED", "SHIPPED", "DELIVERED", "COMPLETED", "CANCELLED"];

export default function Orders() {
  const { t } = useTranslation("seller");
  const [status, setStatus] = useState<OrderStatus | "">("");
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({
    query: SellerOrders,
    variables: { status: status || null, after },
  });
  const refresh = () => retry({ requestPolicy: "network-only" });
  const update = useOrderUpdates(refresh);
  const orders = data?.sellerOrders.edges.map((e) => e.node) ?? [];
  return (
    <Page title={t("orders.title")}>
      <SelectField
        label={t("orders.filter")}
        value={status}
        onChange={(event) => {
          setAfter(null);
          setStatus(event.target.value as OrderStatus | "");
        }}
      >
        <option value="">{t("orders.all")}</option>
        {statuses.map((s) => (
          <option key={s} value={s}>
            {t(`orderStatus.${s}`)}
          </option>
        ))}
      </SelectField>
      <p className="visually-hidden" aria-live="polite">
        {update ? t("orders.changed", { status: t(`orderStatus.${update.status}`) }) : ""}
      </p>
      {fetching && !data ? <Loading /> : null}
      {error ? <LoadError error={error} retry={refresh} /> : null}
      {data && orders.length === 0 ? <Empty>{t("orders.none")}</Empty> : null}
      <ul className="plain stack">
        {orders.map((order) => (
          <li key={order.id} className="card">
            <SellerOrder order={order} onChanged={refresh} />
          </li>
        ))}
      </ul>
      {data?.sellerOrders.pageInfo.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setAfter(data.sellerOrders.pageInfo.endCursor ?? null)}
        >
          {t("common.next")}
        </button>
      ) : null}
    </Page>
  );
}

type OrderNode = SellerOrdersQuery["sellerOrders"]["edges"][number]["node"];

function SellerOrder({ order, onChanged }: { order: OrderNode; onChanged: () => void }) {
  const { t } = useTranslation("seller");
  const [accepting, accept] = useMutation(Accept);
  const [shipping, ship] = useMutation(Ship);
  const [delivering, deliver] = useMutation(Deliver);
  const [cancelling, cancel] = useMutation(Cancel);
  const [form, setForm] = useState<"ship" | "cancel" | null>(null);
  const problem = apiProblem(accepting.error ?? shipping.error ?? delivering.error ?? cancelling.error, [
    "trackingNumber",
    "carrier",
    "reason",
  ]);
  const done = (result: { error?: unknown }) => {
    if (!result.error) {
      setForm(null);
      onChanged();
    }
  };
  const submitShip = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    done(
      await ship({
        id: order.id,
        trackingNumber: String(data.get("trackingNumber") ?? "").trim(),
        carrier: String(data.get("carrier") ?? "").trim() || null,
      }),
    );
  };
  const busy = accepting.fetching || shipping.fetching || delivering.fetching || cancelling.fetching;
  const address = order.snapshot.shippingAddress;
  return (
    <article aria-labelledby={`o-${order.id}`}>
      <h2 id={`o-${order.id}`} className="h3">
        {t("orders.orderFor", { name: address.name })}
      </h2>
      <p className="row">
        <StatusBadge status={order.status} />
        <span>{dateTime(order.createdAt)}</span>
        <span className="price">{order.snapshot.total.formatted}</span>
      </p>
      <ul>
        {order.snapshot.lines.map((line) => (
          <li key={line.variantId}>
            {line.quantity} × {line.title}
            {line.options.length ? ` (${line.options.map((o) => o.value).join(", ")})` : ""} — {line.sku}
          </li>
        ))}
      </ul>
      <p className="muted">
        {address.address.line1}, {address.address.postalCode} {address.address.city},{" "}
        {address.address.countryCode}
      </p>
      {order.trackingNumber ? (
        <p>{t("orders.tracking", { carrier: order.carrier ?? "—", number: order.trackingNumber })}</p>
      ) : null}
      <div className="row">
        {order.status === "PLACED" ? (
          <button type="button" disabled={busy} onClick={async () => done(await accept({ id: order.id }))}>
            {t("orders.accept")}
          </button>
        ) : null}
        {order.status === "ACCEPTED" ? (
          <button
            type="button"
            disabled={busy}
            aria-expanded={form === "ship"}
            onClick={() => setForm("ship")}
          >
            {t("orders.ship")}
          </button>
        ) : null}
        {order.status === "SHIPPED" ? (
          <button type="button" disabled={busy} onClick={async () => done(await deliver({ id: order.id }))}>
            {t("orders.delivered")}
          </button>
        ) : null}
        {order.status === "PLACED" || order.status === "ACCEPTED" ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            aria-expanded={form === "cancel"}
            onClick={() => setForm("cancel")}
          >
            {t("orders.cancel")}
          </button>
        ) : null}
      </div>
      {form === "ship" ? (
        <form onSubmit={submitShip} noValidate className="inline-form">
          <TextField label={t("orders.carrier")} name="carrier" error={problem?.fields.carrier} />
          <TextField
            label={t("orders.trackingNumber")}
            name="trackingNumber"
            required
            error={problem?.fields.trackingNumber}
          />
          <button type="submit" disabled={busy}>
            {t("orders.confirmShip")}
          </button>
        </form>
      ) : null}
      {form === "cancel" ? (
        <form
          noValidate
          className="inline-form"
          onSubmit={async (event) => {
            event.preventDefault();
            const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
            done(await cancel({ id: order.id, reason: reason || null }));
          }}
        >
          <TextField label={t("orders.reason")} name="reason" error={problem?.fields.reason} />
          <button type="submit" className="danger" disabled={busy}>
            {t("orders.confirmCancel")}
          </button>
        </form>
      ) : null}
      <FormProblem problem={problem} />
    </article>
  );
}
