import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OpenDatabase } from './open-database';

/** TypeORM on the DataSource `openDatabase` already checked and migrated, instead of a new one. */
export function preparedTypeOrmModule(database: OpenDatabase): DynamicModule {
  return TypeOrmModule.forRootAsync({
    useFactory: () => database.dataSource.options,
    dataSourceFactory: () => Promise.resolve(database.dataSource),
  });
}
