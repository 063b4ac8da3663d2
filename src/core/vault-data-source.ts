import { Inject, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource, ObjectLiteral } from 'typeorm';
import { queueSqliteTransactions } from './sqlite-transaction-queue';

/**
 * The DataSource that holds the vault's tables: the host's default one, or the one named by the
 * `dataSource` option. Every repository and query of the vault goes through it, never through
 * `DataSource` itself, so a host may keep the vault on a second database.
 */
export const VAULT_DATA_SOURCE = Symbol('VAULT_DATA_SOURCE');

/** Injects the vault's DataSource (see `VAULT_DATA_SOURCE`). */
export const InjectVaultDataSource = (): ParameterDecorator => Inject(VAULT_DATA_SOURCE);

/** An entity class of the vault. */
export type VaultEntity = new (...args: never[]) => ObjectLiteral;

/** One repository token per entity, for the providers and the decorator alike. */
const repositoryTokens = new Map<VaultEntity, symbol>();

export function vaultRepositoryToken(entity: VaultEntity): symbol {
  let token = repositoryTokens.get(entity);
  if (token === undefined) {
    token = Symbol(`VaultRepository<${entity.name}>`);
    repositoryTokens.set(entity, token);
  }
  return token;
}

/** Injects the repository of `entity` on the vault's DataSource (the vault's `@InjectRepository`). */
export const InjectVaultRepository = (entity: VaultEntity): ParameterDecorator =>
  Inject(vaultRepositoryToken(entity));

/** The providers of the repositories a feature module owns (the vault's `TypeOrmModule.forFeature`). */
export function vaultRepositories(...entities: VaultEntity[]): Provider[] {
  return entities.map((entity) => ({
    provide: vaultRepositoryToken(entity),
    inject: [VAULT_DATA_SOURCE],
    useFactory: (dataSource: DataSource) => dataSource.getRepository(entity),
  }));
}

/**
 * Provides `VAULT_DATA_SOURCE` from the host's DataSource `name` (default: the default one), and
 * refuses to start when it lacks the vault's entities, rather than failing on the first request.
 */
export function vaultDataSourceProvider(
  name: string | undefined,
  entities: VaultEntity[],
): Provider {
  const token = getDataSourceToken(name);
  return {
    provide: VAULT_DATA_SOURCE,
    inject: [{ token, optional: true }],
    useFactory: (dataSource: DataSource | undefined) => {
      const which = name === undefined ? 'the default DataSource' : `the DataSource "${name}"`;
      if (dataSource === undefined || dataSource === null) {
        throw new Error(
          `The credential vault needs ${which}, and the application has none: register it with ` +
            `TypeOrmModule.forRoot(${name === undefined ? '' : `{ name: '${name}', ... }`}) ` +
            'or set the `dataSource` option to the name of one it has.',
        );
      }
      const missing = entities.filter((entity) => !dataSource.hasMetadata(entity));
      if (missing.length > 0) {
        throw new Error(
          `The credential vault's entities are not on ${which} (missing: ` +
            `${missing.map((entity) => entity.name).join(', ')}): add CREDENTIALS_ENTITIES to its ` +
            'entities, or set the `dataSource` option to the DataSource that has them.',
        );
      }
      queueSqliteTransactions(dataSource);
      return dataSource;
    },
  };
}
