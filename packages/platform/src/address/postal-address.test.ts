import { describe, expect, it } from "vitest";
import {
  checkPostalAddress,
  countriesWithAddressRules,
  isCountryCode,
  type PostalAddressParts,
} from "./postal-address.js";

const base: PostalAddressParts = {
  line1: "Main Street 1",
  line2: "",
  city: "Springfield",
  region: "",
  postalCode: "",
  countryCode: "DE",
};

const valid: Record<string, Partial<PostalAddressParts>> = {
  US: { region: "NY", postalCode: "10001" },
  CA: { region: "ON", postalCode: "K1A 0B1" },
  GB: { postalCode: "SW1A 1AA" },
  DE: { postalCode: "10115" },
  FR: { postalCode: "75001" },
  NL: { postalCode: "1012 AB" },
  IT: { region: "RM", postalCode: "00184" },
  ES: { postalCode: "28013" },
  PL: { postalCode: "00-950" },
  JP: { region: "Tokyo", postalCode: "100-0001" },
  AU: { region: "NSW", postalCode: "2000" },
  BR: { region: "SP", postalCode: "01310-100" },
  IN: { region: "Delhi", postalCode: "110001" },
  MX: { region: "CDMX", postalCode: "06600" },
  CN: { region: "Beijing", postalCode: "100000" },
};

/** The violations of `parts` (over a valid German address) under `fields`, as [field, message] pairs. */
function violationsOf(parts: Partial<PostalAddressParts>): [string, string][] {
  return checkPostalAddress({ ...base, ...parts }, "fields").violations.map((v) => [v.field, v.message]);
}

/** The address normalised; throws when it breaks a rule. */
function normaliseAddress(parts: PostalAddressParts): PostalAddressParts {
  const { address, violations } = checkPostalAddress(parts, "fields");
  if (violations.length > 0) throw new Error(JSON.stringify(violations));
  return address;
}

describe("isCountryCode", () => {
  it.each(["DE", "US", "JP", "XK", "AQ"])("accepts the country code %s", (code) => {
    expect(isCountryCode(code)).toBe(true);
  });

  it.each(["XX", "EU", "UN", "ZZ", "UK", "QO", "YU", "de", "D", "DEU"])("refuses %s", (code) => {
    expect(isCountryCode(code)).toBe(false);
  });
});

