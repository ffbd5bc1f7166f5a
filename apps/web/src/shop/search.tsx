import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { ProductSort, SearchProductsQueryVariables } from "../gql/graphql";
import { toMinor } from "../lib/format";
import { usePlace } from "../lib/location";
import { Checkbox, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";
import { ProductCard } from "./card";
import { PlacePicker } from "./place-picker";

const SearchProducts = graphql(`
  query SearchProducts(
    $query: String
    $categoryId: ID
    $minPrice: SafeInt
    $maxPrice: SafeInt
    $currency: String
    $options: [NameValueInput!]
    $inStock: Boolean
    $near: NearInput
    $sort: ProductSort
    $after: String
  ) {
    search(
      query: $query
      categoryId: $categoryId
      minPrice: $minPrice
      maxPrice: $maxPrice
      currency: $currency
      options: $options
      inStock: $inStock
      near: $near
      sort: $sort
      first: 12
      after: $after
    ) {
      correctedQuery
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          title
          storefrontName
          inStock
          distanceMeters
          priceRange {
            min {
              formatted
            }
            max {
              formatted
            }
          }
          compareAtPrice {
            formatted
          }
          image {
            url(size: THUMBNAIL_LARGE)
            dominantColor
          }
          storefront {
            slug
          }
        }
      }
    }
  }
`);

const SearchCategories = graphql(`
  query SearchCategories {
    categories {
      id
      name
      depth
    }
  }
`);

const sorts: readonly ProductSort[] = ["RELEVANCE", "DISTANCE", "PRICE_ASC", "PRICE_DESC", "NEWEST"];

type Variables = Omit<SearchProductsQueryVariables, "after">;

/** One page of results; the last one offers the next. */
function ResultPage({
  variables,
  after,
  last,
  onMore,
  onCorrected,
}: {
  variables: Variables;
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
  onCorrected?: (query: string | null | undefined) => ReactNode;
}) {
  const { t } = useTranslation("shop");
  const [{ data, error, fetching }, retry] = useQuery({
    query: SearchProducts,
    variables: { ...variables, after },
  });
  const edges = data?.search.edges ?? [];
  return (
    <>
      {onCorrected && data ? onCorrected(data.search.correctedQuery) : null}
      {fetching && !data ? <Loading /> : null}
      {error ? <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} /> : null}
      {data && edges.length === 0 && after === null ? <Empty>{t("search.none")}</Empty> : null}
      {edges.length > 0 ? (
        <ul className="grid">
          {edges.map(({ node }) => (
            <ProductCard key={node.id} hit={node} />
          ))}
        </ul>
      ) : null}
      {last && data?.search.pageInfo.hasNextPage && data.search.pageInfo.endCursor ? (
        <p className="more">
          <button
            type="button"
            className="secondary"
            onClick={() => onMore(data.search.pageInfo.endCursor ?? "")}
          >
            {t("search.more")}
          </button>
        </p>
      ) : null}
    </>
  );
}

