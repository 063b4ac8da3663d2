import { Global, Module } from '@nestjs/common';
import {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
} from './vault-options.module-definition';

/** Holds only the options, globally, so each feature module can read them without a cycle. */
@Global()
@Module({ providers: [], exports: [MODULE_OPTIONS_TOKEN] })
export class CredentialsCoreModule extends ConfigurableModuleClass {}
