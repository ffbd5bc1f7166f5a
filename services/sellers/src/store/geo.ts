/** A position in degrees on WGS 84. */
export interface LatLng {
  latitude: number;
  longitude: number;
}

/** The EWKT of a point in SRID 4326 (longitude first, as PostGIS wants it). */
export function pointToEwkt(point: LatLng): string {
  return `SRID=4326;POINT(${point.longitude} ${point.latitude})`;
}

/**
 * Reads the hex EWKB that PostgreSQL returns for a geography point: a byte-order flag, the type
 * (with the SRID bit), the SRID, then x (longitude) and y (latitude) as doubles.
 */
export function pointFromEwkbHex(hex: string): LatLng {
  const bytes = Buffer.from(hex, "hex");
  const little = bytes[0] === 1;
  const type = little ? bytes.readUInt32LE(1) : bytes.readUInt32BE(1);
  const offset = type & 0x20000000 ? 9 : 5;
  if ((type & 0xff) !== 1 || bytes.length < offset + 16) throw new Error("stored location is not a point");
  const read = (at: number) => (little ? bytes.readDoubleLE(at) : bytes.readDoubleBE(at));
  return { longitude: read(offset), latitude: read(offset + 8) };
}
