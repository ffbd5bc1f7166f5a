import { lazy } from "react";
import { Route, Routes } from "react-router";
import { NotFound } from "../app/not-found";
import { Home } from "./home";

// Pages of the shop (./) and of the buyer's account (../account), each its own chunk.
const Search = lazy(() => import("./search"));
const Product = lazy(() => import("./product"));
const Storefront = lazy(() => import("./storefront"));
const SignIn = lazy(() => import("../account/sign-in"));
const Cart = lazy(() => import("../account/cart"));
const Checkout = lazy(() => import("../account/checkout"));
const Orders = lazy(() => import("../account/orders"));
const Order = lazy(() => import("../account/order"));
const Inbox = lazy(() => import("../account/inbox"));
const Profile = lazy(() => import("../account/profile"));

/** The buyer's pages; anything no area claims ends here as not found. */
export default function ShopArea() {
  return (
    <Routes>
      <Route index element={<Home />} />
      <Route path="search" element={<Search />} />
      <Route path="products/:id" element={<Product />} />
      <Route path="storefronts/:slug" element={<Storefront />} />
      <Route path="sign-in" element={<SignIn />} />
      <Route path="cart" element={<Cart />} />
      <Route path="checkout" element={<Checkout />} />
      <Route path="orders" element={<Orders />} />
      <Route path="orders/:id" element={<Order />} />
      <Route path="inbox" element={<Inbox />} />
      <Route path="account" element={<Profile />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
