import { lazy } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, Route, Routes } from "react-router";
import { NotFound } from "../app/not-found";
import { RequireRole } from "../ui/guard";
import { ForgotPassword, Register, SellerSignIn } from "./auth";
import "./seller.css";

const Overview = lazy(() => import("./overview"));
const StorefrontEditor = lazy(() => import("./storefront"));
const Products = lazy(() => import("./products"));
const ProductEditor = lazy(() => import("./product-editor"));
const Stock = lazy(() => import("./stock"));
const Orders = lazy(() => import("./orders"));
const Money = lazy(() => import("./money"));

/** The dashboard's sub-navigation around every signed-in seller page. */
function Dashboard() {
  const { t } = useTranslation("seller");
  return (
    <RequireRole need="seller">
      <nav aria-label={t("nav.label")}>
        <ul className="tabs">
          <li>
            <NavLink to="/seller" end>
              {t("nav.overview")}
            </NavLink>
          </li>
          <li>
            <NavLink to="/seller/storefront">{t("nav.storefront")}</NavLink>
          </li>
          <li>
            <NavLink to="/seller/products">{t("nav.products")}</NavLink>
          </li>
          <li>
            <NavLink to="/seller/stock">{t("nav.stock")}</NavLink>
          </li>
          <li>
            <NavLink to="/seller/orders">{t("nav.orders")}</NavLink>
          </li>
          <li>
            <NavLink to="/seller/money">{t("nav.money")}</NavLink>
          </li>
        </ul>
      </nav>
      <Outlet />
    </RequireRole>
  );
}

export default function SellerArea() {
  return (
    <Routes>
      <Route path="sign-in" element={<SellerSignIn />} />
      <Route path="register" element={<Register />} />
      <Route path="forgot-password" element={<ForgotPassword />} />
      <Route element={<Dashboard />}>
        <Route index element={<Overview />} />
        <Route path="storefront" element={<StorefrontEditor />} />
        <Route path="products" element={<Products />} />
        <Route path="products/new" element={<ProductEditor />} />
        <Route path="products/:id" element={<ProductEditor />} />
        <Route path="stock" element={<Stock />} />
        <Route path="orders" element={<Orders />} />
        <Route path="money" element={<Money />} />
      </Route>
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
