import {
  Conflict,
  type Database,
  type Executor,
  FailedPrecondition,
  InvalidArgument,
  isUniqueViolation,
  NotFound,
  type Outbox,
  type Tx,
} from "@mercato/platform";
import { and, asc, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { ancestorsUnder, treeOrder } from "../domain/category-rules.js";
import { recordCategoryChanged } from "../events/catalog-events.js";
import { categoryToProto } from "./mappers.js";
import { type CategoryRow, categories } from "./schema.js";

/** A new category: name, slug (already derived when the request left it empty), parent and position. */
export interface NewCategory {
  name: string;
  slug: string;
  /** Undefined for a root category. */
  parentId: string | undefined;
  position: number;
}

/** Changes to a category; undefined leaves a field as it is, `parentId: null` moves it to the root. */
export interface CategoryChanges {
  name?: string | undefined;
  slug?: string | undefined;
  parentId?: string | null | undefined;
  position?: number | undefined;
  status?: "active" | "archived" | undefined;
}

/** A category with the path to it and its children. */
export interface CategoryView {
  category: CategoryRow;
  /** Its ancestors, root first. */
  breadcrumbs: CategoryRow[];
  children: CategoryRow[];
}

/**
 * The category tree. Writes take one transaction-scoped advisory lock on the tree, so two moves
 * cannot together make a cycle and a subtree is never rewritten by two transactions at once.
 */
export class Categories {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
  ) {}

  /** Adds a category under an active parent (or at the root) and publishes CategoryChanged. */
  async create(input: NewCategory): Promise<CategoryRow> {
    return this.database.transaction(async (tx) => {
      await lockTree(tx);
      await assertSlugFree(tx, input.slug, undefined);
      const parent = input.parentId === undefined ? undefined : await parentFor(tx, input.parentId);
      if (parent?.status === "archived") throw archivedParent(parent);
      const [row] = await insertCategory(tx, {
        id: uuidv7(),
        parentId: parent?.id ?? null,
        name: input.name,
        slug: input.slug,
        position: input.position,
        ancestorIds: ancestorsUnder(undefined, parent),
      });
      if (!row) throw new Error("insert returned no row");
      await recordCategoryChanged(this.outbox, tx, categoryToProto(row));
      return row;
    });
  }

  /**
   * Renames, re-slugs, moves, re-positions, archives or re-activates a category. A move rewrites
   * the ancestor ids of the whole subtree and archiving archives the subtree, in the same
   * transaction; CategoryChanged is published for every category that changed. A request that
   * changes nothing writes and publishes nothing.
   */
  async update(id: string, changes: CategoryChanges): Promise<CategoryRow> {
    return this.database.transaction(async (tx) => {
      await lockTree(tx);
      const [current] = await tx.select().from(categories).where(eq(categories.id, id)).limit(1);
      if (!current) throw notFound(id);
      const set: Partial<typeof categories.$inferInsert> = {};
      if (changes.name !== undefined && changes.name !== current.name) set.name = changes.name;
      if (changes.slug !== undefined && changes.slug !== current.slug) {
        await assertSlugFree(tx, changes.slug, id);
        set.slug = changes.slug;
      }
      if (changes.position !== undefined && changes.position !== current.position) {
        set.position = changes.position;
      }
      let parent: CategoryRow | undefined;
      if (changes.parentId !== undefined && changes.parentId !== current.parentId) {
        parent = changes.parentId === null ? undefined : await parentFor(tx, changes.parentId);
        set.parentId = parent?.id ?? null;
        set.ancestorIds = ancestorsUnder(id, parent);
      } else if (current.parentId !== null) {
        [parent] = await tx.select().from(categories).where(eq(categories.id, current.parentId)).limit(1);
      }
      if (changes.status !== undefined && changes.status !== current.status) set.status = changes.status;
      if ((set.status ?? current.status) === "active" && parent?.status === "archived") {
        throw archivedParent(parent);
      }
      if (Object.keys(set).length === 0) return current;

      const changed = new Map<string, CategoryRow>();
      const [updated] = await tx
        .update(categories)
        .set({ ...set, updatedAt: sql`now()` })
        .where(eq(categories.id, id))
        .returning()
        .catch(slugConflict(changes.slug));
      if (!updated) throw notFound(id);
      changed.set(id, updated);
      const inSubtree = sql`${categories.ancestorIds} @> array[${id}]::uuid[]`;
      if (set.ancestorIds) {
        const keep = current.ancestorIds.length + 1;
        const moved = await tx
          .update(categories)
          .set({
            ancestorIds: sql`${uuidArray(set.ancestorIds)} || ${categories.ancestorIds}[${sql.raw(String(keep))}:]`,
            updatedAt: sql`now()`,
          })
          .where(inSubtree)
          .returning();
        for (const row of moved) changed.set(row.id, row);
      }
      if (set.status === "archived") {
        const archived = await tx
          .update(categories)
          .set({ status: "archived", updatedAt: sql`now()` })
          .where(and(inSubtree, ne(categories.status, "archived")))
          .returning();
        for (const row of archived) changed.set(row.id, row);
      }
      for (const row of changed.values()) {
        await recordCategoryChanged(this.outbox, tx, categoryToProto(row));
      }
      return updated;
    });
  }

  /** One category by id or slug with its breadcrumbs and children (archived children only under an archived category). */
  async get(key: { id: string } | { slug: string }): Promise<CategoryView> {
    const db = this.database.db;
    const where = "id" in key ? eq(categories.id, key.id) : eq(categories.slug, key.slug);
    const [category] = await db.select().from(categories).where(where).limit(1);
    if (!category) throw new NotFound(`category ${"id" in key ? key.id : key.slug} not found`);
    const ancestors =
      category.ancestorIds.length === 0
        ? []
        : await db.select().from(categories).where(inArray(categories.id, category.ancestorIds));
    const byId = new Map(ancestors.map((row) => [row.id, row]));
    const breadcrumbs = category.ancestorIds.flatMap((ancestorId) => byId.get(ancestorId) ?? []);
    const children = await db
      .select()
      .from(categories)
      .where(
        and(
          eq(categories.parentId, category.id),
          category.status === "archived" ? undefined : eq(categories.status, "active"),
        ),
      )
      .orderBy(asc(categories.position), asc(categories.name), asc(categories.id));
    return { category, breadcrumbs, children };
  }

  /** The whole tree, parents before children, siblings by position then name. */
  async list(includeArchived: boolean): Promise<CategoryRow[]> {
    const rows = await this.database.db
      .select()
      .from(categories)
      .where(includeArchived ? undefined : eq(categories.status, "active"));
    return treeOrder(rows);
  }
}

