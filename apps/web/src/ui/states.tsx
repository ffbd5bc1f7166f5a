import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { CombinedError } from "urql";

/** A polite live region saying the page is loading. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("state.loading")}
    </p>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  return <div className="empty">{children ?? <p>{t("state.empty")}</p>}</div>;
}

/** A failed query: the API's message, or "cannot be reached" when the network failed, with a retry. */
export function LoadError({ error, retry }: { error: CombinedError; retry?: () => void }) {
  const { t } = useTranslation();
  const message = error.networkError
    ? t("state.unavailable")
    : t("state.error", { message: error.graphQLErrors[0]?.message ?? error.message });
  return (
    <div className="alert alert-error" role="alert">
      <p>{message}</p>
      {retry ? (
        <button type="button" className="button secondary" onClick={retry}>
          {t("state.retry")}
        </button>
      ) : null}
    </div>
  );
}

export function Notice({
  children,
  tone = "info",
}: {
  children: ReactNode;
  tone?: "info" | "success" | "warning";
}) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}
