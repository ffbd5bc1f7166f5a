import {
  FailedPrecondition,
  InvalidArgument,
  listedMediaReferences,
  type MediaReference,
} from "@mercato/platform";

/** The title as stored: trimmed, at least 2 characters (InvalidArgument on `title`). */
export function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length < 2)
    throw InvalidArgument.field("title", "must have at least 2 characters besides spaces");
  return trimmed;
}

/** Option names as stored: trimmed, not blank and distinct (InvalidArgument on `option_names[i]`). */
export function checkOptionNames(names: readonly string[]): string[] {
  const trimmed = names.map((name) => name.trim());
  trimmed.forEach((name, i) => {
    if (name === "") throw InvalidArgument.field(`option_names[${i}]`, "must not be blank");
    if (trimmed.indexOf(name) !== i) throw InvalidArgument.field(`option_names[${i}]`, `repeats "${name}"`);
  });
  return trimmed;
}

/** Refuses an active product without variants: buyers could not buy it. */
export function assertSellable(status: string, variantCount: number): void {
  if (status === "active" && variantCount === 0) {
    throw new FailedPrecondition("status: an active product needs at least one variant; add one first");
  }
}

/**
 * The media ids of a product to check (ADR 0041): ready product images or videos of the caller, each
 * named `media_ids[i]`; ids in `kept` (already on the product) are not checked again.
 */
export function productMediaReferences(
  ids: readonly string[],
  kept: readonly string[] = [],
): MediaReference[] {
  return listedMediaReferences("media_ids", ids, "product", kept);
}