/**
 * The category a product may be listed in: InvalidArgument on `category_id` when there is none,
 * FailedPrecondition when it is archived.
 */
export async function requireActiveCategory(executor: Executor, id: string): Promise<CategoryRow> {
  const [row] = await executor.select().from(categories).where(eq(categories.id, id)).limit(1);
  if (!row) throw InvalidArgument.field("category_id", `names no category (${id})`);
  if (row.status === "archived") {
    throw new FailedPrecondition(`category_id: category ${row.slug} is archived; choose an active category`);
  }
  return row;
}

function notFound(id: string): NotFound {
  return new NotFound(`category ${id} not found`);
}

function archivedParent(parent: CategoryRow): FailedPrecondition {
  return new FailedPrecondition(`parent_id: category ${parent.slug} is archived; activate it first`);
}

function slugTaken(slug: string): Conflict {
  return new Conflict(`slug: ${slug} is already used by another category`);
}

function slugConflict(slug: string | undefined) {
  return (error: unknown): never => {
    if (slug !== undefined && isUniqueViolation(error)) throw slugTaken(slug);
    throw error;
  };
}

async function lockTree(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('products.category-tree'))`);
}

async function assertSlugFree(tx: Tx, slug: string, exceptId: string | undefined): Promise<void> {
  const conditions: SQL[] = [eq(categories.slug, slug)];
  if (exceptId) conditions.push(ne(categories.id, exceptId));
  const [taken] = await tx
    .select({ id: categories.id })
    .from(categories)
    .where(and(...conditions))
    .limit(1);
  if (taken) throw slugTaken(slug);
}

async function parentFor(tx: Tx, parentId: string): Promise<CategoryRow> {
  const [parent] = await tx.select().from(categories).where(eq(categories.id, parentId)).limit(1);
  if (!parent) throw InvalidArgument.field("parent_id", `names no category (${parentId})`);
  return parent;
}

async function insertCategory(tx: Tx, row: typeof categories.$inferInsert): Promise<CategoryRow[]> {
  return tx.insert(categories).values(row).returning().catch(slugConflict(row.slug));
}

/** A uuid[] literal built from bound parameters (the empty array included). */
export function uuidArray(ids: readonly string[]): SQL {
  return sql`array[${sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  )}]::uuid[]`;
}
