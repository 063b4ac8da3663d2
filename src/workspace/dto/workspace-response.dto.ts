import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '../../core/permissions';
import { Membership } from '../workspace.service';

export class WorkspaceResponseDto {
  /** @example 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d */
  id!: string;

  /** @example Research */
  name!: string;

  /** Your role in this workspace. */
  @ApiProperty({ enum: ROLES, example: 'owner' })
  role!: Role;

  /** @example 2024-03-15T10:30:00.000Z */
  createdAt!: string;
}

export function toWorkspaceResponse({ workspace, role }: Membership): WorkspaceResponseDto {
  return {
    id: workspace.id,
    name: workspace.name,
    role,
    createdAt: workspace.createdAt.toISOString(),
  };
}