describe("checkPostalAddress", () => {
  it("has rules for every country the table promises", () => {
    expect([...countriesWithAddressRules].sort()).toEqual(Object.keys(valid).sort());
  });

  it.each(Object.entries(valid))("accepts a well-formed %s address", (country, parts) => {
    expect(normaliseAddress({ ...base, countryCode: country, ...parts }).countryCode).toBe(country);
  });

  it("trims every part and collapses inner whitespace", () => {
    const out = normaliseAddress({
      ...base,
      line1: "\tMain   Street 1 ",
      city: " Berlin ",
      postalCode: " 10115 ",
      countryCode: " de ",
    });
    expect(out).toMatchObject({
      line1: "Main Street 1",
      city: "Berlin",
      postalCode: "10115",
      countryCode: "DE",
    });
  });

  it("refuses a code that is not an ISO 3166-1 country", () => {
    expect(violationsOf({ countryCode: "XX" })).toEqual([
      ["fields.country_code", '"XX" is not an ISO 3166-1 alpha-2 country code'],
    ]);
  });

  it.each(["EU", "UN", "ZZ"])("refuses the non-country %s", (code) => {
    expect(violationsOf({ countryCode: code })[0]?.[0]).toBe("fields.country_code");
  });

  it("names the format of a German postal code that is too short", () => {
    expect(violationsOf({ postalCode: "1234" })).toEqual([
      ["fields.postal_code", "is not a valid postal code for DE (5 digits, e.g. 10115)"],
    ]);
  });

  it("requires a postal code where the country has a format", () => {
    expect(violationsOf({ countryCode: "FR", postalCode: "" })).toEqual([
      ["fields.postal_code", "is required for FR (5 digits, e.g. 75001)"],
    ]);
  });

  it("requires a US state", () => {
    expect(violationsOf({ countryCode: "US", postalCode: "10001" })).toEqual([
      ["fields.region", "is required for US (the state or territory code, e.g. NY)"],
    ]);
  });

  it("refuses a US state code that does not exist", () => {
    expect(violationsOf({ countryCode: "US", region: "XY", postalCode: "10001" })[0]?.[0]).toBe(
      "fields.region",
    );
  });

  it("refuses a Canadian province code that does not exist", () => {
    expect(violationsOf({ countryCode: "CA", region: "XX", postalCode: "K1A 0B1" })).toEqual([
      ["fields.region", "is not the province or territory code of CA (e.g. ON)"],
    ]);
  });

  it("turns a region name into its code and upper-cases codes for US, CA and AU", () => {
    expect(
      normaliseAddress({ ...base, countryCode: "US", region: "new york", postalCode: "10001" }).region,
    ).toBe("NY");
    expect(
      normaliseAddress({ ...base, countryCode: "CA", region: "Québec", postalCode: "H2X 1Y4" }).region,
    ).toBe("QC");
    expect(normaliseAddress({ ...base, countryCode: "AU", region: "vic", postalCode: "3000" }).region).toBe(
      "VIC",
    );
  });

  it.each([
    ["US", "94103-1234", "94103-1234"],
    ["CA", "k1a0b1", "K1A 0B1"],
    ["GB", "sw1a1aa", "SW1A 1AA"],
    ["GB", "m1 1ae", "M1 1AE"],
    ["NL", "1012ab", "1012 AB"],
    ["JP", "1000001", "100-0001"],
    ["BR", "01310100", "01310-100"],
  ])("writes a %s postal code %s as %s", (country, input, output) => {
    const region = { US: "CA", CA: "ON", JP: "Tokyo", BR: "SP" }[country] ?? "";
    expect(normaliseAddress({ ...base, countryCode: country, region, postalCode: input }).postalCode).toBe(
      output,
    );
  });

  it.each([
    ["US", "1234"],
    ["US", "12345-12"],
    ["CA", "K1A 0B"],
    ["GB", "12345"],
    ["NL", "1012"],
    ["PL", "00950"],
    ["JP", "100-00"],
    ["AU", "20000"],
    ["BR", "0131-0100"],
    ["IN", "11001"],
    ["CN", "10000"],
    ["MX", "066000"],
  ])("refuses the %s postal code %s", (country, postalCode) => {
    const region = {
      US: "NY",
      CA: "ON",
      JP: "Tokyo",
      AU: "NSW",
      BR: "SP",
      IN: "Delhi",
      CN: "Beijing",
      MX: "CDMX",
    }[country];
    expect(violationsOf({ countryCode: country, postalCode, region: region ?? "" })).toEqual([
      ["fields.postal_code", expect.stringContaining(`is not a valid postal code for ${country}`)],
    ]);
  });

  it.each(["JP", "BR", "IN", "MX", "CN", "IT", "AU"])("requires a region in %s", (country) => {
    const postalCode = valid[country]?.postalCode ?? "";
    expect(violationsOf({ countryCode: country, postalCode }).map(([field]) => field)).toEqual([
      "fields.region",
    ]);
  });

  it("needs only line1 and city in a country without rules, with a free-form postal code", () => {
    const out = normaliseAddress({ ...base, countryCode: "CH", postalCode: "ch-8001 " });
    expect(out.postalCode).toBe("CH-8001");
    expect(normaliseAddress({ ...base, countryCode: "AE" }).postalCode).toBe("");
  });

  it("lists every missing required part at once", () => {
    expect(violationsOf({ line1: "", city: "  ", countryCode: "CH" }).map(([f]) => f)).toEqual([
      "fields.line1",
      "fields.city",
    ]);
  });

  it("refuses control characters but folds line breaks into spaces", () => {
    expect(violationsOf({ line1: "Main\u0000Street", postalCode: "10115" })).toEqual([
      ["fields.line1", "must not contain control characters"],
    ]);
    expect(normaliseAddress({ ...base, postalCode: "10115", line2: "Floor 2\nLeft" }).line2).toBe(
      "Floor 2 Left",
    );
  });

  it("names fields under the path it is given", () => {
    expect(checkPostalAddress({ ...base, postalCode: "1" }, "shipping_address.address").violations).toEqual([
      { field: "shipping_address.address.postal_code", message: expect.stringContaining("DE") },
    ]);
  });
});
