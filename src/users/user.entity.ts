import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'vault_user' })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Trimmed and lower-cased, so uniqueness is case-insensitive on every database. */
  @Column({ type: 'varchar', length: 320, unique: true })
  email!: string;

  /** A scrypt PHC string (`$scrypt$ln=...`); never the password. */
  @Column({ type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ type: 'boolean', default: false })
  isInstanceAdmin!: boolean;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
