import { Module } from '@nestjs/common';
import { vaultRepositories } from '../core/vault-data-source';
import { AuthModule } from '../auth/auth.module';
import { PasswordService } from './password.service';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [AuthModule],
  controllers: [UsersController],
  providers: [...vaultRepositories(UserEntity), UsersService, PasswordService],
  exports: [UsersService],
})
export class UsersModule {}
