import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { FormProblem } from "../ui/form";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const DeadLetters = graphql(`
  query DeadLetters($limit: Int) {
    notificationDeadLetters(limit: $limit) {
      id
      recipientId
      channel
      kind
      attempts
      error
      failedAt
    }
  }
`);

const Requeue = graphql(`
  mutation RequeueDeadLetter($id: ID!) {
    requeueNotificationDeadLetter(id: $id)
  }
`);

export default function DeadLettersPage() {
  const { t } = useTranslation("admin");
  const [limit, setLimit] = useState(50);
  const [{ data, error, fetching }, retry] = useQuery({ query: DeadLetters, variables: { limit } });
  const [requeued, requeue] = useMutation(Requeue);
  const [said, setSaid] = useState("");
  const refresh = () => retry({ requestPolicy: "network-only" });
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={refresh} />;
  const letters = data?.notificationDeadLetters ?? [];
  const problem = apiProblem(requeued.error);
  return (
    <Page title={t("deadLetters.title")}>
      <p className="muted">{t("deadLetters.intro")}</p>
      <p role="status">{said}</p>
      <FormProblem problem={problem} />
      {letters.length === 0 ? <Empty>{t("deadLetters.none")}</Empty> : null}
      {letters.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("deadLetters.failedAt")}</th>
                <th scope="col">{t("deadLetters.kind")}</th>
                <th scope="col">{t("deadLetters.channel")}</th>
                <th scope="col">{t("deadLetters.attempts")}</th>
                <th scope="col">{t("deadLetters.error")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("deadLetters.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {letters.map((letter) => (
                <tr key={letter.id}>
                  <td>{dateTime(letter.failedAt)}</td>
                  <td>{letter.kind}</td>
                  <td>{letter.channel}</td>
                  <td>{letter.attempts}</td>
                  <td>{letter.error}</td>
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      disabled={requeued.fetching}
                      aria-label={t("deadLetters.requeueNamed", { kind: letter.kind })}
                      onClick={async () => {
                        const reply = await requeue({ id: letter.id });
                        if (!reply.error) {
                          setSaid(t("deadLetters.requeued"));
                          refresh();
                        }
                      }}
                    >
                      {t("deadLetters.requeue")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {letters.length >= limit && limit < 100 ? (
        <button type="button" className="secondary" onClick={() => setLimit(100)}>
          {t("common.more")}
        </button>
      ) : null}
    </Page>
  );
}
