/** What a notification is about, for the user's choices: each kind belongs to one. */
export const categories = ["transactional", "security", "low_stock", "follows", "marketing"] as const;
export type Category = (typeof categories)[number];

/** How a notification reaches its recipient. */
export const channels = ["email", "push", "in_app"] as const;
export type Channel = (typeof channels)[number];

/** One category on one channel, as a user sees it. */
export interface Preference {
  category: Category;
  channel: Channel;
  enabled: boolean;
  /** The user cannot turn it off. */
  locked: boolean;
}

/** Transactional and security e-mail always go: a buyer must learn of an order, a user of a sign-in. */
export function isLocked(category: Category, channel: Channel): boolean {
  return channel === "email" && (category === "transactional" || category === "security");
}

/** Everything is on until turned off, except marketing, which is off until the user opts in. */
export function isOnByDefault(category: Category, _channel: Channel): boolean {
  return category !== "marketing";
}

/** Every category on every channel with the user's `chosen` settings over the defaults. */
export function effectivePreferences(
  chosen: readonly { category: string; channel: string; enabled: boolean }[],
): Preference[] {
  const byKey = new Map(chosen.map((row) => [`${row.category}/${row.channel}`, row.enabled]));
  return categories.flatMap((category) =>
    channels.map((channel) => {
      const locked = isLocked(category, channel);
      const enabled = locked || (byKey.get(`${category}/${channel}`) ?? isOnByDefault(category, channel));
      return { category, channel, enabled, locked };
    }),
  );
}
