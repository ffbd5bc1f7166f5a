import { Page } from "../ui/page";

/** The pages e-mails link to, outside the dashboard's sign-in. */
export default function SellerPublic({ page }: { page: "verify-email" | "reset-password" }) {
  return (
    <Page title={page}>
      <p>{page}</p>
    </Page>
  );
}
