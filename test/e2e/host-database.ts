import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS, CredentialsServiceModule } from '../../src';

/** A host app's own TypeORM connection to a SQLite file, holding the vault's tables. */
export function hostSqliteDatabase(file: string): DynamicModule {
  return TypeOrmModule.forRoot({
    type: 'sqlite',
    database: file,
    entities: [...CREDENTIALS_ENTITIES],
    migrations: [...CREDENTIALS_MIGRATIONS],
    migrationsRun: true,
  });
}

/** The imports of a host app that embeds the vault on `file`, accepting tokens signed with `jwtSecret`. */
export function vaultOnSqlite(file: string, jwtSecret: Buffer): DynamicModule[] {
  return [
    hostSqliteDatabase(file),
    CredentialsServiceModule.forRootAsync({
      useFactory: () => Promise.resolve({ encryptionKey: randomBytes(32), jwtSecret }),
    }),
  ];
}
