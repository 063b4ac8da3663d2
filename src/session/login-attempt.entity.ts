import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One fixed window of login attempts for a key (`email:…` or `address:…`). */
@Entity({ name: 'vault_login_attempt' })
export class LoginAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 320 })
  key!: string;

  @Column({ type: 'integer' })
  count!: number;

  /** When the window ends, in epoch milliseconds (PostgreSQL returns a bigint as a string). */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  resetAt!: number;
}
