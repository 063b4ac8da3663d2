import { IsIn, IsOptional } from 'class-validator';

export class DeleteCredentialQueryDto {
  /**
   * `true` deletes the credential even when something uses it (its usages go with it).
   * @example "true"
   */
  @IsOptional()
  @IsIn(['true', 'false'])
  force?: 'true' | 'false';
}
