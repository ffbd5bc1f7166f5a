import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { FormProblem } from "../ui/form";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";
import { Picture } from "../ui/picture";
import { Empty, LoadError, Loading } from "../ui/states";
import { bySeller, CartPage } from "./cart-query";

const UpdateLine = graphql(`
  mutation UpdateCartLine($variantId: ID!, $quantity: Int!) {
    updateCartLine(variantId: $variantId, quantity: $quantity) {
      buyerId
    }
  }
`);

const RemoveLine = graphql(`
  mutation RemoveCartLine($variantId: ID!) {
    removeCartLine(variantId: $variantId) {
      buyerId
    }
  }
`);

export default function Cart() {
  return (
    <RequireRole need="buyer">
      <CartContents />
    </RequireRole>
  );
}

function CartContents() {
  const { t } = useTranslation("account");
  const [{ data, error, fetching }, retry] = useQuery({ query: CartPage, requestPolicy: "network-only" });
  const [updating, update] = useMutation(UpdateLine);
  const [removing, remove] = useMutation(RemoveLine);
  const refresh = () => retry({ requestPolicy: "network-only" });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={refresh} />;
  const cart = data?.cart;
  const lines = cart?.lines ?? [];
  const changed = lines.filter((l) => l.priceChanged);
  const short = lines.filter((l) => !l.enoughStock || !l.purchasable);
  const problem = apiProblem(updating.error ?? removing.error);
  const busy = updating.fetching || removing.fetching;
  return (
    <Page title={t("cart.title")}>
      {lines.length === 0 ? (
        <Empty>
          <p>{t("cart.empty")}</p>
          <p>
            <Link to="/search">{t("cart.browse")}</Link>
          </p>
        </Empty>
      ) : null}
      <div role="status">
        {changed.length > 0 ? (
          <p className="alert alert-warning">{t("cart.pricesChanged", { count: changed.length })}</p>
        ) : null}
        {short.length > 0 ? (
          <p className="alert alert-warning">{t("cart.stockShort", { count: short.length })}</p>
        ) : null}
      </div>
      <FormProblem problem={problem} />
      {bySeller(lines).map((group) => (
        <section key={group.id} className="card seller-group" aria-labelledby={`seller-${group.id}`}>
          <h2 id={`seller-${group.id}`}>
            {t("cart.from")} <Link to={`/storefronts/${group.slug}`}>{group.name}</Link>
          </h2>
          <ul className="lines">
            {group.lines.map((line) => (
              <li key={line.variantId} className="line">
                <Picture media={line.image} alt="" className="thumb" />
                <div className="line-main">
                  <p className="line-title">
                    <Link to={`/products/${line.productId}`}>{line.title}</Link>
                  </p>
                  <p className="muted small">{line.options.map((o) => `${o.name}: ${o.value}`).join(", ")}</p>
                  <p>
                    {line.unitPrice?.formatted}
                    {line.priceChanged ? (
                      <span className="status">
                        {t("cart.wasPrice", { price: line.priceWhenAdded.formatted })}
                      </span>
                    ) : null}
                  </p>
                  {!line.purchasable ? (
                    <p className="field-error">{t("cart.notPurchasable")}</p>
                  ) : !line.enoughStock ? (
                    <p className="field-error">{t("cart.onlyLeft", { count: line.available })}</p>
                  ) : null}
                </div>
                <div className="line-actions">
                  <label className="quantity">
                    <span>{t("cart.quantity")}</span>
                    <select
                      value={line.quantity}
                      disabled={busy}
                      onChange={async (event) => {
                        await update({ variantId: line.variantId, quantity: Number(event.target.value) });
                        refresh();
                      }}
                    >
                      {Array.from({ length: Math.max(10, line.quantity) }, (_, i) => i + 1).map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                  </label>
                  <p className="price">{line.lineTotal?.formatted}</p>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    aria-label={t("cart.removeItem", { title: line.title ?? line.sku ?? "" })}
                    onClick={async () => {
                      await remove({ variantId: line.variantId });
                      refresh();
                    }}
                  >
                    {t("cart.remove")}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {lines.length > 0 ? (
        <div className="cart-total row">
          <p className="price big">
            {t("cart.total")} {cart?.totals.map((m) => m.formatted).join(" + ")}
          </p>
          <Link className="button" to="/checkout" aria-disabled={short.length > 0 ? true : undefined}>
            {t("cart.checkout")}
          </Link>
        </div>
      ) : null}
    </Page>
  );
}
