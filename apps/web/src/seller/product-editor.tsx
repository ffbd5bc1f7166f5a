import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { type CombinedError, useClient, useMutation, useQuery } from "urql";
import { NotFound } from "../app/not-found";
import { graphql } from "../gql";
import type { ProductEditorQuery, ProductStatus } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { fromMinor, toMinor } from "../lib/format";
import { FormProblem, SelectField, TextArea, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { LoadError, Loading } from "../ui/states";
import { uploadPicture } from "./upload";

const ProductEditorData = graphql(`
  query ProductEditor($id: ID!, $skip: Boolean!) {
    categories {
      id
      name
      depth
    }
    product(id: $id) @skip(if: $skip) {
      id
      title
      description
      status
      categoryId
      optionNames
      mediaIds
      media {
        id
        url(size: THUMBNAIL_LARGE)
      }
      variants {
        id
        sku
        price {
          amountMinor
          currency
        }
        compareAtPrice {
          amountMinor
        }
        options {
          name
          value
        }
      }
    }
  }
`);

const CreateProduct = graphql(`
  mutation CreateProduct($input: CreateProductInput!) {
    createProduct(input: $input) {
      id
    }
  }
`);

const UpdateProduct = graphql(`
  mutation UpdateProduct($id: ID!, $input: UpdateProductInput!) {
    updateProduct(id: $id, input: $input) {
      id
    }
  }
`);

const AddVariant = graphql(`
  mutation AddVariant($productId: ID!, $input: VariantInput!) {
    addVariant(productId: $productId, input: $input) {
      variant {
        id
      }
    }
  }
`);

const UpdateVariant = graphql(`
  mutation UpdateVariant($id: ID!, $input: UpdateVariantInput!) {
    updateVariant(id: $id, input: $input) {
      variant {
        id
      }
    }
  }
`);

const DeleteVariant = graphql(`
  mutation DeleteVariant($id: ID!) {
    deleteVariant(id: $id) {
      id
    }
  }
`);

interface Row {
  key: string;
  id?: string;
  sku: string;
  price: string;
  compareAt: string;
  options: Record<string, string>;
}

type Existing = NonNullable<ProductEditorQuery["product"]>;

const newRow = (): Row => ({ key: crypto.randomUUID(), sku: "", price: "", compareAt: "", options: {} });

export default function ProductEditor() {
  const { id } = useParams();
  const [{ data, error, fetching }] = useQuery({
    query: ProductEditorData,
    variables: { id: id ?? "", skip: !id },
    requestPolicy: "network-only",
  });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} />;
  if (id && !data?.product) return <NotFound />;
  return <Editor key={id ?? "new"} categories={data?.categories ?? []} product={data?.product ?? null} />;
}

