// Whole GraphQL answers to anonymous catalog reads, kept in each gateway replica (issue 22, ADR
// 0052). A list of 20 hits with their variants costs the gateway more to execute and serialize than
// the services spend finding it; the same list asked again within a second, with no catalog event
// between, is sent as it was. Only queries whose every root field reads the public catalog are
// kept, only for callers with no Authorization header, and only answers without errors.

import type { RequestContext } from "@mercato/platform/context";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type DocumentNode, Kind, type OperationDefinitionNode } from "graphql";
import type { CacheEpoch, CatalogCache } from "./catalog-cache.js";
import { isAnonymous } from "./http-cache.js";

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

/** Per parsed document (mercurius keeps one per document text): the verdict of each operation it defines. */
const verdicts = new WeakMap<DocumentNode, Map<string, boolean>>();

function verdictsOf(document: DocumentNode): Map<string, boolean> {
  const known = verdicts.get(document);
  if (known) return known;
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  // A fragment at the root could hide any field: such a document is simply not kept.
  const catalogOnly = (operation: OperationDefinitionNode) =>
    operation.operation === "query" &&
    operation.selectionSet.selections.every(
      (selection) => selection.kind === Kind.FIELD && catalogRoots.has(selection.name.value),
    );
  const byName = new Map<string, boolean>();
  for (const operation of operations)
    if (operation.name) byName.set(operation.name.value, catalogOnly(operation));
  // Without a name, the document's only operation is the one executed.
  if (operations.length === 1 && operations[0]) byName.set("", catalogOnly(operations[0]));
  verdicts.set(document, byName);
  return byName;
}

/** Whether the operation `name` of `document` is a query that reads only the public catalog at its root. */
export function readsOnlyCatalog(document: DocumentNode, name: string | undefined): boolean {
  // A name the document does not define is not remembered: only the document's own names are.
  return verdictsOf(document).get(name ?? "") ?? false;
}

const partial = new WeakSet<RequestContext>();

/**
 * Marks the answer to the request `ctx` as incomplete without an error (a dependency that is only
 * decoration, such as pictures, could not be asked): it is sent, but not kept for anyone else.
 */
export function markAnswerPartial(ctx: RequestContext): void {
  partial.add(ctx);
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
  if (!isAnonymous(request)) return undefined;
  const get = request.method === "GET" || request.method === "HEAD";
  const params = (get ? request.query : request.body) as GraphqlParams | undefined;
  if (!params || typeof params !== "object" || Array.isArray(params)) return undefined;
  const document = typeof params.query === "string" && params.query !== "" ? params.query : undefined;
  // A document sent with its hash registers a persisted query: mercurius must see that one.
  if (document !== undefined && params.extensions !== undefined) return undefined;
  // Without a document, the persisted query's hash names it (extensions is a JSON string in a GET).
  const extensions = document === undefined ? (params.extensions ?? null) : null;
  try {
    // A GET carries variables and extensions as JSON text, a POST as values: the first item tells.
    return JSON.stringify([
      get ? "G" : "P",
      document ?? null,
      extensions,
      params.operationName ?? null,
      params.variables ?? null,
    ]);
  } catch {
    // Variables nested past the stack's depth are refused by validation: they are not kept.
    return undefined;
  }
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
      // GraphQL answers errors with 200 too; an answer with errors, one cut short by the client
      // going away, or one missing decoration is nobody else's to keep.
      if (payload.includes('"errors":[') || request.ctx.signal.aborted || partial.has(request.ctx)) return;
      cache.keepAnswer(waiting.epoch, waiting.key, {
        payload: Buffer.from(payload),
        contentType: String(reply.getHeader("content-type") ?? "application/json; charset=utf-8"),
      });
    },
  };
}
