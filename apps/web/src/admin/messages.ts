import type { Translation } from "../i18n/types";

// The admin area's texts; keys are grouped by page.
export const en = {
  title: "admin",
} as const;

export const de: Translation<typeof en> = {
  title: "admin",
};
