/**
 * Rewrites what @nestjs/swagger emits but OpenAPI 3.0 forbids: `{type: 'null'}` in a `oneOf`
 * and `nullable` beside a `oneOf` without `type`. Both become `nullable: true` on the first
 * alternative, which says the same. A query parameter's array gets an array example.
 */
export function normalizeSchemas(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(normalizeSchemas);
    return;
  }
  if (typeof node !== 'object' || node === null) {
    return;
  }
  const schema = node as Record<string, unknown>;
  const alternatives = schema.oneOf;
  if (Array.isArray(alternatives) && schema.type === undefined) {
    const withoutNull = (alternatives as Array<Record<string, unknown>>).filter(
      (alternative) => alternative.type !== 'null',
    );
    if (withoutNull.length < alternatives.length || schema.nullable === true) {
      withoutNull[0] = { ...withoutNull[0], nullable: true };
      schema.oneOf = withoutNull;
      delete schema.nullable;
    }
  }
  if (schema.type === 'array' && 'example' in schema && !Array.isArray(schema.example)) {
    schema.example = [schema.example];
  }
  Object.values(schema).forEach(normalizeSchemas);
}
