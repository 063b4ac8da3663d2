import { ConfigurableModuleBuilder } from '@nestjs/common';
import { CredentialsServiceOptions } from './vault-options';

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: VAULT_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CredentialsServiceOptions>({ moduleName: 'CredentialsService' })
  .setClassMethodName('forRoot')
  .build();
