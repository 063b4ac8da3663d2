import { Module } from '@nestjs/common';
import { CredentialTypesModule } from '../credential-types/credential-types.module';
import { CredentialsModule } from '../credentials/credentials.module';
import { FlowiseImportService } from './flowise-import.service';

/** Moving in from Flowise: its credentials stored through the same service as an API create. */
@Module({
  imports: [CredentialsModule, CredentialTypesModule],
  providers: [FlowiseImportService],
  exports: [FlowiseImportService],
})
export class FlowiseImportModule {}