export default function Search() {
  const { t } = useTranslation("shop");
  const [params, setParams] = useSearchParams();
  const place = usePlace();
  const [categories] = useQuery({ query: SearchCategories });
  const q = params.get("q") ?? "";
  const radius = params.get("radius") ?? "";
  const min = params.get("min") ?? "";
  const max = params.get("max") ?? "";
  const option = params.get("option") ?? "";
  const [name, value] = option.includes(":") ? option.split(":", 2) : ["", ""];
  const minMinor = min ? toMinor(min) : undefined;
  const maxMinor = max ? toMinor(max) : undefined;
  const sort = (sorts as readonly string[]).includes(params.get("sort") ?? "")
    ? (params.get("sort") as ProductSort)
    : undefined;
  const variables: Variables = {
    query: q || null,
    categoryId: params.get("category") || null,
    minPrice: minMinor ?? null,
    maxPrice: maxMinor ?? null,
    currency: minMinor !== undefined || maxMinor !== undefined ? "EUR" : null,
    options: name && value ? [{ name: name.trim(), value: value.trim() }] : null,
    inStock: params.get("inStock") === "1" ? true : null,
    near: place ? { lat: place.lat, lng: place.lng, ...(radius ? { radiusKm: Number(radius) } : {}) } : null,
    sort: sort === "DISTANCE" && !place ? null : (sort ?? null),
  };
  const filtersKey = JSON.stringify(variables);
  const [pages, setPages] = useState<{ key: string; cursors: (string | null)[] }>({
    key: filtersKey,
    cursors: [null],
  });
  const cursors = pages.key === filtersKey ? pages.cursors : [null];
  const [priceError, setPriceError] = useState<string | undefined>();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const [key, raw] of form.entries()) {
      const text = String(raw).trim();
      if (text) next.set(key, text);
    }
    const bad = ["min", "max"].find((key) => next.has(key) && toMinor(next.get(key) ?? "") === undefined);
    if (bad) {
      setPriceError(t("search.badPrice"));
      return;
    }
    setPriceError(undefined);
    setParams(next);
  };

  return (
    <Page title={q ? t("search.titleFor", { query: q }) : t("search.title")} wide>
      <div className="split">
        <form onSubmit={submit} aria-label={t("search.filters")} className="filters" key={params.toString()}>
          <TextField label={t("search.query")} name="q" type="search" defaultValue={q} />
          <SelectField
            label={t("search.category")}
            name="category"
            defaultValue={params.get("category") ?? ""}
          >
            <option value="">{t("search.anyCategory")}</option>
            {categories.data?.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {"\u00a0\u00a0".repeat(c.depth)}
                {c.name}
              </option>
            ))}
          </SelectField>
          <fieldset>
            <legend>{t("search.price")}</legend>
            <div className="row two">
              <TextField
                label={t("search.min")}
                name="min"
                inputMode="decimal"
                defaultValue={min}
                error={priceError}
              />
              <TextField label={t("search.max")} name="max" inputMode="decimal" defaultValue={max} />
            </div>
          </fieldset>
          <TextField
            label={t("search.option")}
            name="option"
            defaultValue={option}
            hint={t("search.optionHint")}
          />
          <Checkbox
            label={t("search.inStock")}
            name="inStock"
            value="1"
            defaultChecked={params.get("inStock") === "1"}
          />
          <PlacePicker />
          <SelectField
            label={t("search.distance")}
            name="radius"
            defaultValue={radius}
            disabled={!place}
            hint={place ? undefined : t("search.distanceHint")}
          >
            <option value="">{t("search.anyDistance")}</option>
            {[5, 10, 25, 50, 100].map((km) => (
              <option key={km} value={km}>
                {t("search.withinKm", { km })}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("search.sort")} name="sort" defaultValue={sort ?? ""}>
            <option value="">{t("search.sortDefault")}</option>
            {sorts.map((s) => (
              <option key={s} value={s} disabled={s === "DISTANCE" && !place}>
                {t(`search.sorts.${s}`)}
              </option>
            ))}
          </SelectField>
          <button type="submit">{t("search.apply")}</button>
        </form>
        <section aria-label={t("search.results")} aria-live="polite">
          {cursors.map((after, index) => (
            <ResultPage
              key={after ?? "first"}
              variables={variables}
              after={after}
              last={index === cursors.length - 1}
              onMore={(cursor) => setPages({ key: filtersKey, cursors: [...cursors, cursor] })}
              {...(index === 0
                ? {
                    onCorrected: (corrected: string | null | undefined) =>
                      corrected && q && corrected.toLowerCase() !== q.toLowerCase() ? (
                        <p className="alert alert-info" role="status">
                          {t("search.corrected", { corrected, query: q })}
                        </p>
                      ) : null,
                  }
                : {})}
            />
          ))}
        </section>
      </div>
    </Page>
  );
}
