import { useTranslation } from "react-i18next";

/** The search box in the site header: sends the query to /search. */
export function ShopHeader() {
  const { t } = useTranslation();
  return (
    <search className="header-search">
      <form action="/search">
        <label htmlFor="header-q" className="visually-hidden">
          {t("nav.search")}
        </label>
        <input id="header-q" name="q" type="search" placeholder={t("nav.search")} />
      </form>
    </search>
  );
}
