import { InvalidArgument } from "@mercato/platform";

/** Longest slug a category may have, in characters. */
export const maxSlugLength = 80;

/**
 * The slug derived from a display name: lower case, accents dropped, every run of other characters
 * a single dash, at most 80 characters. InvalidArgument on `slug` when nothing usable remains.
 */
export function slugFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, maxSlugLength)
    .replace(/^-+|-+$/g, "");
  if (slug === "") throw InvalidArgument.field("slug", "cannot be derived from the name; give one");
  return slug;
}

/** A category's place in the tree: its id and the ids from the root down to its parent. */
export interface TreePlace {
  id: string;
  ancestorIds: readonly string[];
}

/**
 * The ancestor ids a category gets under `parent` (undefined = the root). Refuses, on `parent_id`,
 * a parent that is the category itself or one of its descendants, which would make a cycle.
 */
export function ancestorsUnder(categoryId: string | undefined, parent: TreePlace | undefined): string[] {
  if (!parent) return [];
  if (categoryId !== undefined && (parent.id === categoryId || parent.ancestorIds.includes(categoryId))) {
    throw InvalidArgument.field("parent_id", "cannot move a category under itself or one of its descendants");
  }
  return [...parent.ancestorIds, parent.id];
}

/** A category as the tree ordering needs it. */
export interface TreeNode {
  id: string;
  parentId: string | null;
  name: string;
  position: number;
}

/**
 * Orders categories depth-first: every parent before its children, siblings by position then name
 * (then id, for a stable order). Categories whose parent is not in the list are treated as roots.
 */
export function treeOrder<T extends TreeNode>(nodes: readonly T[]): T[] {
  const ids = new Set(nodes.map((node) => node.id));
  const children = new Map<string | null, T[]>();
  for (const node of nodes) {
    const parent = node.parentId !== null && ids.has(node.parentId) ? node.parentId : null;
    const siblings = children.get(parent) ?? [];
    siblings.push(node);
    children.set(parent, siblings);
  }
  for (const siblings of children.values()) {
    siblings.sort(
      (a, b) =>
        a.position - b.position || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }
  const ordered: T[] = [];
  const visit = (parent: string | null) => {
    for (const node of children.get(parent) ?? []) {
      ordered.push(node);
      visit(node.id);
    }
  };
  visit(null);
  return ordered;
}
