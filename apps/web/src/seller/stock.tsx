import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { StockAdjustmentReason } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";
import { SellerProducts } from "./products";

const StockLevels = graphql(`
  query StockLevels($ids: [ID!]!) {
    stock(variantIds: $ids) {
      variantId
      onHand
      reserved
      available
      lowStockThreshold
      low
    }
  }
`);

const Movements = graphql(`
  query Movements($variantId: ID!, $after: String) {
    stockMovements(variantId: $variantId, first: 20, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          quantity
          reason
          note
          onHandAfter
          createdAt
        }
      }
    }
  }
`);

const Adjust = graphql(`
  mutation AdjustStock($variantId: ID!, $quantity: Int!, $reason: StockAdjustmentReason!, $note: String) {
    adjustStock(variantId: $variantId, quantity: $quantity, reason: $reason, note: $note) {
      variantId
      onHand
      available
    }
  }
`);

const Threshold = graphql(`
  mutation SetThreshold($variantId: ID!, $threshold: Int) {
    setLowStockThreshold(variantId: $variantId, threshold: $threshold) {
      variantId
      lowStockThreshold
      low
    }
  }
`);

interface VariantRow {
  id: string;
  label: string;
}

export default function Stock() {
  const { t } = useTranslation("seller");
  const [products] = useQuery({ query: SellerProducts, variables: { after: null } });
  const variants: VariantRow[] =
    products.data?.myStorefront?.products.edges.flatMap(({ node }) =>
      node.variants.map((v) => ({
        id: v.id,
        label: `${[node.title, ...v.options.map((o) => o.value)].join(" · ")} (${v.sku})`,
      })),
    ) ?? [];
  const ids = variants.map((v) => v.id);
  const [levels, reload] = useQuery({ query: StockLevels, variables: { ids }, pause: ids.length === 0 });
  const [open, setOpen] = useState<string | null>(null);
  if (products.fetching && !products.data) return <Loading />;
  if (products.error) return <LoadError error={products.error} />;
  const byId = new Map(levels.data?.stock.map((s) => [s.variantId, s]) ?? []);
  return (
    <Page title={t("stock.title")}>
      {variants.length === 0 ? <Empty>{t("products.none")}</Empty> : null}
      {levels.error ? <LoadError error={levels.error} /> : null}
      <ul className="plain stack">
        {variants.map((variant) => {
          const level = byId.get(variant.id);
          return (
            <li key={variant.id} className="card">
              <h2 className="h3">{variant.label}</h2>
              <p className="row">
                <span>{t("stock.available", { count: level?.available ?? 0 })}</span>
                <span className="muted">{t("stock.onHand", { count: level?.onHand ?? 0 })}</span>
                <span className="muted">{t("stock.reserved", { count: level?.reserved ?? 0 })}</span>
                {level?.low ? <span className="status status-low">{t("stock.low")}</span> : null}
              </p>
              <button
                type="button"
                className="secondary"
                aria-expanded={open === variant.id}
                onClick={() => setOpen(open === variant.id ? null : variant.id)}
              >
                {open === variant.id ? t("stock.close") : t("stock.manage")}
              </button>
              {open === variant.id ? (
                <VariantStock
                  variantId={variant.id}
                  threshold={level?.lowStockThreshold ?? null}
                  onChanged={() => reload({ requestPolicy: "network-only" })}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </Page>
  );
}

function VariantStock({
  variantId,
  threshold,
  onChanged,
}: {
  variantId: string;
  threshold: number | null;
  onChanged: () => void;
}) {
  const { t } = useTranslation("seller");
  const [adjusted, adjust] = useMutation(Adjust);
  const [limited, limit] = useMutation(Threshold);
  const [after, setAfter] = useState<string | null>(null);
  const [ledger, reloadLedger] = useQuery({ query: Movements, variables: { variantId, after } });
  const [quantityError, setQuantityError] = useState<string | undefined>();
  const [said, setSaid] = useState("");
  const adjustProblem = apiProblem(adjusted.error, ["quantity", "note", "reason"]);
  const limitProblem = apiProblem(limited.error, ["threshold"]);

  const submitAdjust = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const quantity = Number(form.get("quantity"));
    if (!Number.isInteger(quantity) || quantity === 0) {
      setQuantityError(t("stock.badQuantity"));
      return;
    }
    setQuantityError(undefined);
    const result = await adjust({
      variantId,
      quantity,
      reason: String(form.get("reason")) as StockAdjustmentReason,
      note: String(form.get("note") ?? "").trim() || null,
    });
    if (!result.error) {
      setSaid(t("stock.adjusted"));
      event.currentTarget?.reset();
      onChanged();
      reloadLedger({ requestPolicy: "network-only" });
    }
  };
  const submitThreshold = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get("threshold") ?? "").trim();
    const result = await limit({ variantId, threshold: text === "" ? null : Number(text) });
    if (!result.error) {
      setSaid(t("stock.thresholdSaved"));
      onChanged();
    }
  };
  const moves = ledger.data?.stockMovements.edges.map((e) => e.node) ?? [];
  return (
    <div className="stack variant-stock">
      <p role="status" className="muted">
        {said}
      </p>
      <div className="split split-even">
        <form onSubmit={submitAdjust} noValidate>
          <h3>{t("stock.adjust")}</h3>
          <TextField
            label={t("stock.quantity")}
            name="quantity"
            type="number"
            required
            hint={t("stock.quantityHint")}
            error={quantityError ?? adjustProblem?.fields.quantity}
          />
          <SelectField label={t("stock.reason")} name="reason" defaultValue="REPLENISHMENT">
            <option value="REPLENISHMENT">{t("stock.reasons.REPLENISHMENT")}</option>
            <option value="ADJUSTMENT">{t("stock.reasons.ADJUSTMENT")}</option>
          </SelectField>
          <TextField label={t("stock.note")} name="note" error={adjustProblem?.fields.note} />
          <FormProblem problem={adjustProblem} />
          <button type="submit" disabled={adjusted.fetching}>
            {t("stock.save")}
          </button>
        </form>
        <form onSubmit={submitThreshold} noValidate>
          <h3>{t("stock.threshold")}</h3>
          <TextField
            label={t("stock.thresholdLabel")}
            name="threshold"
            type="number"
            min={0}
            defaultValue={threshold ?? ""}
            hint={t("stock.thresholdHint")}
            error={limitProblem?.fields.threshold}
          />
          <FormProblem problem={limitProblem} />
          <button type="submit" className="secondary" disabled={limited.fetching}>
            {t("stock.saveThreshold")}
          </button>
        </form>
      </div>
      <h3>{t("stock.ledger")}</h3>
      {ledger.error ? <LoadError error={ledger.error} /> : null}
      {ledger.data && moves.length === 0 ? <Empty>{t("stock.noMoves")}</Empty> : null}
      {moves.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("stock.when")}</th>
                <th scope="col">{t("stock.change")}</th>
                <th scope="col">{t("stock.reason")}</th>
                <th scope="col">{t("stock.after")}</th>
                <th scope="col">{t("stock.note")}</th>
              </tr>
            </thead>
            <tbody>
              {moves.map((m) => (
                <tr key={m.id}>
                  <td>{dateTime(m.createdAt)}</td>
                  <td>{m.quantity > 0 ? `+${m.quantity}` : m.quantity}</td>
                  <td>{t(`stock.reasons.${m.reason}`)}</td>
                  <td>{m.onHandAfter}</td>
                  <td>{m.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {ledger.data?.stockMovements.pageInfo.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setAfter(ledger.data?.stockMovements.pageInfo.endCursor ?? null)}
        >
          {t("common.next")}
        </button>
      ) : null}
    </div>
  );
}
