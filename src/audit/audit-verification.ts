import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InjectVaultDataSource } from '../core/vault-data-source';
import { AuditChainEntity, CHAIN_ROW_ID } from './audit-chain.entity';
import { AuditEventEntity } from './audit-event.entity';
import { AuditEventsReader } from './audit-events.reader';
import { AuditKey } from './audit-key';
import { eventMac, positionSignature } from './audit-mac';

export type AuditBreakKind =
  'edited' | 'deleted' | 'reordered' | 'renumbered' | 'truncated' | 'head' | 'anchor';

/** The first broken link, in words an operator can act on. */
export interface AuditBreak {
  readonly kind: AuditBreakKind;
  /** The position where the chain broke (for `truncated`: the last event the head records). */
  readonly seq: number;
  readonly eventId?: string;
  readonly message: string;
}

export interface AuditVerificationReport {
  /** Events checked, after the retention anchor. */
  readonly events: number;
  /** Events up to this seq were pruned by retention; the chain starts after it. */
  readonly prunedThroughSeq: number;
  readonly headSeq: number;
  /** Absent when every link holds. */
  readonly broken?: AuditBreak;
}

/**
 * Walks the chain from the retention anchor to the signed head: each event's MAC over its own
 * fields (an edit), its link to the one before (a deletion or a reordering), and the end against
 * the head (a truncated tail). Reports the first broken link only: past it nothing is provable.
 */
@Injectable()
export class AuditVerification {
  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly key: AuditKey,
    private readonly reader: AuditEventsReader,
  ) {}

  async verify(): Promise<AuditVerificationReport> {
    const chain = await this.dataSource
      .getRepository(AuditChainEntity)
      .findOneBy({ id: CHAIN_ROW_ID });
    if (!chain) {
      const [first] = await this.dataSource.getRepository(AuditEventEntity).find({ take: 1 });
      return {
        events: 0,
        prunedThroughSeq: 0,
        headSeq: 0,
        ...(first
          ? {
              broken: {
                kind: 'head',
                seq: first.seq,
                message: 'Events exist but the chain state row (vault_audit_chain) is gone',
              },
            }
          : {}),
      };
    }
    const key = await this.key.get();
    const summary = { prunedThroughSeq: chain.anchorSeq, headSeq: chain.headSeq };
    if (
      positionSignature(key, 'anchor', chain.anchorSeq, chain.anchorMac) !== chain.anchorSignature
    ) {
      return {
        ...summary,
        events: 0,
        broken: {
          kind: 'anchor',
          seq: chain.anchorSeq,
          message: `The retention checkpoint (through event ${chain.anchorSeq}) is not signed by the audit key: it was edited`,
        },
      };
    }
    if (positionSignature(key, 'head', chain.headSeq, chain.headMac) !== chain.headSignature) {
      return {
        ...summary,
        events: 0,
        broken: {
          kind: 'head',
          seq: chain.headSeq,
          message: `The chain head (event ${chain.headSeq}) is not signed by the audit key: it was edited`,
        },
      };
    }
    let prevMac = chain.anchorMac;
    let expectedSeq = chain.anchorSeq + 1;
    let events = 0;
    for await (const event of this.reader.inOrder()) {
      if (event.seq <= chain.anchorSeq) {
        continue;
      }
      const broken = await this.checkLink(event, prevMac, expectedSeq, key);
      if (broken) {
        return { ...summary, events, broken };
      }
      prevMac = event.mac;
      expectedSeq = event.seq + 1;
      events++;
    }
    const lastSeq = expectedSeq - 1;
    if (lastSeq !== chain.headSeq || prevMac !== chain.headMac) {
      return {
        ...summary,
        events,
        broken:
          lastSeq < chain.headSeq
            ? {
                kind: 'truncated',
                seq: chain.headSeq,
                message: `The trail ends at event ${lastSeq} but the signed head records event ${chain.headSeq}: events ${lastSeq + 1} to ${chain.headSeq} were deleted`,
              }
            : {
                kind: 'head',
                seq: lastSeq,
                message: `The trail ends at event ${lastSeq} but the signed head records event ${chain.headSeq}: events were added without the audit key`,
              },
      };
    }
    return { ...summary, events };
  }

  private async checkLink(
    event: AuditEventEntity,
    prevMac: string,
    expectedSeq: number,
    key: Awaited<ReturnType<AuditKey['get']>>,
  ): Promise<AuditBreak | undefined> {
    const at = { seq: event.seq, eventId: event.id };
    if (eventMac(key, event) !== event.mac) {
      return {
        ...at,
        kind: 'edited',
        message: `Event ${event.seq} (${event.id}) does not match its MAC: a field was edited`,
      };
    }
    if (event.prevMac === prevMac) {
      return event.seq === expectedSeq
        ? undefined
        : {
            ...at,
            kind: 'renumbered',
            message: `Event ${event.seq} (${event.id}) follows its predecessor but should be number ${expectedSeq}: events were renumbered`,
          };
    }
    const predecessor = await this.dataSource
      .getRepository(AuditEventEntity)
      .findOne({ where: { mac: event.prevMac }, select: { seq: true } });
    if (predecessor) {
      return {
        ...at,
        kind: 'reordered',
        message: `Event ${event.seq} (${event.id}) follows event ${predecessor.seq} in the chain, not event ${expectedSeq - 1}: events were reordered`,
      };
    }
    return {
      ...at,
      kind: 'deleted',
      message:
        event.seq === expectedSeq
          ? `The event before event ${event.seq} (${event.id}) was deleted (and the rest renumbered)`
          : `Event ${expectedSeq}${event.seq - 1 > expectedSeq ? ` to ${event.seq - 1}` : ''} before event ${event.seq} (${event.id}) was deleted`,
    };
  }
}
