import { lazy } from "react";
import { Route, Routes } from "react-router";
import ShopArea from "../shop/area";
import { Layout } from "./layout";

// The dashboard and the console load only when opened: the storefront's first load stays small.
const SellerArea = lazy(() => import("../seller/area"));
const AdminArea = lazy(() => import("../admin/area"));
const SellerPublic = lazy(() => import("../seller/public"));

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route path="/seller/*" element={<SellerArea />} />
        <Route path="/admin/*" element={<AdminArea />} />
        {/* The pages the e-mails link to. */}
        <Route path="/verify-email" element={<SellerPublic page="verify-email" />} />
        <Route path="/reset-password" element={<SellerPublic page="reset-password" />} />
        <Route path="/*" element={<ShopArea />} />
      </Route>
    </Routes>
  );
}
