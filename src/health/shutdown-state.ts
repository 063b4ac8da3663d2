import { Injectable } from '@nestjs/common';

/** Whether the process is shutting down: readiness fails from that moment on. */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  begin(): void {
    this.shuttingDown = true;
  }
}
