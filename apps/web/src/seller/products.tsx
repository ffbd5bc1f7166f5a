import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

export const SellerProducts = graphql(`
  query SellerProducts($after: String) {
    myStorefront {
      id
      products(first: 50, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            title
            status
            variants {
              id
              sku
              price {
                formatted
              }
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

export default function Products() {
  const { t } = useTranslation("seller");
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({ query: SellerProducts, variables: { after } });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  const store = data?.myStorefront;
  const products = store?.products.edges.map((e) => e.node) ?? [];
  return (
    <Page
      title={t("products.title")}
      actions={
        store ? (
          <Link className="button" to="/seller/products/new">
            {t("products.new")}
          </Link>
        ) : null
      }
    >
      {!store ? (
        <p>
          <Link to="/seller/storefront">{t("overview.open")}</Link>
        </p>
      ) : null}
      {store && products.length === 0 ? <Empty>{t("products.none")}</Empty> : null}
      {products.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("products.product")}</th>
                <th scope="col">{t("products.status")}</th>
                <th scope="col">{t("products.variants")}</th>
                <th scope="col">{t("products.price")}</th>
              </tr>
            </thead>
            <tbody>
              {products.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/seller/products/${p.id}`}>{p.title}</Link>
                  </td>
                  <td>
                    <span className="status">{t(`productStatus.${p.status}`)}</span>
                  </td>
                  <td>{p.variants.length}</td>
                  <td>{[...new Set(p.variants.map((v) => v.price.formatted))].join(" – ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="row">
        {after ? (
          <button type="button" className="secondary" onClick={() => setAfter(null)}>
            {t("common.first")}
          </button>
        ) : null}
        {store?.products.pageInfo.hasNextPage ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setAfter(store.products.pageInfo.endCursor ?? null)}
          >
            {t("common.next")}
          </button>
        ) : null}
      </div>
    </Page>
  );
}
