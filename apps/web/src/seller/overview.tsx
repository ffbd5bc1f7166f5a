import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Page } from "../ui/page";
import { LoadError, Loading } from "../ui/states";

const SellerOverview = graphql(`
  query SellerOverview {
    myStorefront {
      id
      name
      slug
      status
      followerCount
    }
    sellerOrders(status: PLACED, first: 50) {
      edges {
        node {
          id
        }
      }
    }
    balance {
      balances {
        currency
        available {
          formatted
        }
      }
    }
  }
`);

const NoStorefront = graphql(`
  query NoStorefront {
    myStorefront {
      id
    }
  }
`);

export default function Overview() {
  const { t } = useTranslation("seller");
  const [mine] = useQuery({ query: NoStorefront });
  const has = !!mine.data?.myStorefront;
  const [{ data, error, fetching }] = useQuery({ query: SellerOverview, pause: !has });
  if (mine.fetching && !mine.data) return <Loading />;
  if (mine.error) return <LoadError error={mine.error} />;
  if (!has)
    return (
      <Page title={t("overview.title")}>
        <p>{t("overview.noStorefront")}</p>
        <p>
          <Link className="button" to="/seller/storefront">
            {t("overview.open")}
          </Link>
        </p>
      </Page>
    );
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} />;
  const store = data?.myStorefront;
  const waiting = data?.sellerOrders.edges.length ?? 0;
  return (
    <Page title={store?.name ?? t("overview.title")}>
      <ul className="grid stats plain">
        <li className="card">
          <h2 className="h3">{t("overview.status")}</h2>
          <p>
            <span className="status">{t(`status.${store?.status ?? "PENDING"}`)}</span>
          </p>
          <p className="muted">{t("overview.followers", { count: store?.followerCount ?? 0 })}</p>
        </li>
        <li className="card">
          <h2 className="h3">{t("overview.waiting")}</h2>
          <p className="big-number">{waiting}</p>
          <Link to="/seller/orders">{t("overview.toOrders")}</Link>
        </li>
        <li className="card">
          <h2 className="h3">{t("overview.balance")}</h2>
          {data?.balance.balances.length ? (
            data.balance.balances.map((b) => (
              <p key={b.currency} className="big-number">
                {b.available.formatted}
              </p>
            ))
          ) : (
            <p className="muted">{t("overview.noBalance")}</p>
          )}
          <Link to="/seller/money">{t("overview.toMoney")}</Link>
        </li>
      </ul>
    </Page>
  );
}
