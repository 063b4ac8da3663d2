import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { InitialAdminService } from './initial-admin.service';
import { WorkspaceAdminService } from './workspace-admin.service';
import { WorkspaceMemberEntity } from './workspace-member.entity';
import { WorkspaceTombstoneEntity } from './workspace-tombstone.entity';
import { WorkspaceTombstones } from './workspace-tombstones';
import { WorkspaceEntity } from './workspace.entity';
import { WorkspaceService } from './workspace.service';
import { WorkspacesController } from './workspaces.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([WorkspaceEntity, WorkspaceMemberEntity, WorkspaceTombstoneEntity]),
    UsersModule,
    AuthModule,
  ],
  controllers: [WorkspacesController],
  providers: [WorkspaceService, WorkspaceAdminService, InitialAdminService, WorkspaceTombstones],
  exports: [WorkspaceService],
})
export class WorkspaceModule {}
