import type { Translation } from "../i18n/types";

// The account's texts; keys are grouped by page.
export const en = {
  title: "account",
} as const;

export const de: Translation<typeof en> = {
  title: "account",
};
