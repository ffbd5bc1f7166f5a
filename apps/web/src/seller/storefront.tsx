import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useClient, useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { MediaPurpose } from "../gql/graphql";
import { apiProblem } from "../lib/errors";
import { FormProblem, TextArea, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { LoadError, Loading, Notice } from "../ui/states";
import { LocationMap } from "./map";
import { MyStorefront } from "./my-storefront";
import { uploadPicture } from "./upload";

const CreateStorefront = graphql(`
  mutation CreateStorefront($input: CreateStorefrontInput!) {
    createStorefront(input: $input) {
      id
      slug
      status
    }
  }
`);

const UpdateStorefront = graphql(`
  mutation UpdateStorefront($id: ID!, $input: UpdateStorefrontInput!) {
    updateStorefront(id: $id, input: $input) {
      id
      slug
      status
    }
  }
`);

const known = [
  "name",
  "slug",
  "description",
  "contact.email",
  "contact.phone",
  "contact.website",
  "address.line1",
  "address.line2",
  "address.postalCode",
  "address.city",
  "address.countryCode",
  "location.lat",
  "location.lng",
  "logoMediaId",
  "bannerMediaId",
];

/** Opens the seller's storefront, or edits it: details, address, its point on a map, logo and banner. */
export default function StorefrontEditor() {
  const [{ data, error, fetching }, retry] = useQuery({ query: MyStorefront });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={() => retry({ requestPolicy: "network-only" })} />;
  return (
    <StorefrontForm
      key={data?.myStorefront?.id ?? "new"}
      store={data?.myStorefront ?? null}
      reload={() => retry({ requestPolicy: "network-only" })}
    />
  );
}

type Store = NonNullable<import("../gql/graphql").MyStorefrontQuery["myStorefront"]>;

function StorefrontForm({ store, reload }: { store: Store | null; reload: () => void }) {
  const { t } = useTranslation("seller");
  const client = useClient();
  const [created, create] = useMutation(CreateStorefront);
  const [updated, update] = useMutation(UpdateStorefront);
  const [point, setPoint] = useState({
    lat: store?.location.lat ?? 52.52,
    lng: store?.location.lng ?? 13.405,
  });
  const [pictures, setPictures] = useState<
    Record<"logo" | "banner", { id: string; url: string | null } | null>
  >({
    logo: store?.logoMediaId ? { id: store.logoMediaId, url: store.logo?.url ?? null } : null,
    banner: store?.bannerMediaId ? { id: store.bannerMediaId, url: store.banner?.url ?? null } : null,
  });
  const [uploading, setUploading] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const problem = apiProblem(created.error ?? updated.error, known);
  const error = (name: string) => problem?.fields[name];

  const upload = async (which: "logo" | "banner", file: File | undefined) => {
    if (!file) return;
    const purpose: MediaPurpose = which === "logo" ? "STOREFRONT_LOGO" : "STOREFRONT_BANNER";
    setUploading(which);
    setUploadError({ ...uploadError, [which]: "" });
    try {
      const picture = await uploadPicture(client, file, purpose);
      setPictures((current) => ({ ...current, [which]: picture }));
    } catch (failure) {
      setUploadError({ ...uploadError, [which]: (failure as Error).message });
    } finally {
      setUploading(null);
    }
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const optional = (name: string) => text(name) || null;
    const input = {
      name: text("name"),
      slug: text("slug"),
      description: text("description"),
      contact: { email: optional("email"), phone: optional("phone"), website: optional("website") },
      address: {
        line1: text("line1"),
        line2: optional("line2"),
        postalCode: optional("postalCode"),
        city: text("city"),
        countryCode: text("countryCode").toUpperCase(),
      },
      location: { lat: Number(text("lat")), lng: Number(text("lng")) },
      ...(pictures.logo ? { logoMediaId: pictures.logo.id } : {}),
      ...(pictures.banner ? { bannerMediaId: pictures.banner.id } : {}),
    };
    const result = store ? await update({ id: store.id, input }) : await create({ input });
    if (!result.error) {
      setSaved(true);
      reload();
    }
  };

  return (
    <Page title={store ? t("storefront.editTitle") : t("storefront.openTitle")}>
      {store ? (
        <p className="row">
          <span className="status">{t(`status.${store.status}`)}</span>
          {store.statusReason ? <span>{store.statusReason}</span> : null}
          {store.status === "ACTIVE" ? (
            <Link to={`/storefronts/${store.slug}`}>{t("storefront.view")}</Link>
          ) : null}
        </p>
      ) : (
        <p>{t("storefront.openIntro")}</p>
      )}
      {store?.status === "PENDING" ? <Notice tone="info">{t("storefront.pending")}</Notice> : null}
      <form onSubmit={submit} noValidate className="wide-form">
        <fieldset>
          <legend>{t("storefront.details")}</legend>
          <TextField
            label={t("storefront.name")}
            name="name"
            required
            defaultValue={store?.name ?? ""}
            error={error("name")}
          />
          <TextField
            label={t("storefront.slug")}
            name="slug"
            required
            defaultValue={store?.slug ?? ""}
            hint={t("storefront.slugHint")}
            error={error("slug")}
          />
          <TextArea
            label={t("storefront.description")}
            name="description"
            rows={4}
            defaultValue={store?.description ?? ""}
            error={error("description")}
          />
        </fieldset>
        <fieldset>
          <legend>{t("storefront.contact")}</legend>
          <TextField
            label={t("storefront.email")}
            name="email"
            type="email"
            defaultValue={store?.contact.email ?? ""}
            error={error("contact.email")}
          />
          <TextField
            label={t("storefront.phone")}
            name="phone"
            type="tel"
            defaultValue={store?.contact.phone ?? ""}
            error={error("contact.phone")}
          />
          <TextField
            label={t("storefront.website")}
            name="website"
            type="url"
            defaultValue={store?.contact.website ?? ""}
            error={error("contact.website")}
          />
        </fieldset>
        <fieldset>
          <legend>{t("storefront.address")}</legend>
          <TextField
            label={t("storefront.line1")}
            name="line1"
            required
            defaultValue={store?.address.line1 ?? ""}
            error={error("address.line1")}
          />
          <TextField
            label={t("storefront.line2")}
            name="line2"
            defaultValue={store?.address.line2 ?? ""}
            error={error("address.line2")}
          />
          <div className="row two">
            <TextField
              label={t("storefront.postalCode")}
              name="postalCode"
              defaultValue={store?.address.postalCode ?? ""}
              error={error("address.postalCode")}
            />
            <TextField
              label={t("storefront.city")}
              name="city"
              required
              defaultValue={store?.address.city ?? ""}
              error={error("address.city")}
            />
          </div>
          <TextField
            label={t("storefront.countryCode")}
            name="countryCode"
            required
            maxLength={2}
            defaultValue={store?.address.countryCode ?? "DE"}
            hint={t("storefront.countryHint")}
            error={error("address.countryCode")}
          />
        </fieldset>
        <fieldset>
          <legend>{t("storefront.location")}</legend>
          <div className="row two">
            <TextField
              label={t("storefront.lat")}
              name="lat"
              inputMode="decimal"
              required
              value={String(point.lat)}
              onChange={(event) => setPoint({ ...point, lat: Number(event.target.value) || 0 })}
              error={error("location.lat")}
            />
            <TextField
              label={t("storefront.lng")}
              name="lng"
              inputMode="decimal"
              required
              value={String(point.lng)}
              onChange={(event) => setPoint({ ...point, lng: Number(event.target.value) || 0 })}
              error={error("location.lng")}
            />
          </div>
          <LocationMap lat={point.lat} lng={point.lng} onPick={(lat, lng) => setPoint({ lat, lng })} />
        </fieldset>
        <fieldset>
          <legend>{t("storefront.pictures")}</legend>
          {(["logo", "banner"] as const).map((which) => (
            <div key={which} className="upload">
              {pictures[which]?.url ? (
                <img
                  src={pictures[which]?.url ?? ""}
                  alt={t(`storefront.${which}Preview`)}
                  className={which === "logo" ? "logo" : "banner-preview"}
                />
              ) : null}
              <TextField
                label={t(`storefront.${which}`)}
                type="file"
                accept="image/jpeg,image/png,image/webp,image/avif"
                onChange={(event) => upload(which, event.target.files?.[0])}
                disabled={uploading !== null}
                error={uploadError[which] || error(`${which}MediaId`)}
              />
            </div>
          ))}
          <p role="status" className="muted">
            {uploading ? t("storefront.uploading") : ""}
          </p>
        </fieldset>
        <FormProblem problem={problem} />
        <button type="submit" disabled={created.fetching || updated.fetching || uploading !== null}>
          {store ? t("storefront.save") : t("storefront.open")}
        </button>
        <p role="status">{saved ? t("storefront.saved") : ""}</p>
      </form>
    </Page>
  );
}
