import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { OpenDatabase } from '../database/open-database';
import { MasterKeyRotation } from '../keys/master-key-rotation';
import { OPEN_DATABASE } from './open-database.token';

@Command({
  name: 'keys:retire',
  arguments: '<kid>',
  description: 'Retire a master key that nothing uses any more (deletes its key file)',
})
export class KeysRetireCommand extends CommandRunner {
  constructor(@Inject(OPEN_DATABASE) private readonly database: OpenDatabase) {
    super();
  }

  async run([kid]: string[]): Promise<void> {
    const result = await new MasterKeyRotation(this.database.keys).retire(kid);
    if (result.retired) {
      console.log(result.message);
    } else {
      console.error(result.message);
      process.exitCode = 1;
    }
  }
}
