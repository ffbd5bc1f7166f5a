import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQuery, useSubscription } from "urql";
import { graphql } from "../gql";
import { apiProblem } from "../lib/errors";
import { dateTime } from "../lib/format";
import { Checkbox, FormProblem } from "../ui/form";
import { RequireRole } from "../ui/guard";
import { Page } from "../ui/page";
import { Empty, LoadError, Loading } from "../ui/states";

const InboxPage = graphql(`
  query InboxPage($after: String, $unreadOnly: Boolean) {
    unreadNotificationCount
    notifications(first: 20, after: $after, unreadOnly: $unreadOnly) {
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          kind
          category
          title
          body
          createdAt
          readAt
        }
      }
    }
  }
`);

const InboxLive = graphql(`
  subscription InboxLive {
    notificationReceived {
      id
      title
    }
  }
`);

const MarkRead = graphql(`
  mutation MarkRead($ids: [ID!], $all: Boolean) {
    markNotificationsRead(ids: $ids, all: $all) {
      marked
      unread
    }
  }
`);

/** The in-app inbox of any signed-in user: buyers' orders, sellers' stock and payouts. */
export default function Inbox() {
  const { t } = useTranslation("account");
  return (
    <RequireRole need="buyer" orRole="seller">
      <Page title={t("inbox.title")}>
        <InboxList />
      </Page>
    </RequireRole>
  );
}

function InboxList() {
  const { t } = useTranslation("account");
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, retry] = useQuery({
    query: InboxPage,
    variables: { after, unreadOnly: unreadOnly || null },
  });
  const refresh = () => retry({ requestPolicy: "network-only" });
  const [live] = useSubscription({ query: InboxLive }, (_previous, next) => {
    refresh();
    return next;
  });
  const [marking, mark] = useMutation(MarkRead);
  const problem = apiProblem(marking.error);
  if (fetching && !data) return <Loading />;
  if (error) return <LoadError error={error} retry={refresh} />;
  const items = data?.notifications.edges.map((e) => e.node) ?? [];
  const unread = data?.unreadNotificationCount ?? 0;
  return (
    <>
      <div className="row">
        <p role="status">{t("inbox.unread", { count: unread })}</p>
        <Checkbox
          label={t("inbox.unreadOnly")}
          checked={unreadOnly}
          onChange={(event) => {
            setAfter(null);
            setUnreadOnly(event.target.checked);
          }}
        />
        <button
          type="button"
          className="secondary"
          disabled={unread === 0 || marking.fetching}
          onClick={async () => {
            await mark({ all: true });
            refresh();
          }}
        >
          {t("inbox.markAll")}
        </button>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {live.data ? t("inbox.arrived", { title: live.data.notificationReceived.title }) : ""}
      </p>
      <FormProblem problem={problem} />
      {items.length === 0 ? <Empty>{unreadOnly ? t("inbox.noneUnread") : t("inbox.none")}</Empty> : null}
      <ul className="plain stack">
        {items.map((n) => (
          <li key={n.id} className={`card notification${n.readAt ? "" : " unread"}`}>
            <article aria-labelledby={`n-${n.id}`}>
              <h2 id={`n-${n.id}`} className="h3">
                {n.readAt ? null : <span className="visually-hidden">{t("inbox.new")} </span>}
                {n.title}
              </h2>
              <p>{n.body}</p>
              <p className="row muted small">
                <span>{dateTime(n.createdAt)}</span>
                <span>{t(`inbox.categories.${n.category}`)}</span>
                {n.readAt ? null : (
                  <button
                    type="button"
                    className="link-button"
                    disabled={marking.fetching}
                    onClick={async () => {
                      await mark({ ids: [n.id] });
                      refresh();
                    }}
                  >
                    {t("inbox.markRead")}
                  </button>
                )}
              </p>
            </article>
          </li>
        ))}
      </ul>
      <div className="row">
        {after ? (
          <button type="button" className="secondary" onClick={() => setAfter(null)}>
            {t("orders.newest")}
          </button>
        ) : null}
        {data?.notifications.pageInfo.hasNextPage ? (
          <button
            type="button"
            className="secondary"
            onClick={() => setAfter(data.notifications.pageInfo.endCursor ?? null)}
          >
            {t("orders.older")}
          </button>
        ) : null}
      </div>
    </>
  );
}
