import { Route, Routes } from "react-router";
import { NotFound } from "../app/not-found";
import { Home } from "./home";

/** The storefront's pages; anything no area claims ends here as not found. */
export default function BuyerArea() {
  return (
    <Routes>
      <Route index element={<Home />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
