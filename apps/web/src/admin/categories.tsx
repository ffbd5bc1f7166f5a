import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { AdminCategoriesQuery } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { FormProblem, SelectField, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const AdminCategories = graphql(`
  query AdminCategories {
    categories(includeArchived: true) {
      id
      parentId
      name
      slug
      position
      status
      depth
    }
  }
`);

const CreateCategory = graphql(`
  mutation CreateCategory($input: CreateCategoryInput!) {
    createCategory(input: $input) {
      id
    }
  }
`);

const UpdateCategory = graphql(`
  mutation UpdateCategory($id: ID!, $input: UpdateCategoryInput!) {
    updateCategory(id: $id, input: $input) {
      id
      name
      slug
      parentId
      status
    }
  }
`);

type Category = AdminCategoriesQuery["categories"][number];

export default function Categories() {
  const { t } = useTranslation("admin");
  const [{ data, error, fetching }, retry] = useQuery({ query: AdminCategories });
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => retry({ requestPolicy: "network-only" });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={refresh} />;
  const all = data?.categories ?? [];
  const children = (parentId: string | null) => all.filter((c) => (c.parentId ?? null) === parentId);
  const tree = (parentId: string | null) => {
    const level = children(parentId);
    if (level.length === 0) return null;
    return (
      <ul className="tree">
        {level.map((c) => (
          <li key={c.id}>
            {editing === c.id ? (
              <CategoryForm
                category={c}
                all={all}
                onDone={() => {
                  setEditing(null);
                  refresh();
                }}
              />
            ) : (
              <span className="row">
                <span>
                  {c.name} <span className="muted small">/{c.slug}</span>
                </span>
                {c.status === "ARCHIVED" ? <span className="status">{t("categories.archived")}</span> : null}
                <button
                  type="button"
                  className="link-button"
                  aria-label={t("categories.editNamed", { name: c.name })}
                  onClick={() => setEditing(c.id)}
                >
                  {t("categories.edit")}
                </button>
              </span>
            )}
            {tree(c.id)}
          </li>
        ))}
      </ul>
    );
  };
  return (
    <Page title={t("categories.title")}>
      <div className="split split-even">
        <section aria-labelledby="tree-heading">
          <h2 id="tree-heading">{t("categories.tree")}</h2>
          {all.length === 0 ? <Empty>{t("categories.none")}</Empty> : tree(null)}
        </section>
        <section aria-labelledby="new-heading">
          <h2 id="new-heading">{t("categories.new")}</h2>
          <CategoryForm all={all} onDone={refresh} />
        </section>
      </div>
    </Page>
  );
}

function CategoryForm({
  category,
  all,
  onDone,
}: {
  category?: Category;
  all: Category[];
  onDone: () => void;
}) {
  const { t } = useTranslation("admin");
  const [created, create] = useMutation(CreateCategory);
  const [updated, update] = useMutation(UpdateCategory);
  const [said, setSaid] = useState("");
  const problem = apiProblem(created.error ?? updated.error, ["name", "slug", "parentId", "position"]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaid("");
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const fields = { name: text("name"), slug: text("slug") || null, parentId: text("parentId") || null };
    if (category) {
      const result = await update({
        id: category.id,
        input: { ...fields, status: text("status") === "ARCHIVED" ? "ARCHIVED" : "ACTIVE" },
      });
      if (!result.error) onDone();
      return;
    }
    const result = await create({ input: fields });
    if (!result.error) {
      setSaid(t("categories.created", { name: fields.name }));
      event.currentTarget?.reset();
      onDone();
    }
  };
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={category ? t("categories.editNamed", { name: category.name }) : t("categories.new")}
    >
      <TextField
        label={t("categories.name")}
        name="name"
        required
        defaultValue={category?.name ?? ""}
        error={problem?.fields.name}
      />
      <TextField
        label={t("categories.slug")}
        name="slug"
        defaultValue={category?.slug ?? ""}
        hint={t("categories.slugHint")}
        error={problem?.fields.slug}
      />
      <SelectField
        label={t("categories.parent")}
        name="parentId"
        defaultValue={category?.parentId ?? ""}
        error={problem?.fields.parentId}
      >
        <option value="">{t("categories.topLevel")}</option>
        {all
          .filter((c) => c.id !== category?.id)
          .map((c) => (
            <option key={c.id} value={c.id}>
              {"\u00a0\u00a0".repeat(c.depth)}
              {c.name}
            </option>
          ))}
      </SelectField>
      {category ? (
        <SelectField label={t("categories.status")} name="status" defaultValue={category.status}>
          <option value="ACTIVE">{t("categories.active")}</option>
          <option value="ARCHIVED">{t("categories.archived")}</option>
        </SelectField>
      ) : null}
      <FormProblem problem={problem} />
      <div className="row">
        <button type="submit" disabled={created.fetching || updated.fetching}>
          {category ? t("categories.save") : t("categories.create")}
        </button>
        {category ? (
          <button type="button" className="secondary" onClick={onDone}>
            {t("categories.cancel")}
          </button>
        ) : null}
      </div>
      <p role="status">{said}</p>
    </form>
  );
}
