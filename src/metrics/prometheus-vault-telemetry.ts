import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import {
  AUTH_FAILURE_REASONS,
  AuthFailureReason,
  CREDENTIAL_OPERATIONS,
  CredentialOperation,
  KEY_OPERATIONS,
  KeyOperation,
  VaultTelemetry,
} from '../core/vault-telemetry';

type Children<L extends string> = Record<L, Counter.Internal>;

/**
 * The vault's telemetry port as Prometheus counters. Every label value comes from a fixed list
 * and its series is made (at zero) here, so a call is one property lookup and one add, and a
 * scrape shows every series from the start (`rate()` needs the zero).
 */
@Injectable()
export class PrometheusVaultTelemetry extends VaultTelemetry {
  private readonly authFailures: Children<AuthFailureReason>;
  private readonly credentialOperations: Children<CredentialOperation>;
  private readonly keyOperations: Children<KeyOperation>;
  private readonly auditWriteFailures: Counter;

  constructor(registry: Registry) {
    super();
    this.authFailures = children(
      registry,
      'vault_auth_failures_total',
      'Refused authentications, by reason',
      'reason',
      AUTH_FAILURE_REASONS,
    );
    this.credentialOperations = children(
      registry,
      'vault_credential_operations_total',
      'Credential operations that completed, by operation',
      'operation',
      CREDENTIAL_OPERATIONS,
    );
    this.keyOperations = children(
      registry,
      'vault_key_operations_total',
      'Key custody operations in this process (data_key_unwrapped: a data-key cache miss)',
      'operation',
      KEY_OPERATIONS,
    );
    this.auditWriteFailures = new Counter({
      name: 'vault_audit_write_failures_total',
      help: 'Audit events that could not be written (the audited change was refused)',
      registers: [registry],
    });
  }

  authFailed(reason: AuthFailureReason): void {
    this.authFailures[reason].inc();
  }

  credentialOperation(operation: CredentialOperation): void {
    this.credentialOperations[operation].inc();
  }

  keyOperation(operation: KeyOperation): void {
    this.keyOperations[operation].inc();
  }

  auditWriteFailed(): void {
    this.auditWriteFailures.inc();
  }
}

function children<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  values: readonly L[],
): Children<L> {
  const counter = new Counter({ name, help, labelNames: [label], registers: [registry] });
  const made = {} as Children<L>;
  for (const value of values) {
    made[value] = counter.labels(value);
    made[value].inc(0);
  }
  return made;
}
