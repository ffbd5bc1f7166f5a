import { type FieldViolation, InvalidArgument } from "../errors/index.js";

/**
 * A postal address as the contracts name its parts (mercato.common.v1.PostalAddress, the users
 * address book): optional parts are empty strings.
 */
export interface PostalAddressParts {
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  countryCode: string;
}

interface RegionRule {
  /** What the region is called there, for messages: "state", "province", "prefecture". */
  label: string;
  example: string;
  /** Valid codes with their names; when present the region must be one of them (a name is turned into its code). */
  codes?: ReadonlyMap<string, string>;
}

interface PostalRule {
  pattern: RegExp;
  /** The format in words with an example, for messages. */
  format: string;
  /** Rewrites a matching code into the country's usual spelling. */
  canonical?: (code: string) => string;
}

interface CountryRule {
  region?: RegionRule;
  postal?: PostalRule;
}

const usStates = new Map<string, string>([
  ["AL", "Alabama"],
  ["AK", "Alaska"],
  ["AZ", "Arizona"],
  ["AR", "Arkansas"],
  ["CA", "California"],
  ["CO", "Colorado"],
  ["CT", "Connecticut"],
  ["DE", "Delaware"],
  ["FL", "Florida"],
  ["GA", "Georgia"],
  ["HI", "Hawaii"],
  ["ID", "Idaho"],
  ["IL", "Illinois"],
  ["IN", "Indiana"],
  ["IA", "Iowa"],
  ["KS", "Kansas"],
  ["KY", "Kentucky"],
  ["LA", "Louisiana"],
  ["ME", "Maine"],
  ["MD", "Maryland"],
  ["MA", "Massachusetts"],
  ["MI", "Michigan"],
  ["MN", "Minnesota"],
  ["MS", "Mississippi"],
  ["MO", "Missouri"],
  ["MT", "Montana"],
  ["NE", "Nebraska"],
  ["NV", "Nevada"],
  ["NH", "New Hampshire"],
  ["NJ", "New Jersey"],
  ["NM", "New Mexico"],
  ["NY", "New York"],
  ["NC", "North Carolina"],
  ["ND", "North Dakota"],
  ["OH", "Ohio"],
  ["OK", "Oklahoma"],
  ["OR", "Oregon"],
  ["PA", "Pennsylvania"],
  ["RI", "Rhode Island"],
  ["SC", "South Carolina"],
  ["SD", "South Dakota"],
  ["TN", "Tennessee"],
  ["TX", "Texas"],
  ["UT", "Utah"],
  ["VT", "Vermont"],
  ["VA", "Virginia"],
  ["WA", "Washington"],
  ["WV", "West Virginia"],
  ["WI", "Wisconsin"],
  ["WY", "Wyoming"],
  ["DC", "District of Columbia"],
  ["AS", "American Samoa"],
  ["GU", "Guam"],
  ["MP", "Northern Mariana Islands"],
  ["PR", "Puerto Rico"],
  ["VI", "U.S. Virgin Islands"],
  ["UM", "U.S. Minor Outlying Islands"],
  ["AA", "Armed Forces Americas"],
  ["AE", "Armed Forces Europe"],
  ["AP", "Armed Forces Pacific"],
]);

const caProvinces = new Map<string, string>([
  ["AB", "Alberta"],
  ["BC", "British Columbia"],
  ["MB", "Manitoba"],
  ["NB", "New Brunswick"],
  ["NL", "Newfoundland and Labrador"],
  ["NS", "Nova Scotia"],
  ["NT", "Northwest Territories"],
  ["NU", "Nunavut"],
  ["ON", "Ontario"],
  ["PE", "Prince Edward Island"],
  ["QC", "Quebec"],
  ["SK", "Saskatchewan"],
  ["YT", "Yukon"],
]);

