import { Controller, Get, Param, Put, Req } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CredentialsClient, CredentialUsageResponseDto } from 'credential-vault';
import { HostRequest, Public } from './host-auth.guard';

/** The host's own routes: one public and untouched, two that use the vault in process. */
@Controller('host')
export class HostController {
  constructor(private readonly vault: CredentialsClient) {}

  @Public()
  @Get()
  hello(): { host: string } {
    return { host: 'untouched' };
  }

  /**
   * A flow run's check: reveals in process and answers a digest of the secret, never the secret
   * (the test compares it with the digest of what it stored).
   */
  @Get('flows/check/:credentialId')
  async check(
    @Req() request: HostRequest,
    @Param('credentialId') credentialId: string,
  ): Promise<{ fields: string[]; sha256: string }> {
    const secret = await this.vault.reveal(tenant(request), credentialId);
    return {
      fields: Object.keys(secret).sort(),
      sha256: createHash('sha256').update(JSON.stringify(secret)).digest('hex'),
    };
  }

  /** Saving a flow that uses a credential records the use, so the vault refuses to delete it. */
  @Put('flows/:flowId/credential/:credentialId')
  attach(
    @Req() request: HostRequest,
    @Param('flowId') flowId: string,
    @Param('credentialId') credentialId: string,
  ): Promise<CredentialUsageResponseDto> {
    return this.vault.recordUsage(tenant(request), credentialId, {
      kind: 'chatflow',
      id: flowId,
      label: `Host flow ${flowId}`,
    });
  }
}

function tenant(request: HostRequest): string {
  // The global guard set it before any handler runs.
  return request.user!.tenant;
}
