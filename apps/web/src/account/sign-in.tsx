import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { useSession } from "../lib/session";
import { FormProblem, TextField } from "../ui/form";
import { Page } from "../ui/page";

const RequestOtp = graphql(`
  mutation RequestOtp($phone: String!) {
    requestOtp(phone: $phone) {
      expiresAt
      resendAfterSeconds
    }
  }
`);

/** What every sign-in keeps of its answer (the session of lib/session.tsx). */
export const SignInFields = graphql(`
  fragment SignInFields on SignIn {
    tokens {
      accessToken
      accessTokenExpiresAt
      refreshToken
    }
    account {
      id
      roles
      phone
      email
    }
  }
`);

const VerifyOtp = graphql(`
  mutation VerifyOtp($phone: String!, $code: String!) {
    verifyOtp(phone: $phone, code: $code) {
      ...SignInFields
    }
  }
`);

/** Only paths of this app, so `?next=` cannot send a buyer elsewhere. */
export function safeNext(next: string | null, fallback = "/"): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : fallback;
}

/** A buyer signs in (or up) with a code sent by SMS. */
export default function SignIn() {
  const { t } = useTranslation("account");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { signIn } = useSession();
  const [phone, setPhone] = useState("");
  const [sent, setSent] = useState(false);
  const [requested, request] = useMutation(RequestOtp);
  const [verified, verify] = useMutation(VerifyOtp);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const result = await request({ phone: phone.trim() });
    if (!result.error) setSent(true);
  };
  const confirm = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "").trim();
    const result = await verify({ phone: phone.trim(), code });
    const data = result.data?.verifyOtp;
    if (!data) return;
    signIn({ ...data.tokens, account: data.account });
    navigate(safeNext(params.get("next")), { replace: true });
  };
  const phoneProblem = apiProblem(requested.error, ["phone"]);
  const codeProblem = apiProblem(verified.error, ["code", "phone"]);

  return (
    <Page title={t("signIn.title")}>
      {!sent ? (
        <form onSubmit={send} noValidate>
          <p>{t("signIn.intro")}</p>
          <TextField
            label={t("signIn.phone")}
            name="phone"
            type="tel"
            autoComplete="tel"
            required
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            hint={t("signIn.phoneHint")}
            error={phoneProblem?.fields.phone}
          />
          <FormProblem problem={phoneProblem} />
          <button type="submit" disabled={requested.fetching || phone.trim() === ""}>
            {t("signIn.sendCode")}
          </button>
        </form>
      ) : (
        <form onSubmit={confirm} noValidate>
          <p role="status">{t("signIn.sent", { phone })}</p>
          <TextField
            label={t("signIn.code")}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            maxLength={6}
            error={codeProblem?.fields.code ?? codeProblem?.fields.phone}
          />
          <FormProblem problem={codeProblem} />
          <div className="row">
            <button type="submit" disabled={verified.fetching}>
              {t("signIn.confirm")}
            </button>
            <button type="button" className="secondary" onClick={() => setSent(false)}>
              {t("signIn.otherNumber")}
            </button>
          </div>
        </form>
      )}
      <p className="muted">
        {t("signIn.sellers")} <Link to="/seller/sign-in">{t("signIn.sellerLink")}</Link>
      </p>
    </Page>
  );
}
