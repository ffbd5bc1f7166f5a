import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { NotFound } from "../app/not-found";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { useSession } from "../lib/session";
import { FormProblem, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Picture } from "../ui/picture";
import { LoadError, Loading } from "../ui/states";

const ProductPage = graphql(`
  query ProductPage($id: ID!) {
    product(id: $id) {
      id
      title
      description
      status
      optionNames
      storefront {
        name
        slug
      }
      category {
        id
        name
      }
      media {
        id
        url(size: MAIN_DESKTOP)
        small: url(size: MAIN_MOBILE)
        width
        height
        dominantColor
      }
      variants {
        id
        sku
        price {
          formatted
        }
        compareAtPrice {
          formatted
        }
        options {
          name
          value
        }
      }
    }
  }
`);

const AddToCart = graphql(`
  mutation AddToCart($variantId: ID!, $quantity: Int!, $idempotencyKey: String) {
    addToCart(variantId: $variantId, quantity: $quantity, idempotencyKey: $idempotencyKey) {
      buyerId
      lines {
        variantId
        quantity
      }
    }
  }
`);

export default function Product() {
  const { id = "" } = useParams();
  const { t } = useTranslation("shop");
  const { has } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [{ data, error, fetching }, retry] = useQuery({ query: ProductPage, variables: { id } });
  const product = data?.product;
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [quantity, setQuantity] = useState("1");
  const [added, setAdded] = useState(false);
  const [adding, add] = useMutation(AddToCart);

  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  if (!product) return <NotFound />;

  const names = product.optionNames;
  // The chosen value of each option, defaulting to the first variant's.
  const first = product.variants[0];
  const selection = Object.fromEntries(
    names.map((name) => [name, chosen[name] ?? first?.options.find((o) => o.name === name)?.value ?? ""]),
  );
  const matches = (variant: (typeof product.variants)[number], wanted: Record<string, string>) =>
    names.every((name) => variant.options.find((o) => o.name === name)?.value === wanted[name]);
  const variant =
    product.variants.find((v) => matches(v, selection)) ?? (names.length === 0 ? first : undefined);
  const amount = Number(quantity);
  const quantityError = !Number.isInteger(amount) || amount < 1 ? t("product.badQuantity") : undefined;
  const problem = apiProblem(adding.error, ["quantity", "variantId"]);

  const addToCart = async () => {
    if (!variant || quantityError) return;
    if (!has("buyer")) {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    setAdded(false);
    const result = await add({
      variantId: variant.id,
      quantity: amount,
      idempotencyKey: crypto.randomUUID(),
    });
    if (!result.error) setAdded(true);
  };

  return (
    <Page title={product.title} wide>
      <div className="product-layout">
        <div className="gallery">
          {product.media.length === 0 ? <Picture media={null} alt="" /> : null}
          {product.media.map((m, index) => (
            <Picture
              key={m.id}
              media={m}
              alt={t("product.picture", { index: index + 1, title: product.title })}
              eager={index === 0}
            />
          ))}
        </div>
        <div className="buy-box stack">
          {product.storefront ? (
            <p>
              {t("product.soldBy")}{" "}
              <Link to={`/storefronts/${product.storefront.slug}`}>{product.storefront.name}</Link>
            </p>
          ) : null}
          {variant ? (
            <p className="price big" aria-live="polite">
              {variant.price.formatted}
              {variant.compareAtPrice ? (
                <s className="compare-at">
                  <span className="visually-hidden">{t("card.was")} </span>
                  {variant.compareAtPrice.formatted}
                </s>
              ) : null}
            </p>
          ) : (
            <p className="alert alert-warning" role="status">
              {t("product.noCombination")}
            </p>
          )}
          {names.map((name) => {
            const values = [
              ...new Set(product.variants.map((v) => v.options.find((o) => o.name === name)?.value ?? "")),
            ];
            return (
              <SelectField
                key={name}
                label={name}
                value={selection[name]}
                onChange={(event) => {
                  setAdded(false);
                  setChosen({ ...selection, [name]: event.target.value });
                }}
              >
                {values.map((value) => {
                  const exists = product.variants.some((v) => matches(v, { ...selection, [name]: value }));
                  return (
                    <option key={value} value={value} disabled={!exists}>
                      {exists ? value : t("product.unavailableValue", { value })}
                    </option>
                  );
                })}
              </SelectField>
            );
          })}
          <TextField
            label={t("product.quantity")}
            type="number"
            min={1}
            inputMode="numeric"
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
            error={quantityError ?? problem?.fields.quantity}
          />
          <FormProblem problem={problem} />
          <button
            type="button"
            onClick={addToCart}
            disabled={!variant || adding.fetching || !!quantityError || product.status !== "ACTIVE"}
          >
            {t("product.addToCart")}
          </button>
          <p role="status">
            {added ? (
              <>
                {t("product.added")} <Link to="/cart">{t("product.viewCart")}</Link>
              </>
            ) : null}
          </p>
          {variant ? <p className="muted small">{t("product.sku", { sku: variant.sku })}</p> : null}
        </div>
      </div>
      <section aria-labelledby="description-heading">
        <h2 id="description-heading">{t("product.description")}</h2>
        <p className="description">{product.description || t("product.noDescription")}</p>
        {product.category ? (
          <p>
            {t("product.category")}{" "}
            <Link to={`/search?category=${product.category.id}`}>{product.category.name}</Link>
          </p>
        ) : null}
      </section>
    </Page>
  );
}
