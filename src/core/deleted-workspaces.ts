import { Injectable } from '@nestjs/common';

/**
 * Workspaces that were deleted. A deleted workspace stays deleted: tokens and API keys naming it
 * are refused, and key custody never makes a data key for it again. The workspace module, which
 * owns the tombstones, fills this at start and on each deletion, and answers for ids this process
 * has not seen deleted (another process may have deleted them).
 */
@Injectable()
export class DeletedWorkspaces {
  private readonly known = new Set<string>();
  private lookup: (workspaceId: string) => Promise<boolean> = () => Promise.resolve(false);

  /** The owner's way to ask its table, for the rare checks that must see other processes. */
  setLookup(lookup: (workspaceId: string) => Promise<boolean>): void {
    this.lookup = lookup;
  }

  markDeleted(workspaceId: string): void {
    this.known.add(workspaceId);
  }

  /** What this process knows, without I/O: for every request. */
  isKnownDeleted(workspaceId: string): boolean {
    return this.known.has(workspaceId);
  }

  /** Asks the owner too: for the first data key of a workspace, where being wrong costs data. */
  async isDeleted(workspaceId: string): Promise<boolean> {
    if (this.known.has(workspaceId)) {
      return true;
    }
    const deleted = await this.lookup(workspaceId);
    if (deleted) {
      this.known.add(workspaceId);
    }
    return deleted;
  }
}
