import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Page } from "../ui/page";
import { LoadError, Loading } from "../ui/states";

const AdminOverview = graphql(`
  query AdminOverview {
    pending: storefronts(status: PENDING, first: 100) {
      edges {
        node {
          id
        }
      }
    }
    requested: payouts(status: REQUESTED, first: 100) {
      edges {
        node {
          id
        }
      }
    }
    notificationDeadLetters(limit: 100) {
      id
    }
    categories {
      id
    }
  }
`);

export default function Overview() {
  const { t } = useTranslation("admin");
  const [{ data, error, fetching }, retry] = useQuery({ query: AdminOverview });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  const cards = [
    { to: "/admin/storefronts", label: t("overview.pending"), count: data?.pending.edges.length ?? 0 },
    { to: "/admin/payouts", label: t("overview.payouts"), count: data?.requested.edges.length ?? 0 },
    {
      to: "/admin/dead-letters",
      label: t("overview.deadLetters"),
      count: data?.notificationDeadLetters.length ?? 0,
    },
    { to: "/admin/categories", label: t("overview.categories"), count: data?.categories.length ?? 0 },
  ];
  return (
    <Page title={t("overview.title")}>
      <ul className="grid plain">
        {cards.map((card) => (
          <li key={card.to} className="card">
            <h2 className="h3">
              <Link to={card.to}>{card.label}</Link>
            </h2>
            <p className="big-number">{card.count}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
