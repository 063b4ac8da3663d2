import { Command } from 'nest-commander';
import { MasterKeyRotation } from '../keys/master-key-rotation';
import { VaultCommand } from './vault-command';

@Command({
  name: 'keys:retire',
  arguments: '<kid>',
  description: 'Retire a master key that nothing uses any more (deletes its key file)',
})
export class KeysRetireCommand extends VaultCommand {
  constructor(private readonly rotation: MasterKeyRotation) {
    super();
  }

  async run([kid]: string[]): Promise<void> {
    const result = await this.rotation.retire(kid);
    if (result.retired) {
      console.log(result.message);
    } else {
      this.refuse(result.message);
    }
  }
}
