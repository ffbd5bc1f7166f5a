/** Most addresses one user may keep; a create beyond it is refused. */
export const maxAddressesPerUser = 50;

/** Which defaults an address is, or is asked to become. */
export interface DefaultFlags {
  shipping: boolean;
  billing: boolean;
}

/** The default flags a new address gets: the first one of a book is both defaults, later ones what was asked. */
export function defaultsForNewAddress(existingCount: number, requested: DefaultFlags): DefaultFlags {
  return existingCount === 0 ? { shipping: true, billing: true } : requested;
}

/**
 * Position of an address in a listing: both defaults first, then the default shipping, then the
 * default billing address, then the rest (newest first within each group).
 */
export function defaultsRank(flags: DefaultFlags): number {
  return (flags.shipping ? 2 : 0) + (flags.billing ? 1 : 0);
}
