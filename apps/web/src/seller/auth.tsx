import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { useMutation } from "urql";
import { safeNext } from "../account/sign-in";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { useSession } from "../lib/session";
import { FormProblem, TextField } from "../ui/form";
import { Page } from "../ui/page";
import { Notice } from "../ui/states";

const Login = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      ...SignInFields
    }
  }
`);

const RegisterSeller = graphql(`
  mutation RegisterSeller($email: String!, $password: String!) {
    registerSeller(email: $email, password: $password) {
      ...SignInFields
    }
  }
`);

const ResendVerification = graphql(`
  mutation ResendVerification {
    resendVerificationEmail
  }
`);

const RequestReset = graphql(`
  mutation RequestReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

const fields = (form: HTMLFormElement) => {
  const data = new FormData(form);
  return { email: String(data.get("email") ?? "").trim(), password: String(data.get("password") ?? "") };
};

/** E-mail and password sign-in for sellers and admins. */
export function SellerSignIn() {
  const { t } = useTranslation("seller");
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { signIn } = useSession();
  const [result, login] = useMutation(Login);
  const problem = apiProblem(result.error, ["email", "password"]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reply = await login(fields(event.currentTarget));
    const data = reply.data?.login;
    if (!data) return;
    signIn({ ...data.tokens, account: data.account });
    const home = data.account.roles.includes("admin") ? "/admin" : "/seller";
    navigate(safeNext(params.get("next"), home), { replace: true });
  };
  return (
    <Page title={t("signIn.title")}>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t("signIn.email")}
          name="email"
          type="email"
          autoComplete="username"
          required
          error={problem?.fields.email}
        />
        <TextField
          label={t("signIn.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={problem?.fields.password}
        />
        <FormProblem problem={problem} />
        <button type="submit" disabled={result.fetching}>
          {t("signIn.submit")}
        </button>
      </form>
      <p>
        <Link to="/seller/forgot-password">{t("signIn.forgot")}</Link>
      </p>
      <p>
        {t("signIn.new")} <Link to="/seller/register">{t("signIn.register")}</Link>
      </p>
      <p className="muted">
        {t("signIn.buyers")} <Link to="/sign-in">{t("signIn.buyerLink")}</Link>
      </p>
    </Page>
  );
}

/** A seller opens an account; the verification e-mail follows. */
export function Register() {
  const { t } = useTranslation("seller");
  const { session, signIn } = useSession();
  const [result, register] = useMutation(RegisterSeller);
  const [resent, resend] = useMutation(ResendVerification);
  const problem = apiProblem(result.error, ["email", "password"]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reply = await register(fields(event.currentTarget));
    const data = reply.data?.registerSeller;
    if (data) signIn({ ...data.tokens, account: data.account });
  };
  if (result.data && session)
    return (
      <Page title={t("register.checkMail")}>
        <Notice tone="success">
          <p>{t("register.sent", { email: session.account.email ?? "" })}</p>
        </Notice>
        <p>{t("register.next")}</p>
        <button type="button" className="secondary" disabled={resent.fetching} onClick={() => resend({})}>
          {t("register.resend")}
        </button>
        <p role="status">{resent.data ? t("register.resent") : ""}</p>
        <FormProblem problem={apiProblem(resent.error)} />
      </Page>
    );
  return (
    <Page title={t("register.title")}>
      <p>{t("register.intro")}</p>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t("signIn.email")}
          name="email"
          type="email"
          autoComplete="email"
          required
          error={problem?.fields.email}
        />
        <TextField
          label={t("signIn.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint={t("register.passwordHint")}
          error={problem?.fields.password}
        />
        <FormProblem problem={problem} />
        <button type="submit" disabled={result.fetching}>
          {t("register.submit")}
        </button>
      </form>
      <p>
        {t("register.haveAccount")} <Link to="/seller/sign-in">{t("signIn.submit")}</Link>
      </p>
    </Page>
  );
}

/** Asks for a reset link by e-mail; the answer never tells whether the address has an account. */
export function ForgotPassword() {
  const { t } = useTranslation("seller");
  const [result, request] = useMutation(RequestReset);
  const [sent, setSent] = useState(false);
  const problem = apiProblem(result.error, ["email"]);
  return (
    <Page title={t("forgot.title")}>
      {sent ? (
        <Notice tone="success">
          <p>{t("forgot.sent")}</p>
        </Notice>
      ) : (
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const reply = await request({ email: fields(event.currentTarget).email });
            if (!reply.error) setSent(true);
          }}
        >
          <p>{t("forgot.intro")}</p>
          <TextField
            label={t("signIn.email")}
            name="email"
            type="email"
            autoComplete="email"
            required
            error={problem?.fields.email}
          />
          <FormProblem problem={problem} />
          <button type="submit" disabled={result.fetching}>
            {t("forgot.submit")}
          </button>
        </form>
      )}
    </Page>
  );
}
