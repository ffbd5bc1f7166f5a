import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from "graphql";

/** Limits on one GraphQL document. */
export interface QueryLimits {
  /** Deepest selection, fragments followed. */
  maxDepth: number;
  /** Most aliased fields in one operation. */
  maxAliases: number;
  /** Most directives in one operation. */
  maxDirectives: number;
  /** Upper bound of fields resolved, counting list arguments `first`/`last`/`limit` as multipliers. */
  maxCost: number;
}

const limitError = (message: string) =>
  new GraphQLError(message.replace(/^Syntax Error: /, ""), { extensions: { code: "INVALID_ARGUMENT" } });

/**
 * Validation rules for the shape of a document (graphql-armor's depth, alias and directive limits,
 * each following a fragment once however often it is spread), reported as INVALID_ARGUMENT errors.
 */
export function shapeLimitRules(limits: Omit<QueryLimits, "maxCost">): ValidationRule[] {
  const reject = [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(limitError(error.message)),
  ];
  const common = { exposeLimits: true, propagateOnRejection: false, onReject: reject, onAccept: [] };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...common }),
    maxAliasesRule({ n: limits.maxAliases, ...common }),
    maxDirectivesRule({ n: limits.maxDirectives, ...common }),
  ] as ValidationRule[];
}

/**
 * Refuses schema introspection (`__schema`, `__type`; `__typename` stays). Written here rather than
 * taken from graphql-js because its rule checks types by identity, and Mercurius validates with
 * the CommonJS copy of graphql while this module loads the ESM one.
 */
export function noIntrospectionRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const name = node.name.value;
      if (name === "__schema" || name === "__type") {
        context.reportError(limitError(`introspection is disabled here: the query asks for ${name}`));
      }
    },
  };
}

const listArguments = new Set(["first", "last", "limit"]);
/** The page size the catalog and list fields use when a client names none. */
const defaultListSize = 20;

/**
 * Estimated cost of the operation a request runs: each field costs 1, and the cost of a field's
 * selections is multiplied by its `first`/`last`/`limit` argument, read from the request's
 * variables when it is one (then its default, then 20). Each fragment is costed once, so the
 * time is linear in the document whatever its spreads multiply to. 0 when no operation matches.
 */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const listSize = listSizeReader(operation, variables ?? {});
  const fragmentCosts = new Map<string, number>();
  const costOf = (set: SelectionSetNode | undefined): number => {
    if (!set) return 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += costOf(selection.selectionSet);
      else total += fragmentCost(selection.name.value);
    }
    return total;
  };
  const fragmentCost = (name: string): number => {
    const known = fragmentCosts.get(name);
    if (known !== undefined) return known;
    // A cycle is refused by validation before this runs; costing it as 0 keeps this total.
    fragmentCosts.set(name, 0);
    const cost = costOf(fragments.get(name)?.selectionSet);
    fragmentCosts.set(name, cost);
    return cost;
  };
  const fieldCost = (field: FieldNode): number => {
    let multiplier = 1;
    for (const argument of field.arguments ?? []) {
      if (listArguments.has(argument.name.value)) multiplier = listSize(argument.value);
    }
    return 1 + multiplier * costOf(field.selectionSet);
  };
  return costOf(operation.selectionSet);
}

function listSizeReader(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): (value: ValueNode) => number {
  const defaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, definition.defaultValue);
  }
  const fromLiteral = (value: ValueNode | undefined): number =>
    value?.kind === Kind.INT ? Math.max(1, Number(value.value)) : defaultListSize;
  return (value) => {
    if (value.kind !== Kind.VARIABLE) return fromLiteral(value);
    const name = value.name.value;
    const given = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (typeof given === "number" && Number.isFinite(given)) return Math.max(1, given);
    return fromLiteral(defaults.get(name));
  };
}

/** The error a request gets when its operation costs more than `max`. */
export function costLimitError(cost: number, max: number): GraphQLError {
  return limitError(`query cost ${Number.isFinite(cost) ? cost : "∞"} exceeds the limit of ${max}`);
}
