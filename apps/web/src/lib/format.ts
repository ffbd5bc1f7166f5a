import i18next from "i18next";

/** "1.2 km" / "850 m" in the current language. */
export function distance(meters: number | null | undefined): string | undefined {
  if (meters === null || meters === undefined) return undefined;
  const language = i18next.language;
  return meters < 1000
    ? new Intl.NumberFormat(language, { style: "unit", unit: "meter", maximumFractionDigits: 0 }).format(
        meters,
      )
    : new Intl.NumberFormat(language, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 }).format(
        meters / 1000,
      );
}

/** A date and time in the current language, e.g. "5 Dec 2026, 09:14". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(i18next.language, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}

/** Minor units from what a person typed ("12.50" or "12,50"), or undefined when it is no amount. */
export function toMinor(text: string): number | undefined {
  const cleaned = text.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return undefined;
  return Math.round(Number(cleaned) * 100);
}

/** "12.50" from 1250, for an amount input. */
export function fromMinor(minor: number | null | undefined): string {
  return minor === null || minor === undefined ? "" : (minor / 100).toFixed(2);
}
