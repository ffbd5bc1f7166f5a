import { lazy } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, Route, Routes } from "react-router";
import { NotFound } from "../app/not-found";
import { RequireRole } from "../ui/guard";

const Overview = lazy(() => import("./overview"));
const Categories = lazy(() => import("./categories"));
const Storefronts = lazy(() => import("./storefronts"));
const Payouts = lazy(() => import("./payouts"));
const DeadLetters = lazy(() => import("./dead-letters"));

function Console() {
  const { t } = useTranslation("admin");
  return (
    <RequireRole need="admin">
      <nav aria-label={t("nav.label")}>
        <ul className="tabs">
          <li>
            <NavLink to="/admin" end>
              {t("nav.overview")}
            </NavLink>
          </li>
          <li>
            <NavLink to="/admin/categories">{t("nav.categories")}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/storefronts">{t("nav.storefronts")}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/payouts">{t("nav.payouts")}</NavLink>
          </li>
          <li>
            <NavLink to="/admin/dead-letters">{t("nav.deadLetters")}</NavLink>
          </li>
        </ul>
      </nav>
      <Outlet />
    </RequireRole>
  );
}

/** The admin console: categories, storefront approval and suspension, payouts, failed deliveries. */
export default function AdminArea() {
  return (
    <Routes>
      <Route element={<Console />}>
        <Route index element={<Overview />} />
        <Route path="categories" element={<Categories />} />
        <Route path="storefronts" element={<Storefronts />} />
        <Route path="payouts" element={<Payouts />} />
        <Route path="dead-letters" element={<DeadLetters />} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
