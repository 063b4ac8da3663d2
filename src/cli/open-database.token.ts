/** Injection token of the `OpenDatabase` (data source, keyring, key hierarchy) the CLI opened. */
export const OPEN_DATABASE = Symbol('OpenDatabase');
