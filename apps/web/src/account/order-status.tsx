import { useTranslation } from "react-i18next";
import { useSubscription } from "urql";
import { graphql } from "../gql";
import type { OrderStatus } from "../gql/graphql";

const OrderUpdates = graphql(`
  subscription OrderUpdates {
    orderStatusChanged {
      orderId
      status
      previousStatus
      trackingNumber
    }
  }
`);

export function StatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation("account");
  return <span className={`status status-${status.toLowerCase()}`}>{t(`orderStatus.${status}`)}</span>;
}

/**
 * Calls `onChange` on every status change of the caller's orders (bought, or sold when the caller
 * owns the storefront) as the gateway pushes it; returns the latest for an announcement.
 */
export function useOrderUpdates(onChange: () => void) {
  const [{ data }] = useSubscription({ query: OrderUpdates }, (_previous, next) => {
    onChange();
    return next;
  });
  return data?.orderStatusChanged;
}
