import { Inject, Injectable } from '@nestjs/common';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EncryptionProvider } from '../core/encryption.provider';
import { InjectVaultDataSource } from '../core/vault-data-source';
import { AuditChainEntity, CHAIN_ROW_ID } from './audit-chain.entity';
import { positionSignature } from './audit-mac';

/** A context no credential has (ids are UUIDs): the ciphertext opens only as the audit key. */
const AUDIT_KEY_CONTEXT = { workspaceId: '', credentialId: 'vault:audit-mac-key' };

/**
 * The audit trail's MAC key: 32 random bytes made once per database and stored only encrypted by
 * the vault's `EncryptionProvider` (with a keyring: the vault's own data key, wrapped by the
 * master key, so it survives master-key rotation and works with a PKCS#11 key that never leaves
 * its token). Write access to the database alone cannot forge or re-chain events.
 */
@Injectable()
export class AuditKey {
  private key: Promise<KeyObject> | undefined;

  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
  ) {}

  /** The key, opened once per process; the chain row is created on first use. */
  get(): Promise<KeyObject> {
    if (!this.key) {
      this.key = this.open();
      this.key.catch(() => (this.key = undefined));
    }
    return this.key;
  }

  private async open(): Promise<KeyObject> {
    const chains = this.dataSource.getRepository(AuditChainEntity);
    let row = await chains.findOneBy({ id: CHAIN_ROW_ID });
    if (!row) {
      const raw = randomBytes(32);
      const key = createSecretKey(raw);
      const keyCiphertext = await this.encryption.encrypt(
        raw.toString('base64'),
        AUDIT_KEY_CONTEXT,
      );
      raw.fill(0);
      const empty = positionSignature(key, 'head', 0, '');
      await chains
        .createQueryBuilder()
        .insert()
        .values({
          id: CHAIN_ROW_ID,
          keyCiphertext,
          headSeq: 0,
          headMac: '',
          headSignature: empty,
          anchorSeq: 0,
          anchorMac: '',
          anchorSignature: positionSignature(key, 'anchor', 0, ''),
        })
        .orIgnore()
        .execute();
      // Another replica may have won the insert: use whichever key is stored now.
      row = await chains.findOneByOrFail({ id: CHAIN_ROW_ID });
    }
    const raw = Buffer.from(
      await this.encryption.decrypt(row.keyCiphertext, AUDIT_KEY_CONTEXT),
      'base64',
    );
    try {
      return createSecretKey(raw);
    } finally {
      raw.fill(0);
    }
  }
}
