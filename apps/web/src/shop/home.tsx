import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const HomeCategories = graphql(`
  query HomeCategories {
    categories {
      id
      name
    }
  }
`);

export function Home() {
  const { t } = useTranslation();
  const [{ data, error, fetching }, retry] = useQuery({ query: HomeCategories });
  return (
    <Page title={t("brand")}>
      {fetching && !data ? <Loading /> : null}
      {error ? <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} /> : null}
      {data && data.categories.length === 0 ? <Empty /> : null}
      <ul>
        {data?.categories.map((c) => (
          <li key={c.id}>{c.name}</li>
        ))}
      </ul>
    </Page>
  );
}
