import { type Executor, rowsOf, uuidArray } from "@mercato/platform";
import { sql } from "drizzle-orm";

/** How many documents one refresh statement rebuilds at most. */
export const refreshChunk = 1000;

/**
 * Rebuilds the documents of these products from the source tables in one statement, and removes
 * the documents of products that no longer exist. Storefront data comes from whichever of the
 * catalog's storefronts table and the projection's own copy has the higher version, and never
 * replaces a newer one already on the document; a document newer than the tables (a concurrent
 * refresh that committed first) is left alone. Returns how many documents it wrote. `lexicon`
 * false leaves the spelling lexicon to a later syncLexicon (the rebuild does that once at the end).
 */
export async function refreshDocuments(
  tx: Executor,
  productIds: readonly string[],
  options: { lexicon?: boolean } = {},
): Promise<number> {
  let written = 0;
  for (let start = 0; start < productIds.length; start += refreshChunk) {
    const ids = uuidArray([...new Set(productIds.slice(start, start + refreshChunk))].sort());
    // A storefront event applied meanwhile would miss the documents this statement has not
    // committed yet: the shared lock makes it wait for them (and this wait for it), storefronts in
    // id order so that two refreshes never deadlock.
    await tx.execute(sql`
      select pg_advisory_xact_lock_shared(${storefrontLockSpace}, hashtext(s.id::text))
      from (select distinct storefront_id as id from products.products where id = any(${ids}::uuid[]) order by 1) s`);
    const rows = rowsOf<{ product_id: string }>(
      await tx.execute(sql`
        insert into products.search_documents as d (
          product_id, storefront_id, category_id, category_path, category_visible, title, media_id,
          product_status, product_version, published_at, currency, min_price_minor, max_price_minor,
          compare_at_minor, option_pairs, variant_options, in_stock, core_text,
          storefront_name, storefront_status, storefront_version, location, refreshed_at)
        select p.id, p.storefront_id, p.category_id,
          coalesce(c.ancestor_ids || c.id, array[p.category_id]),
          coalesce(cat.visible, false),
          p.title, p.media_ids[1], p.status, p.version,
          coalesce(p.published_at, p.created_at),
          vs.currency, vs.min_price, vs.max_price, vs.compare_at,
          coalesce(op.pairs, '{}'::text[]), coalesce(vs.options, '[]'::jsonb), coalesce(vs.in_stock, false),
          setweight(to_tsvector('simple', p.title), 'A')
            || setweight(to_tsvector('simple', concat_ws(' ', cat.names, op.words, attr.words)), 'B')
            || setweight(to_tsvector('simple', p.description), 'C'),
          coalesce(sf.name, ''), coalesce(sf.status, 'unknown'), coalesce(sf.version, 0), sf.location, now()
        from products.products p
        left join products.categories c on c.id = p.category_id
        left join lateral (
          select string_agg(a.name, ' ' order by u.n) as names, bool_and(a.status = 'active') as visible
          from unnest(c.ancestor_ids || c.id) with ordinality as u(id, n)
          join products.categories a on a.id = u.id
        ) cat on true
        left join lateral (
          -- One pass over the variants: prices in the currency of the first variant, options
          -- lower-cased (one object per variant) and stock (untracked variants count as in stock).
          select
            jsonb_agg(v.options order by v.position, v.id) as options,
            bool_or(s.variant_id is null or s.available > 0) as in_stock,
            min(v.first_currency) as currency,
            min(v.price_minor) filter (where v.currency = v.first_currency) as min_price,
            max(v.price_minor) filter (where v.currency = v.first_currency) as max_price,
            max(v.compare_at_minor) filter (where v.currency = v.first_currency) as compare_at
          from (
            select w.id, w.position, w.currency, w.price_minor, w.compare_at_minor,
              first_value(w.currency) over (order by w.position, w.id) as first_currency,
              coalesce((select jsonb_object_agg(lower(e.key), lower(e.value)) from jsonb_each_text(w.options) e),
                '{}'::jsonb) as options
            from products.variants w where w.product_id = p.id
          ) v
          left join products.search_variant_stock s on s.variant_id = v.id
        ) vs on true
        left join lateral (
          select array_agg(distinct e.key || '=' || e.value) as pairs, string_agg(distinct e.value, ' ') as words
          from jsonb_array_elements(vs.options) o cross join lateral jsonb_each_text(o) e
        ) op on true
        left join lateral (
          select string_agg(e.value, ' ') as words from jsonb_each_text(p.attributes) e
        ) attr on true
        left join lateral (
          select x.name, x.status, x.location, x.version from (
            select s.name, s.status, s.location, s.version from products.storefronts s
            where s.id = p.storefront_id
            union all
            select s.name, s.status, s.location, s.version from products.search_storefronts s
            where s.id = p.storefront_id
          ) x order by x.version desc limit 1
        ) sf on true
        where p.id = any(${ids}::uuid[])
        order by p.id
        on conflict (product_id) do update set
          storefront_id = excluded.storefront_id,
          category_id = excluded.category_id,
          category_path = excluded.category_path,
          category_visible = excluded.category_visible,
          title = excluded.title,
          media_id = excluded.media_id,
          product_status = excluded.product_status,
          product_version = excluded.product_version,
          published_at = excluded.published_at,
          currency = excluded.currency,
          min_price_minor = excluded.min_price_minor,
          max_price_minor = excluded.max_price_minor,
          compare_at_minor = excluded.compare_at_minor,
          option_pairs = excluded.option_pairs,
          variant_options = excluded.variant_options,
          in_stock = excluded.in_stock,
          core_text = excluded.core_text,
          storefront_name = case when ${newerStorefront} then excluded.storefront_name else d.storefront_name end,
          storefront_status = case when ${newerStorefront} then excluded.storefront_status else d.storefront_status end,
          location = case when ${newerStorefront} then excluded.location else d.location end,
          storefront_version = case when ${newerStorefront} then excluded.storefront_version else d.storefront_version end,
          refreshed_at = now()
        where d.product_version <= excluded.product_version
        returning d.product_id`),
    );
    written += rows.length;
    await tx.execute(sql`
      delete from products.search_documents d
      where d.product_id = any(${ids}::uuid[])
        and not exists (select 1 from products.products p where p.id = d.product_id)`);
    if (options.lexicon !== false) await addToLexicon(tx, ids);
  }
  return written;
}

