import { authExchange } from "@urql/exchange-auth";
import { createClient as createWsClient } from "graphql-ws";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";
import { graphql } from "../gql";
import { sessionStore } from "./session";

const Refresh = graphql(`
  mutation Refresh($refreshToken: String!) {
    refreshToken(refreshToken: $refreshToken) {
      accessToken
      accessTokenExpiresAt
      refreshToken
    }
  }
`);

const wsUrl = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;

/** Subscriptions over graphql-transport-ws at /graphql, signed in with the current access token. */
const ws = createWsClient({
  url: wsUrl,
  lazy: true,
  retryAttempts: Number.POSITIVE_INFINITY,
  connectionParams: () => {
    const token = sessionStore.get()?.accessToken;
    return token ? { authorization: `Bearer ${token}` } : {};
  },
});
// A new sign-in (or sign-out) reconnects with the new identity.
sessionStore.subscribe(() => ws.terminate());

const expiresSoon = (at: string | undefined) => !at || Date.parse(at) - Date.now() < 30_000;

/**
 * The one GraphQL client: requests go to the gateway's /graphql with the session's bearer token,
 * which is renewed with the refresh token shortly before it expires or when the gateway answers
 * UNAUTHENTICATED; a refused refresh signs out.
 */
export const client = new Client({
  url: "/graphql",
  requestPolicy: "cache-and-network",
  exchanges: [
    cacheExchange,
    authExchange(async (utils) => ({
      addAuthToOperation(operation) {
        const token = sessionStore.get()?.accessToken;
        return token ? utils.appendHeaders(operation, { authorization: `Bearer ${token}` }) : operation;
      },
      didAuthError: (error) => error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED"),
      willAuthError: (operation) =>
        !operation.query.definitions.some(isRefresh) &&
        sessionStore.get() !== null &&
        expiresSoon(sessionStore.get()?.accessTokenExpiresAt),
      async refreshAuth() {
        const refreshToken = sessionStore.get()?.refreshToken;
        if (!refreshToken) return;
        const result = await utils.mutate(Refresh, { refreshToken });
        if (result.data) sessionStore.renew(result.data.refreshToken);
        else sessionStore.set(null);
      },
    })),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({
          // urql's sink takes graphql-js results, graphql-ws hands formatted ones: the same JSON.
          unsubscribe: ws.subscribe(
            { ...request, query: request.query ?? "" },
            sink as Parameters<typeof ws.subscribe>[1],
          ),
        }),
      }),
    }),
  ],
});

function isRefresh(definition: { kind: string; name?: { value: string } }): boolean {
  return definition.kind === "OperationDefinition" && definition.name?.value === "Refresh";
}
