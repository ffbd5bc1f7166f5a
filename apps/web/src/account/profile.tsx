import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { Checkbox, FormProblem, TextField } from "../ui/form";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";
import { AddressForm } from "./address-form";
import { AddressBook } from "./checkout";

const MyProfile = graphql(`
  query MyProfile {
    me {
      id
      profile {
        displayName
        email
        phone
        locale
      }
    }
    notificationPreferences {
      category
      channel
      enabled
      locked
    }
  }
`);

const SaveProfile = graphql(`
  mutation SaveProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      userId
      displayName
      email
      locale
    }
  }
`);

const DeleteAddress = graphql(`
  mutation DeleteAddress($id: ID!) {
    deleteAddress(id: $id)
  }
`);

const SavePreferences = graphql(`
  mutation SavePreferences($preferences: [PreferenceInput!]!) {
    updateNotificationPreferences(preferences: $preferences) {
      category
      channel
      enabled
      locked
    }
  }
`);

const SignOutOthers = graphql(`
  mutation SignOutOthers {
    revokeOtherSessions
  }
`);

export default function Profile() {
  const { t } = useTranslation("account");
  return (
    <RequireRole need="buyer">
      <Page title={t("profile.title")}>
        <ProfileForm />
        <Addresses />
        <Preferences />
        <Sessions />
      </Page>
    </RequireRole>
  );
}

function ProfileForm() {
  const { t } = useTranslation("account");
  const [{ data, error, fetching }] = useQuery({ query: MyProfile });
  const [saved, save] = useMutation(SaveProfile);
  const [done, setDone] = useState(false);
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} />;
  const profile = data?.me?.profile;
  const problem = apiProblem(saved.error, ["displayName", "email"]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    const form = new FormData(event.currentTarget);
    const result = await save({
      input: {
        displayName: String(form.get("displayName") ?? "").trim() || null,
        email: String(form.get("email") ?? "").trim() || null,
      },
    });
    if (!result.error) setDone(true);
  };
  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t("profile.details")}</h2>
      {profile ? null : <p className="muted">{t("profile.notYet")}</p>}
      <form onSubmit={submit} noValidate>
        <TextField
          label={t("profile.displayName")}
          name="displayName"
          autoComplete="name"
          defaultValue={profile?.displayName ?? ""}
          error={problem?.fields.displayName}
        />
        <TextField
          label={t("profile.email")}
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={profile?.email ?? ""}
          error={problem?.fields.email}
        />
        <p className="muted">{t("profile.phone", { phone: profile?.phone ?? "—" })}</p>
        <FormProblem problem={problem} />
        <button type="submit" disabled={saved.fetching}>
          {t("profile.save")}
        </button>
        <p role="status">{done ? t("profile.saved") : ""}</p>
      </form>
    </section>
  );
}

function Addresses() {
  const { t } = useTranslation("account");
  const [{ data, error, fetching }, retry] = useQuery({ query: AddressBook });
  const [editing, setEditing] = useState<string | "new" | null>(null);
  const [deleting, remove] = useMutation(DeleteAddress);
  const refresh = () => retry({ requestPolicy: "network-only" });
  const addresses = data?.me?.addresses.edges.map((e) => e.node) ?? [];
  const problem = apiProblem(deleting.error);
  return (
    <section aria-labelledby="addresses-heading">
      <h2 id="addresses-heading">{t("profile.addresses")}</h2>
      {fetching && !data ? <Loading /> : null}
      {error ? <LoadError error={error} retry={refresh} /> : null}
      {data && addresses.length === 0 ? <Empty>{t("profile.noAddresses")}</Empty> : null}
      <FormProblem problem={problem} />
      <ul className="plain stack">
        {addresses.map((a) => (
          <li key={a.id} className="card">
            {editing === a.id ? (
              <AddressForm
                address={a}
                onSaved={() => {
                  setEditing(null);
                  refresh();
                }}
                onCancel={() => setEditing(null)}
              />
            ) : (
              <>
                <address>
                  {a.label ? <strong>{a.label}: </strong> : null}
                  {a.recipientName}, {a.line1}, {a.postalCode} {a.city}, {a.countryCode}
                </address>
                {a.defaultShipping ? <p className="status">{t("profile.default")}</p> : null}
                <div className="row">
                  <button type="button" className="secondary" onClick={() => setEditing(a.id)}>
                    {t("profile.edit")}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={deleting.fetching}
                    aria-label={t("profile.deleteAddress", { line: a.line1 })}
                    onClick={async () => {
                      await remove({ id: a.id });
                      refresh();
                    }}
                  >
                    {t("profile.delete")}
                  </button>
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
      {editing === "new" ? (
        <AddressForm
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <button type="button" className="secondary" onClick={() => setEditing("new")}>
          {t("profile.addAddress")}
        </button>
      )}
    </section>
  );
}

function Preferences() {
  const { t } = useTranslation("account");
  const [{ data }] = useQuery({ query: MyProfile });
  const [saving, save] = useMutation(SavePreferences);
  const preferences = data?.notificationPreferences ?? [];
  const problem = apiProblem(saving.error);
  if (preferences.length === 0) return null;
  return (
    <section aria-labelledby="prefs-heading">
      <h2 id="prefs-heading">{t("profile.notifications")}</h2>
      <fieldset>
        <legend>{t("profile.notificationsHint")}</legend>
        {preferences.map((p) => (
          <Checkbox
            key={`${p.category}-${p.channel}`}
            label={`${t(`inbox.categories.${p.category}`)} — ${t(`profile.channels.${p.channel}`)}${p.locked ? ` (${t("profile.locked")})` : ""}`}
            checked={p.enabled}
            disabled={p.locked || saving.fetching}
            onChange={(event) =>
              save({
                preferences: [{ category: p.category, channel: p.channel, enabled: event.target.checked }],
              })
            }
          />
        ))}
      </fieldset>
      <FormProblem problem={problem} />
    </section>
  );
}

function Sessions() {
  const { t } = useTranslation("account");
  const [result, signOutOthers] = useMutation(SignOutOthers);
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{t("profile.sessions")}</h2>
      <button
        type="button"
        className="secondary"
        disabled={result.fetching}
        onClick={() => signOutOthers({})}
      >
        {t("profile.signOutOthers")}
      </button>
      <p role="status">
        {result.data ? t("profile.signedOutOthers", { count: result.data.revokeOtherSessions }) : ""}
      </p>
    </section>
  );
}
