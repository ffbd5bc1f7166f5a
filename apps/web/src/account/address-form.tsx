import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";
import { graphql } from "../gql";
import type { AddressInput } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { Checkbox, FormProblem, TextField } from "../ui/form";

const CreateAddress = graphql(`
  mutation CreateAddress($input: AddressInput!) {
    createAddress(input: $input) {
      id
    }
  }
`);

const UpdateAddress = graphql(`
  mutation UpdateAddress($id: ID!, $input: AddressInput!) {
    updateAddress(id: $id, input: $input) {
      id
    }
  }
`);

export interface AddressValues {
  id?: string;
  label?: string | null;
  recipientName?: string;
  line1?: string;
  line2?: string | null;
  city?: string;
  postalCode?: string | null;
  countryCode?: string;
  phone?: string | null;
  defaultShipping?: boolean;
}

const fields = [
  "label",
  "recipientName",
  "line1",
  "line2",
  "city",
  "postalCode",
  "countryCode",
  "phone",
] as const;

/** Adds an address to the book, or changes one; the API's errors appear under their fields. */
export function AddressForm({
  address,
  onSaved,
  onCancel,
}: {
  address?: AddressValues;
  onSaved: (id: string) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation("account");
  const [created, create] = useMutation(CreateAddress);
  const [updated, update] = useMutation(UpdateAddress);
  const [countryError, setCountryError] = useState<string | undefined>();
  const problem = apiProblem(created.error ?? updated.error, [...fields]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const country = text("countryCode").toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) {
      setCountryError(t("address.countryHint"));
      return;
    }
    setCountryError(undefined);
    const input: AddressInput = {
      recipientName: text("recipientName"),
      line1: text("line1"),
      city: text("city"),
      countryCode: country,
      label: text("label") || null,
      line2: text("line2") || null,
      postalCode: text("postalCode") || null,
      phone: text("phone") || null,
      defaultShipping: form.get("defaultShipping") === "on",
    };
    const result = address?.id ? await update({ id: address.id, input }) : await create({ input });
    const id =
      result.data &&
      ("createAddress" in result.data ? result.data.createAddress.id : result.data.updateAddress.id);
    if (id) onSaved(id);
  };
  const error = (name: (typeof fields)[number]) => problem?.fields[name];
  return (
    <form onSubmit={submit} noValidate className="address-form">
      <TextField
        label={t("address.recipientName")}
        name="recipientName"
        autoComplete="name"
        required
        defaultValue={address?.recipientName ?? ""}
        error={error("recipientName")}
      />
      <TextField
        label={t("address.line1")}
        name="line1"
        autoComplete="address-line1"
        required
        defaultValue={address?.line1 ?? ""}
        error={error("line1")}
      />
      <TextField
        label={t("address.line2")}
        name="line2"
        autoComplete="address-line2"
        defaultValue={address?.line2 ?? ""}
        error={error("line2")}
      />
      <div className="row two">
        <TextField
          label={t("address.postalCode")}
          name="postalCode"
          autoComplete="postal-code"
          defaultValue={address?.postalCode ?? ""}
          error={error("postalCode")}
        />
        <TextField
          label={t("address.city")}
          name="city"
          autoComplete="address-level2"
          required
          defaultValue={address?.city ?? ""}
          error={error("city")}
        />
      </div>
      <TextField
        label={t("address.countryCode")}
        name="countryCode"
        autoComplete="country"
        required
        maxLength={2}
        defaultValue={address?.countryCode ?? "DE"}
        hint={t("address.countryHint")}
        error={countryError ?? error("countryCode")}
      />
      <TextField
        label={t("address.phone")}
        name="phone"
        type="tel"
        autoComplete="tel"
        defaultValue={address?.phone ?? ""}
        error={error("phone")}
      />
      <TextField
        label={t("address.label")}
        name="label"
        defaultValue={address?.label ?? ""}
        hint={t("address.labelHint")}
        error={error("label")}
      />
      <Checkbox
        label={t("address.default")}
        name="defaultShipping"
        defaultChecked={address?.defaultShipping ?? false}
      />
      <FormProblem problem={problem} />
      <div className="row">
        <button type="submit" disabled={created.fetching || updated.fetching}>
          {t("address.save")}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            {t("address.cancel")}
          </button>
        ) : null}
      </div>
    </form>
  );
}
