import { InvalidArgument } from "@mercato/platform";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/** A phone number as E.164 when it is a real, assignable number for its country; else InvalidArgument on `field`. */
export function normalisePhone(input: string, field = "phone"): string {
  const parsed = parsePhoneNumberFromString(input.trim());
  if (!parsed?.isValid())
    throw InvalidArgument.field(field, "is not a valid phone number in E.164 form, e.g. +4915112345678");
  return parsed.number;
}

/** An e-mail address trimmed and lower-cased, the form accounts are stored and looked up under. */
export function normaliseEmail(input: string): string {
  return input.trim().toLowerCase();
}

const weakPasswords = new Set([
  "password12",
  "password123",
  "1234567890",
  "0123456789",
  "qwertyuiop",
  "iloveyou123",
  "letmein1234",
  "administrator",
  "welcome123",
  "abcdefghij",
]);

/**
 * Checks a new password beyond the contract's 10–200 characters: not a well-known password, not
 * one repeated character, not containing the account's e-mail address. Throws InvalidArgument on `field`.
 */
export function checkNewPassword(password: string, email: string, field: string): void {
  const lower = password.toLowerCase();
  if (weakPasswords.has(lower) || /^(.)\1*$/.test(password))
    throw InvalidArgument.field(field, "is too easy to guess; use a longer phrase");
  const local = email.split("@")[0] ?? "";
  if (lower.includes(email) || (local.length >= 4 && lower.includes(local)))
    throw InvalidArgument.field(field, "must not contain the e-mail address");
}
