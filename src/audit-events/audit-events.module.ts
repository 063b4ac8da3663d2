import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { AuditEventsController } from './audit-events.controller';

/** `GET /audit-events`: the trail as people with `audit:view` read it. */
@Module({
  imports: [AuditModule, AuthModule],
  controllers: [AuditEventsController],
})
export class AuditEventsModule {}