function Editor({
  categories,
  product,
}: {
  categories: { id: string; name: string; depth: number }[];
  product: Existing | null;
}) {
  const { t } = useTranslation("seller");
  const navigate = useNavigate();
  const client = useClient();
  const [optionText, setOptionText] = useState(product?.optionNames.join(", ") ?? "");
  const optionNames = optionText
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const [rows, setRows] = useState<Row[]>(
    product?.variants.map((v) => ({
      key: v.id,
      id: v.id,
      sku: v.sku,
      price: fromMinor(v.price.amountMinor),
      compareAt: fromMinor(v.compareAtPrice?.amountMinor),
      options: Object.fromEntries(v.options.map((o) => [o.name, o.value])),
    })) ?? [newRow()],
  );
  const [removed, setRemoved] = useState<string[]>([]);
  const [media, setMedia] = useState<{ id: string; url: string | null }[]>(
    product?.media.map((m) => ({ id: m.id, url: m.url ?? null })) ?? [],
  );
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | undefined>();
  const [failure, setFailure] = useState<{ error: CombinedError; row?: number } | null>(null);
  const [amountErrors, setAmountErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [, create] = useMutation(CreateProduct);
  const [, update] = useMutation(UpdateProduct);
  const [, addVariant] = useMutation(AddVariant);
  const [, updateVariant] = useMutation(UpdateVariant);
  const [, deleteVariant] = useMutation(DeleteVariant);

  const rowFields = rows.flatMap((_, i) => [
    `variants.${i}.sku`,
    `variants.${i}.price`,
    `variants.${i}.compareAtPrice`,
    `variants.${i}.options`,
  ]);
  const problem = apiProblem(failure?.error, [
    "title",
    "description",
    "categoryId",
    "optionNames",
    "mediaIds",
    ...rowFields,
    "sku",
    "price",
    "compareAtPrice",
    "options",
  ]);
  // A variant saved on its own names its fields without the row: place them on that row.
  const rowError = (index: number, field: string) =>
    amountErrors[`${index}.${field}`] ??
    problem?.fields[`variants.${index}.${field}`] ??
    (failure?.row === index ? problem?.fields[field] : undefined);

  const setRow = (index: number, change: Partial<Row>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  const upload = async (files: FileList | null) => {
    if (!files?.length) return;
    setUploading(true);
    setUploadError(undefined);
    try {
      for (const file of Array.from(files)) {
        const picture = await uploadPicture(client, file, "PRODUCT");
        setMedia((current) => [...current, picture]);
      }
    } catch (error) {
      setUploadError((error as Error).message);
    } finally {
      setUploading(false);
    }
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    setFailure(null);
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const amounts: Record<string, string> = {};
    const variants = rows.map((row, index) => {
      const price = toMinor(row.price);
      const compareAt = row.compareAt ? toMinor(row.compareAt) : null;
      if (price === undefined) amounts[`${index}.price`] = t("product.badAmount");
      if (compareAt === undefined) amounts[`${index}.compareAtPrice`] = t("product.badAmount");
      return {
        sku: row.sku.trim(),
        price: { amountMinor: price ?? 0, currency: "EUR" },
        compareAtPrice: compareAt ? { amountMinor: compareAt, currency: "EUR" } : null,
        options: optionNames.map((name) => ({ name, value: (row.options[name] ?? "").trim() })),
      };
    });
    setAmountErrors(amounts);
    if (Object.keys(amounts).length > 0) return;
    const fields = {
      title: text("title"),
      description: text("description"),
      categoryId: text("categoryId"),
      status: text("status") as ProductStatus,
      optionNames,
      mediaIds: media.map((m) => m.id),
    };
    setSaving(true);
    try {
      if (!product) {
        const result = await create({ input: { ...fields, variants } });
        if (result.error) return setFailure({ error: result.error });
        navigate(`/seller/products/${result.data?.createProduct.id}`, {
          replace: true,
          state: { saved: true },
        });
        return;
      }
      const result = await update({ id: product.id, input: fields });
      if (result.error) return setFailure({ error: result.error });
      for (const [index, row] of rows.entries()) {
        const input = variants[index];
        if (!input) continue;
        const reply = row.id
          ? await updateVariant({ id: row.id, input })
          : await addVariant({ productId: product.id, input });
        if (reply.error) return setFailure({ error: reply.error, row: index });
        const added = reply.data && "addVariant" in reply.data ? reply.data.addVariant.variant.id : undefined;
        if (added) setRows((current) => current.map((r) => (r.key === row.key ? { ...r, id: added } : r)));
      }
      for (const variantId of removed) {
        const reply = await deleteVariant({ id: variantId });
        if (reply.error) return setFailure({ error: reply.error });
      }
      setRemoved([]);
      setSaved(true);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Page title={product ? t("product.editTitle", { title: product.title }) : t("product.newTitle")}>
      <form onSubmit={submit} noValidate className="wide-form">
        <fieldset>
          <legend>{t("product.details")}</legend>
          <TextField
            label={t("product.title")}
            name="title"
            required
            defaultValue={product?.title ?? ""}
            error={problem?.fields.title}
          />
          <TextArea
            label={t("product.description")}
            name="description"
            rows={4}
            defaultValue={product?.description ?? ""}
            error={problem?.fields.description}
          />
          <SelectField
            label={t("product.category")}
            name="categoryId"
            required
            defaultValue={product?.categoryId ?? ""}
            error={problem?.fields.categoryId}
          >
            <option value="">{t("product.chooseCategory")}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {"\u00a0\u00a0".repeat(c.depth)}
                {c.name}
              </option>
            ))}
          </SelectField>
          <SelectField label={t("product.status")} name="status" defaultValue={product?.status ?? "ACTIVE"}>
            {(["DRAFT", "ACTIVE", "ARCHIVED"] as const).map((s) => (
              <option key={s} value={s}>
                {t(`productStatus.${s}`)}
              </option>
            ))}
          </SelectField>
        </fieldset>
        <fieldset>
          <legend>{t("product.pictures")}</legend>
          <ul className="thumbs plain row">
            {media.map((m, index) => (
              <li key={m.id}>
                {m.url ? (
                  <img src={m.url} alt={t("product.pictureN", { n: index + 1 })} className="thumb" />
                ) : null}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setMedia(media.filter((x) => x.id !== m.id))}
                >
                  {t("product.removePicture", { n: index + 1 })}
                </button>
              </li>
            ))}
          </ul>
          <TextField
            label={t("product.addPictures")}
            type="file"
            multiple
            accept="image/jpeg,image/png,image/webp,image/avif"
            disabled={uploading}
            onChange={(event) => upload(event.target.files)}
            error={uploadError ?? problem?.fields.mediaIds}
          />
          <p role="status" className="muted">
            {uploading ? t("storefront.uploading") : ""}
          </p>
        </fieldset>
        <fieldset>
          <legend>{t("product.variants")}</legend>
          <TextField
            label={t("product.optionNames")}
            value={optionText}
            onChange={(event) => setOptionText(event.target.value)}
            hint={t("product.optionNamesHint")}
            error={problem?.fields.optionNames}
          />
          {rows.map((row, index) => (
            <fieldset key={row.key} className="variant">
              <legend>{t("product.variantN", { n: index + 1 })}</legend>
              <div className="row variant-fields">
                <TextField
                  label={t("product.sku")}
                  value={row.sku}
                  required
                  onChange={(event) => setRow(index, { sku: event.target.value })}
                  error={rowError(index, "sku")}
                />
                {optionNames.map((name) => (
                  <TextField
                    key={name}
                    label={name}
                    value={row.options[name] ?? ""}
                    onChange={(event) =>
                      setRow(index, { options: { ...row.options, [name]: event.target.value } })
                    }
                    error={rowError(index, "options")}
                  />
                ))}
                <TextField
                  label={t("product.price")}
                  inputMode="decimal"
                  required
                  value={row.price}
                  onChange={(event) => setRow(index, { price: event.target.value })}
                  error={rowError(index, "price")}
                />
                <TextField
                  label={t("product.compareAt")}
                  inputMode="decimal"
                  value={row.compareAt}
                  onChange={(event) => setRow(index, { compareAt: event.target.value })}
                  hint={t("product.compareAtHint")}
                  error={rowError(index, "compareAtPrice")}
                />
              </div>
              {rows.length > 1 ? (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => {
                    if (row.id) setRemoved([...removed, row.id]);
                    setRows(rows.filter((r) => r.key !== row.key));
                  }}
                >
                  {t("product.removeVariant", { n: index + 1 })}
                </button>
              ) : null}
            </fieldset>
          ))}
          <button type="button" className="secondary" onClick={() => setRows([...rows, newRow()])}>
            {t("product.addVariant")}
          </button>
        </fieldset>
        <FormProblem problem={problem} />
        <button type="submit" disabled={saving || uploading}>
          {product ? t("product.save") : t("product.create")}
        </button>
        <p role="status">{saved ? t("product.saved") : ""}</p>
      </form>
    </Page>
  );
}
