import { useTranslation } from "react-i18next";
import { NavLink } from "react-router";
import { useQuery, useSubscription } from "urql";
import { graphql } from "../gql";
import { useSession } from "../lib/session";

const NavCounts = graphql(`
  query NavCounts {
    cart {
      lines {
        variantId
        quantity
      }
    }
    unreadNotificationCount
  }
`);

const NavNotifications = graphql(`
  subscription NavNotifications {
    notificationReceived {
      id
      title
    }
  }
`);

/** The buyer's links in the header: cart with its count, orders, inbox with unread count, account. */
export function AccountNav() {
  const { session, has } = useSession();
  const { t } = useTranslation();
  // Sellers and admins sign in by e-mail and do not buy with that account.
  if (session && !has("buyer")) return null;
  if (!has("buyer"))
    return (
      <li>
        <NavLink to="/cart">{t("nav.cart")}</NavLink>
      </li>
    );
  return <BuyerLinks />;
}

function BuyerLinks() {
  const { t } = useTranslation();
  const [{ data }, refetch] = useQuery({ query: NavCounts });
  // A new notification refreshes the counts (and the cart, which orders empty).
  useSubscription({ query: NavNotifications }, () => {
    refetch({ requestPolicy: "network-only" });
    return null;
  });
  const items = data?.cart.lines.reduce((sum, line) => sum + line.quantity, 0) ?? 0;
  const unread = data?.unreadNotificationCount ?? 0;
  return (
    <>
      <li>
        <NavLink to="/cart">
          {t("nav.cart")}
          {items > 0 ? (
            <>
              {" "}
              <span className="badge">{items}</span>
              <span className="visually-hidden"> {t("nav.items", { count: items })}</span>
            </>
          ) : null}
        </NavLink>
      </li>
      <li>
        <NavLink to="/orders">{t("nav.orders")}</NavLink>
      </li>
      <li>
        <NavLink to="/inbox">
          {t("nav.inbox")}
          {unread > 0 ? (
            <>
              {" "}
              <span className="badge">{unread}</span>
              <span className="visually-hidden"> {t("nav.unread")}</span>
            </>
          ) : null}
        </NavLink>
      </li>
      <li>
        <NavLink to="/account">{t("nav.account")}</NavLink>
      </li>
    </>
  );
}
