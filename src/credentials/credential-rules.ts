import { BadRequestException } from '@nestjs/common';
import { PlainData, plainDataProblems } from '../core/plain-data';
import { CredentialEntity } from './credential.entity';
import { credentialChanged } from './credential-etag';
import { UpdateCredentialDto } from './dto/update-credential.dto';

/** The update checks of `CredentialsService`: each refuses with the API's status and message. */
export function assertVersion(row: CredentialEntity, ifMatch: number[] | undefined): void {
  if (ifMatch !== undefined && !ifMatch.includes(row.version)) {
    throw credentialChanged(row.id);
  }
}

export function assertSameType(row: CredentialEntity, dto: UpdateCredentialDto): void {
  if (dto.credentialName !== undefined && dto.credentialName !== row.credentialName) {
    throw new BadRequestException(
      `credentialName cannot change (stored: ${row.credentialName}); create a new credential instead`,
    );
  }
}

/** The merged or created secret must still satisfy the create rules (non-empty, size). */
export function assertStorable(plainData: PlainData): void {
  const problems = plainDataProblems(plainData, { allowNull: false });
  if (problems.length > 0) {
    throw new BadRequestException(problems);
  }
}
