import type { Translation } from "../i18n/types";

// The seller area's texts; keys are grouped by page.
export const en = {
  title: "seller",
} as const;

export const de: Translation<typeof en> = {
  title: "seller",
};
