import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';

const BODIES_WITH_CREDENTIAL_NAME = ['CreateCredentialDto', 'UpdateCredentialDto'];

/**
 * Declares `credentialName` in request bodies as an `enum` of the names the server accepts, when
 * its registry is strict (permissive servers take any name), so a typo fails when a generated
 * client compiles rather than at run time.
 */
export function declareCredentialNames(document: OpenAPIObject, names: string[]): void {
  const schemas = document.components?.schemas ?? {};
  for (const dto of BODIES_WITH_CREDENTIAL_NAME) {
    const property = (schemas[dto] as SchemaObject | undefined)?.properties?.credentialName as
      SchemaObject | undefined;
    if (property !== undefined) {
      property.enum = names;
    }
  }
}
