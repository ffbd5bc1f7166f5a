import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { Page } from "../ui/page";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <Page title={t("state.notFound")}>
      <p>{t("state.notFoundText")}</p>
      <p>
        <Link to="/">{t("state.backHome")}</Link>
      </p>
    </Page>
  );
}
