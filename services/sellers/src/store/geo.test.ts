import { describe, expect, it } from "vitest";
import { pointFromEwkbHex, pointToEwkt } from "./geo.js";

describe("geography points", () => {
  it("writes EWKT longitude first", () => {
    expect(pointToEwkt({ latitude: 52.52, longitude: 13.405 })).toBe("SRID=4326;POINT(13.405 52.52)");
  });

  it("reads the little-endian EWKB PostgreSQL returns", () => {
    // SELECT 'SRID=4326;POINT(13.405 52.52)'::geography
    expect(pointFromEwkbHex("0101000020E61000008FC2F5285CCF2A40C3F5285C8F424A40")).toEqual({
      latitude: 52.52,
      longitude: 13.405,
    });
  });

  it("reads big-endian EWKB too", () => {
    const bytes = Buffer.alloc(25);
    bytes.writeUInt8(0, 0);
    bytes.writeUInt32BE(0x20000001, 1);
    bytes.writeUInt32BE(4326, 5);
    bytes.writeDoubleBE(-0.1278, 9);
    bytes.writeDoubleBE(51.5074, 17);
    expect(pointFromEwkbHex(bytes.toString("hex"))).toEqual({ latitude: 51.5074, longitude: -0.1278 });
  });

  it("refuses a geometry that is not a point", () => {
    // A LINESTRING header (type 2).
    expect(() => pointFromEwkbHex("0102000020E610000000000000")).toThrow(/not a point/);
  });
});
