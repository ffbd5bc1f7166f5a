import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { usePlace } from "../lib/location";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";
import { ProductCard } from "./card";
import { PlacePicker } from "./place-picker";

const HomeCategories = graphql(`
  query HomeCategories {
    categories {
      id
      name
      depth
    }
  }
`);

const NearProducts = graphql(`
  query NearProducts($near: NearInput, $sort: ProductSort) {
    search(near: $near, sort: $sort, inStock: true, first: 12) {
      edges {
        node {
          id
          title
          storefrontName
          inStock
          distanceMeters
          priceRange {
            min {
              formatted
            }
            max {
              formatted
            }
          }
          compareAtPrice {
            formatted
          }
          image {
            url(size: THUMBNAIL_LARGE)
            dominantColor
          }
          storefront {
            slug
          }
        }
      }
    }
  }
`);

export function Home() {
  const { t } = useTranslation("shop");
  const place = usePlace();
  const near = place ? { lat: place.lat, lng: place.lng, radiusKm: 50 } : null;
  const [categories] = useQuery({ query: HomeCategories });
  const [products, retry] = useQuery({
    query: NearProducts,
    variables: { near, sort: near ? "DISTANCE" : "NEWEST" },
  });
  const top = categories.data?.categories.filter((c) => c.depth === 0) ?? [];
  return (
    <Page title={t("home.title")}>
      <p className="lead">{t("home.lead")}</p>
      <PlacePicker />
      <section aria-labelledby="near-heading">
        <h2 id="near-heading">{place ? t("home.near", { place: place.name }) : t("home.newest")}</h2>
        {products.fetching && !products.data ? <Loading /> : null}
        {products.error ? (
          <LoadError error={products.error} retry={() => retry({ requestPolicy: "network-only" })} />
        ) : null}
        {products.data && products.data.search.edges.length === 0 ? (
          <Empty>{t("home.noneNear")}</Empty>
        ) : null}
        <ul className="grid">
          {products.data?.search.edges.map(({ node }) => (
            <ProductCard key={node.id} hit={node} />
          ))}
        </ul>
      </section>
      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">{t("home.categories")}</h2>
        {categories.fetching && !categories.data ? <Loading /> : null}
        {categories.error ? <LoadError error={categories.error} /> : null}
        {categories.data && top.length === 0 ? <Empty /> : null}
        <ul className="chips">
          {top.map((c) => (
            <li key={c.id}>
              <Link to={`/search?category=${c.id}`}>{c.name}</Link>
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}
