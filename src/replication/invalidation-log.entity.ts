import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One invalidation event, kept for the access-token lifetime: replicas replay the recent ones at
 * start and read new ones by `id` when no faster channel reaches them.
 */
@Entity({ name: 'vault_invalidation' })
export class InvalidationLogEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The event as JSON: ids and roles only, never a secret. */
  @Column({ type: 'text' })
  event!: string;

  /** The process that published it, so it does not apply its own event twice. */
  @Column({ type: 'varchar', length: 36 })
  origin!: string;

  @Column({ type: Date })
  createdAt!: Date;
}
