import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

/** Limits on one GraphQL document. */
export interface QueryLimits {
  maxAliases: number;
  /** Upper bound of fields resolved, counting list arguments `first`/`last`/`limit` as multipliers. */
  maxCost: number;
}

/** Rejects a document with more than `max` aliased fields (alias batching amplifies load cheaply). */
export function aliasLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) {
          aliases++;
          if (aliases === max + 1) {
            context.reportError(
              new GraphQLError(`query uses more than ${max} aliases`, {
                nodes: [node],
                extensions: { code: "INVALID_ARGUMENT" },
              }),
            );
          }
        }
      },
    };
  };
}

const listArguments = new Set(["first", "last", "limit"]);
const defaultListSize = 20;

/**
 * Rejects a document whose estimated cost exceeds `max`: each field costs 1, and the cost of a
 * field's selections is multiplied by its `first`/`last`/`limit` argument (20 when a variable).
 */
export function costLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const costOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let total = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) total += fieldCost(selection, seen);
        else if (selection.kind === Kind.INLINE_FRAGMENT) total += costOf(selection.selectionSet, seen);
        else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment && !seen.has(name)) total += costOf(fragment.selectionSet, new Set([...seen, name]));
        }
      }
      return total;
    };
    const fieldCost = (field: FieldNode, seen: Set<string>): number => {
      let multiplier = 1;
      for (const argument of field.arguments ?? []) {
        if (!listArguments.has(argument.name.value)) continue;
        multiplier =
          argument.value.kind === Kind.INT ? Math.max(1, Number(argument.value.value)) : defaultListSize;
      }
      return 1 + multiplier * costOf(field.selectionSet, seen);
    };
    return {
      OperationDefinition(node) {
        const cost = costOf(node.selectionSet, new Set());
        if (cost > max) {
          context.reportError(
            new GraphQLError(`query cost ${cost} exceeds the limit of ${max}`, {
              nodes: [node],
              extensions: { code: "INVALID_ARGUMENT" },
            }),
          );
        }
      },
    };
  };
}
