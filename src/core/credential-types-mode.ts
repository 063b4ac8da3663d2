/** `strict`: only known types are stored; `permissive`: unknown types get the generic checks. */
export type CredentialTypesMode = 'strict' | 'permissive';
export const CREDENTIAL_TYPES_MODES: readonly CredentialTypesMode[] = ['strict', 'permissive'];
