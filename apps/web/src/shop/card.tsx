import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { distance } from "../lib/format";
import { Picture } from "../ui/picture";

/** What a product card shows of a search hit. */
export interface Hit {
  id: string;
  title: string;
  storefrontName: string;
  inStock: boolean;
  distanceMeters?: number | null;
  priceRange: { min: { formatted: string }; max: { formatted: string } };
  compareAtPrice?: { formatted: string } | null;
  image?: { url?: string | null; dominantColor?: string | null } | null;
  storefront?: { slug: string } | null;
}

export function ProductCard({ hit }: { hit: Hit }) {
  const { t } = useTranslation("shop");
  const { min, max } = hit.priceRange;
  const away = distance(hit.distanceMeters);
  return (
    <li>
      <article className="product-card">
        <Picture media={hit.image} alt="" />
        <div className="body">
          <h3 className="card-title">
            <Link to={`/products/${hit.id}`}>{hit.title}</Link>
          </h3>
          <p className="price">
            {min.formatted === max.formatted ? min.formatted : t("card.from", { price: min.formatted })}
            {hit.compareAtPrice ? (
              <s className="compare-at">
                <span className="visually-hidden">{t("card.was")} </span>
                {hit.compareAtPrice.formatted}
              </s>
            ) : null}
          </p>
          <p className="muted small">
            {hit.storefront ? (
              <Link to={`/storefronts/${hit.storefront.slug}`}>{hit.storefrontName}</Link>
            ) : (
              hit.storefrontName
            )}
            {away ? ` · ${t("card.away", { distance: away })}` : null}
          </p>
          {hit.inStock ? null : <p className="status">{t("card.soldOut")}</p>}
        </div>
      </article>
    </li>
  );
}
