import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A failed probe is retried at most this often, whatever the rate of health checks. */
const PROBE_INTERVAL_MS = 1000;
const PROBE_KEY = 'storage-probe';

interface State {
  fullSince?: number;
  lastProbeAt: number;
  lastProbeOk: boolean;
}

const logger = new Logger('Storage');
const states = new WeakMap<DataSource, State>();

function stateOf(dataSource: DataSource): State {
  let state = states.get(dataSource);
  if (!state) {
    state = { lastProbeAt: 0, lastProbeOk: true };
    states.set(dataSource, state);
  }
  return state;
}

/** Records that a write could not commit for want of space: readiness fails until one can. */
export function markStorageFull(dataSource: DataSource): void {
  const state = stateOf(dataSource);
  if (state.fullSince === undefined) {
    state.fullSince = Date.now();
    state.lastProbeAt = state.fullSince;
    state.lastProbeOk = false;
    logger.error('Storage is full: writes are refused with 507 until space is freed');
  }
}

/**
 * Whether writes can commit. Free while none has failed; after a failure, a small real write
 * (one row of vault_meta) tells, at most once a second, so recovery needs no restart.
 */
export async function isStorageWritable(dataSource: DataSource): Promise<boolean> {
  const state = stateOf(dataSource);
  if (state.fullSince === undefined) {
    return true;
  }
  if (Date.now() - state.lastProbeAt < PROBE_INTERVAL_MS) {
    return state.lastProbeOk;
  }
  state.lastProbeAt = Date.now();
  try {
    await dataSource
      .createQueryBuilder()
      .insert()
      .into('vault_meta')
      .values({ key: PROBE_KEY, value: new Date().toISOString() })
      .orUpdate(['value'], ['key'])
      .execute();
  } catch {
    state.lastProbeOk = false;
    return false;
  }
  logger.log(`Storage accepts writes again after ${Date.now() - state.fullSince} ms`);
  state.fullSince = undefined;
  state.lastProbeOk = true;
  return true;
}
