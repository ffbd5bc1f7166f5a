import type { DescService } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  type Authenticator,
  contextInterceptor,
  contextOf,
  createJwksAuthenticator,
  createLogger,
  type Listening,
  observeInterceptor,
  parseConfig,
  type Caller as ServiceCaller,
  startRpcServer,
  validationInterceptor,
} from "@mercato/platform";
import type { TestIssuer } from "@mercato/platform/auth/test-keys";
import { v7 as uuidv7 } from "uuid";
import { gatewayConfigSchema } from "../src/config.js";
import { createGateway, type Gateway, type GatewayModule } from "../src/index.js";

/** One call a fake service received: the method, the request and whom the gateway sent it for. */
export interface RecordedCall {
  method: string;
  request: Record<string, unknown>;
  token: string | undefined;
  callerId: string | undefined;
}

/** Records every call a fake service receives into `calls`; answers the caller it came with. */
export function callRecorder(calls: RecordedCall[]) {
  return (method: string, request: object, context: HandlerContext): ServiceCaller | undefined => {
    const ctx = contextOf(context);
    calls.push({
      method,
      request: request as Record<string, unknown>,
      token: ctx.token,
      callerId: ctx.caller?.id,
    });
    return ctx.caller;
  };
}

/** A signed-in user: id, token and its authorization header. */
export interface User {
  id: string;
  token: string;
  headers: { authorization: string };
}

/** Checks bearer tokens against the test issuer's JWKS. */
export function issuerAuthenticator(issuer: TestIssuer): Authenticator {
  return createJwksAuthenticator({
    jwksUrl: issuer.jwksUrl,
    issuer: issuer.issuer,
    audience: issuer.audience,
  });
}

/** A user with a token of `issuer`. */
export async function signedIn(
  issuer: TestIssuer,
  options: { id?: string; roles?: string[]; emailVerified?: boolean } = {},
): Promise<User> {
  const id = options.id ?? uuidv7();
  const token = await issuer.sign({
    sub: id,
    roles: options.roles ?? ["buyer"],
    email_verified: options.emailVerified ?? true,
  });
  return { id, token, headers: { authorization: `Bearer ${token}` } };
}

/**
 * Serves an in-test implementation of `service` on a spare port behind the interceptors a real
 * service has: the request context (bearer tokens checked by `authenticate`), validation, metrics.
 */
export function startFakeService<S extends DescService>(
  service: S,
  impl: Partial<ServiceImpl<S>>,
  authenticate: Authenticator,
): Promise<Listening> {
  return startRpcServer({
    port: 0,
    interceptors: [contextInterceptor(authenticate), validationInterceptor(), observeInterceptor({})],
    routes: (router) => void router.service(service, impl),
  });
}

/** A ready gateway in front of `services` with `modules`, silent logs and a 2 s service timeout. */
export async function moduleGateway(options: {
  services: { name: string; url: string }[];
  modules: GatewayModule[];
  authenticate: Authenticator;
}): Promise<Gateway> {
  const gateway = await createGateway({
    config: parseConfig(gatewayConfigSchema, { NODE_ENV: "test", SERVICE_TIMEOUT_MS: "2000" }),
    services: options.services,
    modules: options.modules,
    logger: createLogger({ service: "gateway", level: "silent" }),
    authenticate: options.authenticate,
  });
  await gateway.app.ready();
  return gateway;
}

/** Someone calling the gateway: a user's authorization header, or nobody. */
type Caller = { headers: { authorization: string } } | undefined;

/** REST and GraphQL requests injected into the gateway that `gateway()` returns when called. */
export function injectors(gateway: () => Gateway) {
  const rest = (
    method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
    url: string,
    user?: Caller,
    payload?: object,
  ) =>
    gateway().app.inject({
      method,
      url: `/api/v1${url}`,
      headers: user?.headers ?? {},
      ...(payload ? { payload } : {}),
    });

  const graphql = (query: string, variables: Record<string, unknown> = {}, user?: Caller) =>
    gateway().app.inject({
      method: "POST",
      url: "/graphql",
      payload: { query, variables },
      headers: user?.headers ?? {},
    });

  return { rest, graphql };
}
