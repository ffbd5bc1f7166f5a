import type { Translation } from "../i18n/types";

// The shop's texts (home, search, product and storefront pages); keys are grouped by page.
export const en = {
  title: "shop",
} as const;

export const de: Translation<typeof en> = {
  title: "shop",
};
