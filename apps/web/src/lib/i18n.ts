import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import * as account from "../account/messages";
import * as admin from "../admin/messages";
import * as common from "../i18n/common";
import * as seller from "../seller/messages";
import * as shop from "../shop/messages";

export const languages = ["en", "de"] as const;
export type Language = (typeof languages)[number];

const stored = "mercato.language";

function initial(): Language {
  const saved = localStorage.getItem(stored);
  if (saved === "en" || saved === "de") return saved;
  return navigator.language.toLowerCase().startsWith("de") ? "de" : "en";
}

export const resources = {
  en: { common: common.en, shop: shop.en, account: account.en, seller: seller.en, admin: admin.en },
  de: { common: common.de, shop: shop.de, account: account.de, seller: seller.de, admin: admin.de },
} as const;

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "common";
    resources: (typeof resources)["en"];
  }
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initial(),
  fallbackLng: "en",
  defaultNS: "common",
  ns: ["common", "shop", "account", "seller", "admin"],
  interpolation: { escapeValue: false },
});

export function setLanguage(language: Language) {
  localStorage.setItem(stored, language);
  void i18next.changeLanguage(language);
}

i18next.on("languageChanged", (language) => {
  document.documentElement.lang = language;
});
document.documentElement.lang = i18next.language;

export { i18next };
