import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { FormProblem } from "../ui/form";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";
import { AddressForm } from "./address-form";
import { bySeller, CartPage } from "./cart-query";

export const AddressBook = graphql(`
  query AddressBook {
    me {
      id
      addresses(first: 100) {
        edges {
          node {
            id
            label
            recipientName
            company
            line1
            line2
            city
            region
            postalCode
            countryCode
            phone
            defaultShipping
            defaultBilling
          }
        }
      }
    }
  }
`);

const PlaceOrder = graphql(`
  mutation PlaceOrder($idempotencyKey: String!, $input: CheckoutInput!) {
    checkout(idempotencyKey: $idempotencyKey, input: $input) {
      id
      replayed
      orders {
        id
      }
    }
  }
`);

export default function Checkout() {
  return (
    <RequireRole need="buyer">
      <CheckoutForm />
    </RequireRole>
  );
}

function CheckoutForm() {
  const { t } = useTranslation("account");
  const navigate = useNavigate();
  const [cart] = useQuery({ query: CartPage, requestPolicy: "network-only" });
  const [book, reloadBook] = useQuery({ query: AddressBook, requestPolicy: "cache-and-network" });
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  // One key per attempt: a double click or a retry of the same attempt replays the first answer.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());
  const [placing, place] = useMutation(PlaceOrder);
  if ((cart.fetching && !cart.data) || (book.fetching && !book.data)) return <Loading />;
  if (cart.error) return <LoadError error={cart.error} />;
  if (book.error) return <LoadError error={book.error} />;
  const lines = cart.data?.cart.lines ?? [];
  const addresses = book.data?.me?.addresses.edges.map((e) => e.node) ?? [];
  const selected =
    addresses.find((a) => a.id === chosen) ?? addresses.find((a) => a.defaultShipping) ?? addresses[0];
  const problem = apiProblem(placing.error);
  const blocked = lines.some((l) => !l.enoughStock || !l.purchasable);

  const submit = async () => {
    if (!selected || placing.fetching) return;
    const input = {
      shippingAddress: {
        name: selected.recipientName,
        phone: selected.phone ?? null,
        address: {
          line1: selected.line1,
          line2: selected.line2 ?? null,
          city: selected.city,
          region: selected.region ?? null,
          postalCode: selected.postalCode ?? null,
          countryCode: selected.countryCode,
        },
      },
    };
    const result = await place({ idempotencyKey: attempt, input });
    const placed = result.data?.checkout;
    if (placed) {
      setAttempt(crypto.randomUUID());
      navigate("/orders", { state: { placed: placed.orders.length } });
    }
  };

  if (lines.length === 0)
    return (
      <Page title={t("checkout.title")}>
        <Empty>
          <p>{t("cart.empty")}</p>
          <p>
            <Link to="/search">{t("cart.browse")}</Link>
          </p>
        </Empty>
      </Page>
    );

  return (
    <Page title={t("checkout.title")}>
      <div className="split split-even">
        <section aria-labelledby="ship-heading">
          <h2 id="ship-heading">{t("checkout.shipTo")}</h2>
          {addresses.length > 0 && !adding ? (
            <fieldset>
              <legend>{t("checkout.chooseAddress")}</legend>
              {addresses.map((a) => (
                <div className="checkbox" key={a.id}>
                  <input
                    type="radio"
                    id={`address-${a.id}`}
                    name="address"
                    checked={selected?.id === a.id}
                    onChange={() => setChosen(a.id)}
                  />
                  <label htmlFor={`address-${a.id}`}>
                    {[
                      a.label,
                      a.recipientName,
                      a.line1,
                      `${a.postalCode ?? ""} ${a.city}`.trim(),
                      a.countryCode,
                    ]
                      .filter(Boolean)
                      .join(", ")}
                  </label>
                </div>
              ))}
            </fieldset>
          ) : null}
          {addresses.length === 0 || adding ? (
            <AddressForm
              onSaved={(id) => {
                setChosen(id);
                setAdding(false);
                reloadBook({ requestPolicy: "network-only" });
              }}
              {...(addresses.length > 0 ? { onCancel: () => setAdding(false) } : {})}
            />
          ) : (
            <button type="button" className="secondary" onClick={() => setAdding(true)}>
              {t("checkout.newAddress")}
            </button>
          )}
        </section>
        <section aria-labelledby="summary-heading">
          <h2 id="summary-heading">{t("checkout.summary")}</h2>
          {bySeller(lines).map((group) => (
            <div key={group.id} className="card">
              <h3>{t("checkout.orderFrom", { seller: group.name })}</h3>
              <ul className="plain">
                {group.lines.map((l) => (
                  <li key={l.variantId}>
                    {l.quantity} × {l.title} — {l.lineTotal?.formatted}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <p className="price big">
            {t("cart.total")} {cart.data?.cart.totals.map((m) => m.formatted).join(" + ")}
          </p>
          <p className="muted">{t("checkout.oneOrderPerSeller", { count: bySeller(lines).length })}</p>
          {blocked ? (
            <p className="alert alert-warning" role="status">
              {t("checkout.fixCart")} <Link to="/cart">{t("checkout.backToCart")}</Link>
            </p>
          ) : null}
          <FormProblem problem={problem} />
          <button type="button" onClick={submit} disabled={!selected || placing.fetching || blocked}>
            {placing.fetching ? t("checkout.placing") : t("checkout.place")}
          </button>
        </section>
      </div>
    </Page>
  );
}
