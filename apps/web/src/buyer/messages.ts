import type { Translation } from "../i18n/types";

// The buyer area's texts; keys are grouped by page.
export const en = {
  title: "buyer",
} as const;

export const de: Translation<typeof en> = {
  title: "buyer",
};
