import { Module } from '@nestjs/common';
import { InvalidationReplication } from './invalidation-replication';

/** Carries the invalidation bus of core to the other replicas (and other processes). */
@Module({
  providers: [InvalidationReplication],
  exports: [InvalidationReplication],
})
export class ReplicationModule {}
