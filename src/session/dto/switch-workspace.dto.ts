import { IsUUID } from 'class-validator';

export class SwitchWorkspaceDto {
  /** @example 7b0f5c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d */
  @IsUUID('all')
  workspaceId!: string;
}
