import { isReflectMessage, type ReflectMessage } from "@bufbuild/protobuf/reflect";

function hasNul(value: unknown): boolean {
  return typeof value === "string" && value.includes("\0");
}

/**
 * Paths (`fields.title`, `attributes["colour"]`, `variants[2].sku`) of the strings of a request
 * that hold a NUL character. PostgreSQL can store NUL in neither text nor jsonb, so such a request
 * would fail at the database; the validation interceptor refuses it first, naming the field.
 */
export function nulCharacterPaths(message: ReflectMessage, prefix = ""): string[] {
  const paths: string[] = [];
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    const value: unknown = message.get(field);
    if (field.fieldKind === "scalar") {
      if (hasNul(value)) paths.push(path);
    } else if (field.fieldKind === "message") {
      if (isReflectMessage(value)) paths.push(...nulCharacterPaths(value, path));
    } else if (field.fieldKind === "list") {
      let index = 0;
      for (const item of value as Iterable<unknown>) {
        const itemPath = `${path}[${index++}]`;
        if (hasNul(item)) paths.push(itemPath);
        else if (isReflectMessage(item)) paths.push(...nulCharacterPaths(item, itemPath));
      }
    } else if (field.fieldKind === "map") {
      for (const [key, item] of value as Iterable<[unknown, unknown]>) {
        const entryPath = `${path}[${JSON.stringify(String(key))}]`;
        if (hasNul(key) || hasNul(item)) paths.push(entryPath);
        else if (isReflectMessage(item)) paths.push(...nulCharacterPaths(item, entryPath));
      }
    }
  }
  return paths;
}
