// Whole GraphQL answers to anonymous catalog reads, kept in each gateway replica (issue 22, ADR
// 0052). A list of 20 hits with their variants costs the gateway more to execute and serialize than
// the services spend finding it; the same list asked again within a second, with no catalog event
// between, is sent as it was. Only queries whose every root field reads the public catalog are
// kept, only for callers with no Authorization header, and only answers without errors.
import type { FastifyReply, FastifyRequest } from "fastify";
import { type DocumentNode, Kind, type OperationDefinitionNode } from "graphql";
import type { CacheEpoch, CatalogCache } from "./catalog-cache.js";

/** Root fields whose answer is the same for every anonymous caller and changes only with the catalog's events. */
const catalogRoots: ReadonlySet<string> = new Set([
  "product",
  "products",
  "search",
  "storefront",
  "storefronts",
  "category",
  "categories",
  "__typename",
]);

const verdicts = new WeakMap<DocumentNode, Map<string, boolean>>();

function selectedOperation(
  document: DocumentNode,
  name: string | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (name) return operations.find((operation) => operation.name?.value === name);
  return operations.length === 1 ? operations[0] : undefined;
}

/** Whether the operation `name` of `document` is a query that reads only the public catalog at its root. */
export function readsOnlyCatalog(document: DocumentNode, name: string | undefined): boolean {
  let byName = verdicts.get(document);
  const known = byName?.get(name ?? "");
  if (known !== undefined) return known;
  const operation = selectedOperation(document, name);
  // A fragment at the root could hide any field: such a document is simply not kept.
  const verdict =
    operation?.operation === "query" &&
    operation.selectionSet.selections.every(
      (selection) => selection.kind === Kind.FIELD && catalogRoots.has(selection.name.value),
    );
  if (!byName) {
    byName = new Map();
    verdicts.set(document, byName);
  }
  byName.set(name ?? "", verdict);
  return verdict;
}

interface GraphqlParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/**
 * What identifies the answer to `request` for an anonymous caller: its document (or persisted
 * hash), operation and variables as sent. Undefined when the answer may not be shared: a caller
 * that sent an Authorization header (even a refused one), or a batch.
 */
export function answerKey(request: FastifyRequest): string | undefined {
  if (request.headers.authorization !== undefined || request.ctx?.caller) return undefined;
  const get = request.method === "GET" || request.method === "HEAD";
  const params = (get ? request.query : request.body) as GraphqlParams | undefined;
  if (!params || typeof params !== "object" || Array.isArray(params)) return undefined;
  const document = typeof params.query === "string" && params.query !== "" ? params.query : undefined;
  // Without a document, the persisted query's hash names it (extensions is a JSON string in a GET).
  const extensions = document === undefined ? (params.extensions ?? null) : null;
  const variables = params.variables ?? null;
  return JSON.stringify([
    get ? "G" : "P",
    document ?? null,
    get ? extensions : JSON.stringify(extensions),
    params.operationName ?? null,
    get ? variables : JSON.stringify(variables),
  ]);
}

interface Pending {
  key: string;
  epoch: CacheEpoch;
  /** Set once the executed operation proves to read only the catalog. */
  catalogOnly: boolean;
}

/** The GraphQL route's hooks that serve and keep whole answers in `cache`. */
export function graphqlAnswers(cache: CatalogCache) {
  const pending = new WeakMap<FastifyRequest, Pending>();
  return {
    /** In the route's preHandler: sends a kept answer, else notes what the answer would be kept under. */
    serve(request: FastifyRequest, reply: FastifyReply): boolean {
      if (!cache.keepsAnswers) return false;
      const key = answerKey(request);
      if (key === undefined) return false;
      const kept = cache.answer(key);
      if (kept) {
        // The route's own onSend still sets the content type the client's Accept asked for.
        reply.header("content-type", kept.contentType).send(kept.payload);
        return true;
      }
      pending.set(request, { key, epoch: cache.epoch(), catalogOnly: false });
      return false;
    },
    /** In preExecution: marks the request's answer as one to keep when its operation reads only the catalog. */
    executing(request: FastifyRequest, document: DocumentNode, operationName: string | undefined): void {
      const waiting = pending.get(request);
      if (waiting) waiting.catalogOnly = readsOnlyCatalog(document, operationName);
    },
    /** In an onSend that runs before the HTTP cache's (which may turn the answer into a 304): keeps it. */
    sent(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
      const waiting = pending.get(request);
      if (!waiting?.catalogOnly || reply.statusCode !== 200 || typeof payload !== "string") return;
      // GraphQL answers errors with 200 too; a partial answer is nobody's to keep.
      if (payload.includes('"errors":[')) return;
      cache.keepAnswer(waiting.epoch, waiting.key, {
        payload,
        contentType: String(reply.getHeader("content-type") ?? "application/json; charset=utf-8"),
      });
    },
  };
}
