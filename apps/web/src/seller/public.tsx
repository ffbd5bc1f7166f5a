import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useMutation } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { sessionStore, useSession } from "../lib/session";
import { FormProblem, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Loading, Notice } from "../ui/states";
import "./seller.css";

const VerifyEmail = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token) {
      id
      emailVerified
    }
  }
`);

const RenewTokens = graphql(`
  mutation RenewTokens($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      accessToken
      accessTokenExpiresAt
      refreshToken
    }
  }
`);

const ResetPassword = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword)
  }
`);

/** The pages e-mails link to: open without signing in. */
export default function SellerPublic({ page }: { page: "verify-email" | "reset-password" }) {
  return page === "verify-email" ? <Verify /> : <Reset />;
}

function Verify() {
  const { t } = useTranslation("seller");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const { session } = useSession();
  const [result, verify] = useMutation(VerifyEmail);
  const [, renew] = useMutation(RenewTokens);
  const started = useRef(false);
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (started.current || !token) return;
    started.current = true;
    void (async () => {
      const reply = await verify({ token });
      if (reply.error) return;
      // The access token says whether the e-mail is verified: get one that knows it.
      const refreshToken = sessionStore.get()?.refreshToken;
      if (refreshToken) {
        const renewed = await renew({ refreshToken });
        if (renewed.data) sessionStore.renew(renewed.data.refreshToken);
      }
      setDone(true);
    })();
  }, [token, verify, renew]);
  const problem = apiProblem(result.error, ["token"]);
  return (
    <Page title={t("verify.title")}>
      {!token ? <Notice tone="warning">{t("verify.noToken")}</Notice> : null}
      {token && !done && !result.error ? <Loading label={t("verify.checking")} /> : null}
      {problem ? (
        <div className="alert alert-error" role="alert">
          <p>{problem.fields.token ? t("verify.badLink") : problem.general.join(" ")}</p>
          <p>{t("verify.askAgain")}</p>
        </div>
      ) : null}
      {done ? (
        <>
          <Notice tone="success">
            <p>{t("verify.done")}</p>
          </Notice>
          <p>
            {session ? (
              <Link className="button" to="/seller/storefront">
                {t("verify.openStorefront")}
              </Link>
            ) : (
              <Link className="button" to="/seller/sign-in?next=/seller/storefront">
                {t("verify.signIn")}
              </Link>
            )}
          </p>
        </>
      ) : null}
    </Page>
  );
}

function Reset() {
  const { t } = useTranslation("seller");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [result, reset] = useMutation(ResetPassword);
  const [mismatch, setMismatch] = useState(false);
  const problem = apiProblem(result.error, ["newPassword", "token"]);
  if (result.data?.resetPassword)
    return (
      <Page title={t("reset.title")}>
        <Notice tone="success">
          <p>{t("reset.done")}</p>
        </Notice>
        <p>
          <Link className="button" to="/seller/sign-in">
            {t("signIn.submit")}
          </Link>
        </p>
      </Page>
    );
  return (
    <Page title={t("reset.title")}>
      {!token ? <Notice tone="warning">{t("reset.noToken")}</Notice> : null}
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          const password = String(data.get("newPassword") ?? "");
          const again = String(data.get("again") ?? "");
          setMismatch(password !== again);
          if (password !== again) return;
          await reset({ token, newPassword: password });
        }}
      >
        <TextField
          label={t("reset.newPassword")}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          hint={t("register.passwordHint")}
          error={problem?.fields.newPassword}
        />
        <TextField
          label={t("reset.again")}
          name="again"
          type="password"
          autoComplete="new-password"
          required
          error={mismatch ? t("reset.mismatch") : undefined}
        />
        {problem?.fields.token ? (
          <p className="alert alert-error" role="alert">
            {t("reset.badLink")} <Link to="/seller/forgot-password">{t("reset.askAgain")}</Link>
          </p>
        ) : null}
        <FormProblem problem={problem} />
        <button type="submit" disabled={result.fetching || !token}>
          {t("reset.submit")}
        </button>
      </form>
    </Page>
  );
}
