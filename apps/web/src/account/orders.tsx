import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { dateTime } from "../lib/format";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";
import { StatusBadge, useOrderUpdates } from "./order-status";

const MyOrders = graphql(`
  query MyOrders($after: String) {
    orders(first: 20, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          status
          createdAt
          trackingNumber
          snapshot {
            seller {
              name
              slug
            }
            total {
              formatted
            }
            lines {
              quantity
            }
          }
        }
      }
    }
  }
`);

export default function Orders() {
  return (
    <RequireRole need="buyer">
      <OrderList />
    </RequireRole>
  );
}

function OrderList() {
  const { t } = useTranslation("account");
  const location = useLocation();
  const placed = (location.state as { placed?: number } | null)?.placed;
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({ query: MyOrders, variables: { after } });
  const update = useOrderUpdates(() => retry({ requestPolicy: "network-only" }));
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  const orders = data?.orders.edges.map((e) => e.node) ?? [];
  return (
    <Page title={t("orders.title")}>
      {placed ? (
        <p className="alert alert-success" role="status">
          {t("orders.placed", { count: placed })}
        </p>
      ) : null}
      <p className="visually-hidden" role="status" aria-live="polite">
        {update ? t("orders.changed", { status: t(`orderStatus.${update.status}`) }) : ""}
      </p>
      {orders.length === 0 ? (
        <Empty>
          <p>{t("orders.none")}</p>
          <p>
            <Link to="/search">{t("cart.browse")}</Link>
          </p>
        </Empty>
      ) : (
        <ul className="order-list plain stack">
          {orders.map((order) => (
            <li key={order.id} className="card">
              <article aria-labelledby={`order-${order.id}`}>
                <h2 id={`order-${order.id}`} className="h3">
                  <Link to={`/orders/${order.id}`}>
                    {t("orders.from", { seller: order.snapshot.seller.name })}
                  </Link>
                </h2>
                <p className="row">
                  <StatusBadge status={order.status} />
                  <span>{dateTime(order.createdAt)}</span>
                  <span>
                    {t("orders.items", { count: order.snapshot.lines.reduce((n, l) => n + l.quantity, 0) })}
                  </span>
                  <span className="price">{order.snapshot.total.formatted}</span>
                </p>
                {order.trackingNumber ? (
                  <p className="muted">{t("orders.tracking", { number: order.trackingNumber })}</p>
                ) : null}
              </article>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        {after ? (
          <button type="button" className="secondary" onClick={() => setAfter(null)}>
            {t("orders.newest")}
          </button>
        ) : null}
        {data?.orders.pageInfo.hasNextPage ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setAfter(data.orders.pageInfo.endCursor ?? null)}
          >
            {t("orders.older")}
          </button>
        ) : null}
      </div>
    </Page>
  );
}
