import { type ReactNode, useEffect } from "react";
import { useTranslation } from "react-i18next";

/** A page: its heading, and the document's title to match (what a screen reader announces on navigation). */
export function Page({
  title,
  actions,
  children,
  wide,
}: {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t("brand")}`;
  }, [title, t]);
  return (
    <div className={wide ? "page page-wide" : "page"}>
      <div className="page-head">
        <h1>{title}</h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </div>
  );
}
