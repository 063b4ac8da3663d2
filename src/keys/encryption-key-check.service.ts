import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EncryptionProvider } from '../core/encryption.provider';
import { ensureKeyCanary } from './key-canary';

/**
 * Refuses to start when the configured key cannot decrypt what the database holds, so a wrong
 * key fails once, at boot, instead of on every request that reads a secret.
 */
@Injectable()
export class EncryptionKeyCheck implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EncryptionProvider) private readonly encryption: EncryptionProvider,
  ) {}

  onModuleInit(): Promise<void> {
    return ensureKeyCanary(this.dataSource.manager, this.encryption);
  }
}
