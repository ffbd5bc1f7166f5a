import { Page } from "../ui/page";

// Owned by the helper building this page; replaced with the real page.
export default function Todo() {
  return (
    <Page title="checkout">
      <p>checkout</p>
    </Page>
  );
}
