import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Small facts about the vault itself, such as the encrypted key canary. */
@Entity({ name: 'vault_meta' })
export class VaultMetaEntity {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'text' })
  value!: string;
}
