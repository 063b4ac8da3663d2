import { Module } from '@nestjs/common';
import { AuditRecorder } from '../core/audit-recorder';
import { vaultRepositories } from '../core/vault-data-source';
import { AuditChainEntity } from './audit-chain.entity';
import { AuditChainHead } from './audit-chain-head';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventsReader } from './audit-events.reader';
import { AuditRetention } from './audit-retention';
import { AuditVerification } from './audit-verification';
import { AuditKey } from './audit-key';
import { ChainedAuditRecorder } from './chained-audit.recorder';

/**
 * The audit trail: the one owner of its tables. Other modules import it for the `AuditRecorder`
 * port (from core/) and the reader; it imports no feature, so any feature may import it.
 */
@Module({
  providers: [
    ...vaultRepositories(AuditEventEntity, AuditChainEntity),
    AuditKey,
    AuditChainHead,
    ChainedAuditRecorder,
    { provide: AuditRecorder, useExisting: ChainedAuditRecorder },
    AuditEventsReader,
    AuditVerification,
    AuditRetention,
  ],
  exports: [AuditRecorder, AuditEventsReader, AuditVerification, AuditRetention],
})
export class AuditModule {}
