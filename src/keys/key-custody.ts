import { OnApplicationShutdown } from '@nestjs/common';
import { EncryptionProvider } from '../core/encryption.provider';
import { KeyHierarchy } from './key-hierarchy';
import { KeyHierarchyEncryptionProvider } from './key-hierarchy-encryption.provider';

/** A master keyring opened at start: the hierarchy and where its keys come from. */
export interface OpenedKeyring {
  readonly hierarchy: KeyHierarchy;
  readonly encryption: KeyHierarchyEncryptionProvider;
  /** Where the master keys come from, for messages (never their material). */
  readonly source: string;
}

/**
 * What the key-custody start-up settled: the `EncryptionProvider` every credential goes
 * through and, when the vault runs on a keyring, the key hierarchy behind it.
 */
export class KeyCustody implements OnApplicationShutdown {
  constructor(
    readonly encryption: EncryptionProvider,
    private readonly keyring?: OpenedKeyring,
  ) {}

  /** The keyring; only the key commands need it, and only a keyring-based vault has one. */
  get opened(): OpenedKeyring {
    if (!this.keyring) {
      throw new Error(
        'This vault encrypts with a single key or a provider of its own: key commands need a ' +
          'keyring (the module option `keyring`)',
      );
    }
    return this.keyring;
  }

  /** Drops what this process cached about a workspace's data keys. */
  forgetWorkspace(workspaceId: string): void {
    this.keyring?.hierarchy.forget(workspaceId);
  }

  /** Drops every cached data key: they are loaded again from the database on demand. */
  forgetAll(): void {
    this.keyring?.hierarchy.forgetAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.keyring?.hierarchy.masterKeys.close?.();
  }
}
