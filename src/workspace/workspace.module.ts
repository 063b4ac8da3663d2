import { Module } from '@nestjs/common';
import { vaultRepositories } from '../core/vault-data-source';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { InitialAdminService } from './initial-admin.service';
import { WorkspaceAdminService } from './workspace-admin.service';
import { WorkspaceInvalidations } from './workspace-invalidations';
import { WorkspaceMemberEntity } from './workspace-member.entity';
import { WorkspaceTombstoneEntity } from './workspace-tombstone.entity';
import { WorkspaceTombstones } from './workspace-tombstones';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceService } from './workspace.service';
import { WorkspacesController } from './workspaces.controller';

@Module({
  imports: [AuditModule, UsersModule, AuthModule],
  controllers: [WorkspacesController],
  providers: [
    ...vaultRepositories(WorkspaceEntity, WorkspaceMemberEntity, WorkspaceTombstoneEntity),
    WorkspaceService,
    WorkspaceAdminService,
    InitialAdminService,
    WorkspaceTombstones,
    WorkspaceInvalidations,
  ],
  exports: [WorkspaceService],
})
export class WorkspaceModule {}