const auStates = new Map<string, string>([
  ["ACT", "Australian Capital Territory"],
  ["NSW", "New South Wales"],
  ["NT", "Northern Territory"],
  ["QLD", "Queensland"],
  ["SA", "South Australia"],
  ["TAS", "Tasmania"],
  ["VIC", "Victoria"],
  ["WA", "Western Australia"],
]);

const fiveDigits = (example: string): PostalRule => ({
  pattern: /^\d{5}$/,
  format: `5 digits, e.g. ${example}`,
});

/** Splits at a fixed position with `separator`, whatever separator the input used. */
const spaced =
  (at: number, separator: string) =>
  (code: string): string => {
    const compact = code.replace(/[\s-]/g, "");
    return `${compact.slice(0, at)}${separator}${compact.slice(at)}`;
  };

/**
 * Address rules of the countries Mercato ships to most. A region is required where the
 * country's postal addresses carry one; a postal code is required where the country has a
 * national format. Countries not listed need line1 and city; their postal code is free-form.
 */
const countryRules: Readonly<Record<string, CountryRule>> = {
  US: {
    region: { label: "the state or territory code", example: "NY", codes: usStates },
    postal: { pattern: /^\d{5}(-\d{4})?$/, format: "5 digits or ZIP+4, e.g. 94103 or 94103-1234" },
  },
  CA: {
    region: { label: "the province or territory code", example: "ON", codes: caProvinces },
    postal: {
      pattern: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/,
      format: "A1A 1A1, e.g. K1A 0B1",
      canonical: spaced(3, " "),
    },
  },
  GB: {
    postal: {
      pattern: /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/,
      format: "a UK postcode, e.g. SW1A 1AA",
      // The inward code is always the last three characters.
      canonical: (code) => {
        const compact = code.replace(/\s/g, "");
        return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
      },
    },
  },
  DE: { postal: fiveDigits("10115") },
  FR: { postal: fiveDigits("75001") },
  IT: { region: { label: "the province code", example: "RM" }, postal: fiveDigits("00184") },
  ES: { postal: fiveDigits("28013") },
  MX: { region: { label: "the state", example: "CDMX" }, postal: fiveDigits("06600") },
  NL: {
    postal: {
      pattern: /^\d{4} ?[A-Z]{2}$/,
      format: "4 digits and 2 letters, e.g. 1012 AB",
      canonical: spaced(4, " "),
    },
  },
  PL: { postal: { pattern: /^\d{2}-\d{3}$/, format: "NN-NNN, e.g. 00-950" } },
  JP: {
    region: { label: "the prefecture", example: "Tokyo" },
    postal: { pattern: /^\d{3}-?\d{4}$/, format: "NNN-NNNN, e.g. 100-0001", canonical: spaced(3, "-") },
  },
  AU: {
    region: { label: "the state or territory code", example: "NSW", codes: auStates },
    postal: { pattern: /^\d{4}$/, format: "4 digits, e.g. 2000" },
  },
  BR: {
    region: { label: "the state", example: "SP" },
    postal: { pattern: /^\d{5}-?\d{3}$/, format: "NNNNN-NNN, e.g. 01310-100", canonical: spaced(5, "-") },
  },
  IN: {
    region: { label: "the state", example: "Maharashtra" },
    postal: { pattern: /^\d{6}$/, format: "6 digits, e.g. 110001" },
  },
  CN: {
    region: { label: "the province", example: "Beijing" },
    postal: { pattern: /^\d{6}$/, format: "6 digits, e.g. 100000" },
  },
};

/** Country codes with their own address rules (the rest get the generic ones). */
export const countriesWithAddressRules: readonly string[] = Object.keys(countryRules);

const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

// Codes the region display names know that are not current ISO 3166-1 countries: groupings
// (EU, UN, EZ), exceptional reservations (AC, CP, DG, EA, IC, TA, UK, CQ), withdrawn codes that
// ICU still maps to their successor (BU, CS, DD, YU, ...) and private-use codes (QO, XA, XB, ZZ).
// XK (Kosovo) is user-assigned but stays allowed: carriers and the EU use it.
const notCountries: ReadonlySet<string> = new Set(
  "AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR ZZ".split(" "),
);

