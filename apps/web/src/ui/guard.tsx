import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { useSession } from "../lib/session";
import { Page } from "./page";

/**
 * Shows its children to a caller with the role it needs; otherwise a page saying why, with a link to the
 * sign-in page that fits the role (SMS code for buyers, e-mail and password for sellers and admins).
 */
type Role = "buyer" | "seller" | "admin";

export function RequireRole({ need, orRole, children }: { need: Role; orRole?: Role; children: ReactNode }) {
  const { session, has } = useSession();
  const { t } = useTranslation();
  const location = useLocation();
  if (has(need) || (orRole && has(orRole))) return children;
  const next = encodeURIComponent(location.pathname + location.search);
  const signIn = need === "buyer" ? `/sign-in?next=${next}` : `/seller/sign-in?next=${next}`;
  return (
    <Page title={session ? t("state.forbidden") : t("nav.signIn")}>
      <p>{session ? t("state.forbidden") : t("state.signInNeeded")}</p>
      <p>
        <Link className="button" to={signIn}>
          {t("nav.signIn")}
        </Link>
      </p>
    </Page>
  );
}
