import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CREDENTIALS_ENTITIES, CREDENTIALS_MIGRATIONS } from '../../src';

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