/** True when `code` is an assigned ISO 3166-1 alpha-2 country code (upper case), plus XK. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || notCountries.has(code)) return false;
  return regionNames.of(code) !== undefined;
}

function foldName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

function codeForName(codes: ReadonlyMap<string, string>, value: string): string | undefined {
  const upper = value.toUpperCase();
  if (codes.has(upper)) return upper;
  const folded = foldName(value);
  for (const [code, name] of codes) if (foldName(name) === folded) return code;
  return undefined;
}

const controlCharacters = /\p{Cc}/u;

const partFields: readonly [keyof PostalAddressParts, string][] = [
  ["line1", "line1"],
  ["line2", "line2"],
  ["city", "city"],
  ["region", "region"],
  ["postalCode", "postal_code"],
];

/** `value` trimmed with every run of whitespace (line breaks and tabs too) made one space. */
export const tidyText = (value: string): string => value.trim().replace(/\s+/g, " ");

/** True when `value` holds a control character (after tidyText, anything but whitespace). */
export const hasControlCharacters = (value: string): boolean => controlCharacters.test(value);

/**
 * Checks a postal address against the rules of its country and normalises it: every part tidied,
 * country, postal code and coded regions (US, CA, AU; full names become codes) upper-cased, postal
 * codes in the country's usual spelling. Line1 and city are required everywhere, a region and a
 * postal code where the country's addresses carry them. Each violation is named
 * `<path>.<field>` with the contract's field name (e.g. `shipping_address.address.postal_code`).
 * The one rule set of the address book and checkout.
 */
export function checkPostalAddress(
  input: PostalAddressParts,
  path: string,
): { address: PostalAddressParts; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const fail = (field: string, message: string) => violations.push({ field: `${path}.${field}`, message });
  const out: PostalAddressParts = {
    line1: tidyText(input.line1),
    line2: tidyText(input.line2),
    city: tidyText(input.city),
    region: tidyText(input.region),
    postalCode: tidyText(input.postalCode).toUpperCase(),
    countryCode: input.countryCode.trim().toUpperCase(),
  };
  for (const [key, field] of partFields) {
    // Line breaks and tabs were folded into spaces by tidyText; anything else would corrupt labels.
    if (hasControlCharacters(out[key])) fail(field, "must not contain control characters");
  }
  if (out.line1 === "") fail("line1", "is required");
  if (out.city === "") fail("city", "is required");

  const country = out.countryCode;
  if (!isCountryCode(country)) {
    fail("country_code", `${JSON.stringify(input.countryCode)} is not an ISO 3166-1 alpha-2 country code`);
    return { address: out, violations };
  }
  const rule = countryRules[country] ?? {};

  if (rule.region) {
    const { label, example, codes } = rule.region;
    if (out.region === "") {
      fail("region", `is required for ${country} (${label}, e.g. ${example})`);
    } else if (codes) {
      const code = codeForName(codes, out.region);
      if (code === undefined) fail("region", `is not ${label} of ${country} (e.g. ${example})`);
      else out.region = code;
    }
  }

  if (rule.postal) {
    const { pattern, format, canonical } = rule.postal;
    if (out.postalCode === "") fail("postal_code", `is required for ${country} (${format})`);
    else if (!pattern.test(out.postalCode))
      fail("postal_code", `is not a valid postal code for ${country} (${format})`);
    else if (canonical) out.postalCode = canonical(out.postalCode);
  }
  return { address: out, violations };
}

/** One InvalidArgument listing every violation, its message naming each field. */
export function invalidFields(violations: readonly FieldViolation[]): InvalidArgument {
  return new InvalidArgument(violations.map((v) => `${v.field}: ${v.message}`).join("; "), violations);
}
