import {
  checkPostalAddress,
  type FieldViolation,
  hasControlCharacters,
  invalidFields,
  type PostalAddressParts,
  tidyText,
} from "@mercato/platform";

/** The parts of an address book entry as the contract names them; optional parts are empty strings. */
export interface AddressParts extends PostalAddressParts {
  label: string;
  recipientName: string;
  company: string;
  phone: string;
}

const ownFields: readonly ["label" | "recipientName" | "company" | "phone", string][] = [
  ["label", "label"],
  ["recipientName", "recipient_name"],
  ["company", "company"],
  ["phone", "phone"],
];

/**
 * Validates an address book entry and returns it normalised: the postal address by the rules
 * checkout uses too (`checkPostalAddress`), the label, recipient and company tidied, a recipient
 * required. Throws one InvalidArgument listing every violation, each named `<path>.<field>` as the
 * client sent it (e.g. `fields.postal_code`).
 */
export function normaliseAddress(input: AddressParts, path = "fields"): AddressParts {
  const violations: FieldViolation[] = [];
  const own = {
    label: tidyText(input.label),
    recipientName: tidyText(input.recipientName),
    company: tidyText(input.company),
    phone: input.phone.trim(),
  };
  for (const [key, field] of ownFields) {
    if (hasControlCharacters(own[key]))
      violations.push({ field: `${path}.${field}`, message: "must not contain control characters" });
  }
  if (own.recipientName === "") violations.push({ field: `${path}.recipient_name`, message: "is required" });
  const postal = checkPostalAddress(input, path);
  violations.push(...postal.violations);
  if (violations.length > 0) throw invalidFields(violations);
  return { ...own, ...postal.address };
}
