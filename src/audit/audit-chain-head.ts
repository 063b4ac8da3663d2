import { Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { InjectVaultDataSource } from '../core/vault-data-source';
import { AuditChainEntity, CHAIN_ROW_ID } from './audit-chain.entity';
import { positionSignature } from './audit-mac';

type Head = Pick<AuditChainEntity, 'headSeq' | 'headMac'>;

/** The chain's state row: locked by each append, moved to the new event. */
@Injectable()
export class AuditChainHead {
  private readonly canLockRows: boolean;
  /**
   * PostgreSQL: the head as each open transaction holds it locked (moved by `advance`), so a
   * transaction that locked it first asks the database once. Appends on PostgreSQL never run in
   * a transaction by another path (the one-statement writes run alone), so this stays the truth.
   */
  private readonly held = new WeakMap<EntityManager, Head>();

  constructor(@InjectVaultDataSource() dataSource: DataSource) {
    this.canLockRows = dataSource.options.type === 'postgres';
  }

  /**
   * The head, locked until the transaction ends: on PostgreSQL a row lock that orders appends of
   * every replica; on SQLite the transaction took the database's one write lock at its BEGIN
   * (see queueSqliteTransactions).
   */
  async lock(manager: EntityManager): Promise<Head> {
    const held = this.held.get(manager);
    if (held) {
      return held;
    }
    const query = manager
      .getRepository(AuditChainEntity)
      .createQueryBuilder('chain')
      .select(['chain.headSeq', 'chain.headMac'])
      .where('chain.id = :id', { id: CHAIN_ROW_ID });
    const head = await (this.canLockRows ? query.setLock('pessimistic_write') : query).getOne();
    if (!head) {
      throw new Error('The audit chain has no state row (vault_audit_chain)');
    }
    if (this.canLockRows) {
      this.held.set(manager, head);
    }
    return head;
  }

  /**
   * PostgreSQL: locks the head before the transaction's other rows, the order every audited
   * writer keeps, so none waits for the chain while holding what another holding it waits for.
   * SQLite: nothing (the transaction holds the database's one write lock).
   */
  async lockFirst(manager: EntityManager): Promise<void> {
    if (this.canLockRows) {
      await this.lock(manager);
    }
  }

  async advance(manager: EntityManager, key: KeyObject, seq: number, mac: string): Promise<void> {
    await manager.update(
      AuditChainEntity,
      { id: CHAIN_ROW_ID },
      { headSeq: seq, headMac: mac, headSignature: positionSignature(key, 'head', seq, mac) },
    );
    if (this.held.has(manager)) {
      this.held.set(manager, { headSeq: seq, headMac: mac });
    }
  }
}
