import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { NotFound } from "../app/not-found";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { useSession } from "../lib/session";
import { FormProblem } from "../ui/form";
import { Page } from "../ui/page";
import { Picture } from "../ui/picture";
import { Empty, LoadError, Loading } from "../ui/states";

const StorefrontPage = graphql(`
  query StorefrontPage($slug: String!, $after: String) {
    storefront(slug: $slug) {
      id
      name
      slug
      description
      status
      followerCount
      followedByMe
      address {
        city
        countryCode
      }
      contact {
        email
        website
      }
      logo {
        url(size: THUMBNAIL_LARGE)
        dominantColor
      }
      banner {
        url(size: MAIN_DESKTOP)
        small: url(size: MAIN_MOBILE)
        dominantColor
      }
      products(first: 24, after: $after, status: ACTIVE) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            title
            priceRange {
              min {
                formatted
              }
              max {
                formatted
              }
            }
            image {
              url(size: THUMBNAIL_LARGE)
              dominantColor
            }
          }
        }
      }
    }
  }
`);

const Follow = graphql(`
  mutation Follow($id: ID!) {
    followStorefront(id: $id) {
      id
      followerCount
      followedByMe
    }
  }
`);

const Unfollow = graphql(`
  mutation Unfollow($id: ID!) {
    unfollowStorefront(id: $id) {
      id
      followerCount
      followedByMe
    }
  }
`);

export default function Storefront() {
  const { slug = "" } = useParams();
  const { t } = useTranslation("shop");
  const { has } = useSession();
  const location = useLocation();
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({ query: StorefrontPage, variables: { slug, after } });
  const [following, follow] = useMutation(Follow);
  const [unfollowing, unfollow] = useMutation(Unfollow);
  const [said, setSaid] = useState("");
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  const store = data?.storefront;
  if (!store) return <NotFound />;
  const problem = apiProblem(following.error ?? unfollowing.error);
  const toggle = async () => {
    const result = store.followedByMe ? await unfollow({ id: store.id }) : await follow({ id: store.id });
    if (!result.error) setSaid(store.followedByMe ? t("storefront.unfollowed") : t("storefront.followed"));
  };
  return (
    <Page title={store.name} wide>
      {store.banner ? <Picture media={store.banner} alt="" className="banner" eager /> : null}
      <div className="storefront-head row">
        {store.logo ? (
          <Picture media={store.logo} alt={t("storefront.logo", { name: store.name })} className="logo" />
        ) : null}
        <div className="stack">
          <p className="muted">
            {store.address.city}, {store.address.countryCode} ·{" "}
            {t("storefront.followers", { count: store.followerCount })}
          </p>
          {store.status !== "ACTIVE" ? (
            <p className="status">{t(`storefront.status.${store.status}`)}</p>
          ) : null}
        </div>
        {has("buyer") ? (
          <button
            type="button"
            className={store.followedByMe ? "secondary" : undefined}
            aria-pressed={store.followedByMe}
            disabled={following.fetching || unfollowing.fetching}
            onClick={toggle}
          >
            {store.followedByMe ? t("storefront.following") : t("storefront.follow")}
          </button>
        ) : (
          <Link className="button secondary" to={`/sign-in?next=${encodeURIComponent(location.pathname)}`}>
            {t("storefront.signInToFollow")}
          </Link>
        )}
      </div>
      <p role="status" className="muted">
        {said}
      </p>
      <FormProblem problem={problem} />
      {store.description ? <p className="description">{store.description}</p> : null}
      <section aria-labelledby="products-heading">
        <h2 id="products-heading">{t("storefront.products")}</h2>
        {store.products.edges.length === 0 ? <Empty>{t("storefront.noProducts")}</Empty> : null}
        <ul className="grid">
          {store.products.edges.map(({ node }) => (
            <li key={node.id}>
              <article className="product-card">
                <Picture media={node.image} alt="" />
                <div className="body">
                  <h3 className="card-title">
                    <Link to={`/products/${node.id}`}>{node.title}</Link>
                  </h3>
                  {node.priceRange ? <p className="price">{node.priceRange.min.formatted}</p> : null}
                </div>
              </article>
            </li>
          ))}
        </ul>
        <div className="row">
          {after ? (
            <button type="button" className="secondary" onClick={() => setAfter(null)}>
              {t("storefront.firstPage")}
            </button>
          ) : null}
          {store.products.pageInfo.hasNextPage ? (
            <button
              type="button"
              className="secondary"
              onClick={() => setAfter(store.products.pageInfo.endCursor ?? null)}
            >
              {t("storefront.nextPage")}
            </button>
          ) : null}
        </div>
      </section>
    </Page>
  );
}
