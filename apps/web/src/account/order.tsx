import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { NotFound } from "../app/not-found";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem, TextField } from "../ui/form";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";
import { Picture } from "../ui/picture";
import { LoadError, Loading } from "../ui/states";
import { StatusBadge, useOrderUpdates } from "./order-status";

const OrderDetail = graphql(`
  query OrderDetail($id: ID!) {
    order(id: $id) {
      id
      status
      carrier
      trackingNumber
      createdAt
      history {
        status
        reason
        at
      }
      snapshot {
        seller {
          name
          slug
        }
        shippingAddress {
          name
          address {
            line1
            line2
            postalCode
            city
            countryCode
          }
        }
        subtotal {
          formatted
        }
        total {
          formatted
        }
        lines {
          variantId
          productId
          title
          sku
          quantity
          options {
            name
            value
          }
          unitPrice {
            formatted
          }
          lineTotal {
            formatted
          }
          image {
            url(size: THUMBNAIL_SMALL)
            dominantColor
          }
        }
      }
    }
  }
`);

const CancelOrder = graphql(`
  mutation BuyerCancelOrder($id: ID!, $reason: String) {
    cancelOrder(id: $id, reason: $reason) {
      id
      status
    }
  }
`);

export default function Order() {
  return (
    <RequireRole need="buyer">
      <OrderPage />
    </RequireRole>
  );
}

function OrderPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation("account");
  const [{ data, error, fetching }, retry] = useQuery({ query: OrderDetail, variables: { id } });
  const [cancelling, cancel] = useMutation(CancelOrder);
  const [asking, setAsking] = useState(false);
  useOrderUpdates(() => retry({ requestPolicy: "network-only" }));
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  const order = data?.order;
  if (!order) return <NotFound />;
  const { snapshot } = order;
  const problem = apiProblem(cancelling.error, ["reason"]);
  const address = snapshot.shippingAddress;
  return (
    <Page title={t("order.title", { seller: snapshot.seller.name })}>
      <p className="row" aria-live="polite">
        <StatusBadge status={order.status} />
        <span>{dateTime(order.createdAt)}</span>
      </p>
      {order.trackingNumber ? (
        <p>{t("order.shippedWith", { carrier: order.carrier ?? "—", number: order.trackingNumber })}</p>
      ) : null}
      <section aria-labelledby="lines-heading">
        <h2 id="lines-heading">{t("order.lines")}</h2>
        <ul className="lines plain">
          {snapshot.lines.map((line) => (
            <li key={line.variantId} className="line">
              <Picture media={line.image} alt="" className="thumb" />
              <div className="line-main">
                <p className="line-title">
                  <Link to={`/products/${line.productId}`}>{line.title}</Link>
                </p>
                <p className="muted small">{line.options.map((o) => `${o.name}: ${o.value}`).join(", ")}</p>
              </div>
              <p>
                {line.quantity} × {line.unitPrice.formatted} ={" "}
                <span className="price">{line.lineTotal.formatted}</span>
              </p>
            </li>
          ))}
        </ul>
        <p className="price big">{t("order.total", { total: snapshot.total.formatted })}</p>
      </section>
      <section aria-labelledby="ship-heading">
        <h2 id="ship-heading">{t("order.shipTo")}</h2>
        <address>
          {address.name}
          <br />
          {address.address.line1}
          {address.address.line2 ? (
            <>
              <br />
              {address.address.line2}
            </>
          ) : null}
          <br />
          {address.address.postalCode} {address.address.city}, {address.address.countryCode}
        </address>
      </section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t("order.history")}</h2>
        <ol className="history">
          {order.history.map((step) => (
            <li key={`${step.status}-${step.at}`}>
              <StatusBadge status={step.status} /> {dateTime(step.at)}
              {step.reason ? ` — ${step.reason}` : ""}
            </li>
          ))}
        </ol>
      </section>
      {order.status === "PLACED" ? (
        <section aria-labelledby="cancel-heading">
          <h2 id="cancel-heading">{t("order.cancelTitle")}</h2>
          {asking ? (
            <form
              onSubmit={async (event) => {
                event.preventDefault();
                const reason = String(new FormData(event.currentTarget).get("reason") ?? "").trim();
                const result = await cancel({ id: order.id, reason: reason || null });
                if (!result.error) setAsking(false);
              }}
            >
              <TextField label={t("order.reason")} name="reason" error={problem?.fields.reason} />
              <FormProblem problem={problem} />
              <div className="row">
                <button type="submit" className="danger" disabled={cancelling.fetching}>
                  {t("order.confirmCancel")}
                </button>
                <button type="button" className="secondary" onClick={() => setAsking(false)}>
                  {t("order.keep")}
                </button>
              </div>
            </form>
          ) : (
            <button type="button" className="secondary" onClick={() => setAsking(true)}>
              {t("order.cancel")}
            </button>
          )}
        </section>
      ) : null}
      <p>
        <Link to="/orders">{t("order.back")}</Link>
      </p>
    </Page>
  );
}
