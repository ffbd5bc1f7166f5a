import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, NavLink, Outlet } from "react-router";
import { AccountNav } from "../account/nav";
import { type Language, languages, setLanguage } from "../lib/i18n";
import { useSession } from "../lib/session";
import { ShopHeader } from "../shop/header";
import { Loading } from "../ui/states";

const languageNames: Record<Language, string> = { en: "English", de: "Deutsch" };

/** Header with the marketplace's navigation, the page, and a footer; a skip link comes first. */
export function Layout() {
  const { t, i18n } = useTranslation();
  const { session, has, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            {t("brand")}
          </Link>
          <ShopHeader />
          <nav aria-label={t("nav.main")} className="main-nav">
            <ul>
              <AccountNav />
              {has("seller") ? (
                <li>
                  <NavLink to="/seller">{t("nav.dashboard")}</NavLink>
                </li>
              ) : null}
              {has("admin") ? (
                <li>
                  <NavLink to="/admin">{t("nav.admin")}</NavLink>
                </li>
              ) : null}
              {!session ? (
                <li>
                  <NavLink to="/seller/register">{t("nav.sell")}</NavLink>
                </li>
              ) : null}
              <li>
                {session ? (
                  <button type="button" className="link-button" onClick={signOut}>
                    {t("nav.signOut")}
                  </button>
                ) : (
                  <NavLink to="/sign-in">{t("nav.signIn")}</NavLink>
                )}
              </li>
            </ul>
          </nav>
          <label className="language">
            <span className="visually-hidden">{t("nav.language")}</span>
            <select
              value={i18n.language.slice(0, 2)}
              onChange={(event) => setLanguage(event.target.value as Language)}
            >
              {languages.map((language) => (
                <option key={language} value={language} lang={language}>
                  {languageNames[language]}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>
          {t("footer.text")} <a href="/docs">{t("footer.api")}</a>
        </p>
      </footer>
    </>
  );
}
