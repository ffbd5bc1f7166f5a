import { type DocumentNode, Kind, type ObjectTypeDefinitionNode, parse, print } from "graphql";
import type { GatewayModule } from "./module.js";

/** The gateway's own part of the schema. */
export const coreSchema = /* GraphQL */ `
  "Health of one service behind the gateway."
  type ServiceHealth {
    name: String!
    status: String!
    "Round trip of its gRPC health check in milliseconds."
    latencyMs: Float!
    "closed, open or half-open."
    circuit: String!
    "Dependencies the service is doing without while it still serves (say the bus)."
    degraded: [String!]
    error: String
  }

  "Health of the gateway and every service behind it."
  type GatewayHealth {
    "ok when every service is up with all its dependencies, degraded otherwise."
    status: String!
    services: [ServiceHealth!]!
  }

  type Query {
    "Health of the gateway and every service behind it."
    health: GatewayHealth!
  }
`;

/**
 * Merges the core schema with each module's SDL. Modules only extend `Query` and `Mutation`; the
 * first `extend type Mutation` becomes its definition when no module defines the type itself.
 */
export function composeSchema(modules: readonly GatewayModule[]): string {
  const documents: DocumentNode[] = [
    parse(coreSchema),
    ...modules.filter((m) => m.schema).map((m) => parse(m.schema ?? "")),
  ];
  const definitions = documents.flatMap((document) => [...document.definitions]);
  const defined = new Set(
    definitions.flatMap((definition) =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ? [definition.name.value] : [],
    ),
  );
  const merged = definitions.map((definition) => {
    if (definition.kind === Kind.OBJECT_TYPE_EXTENSION && !defined.has(definition.name.value)) {
      defined.add(definition.name.value);
      const promoted: ObjectTypeDefinitionNode = {
        kind: Kind.OBJECT_TYPE_DEFINITION,
        name: definition.name,
        interfaces: definition.interfaces ?? [],
        directives: definition.directives ?? [],
        fields: definition.fields ?? [],
      };
      return promoted;
    }
    return definition;
  });
  return print({ kind: Kind.DOCUMENT, definitions: merged });
}
