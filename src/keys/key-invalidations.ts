import { Injectable, OnModuleInit } from '@nestjs/common';
import { InvalidationBus, InvalidationEvent } from '../core/invalidation-bus';
import { KeyCustody } from './key-custody';

/**
 * Drops cached data keys when another process rotates them (`keys:rotate-data`,
 * `keys:rotate-master`), and all of them when the invalidation channel comes back after an
 * outage. A workspace deletion reaches key custody through the workspace lifecycle.
 */
@Injectable()
export class KeyInvalidations implements OnModuleInit {
  constructor(
    private readonly bus: InvalidationBus,
    private readonly custody: KeyCustody,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe({
      onInvalidation: (event) => this.apply(event),
      onResync: () => this.custody.forgetAll(),
    });
  }

  private apply(event: InvalidationEvent): void {
    if (event.type !== 'data-keys-changed') {
      return;
    }
    if (event.workspaceId === null) {
      this.custody.forgetAll();
    } else {
      this.custody.forgetWorkspace(event.workspaceId);
    }
  }
}