/** First key of the advisory locks that order storefront events against document refreshes. */
export const storefrontLockSpace = 4_003;

const newerStorefront = sql.raw(
  "(excluded.storefront_id <> d.storefront_id or excluded.storefront_version >= d.storefront_version)",
);

/**
 * Adds the words of these visible documents to the spelling lexicon: 3 to 40 characters without
 * a digit (numbers and model codes are never corrected), in word order so that concurrent adds
 * never deadlock.
 */
async function addToLexicon(tx: Executor, idsLiteral: string): Promise<void> {
  await tx.execute(sql`
    insert into products.search_lexicon (word)
    select distinct w.word from products.search_documents d
    cross join lateral unnest(tsvector_to_array(d.search_text)) as w(word)
    where d.product_id = any(${idsLiteral}::uuid[]) and d.visible and char_length(w.word) between 3 and 40 and w.word !~ '[0-9]'
    order by w.word
    on conflict do nothing`);
}

/** Adds the words of a storefront name to the lexicon. */
export async function addNameToLexicon(tx: Executor, name: string): Promise<void> {
  await tx.execute(sql`
    insert into products.search_lexicon (word)
    select distinct w.word from unnest(tsvector_to_array(to_tsvector('simple', ${name}))) as w(word)
    where char_length(w.word) between 3 and 40 and w.word !~ '[0-9]'
    order by w.word
    on conflict do nothing`);
}

/**
 * Makes the lexicon exactly the words of the visible documents: adds the missing ones and drops
 * words no visible document has any more (the incremental path only ever adds).
 */
export async function syncLexicon(tx: Executor): Promise<void> {
  await tx.execute(sql`
    create temporary table search_lexicon_words on commit drop as
    select word from ts_stat('select search_text from products.search_documents where visible')
    where char_length(word) between 3 and 40 and word !~ '[0-9]'`);
  await tx.execute(sql`
    insert into products.search_lexicon (word) select word from search_lexicon_words order by word
    on conflict do nothing`);
  await tx.execute(sql`
    delete from products.search_lexicon l
    where not exists (select 1 from search_lexicon_words w where w.word = l.word)`);
}

/** Ids of the products whose documents depend on a category: those under it in the tables or on their documents. */
export async function productsUnderCategory(tx: Executor, categoryId: string): Promise<string[]> {
  const path = uuidArray([categoryId]);
  return rowsOf<{ id: string }>(
    await tx.execute(sql`
      select d.product_id as id from products.search_documents d where d.category_path @> ${path}::uuid[]
      union
      select p.id from products.products p
      where p.category_id in (
        select c.id from products.categories c where c.id = ${categoryId} or c.ancestor_ids @> ${path}::uuid[])`),
  ).map((row) => row.id);
}
