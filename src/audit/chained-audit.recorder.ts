import {
  HttpException,
  Injectable,
  InternalServerErrorException,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation, runAgainOnConflict } from '../common/database-errors';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import { isStorageFull } from '../common/storage-full';
import { AuditContext } from '../core/audit-context';
import { AuditEventInput, AuditRecorder } from '../core/audit-recorder';
import { AUDITED_WRITE_REFUSALS, refusedWith } from '../core/audited-write';
import { InjectVaultDataSource } from '../core/vault-data-source';
import { VaultTelemetry } from '../core/vault-telemetry';
import { AuditChainHead } from './audit-chain-head';
import { AuditEventEntity } from './audit-event.entity';
import { toRow } from './audit-row';
import { StatementAppends } from './statement-appends';
import { AuditKey } from './audit-key';
import { eventMac } from './audit-mac';

/** Refused requests recorded per source address per second; the rest are only counted in a log. */
export const DENIED_EVENTS_PER_SOURCE_PER_SECOND = 5;

/**
 * The audit trail's writer. Each append locks the chain's state row in the caller's transaction
 * (PostgreSQL: `SELECT … FOR UPDATE`, so appends from every process and replica queue on it;
 * SQLite: the database's single writer, and the process's transaction queue on the vault's one
 * connection, see queueSqliteTransactions), links the event to the previous MAC and moves the
 * signed head. Credential writes append in the same statement as their change instead (see
 * StatementAppends).
 */
@Injectable()
export class ChainedAuditRecorder extends AuditRecorder implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditTrail');
  private deniedSecond = 0;
  private readonly deniedBySource = new Map<string, number>();
  /** The one-statement appends of credential writes (see `core/audited-write.ts`). */
  private readonly statements?: StatementAppends;

  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly key: AuditKey,
    private readonly head: AuditChainHead,
    private readonly telemetry: VaultTelemetry,
  ) {
    super();
    const type = dataSource.options.type;
    if (type === 'sqlite' || type === 'better-sqlite3' || type === 'postgres') {
      this.statements = new StatementAppends(dataSource, key);
      this.appendWithChange = (event, change) => this.appendInStatement(event, change);
    }
  }

  /** Opens the MAC key at start when the schema is there; otherwise on the first event. */
  async onApplicationBootstrap(): Promise<void> {
    await this.key.get().catch(() => undefined);
  }

  async record(event: AuditEventInput, manager?: EntityManager): Promise<void> {
    if (manager) {
      return this.append(event, manager);
    }
    // An event of its own: a transaction that only appends it, whose first lock is the chain's.
    await this.inTransaction(
      () => Promise.resolve(),
      () => event,
      false,
    );
  }

  async recordDenied(event: Omit<AuditEventInput, 'outcome'>): Promise<void> {
    const source = event.sourceAddress ?? AuditContext.current()?.sourceAddress ?? '';
    if (!this.withinDeniedBudget(source)) {
      return;
    }
    try {
      await this.record({ ...event, outcome: 'denied' });
    } catch (error) {
      this.logger.warn(`Could not record a denied ${event.action}: ${String(error)}`);
    }
  }

  transaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    event: (result: T) => AuditEventInput | undefined,
  ): Promise<T> {
    return this.inTransaction(work, event, true);
  }

  private async inTransaction<T>(
    work: (manager: EntityManager) => Promise<T>,
    event: (result: T) => AuditEventInput | undefined,
    lockHeadFirst: boolean,
  ): Promise<T> {
    await this.openKey();
    // A transaction rolled back whole for a conflict runs again: SQLite busy (another process,
    // the CLI or a second server, held the write lock past the busy timeout), PostgreSQL deadlock.
    return runAgainOnConflict(() =>
      this.dataSource.transaction(async (manager) => {
        // The chain first, as every audited writer takes it (see migration 1765000000000): what
        // `work` locks after it, no other audited writer holds while waiting for the chain.
        if (lockHeadFirst) {
          await this.head.lockFirst(manager);
        }
        const result = await work(manager);
        const input = event(result);
        if (input) {
          await this.append(input, manager);
        }
        return result;
      }),
    );
  }

  private async appendInStatement(
    event: AuditEventInput,
    change: readonly unknown[],
  ): Promise<boolean> {
    try {
      return await this.statements!.append(event, change);
    } catch (error) {
      // The change's own refusals (a conflict, a duplicate id) are the caller's to answer; the
      // rest, an unopenable MAC key included, fail closed as in a transaction.
      if (refusedWith(error, AUDITED_WRITE_REFUSALS.unchanged) || isUniqueViolation(error)) {
        throw error;
      }
      this.telemetry.auditWriteFailed();
      throw auditWriteFailed(error, event.action, this.logger);
    }
  }

  private async append(input: AuditEventInput, manager: EntityManager): Promise<void> {
    // The head moves in this transaction (or stays, if it rolls back): read it again next time.
    this.statements?.forgetHead();
    try {
      const key = await this.key.get();
      const head = await this.head.lock(manager);
      const row = toRow(input, head.headMac);
      const event: AuditEventEntity = { ...row, seq: head.headSeq + 1, mac: eventMac(key, row) };
      await manager.createQueryBuilder().insert().into(AuditEventEntity).values(event).execute();
      await this.head.advance(manager, key, event.seq, event.mac);
    } catch (error) {
      this.telemetry.auditWriteFailed();
      throw auditWriteFailed(error, input.action, this.logger);
    }
  }

  private async openKey(): Promise<void> {
    try {
      await this.key.get();
    } catch (error) {
      this.telemetry.auditWriteFailed();
      throw auditWriteFailed(error, 'key', this.logger);
    }
  }

  private withinDeniedBudget(source: string): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.deniedSecond) {
      this.deniedSecond = second;
      this.deniedBySource.clear();
    }
    const count = (this.deniedBySource.get(source) ?? 0) + 1;
    this.deniedBySource.set(source, count);
    return count <= DENIED_EVENTS_PER_SOURCE_PER_SECOND;
  }
}

/**
 * Fail closed: the change is rolled back with the event. A full disk or a lost database keeps
 * its own answer (507, 503); anything else is a plain 500 saying nothing was changed.
 */
function auditWriteFailed(error: unknown, action: string, logger: Logger): unknown {
  if (error instanceof HttpException || isStorageFull(error) || isDatabaseUnavailable(error)) {
    return error;
  }
  logger.error(`Could not record audit event ${action}: ${String(error)}`);
  return new InternalServerErrorException(
    'The audit trail could not record this operation, so it was not carried out. ' +
      'Nothing was changed; retry later, and tell the operator if it persists.',
  );
}
