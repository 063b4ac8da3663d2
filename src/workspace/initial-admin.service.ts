import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../common/database-errors';
import { VAULT_OPTIONS } from '../core/vault-options.module-definition';
import { CredentialsServiceOptions } from '../core/vault-options';
import { UsersService } from '../users/users.service';
import { WorkspaceService } from './workspace.service';
import { InjectVaultDataSource } from '../core/vault-data-source';

/**
 * First start: when no user exists and an initial admin is configured, create that instance
 * admin as owner of a workspace named "Default". Later starts change nothing.
 */
@Injectable()
export class InitialAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    @Inject(VAULT_OPTIONS) private readonly options: CredentialsServiceOptions,
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly workspaces: WorkspaceService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.options.initialAdmin;
    if (!admin || (await this.users.count()) > 0) {
      return;
    }
    try {
      const { userId, workspaceId } = await this.dataSource.transaction(async (em) => {
        const user = await this.users.create({ ...admin, isInstanceAdmin: true }, em);
        const workspace = await this.workspaces.create('Default', user.id, em);
        return { userId: user.id, workspaceId: workspace.id };
      });
      this.logger.log(`Created the instance admin ${userId} as owner of workspace ${workspaceId}`);
    } catch (error) {
      // Another replica starting at the same moment created it first.
      if (!isUniqueViolation(error) && !isConflict(error)) {
        throw error;
      }
    }
  }
}

function isConflict(error: unknown): boolean {
  return (error as { status?: number }).status === 409;
}
