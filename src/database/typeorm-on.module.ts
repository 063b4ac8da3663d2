import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * TypeORM on a DataSource the caller made, so the caller can destroy it when the start fails.
 * It is initialised without migrations: key custody runs them once its check passed.
 */
export function typeOrmOn(dataSource: DataSource): DynamicModule {
  return TypeOrmModule.forRootAsync({
    useFactory: () => dataSource.options,
    dataSourceFactory: async () =>
      dataSource.isInitialized ? dataSource : dataSource.initialize(),
  });
}
