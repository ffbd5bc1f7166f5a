import { InvalidArgument, type MediaReference } from "@mercato/platform";

/** The profile fields a user may change; `null` clears an optional one. */
export interface ProfileChanges {
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  avatarMediaId?: string | null;
  locale?: string;
}

/** An UpdateMyProfile request: unset fields stay as they are, an empty string clears. */
export interface ProfileUpdate {
  displayName?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  avatarMediaId?: string | undefined;
  locale?: string | undefined;
}

/** The locale a new profile starts with. */
export const defaultLocale = "en";

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });
const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/**
 * Canonical form of a BCP 47 locale (`pt-br` → `pt-BR`), or an InvalidArgument on `field` when it
 * is malformed or names a language or region that does not exist.
 */
export function canonicalLocale(tag: string, field = "locale"): string {
  const problem = `is not a BCP 47 locale of a known language, e.g. en, de-DE or pt-BR (got ${JSON.stringify(tag)})`;
  let locale: Intl.Locale;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    if (!canonical) throw new RangeError("empty");
    locale = new Intl.Locale(canonical);
  } catch {
    throw InvalidArgument.field(field, problem);
  }
  if (languageNames.of(locale.language) === undefined) throw InvalidArgument.field(field, problem);
  if (locale.region !== undefined && regionNames.of(locale.region) === undefined)
    throw InvalidArgument.field(field, problem);
  return locale.toString();
}

// Control characters would corrupt notifications and UIs that show the name.
const controlCharacters = /\p{Cc}/u;

/**
 * Turns a request into the changes to store: strings trimmed, empty optional fields cleared
 * (`null`), e-mail domains lower-cased, media ids lower-cased and the locale canonical. Throws
 * InvalidArgument naming the request field (`display_name`, `locale`, ...).
 */
export function profileChanges(update: ProfileUpdate): ProfileChanges {
  const changes: ProfileChanges = {};
  const optional = (value: string) => {
    const trimmed = value.trim();
    return trimmed === "" ? null : trimmed;
  };
  if (update.displayName !== undefined) {
    const name = optional(update.displayName.replace(/\s+/g, " "));
    if (name !== null && controlCharacters.test(name))
      throw InvalidArgument.field("display_name", "must not contain control characters");
    changes.displayName = name;
  }
  if (update.email !== undefined) {
    const email = optional(update.email);
    if (email !== null) {
      if (controlCharacters.test(email))
        throw InvalidArgument.field("email", "must not contain control characters");
      const at = email.lastIndexOf("@");
      if (at <= 0 || at === email.length - 1)
        throw InvalidArgument.field("email", "is not an e-mail address (e.g. ada@example.com)");
      changes.email = `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
    } else {
      changes.email = null;
    }
  }
  if (update.phone !== undefined) changes.phone = optional(update.phone);
  if (update.avatarMediaId !== undefined)
    changes.avatarMediaId = optional(update.avatarMediaId)?.toLowerCase() ?? null;
  if (update.locale !== undefined) {
    if (update.locale.trim() === "")
      throw InvalidArgument.field("locale", "cannot be cleared; send a locale such as en or de-DE");
    changes.locale = canonicalLocale(update.locale);
  }
  return changes;
}

/** The avatar a profile change sets, as a media reference to check: a ready avatar image of the caller. */
export function avatarMediaReferences(changes: ProfileChanges): MediaReference[] {
  return changes.avatarMediaId
    ? [{ field: "avatar_media_id", mediaId: changes.avatarMediaId, purpose: "avatar", kinds: ["image"] }]
    : [];
}
