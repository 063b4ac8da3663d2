import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { Command, Option } from 'nest-commander';
import { VaultCommand } from './vault-command';
import { DataSource } from 'typeorm';
import { isRole, Role, ROLES } from '../core/permissions';
import { CreateUserDto } from '../users/dto/create-user.dto';
import { UsersService } from '../users/users.service';
import { WorkspaceService } from '../workspace/workspace.service';
import { readSecretLine } from './read-secret';
import { InjectVaultDataSource } from '../core/vault-data-source';

interface UserCreateOptions {
  email?: string;
  admin?: boolean;
  workspace?: string;
  role?: string;
}

/** `npm run cli -- user:create --email X [--admin] [--workspace NAME] [--role ROLE] < password` */
@Command({
  name: 'user:create',
  description:
    'Create a user; the password is read from stdin. With --workspace, the user joins the ' +
    'workspace of that name (created, with the user as owner, when none exists).',
})
export class UserCreateCommand extends VaultCommand {
  constructor(
    @InjectVaultDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly workspaces: WorkspaceService,
  ) {
    super();
  }

  async run(_params: string[], options: UserCreateOptions): Promise<void> {
    if (!options.email) {
      throw new Error('--email is required');
    }
    const password = await readSecretLine('Password: ');
    const dto = plainToInstance(CreateUserDto, {
      email: options.email,
      password,
      isInstanceAdmin: options.admin ?? false,
    });
    const problems = (await validate(dto)).flatMap((e) => Object.values(e.constraints ?? {}));
    if (problems.length > 0) {
      throw new Error(`Cannot create the user:\n  - ${problems.join('\n  - ')}`);
    }
    const existing = options.workspace ? await this.workspaces.findByName(options.workspace) : [];
    if (existing.length > 1) {
      throw new Error(`Several workspaces are named "${options.workspace}"; none was chosen`);
    }
    const result = await this.dataSource.transaction(async (em) => {
      const user = await this.users.create(dto, em);
      if (!options.workspace) {
        return { user };
      }
      if (existing.length === 1) {
        const role: Role = (options.role as Role | undefined) ?? 'editor';
        await this.workspaces.addMember(existing[0].id, user, role, em);
        return { user, workspace: existing[0], role };
      }
      const workspace = await this.workspaces.create(options.workspace, user.id, em);
      return { user, workspace, role: 'owner' as Role };
    });
    const lines = [
      `Created user ${result.user.id} (${result.user.email})${dto.isInstanceAdmin ? ' as instance admin' : ''}`,
    ];
    if (result.workspace) {
      lines.push(
        `Member of workspace ${result.workspace.id} (${result.workspace.name}) as ${result.role}`,
      );
    } else {
      lines.push(
        'Not a member of any workspace yet: add them with POST /api/v1/workspaces/:id/members',
      );
    }
    if (result.workspace && existing.length === 1) {
      // Committed: the running replicas hear of the member (their caches may hold a removal).
      await this.workspaces.announceMember(result.workspace.id, result.user.id, result.role);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  @Option({ flags: '--email <email>', description: 'The sign-in email', required: true })
  parseEmail(value: string): string {
    return value;
  }

  @Option({ flags: '--admin', description: 'Make the user an instance admin' })
  parseAdmin(): boolean {
    return true;
  }

  @Option({ flags: '--workspace <name>', description: 'Join or create the workspace of this name' })
  parseWorkspace(value: string): string {
    return value;
  }

  @Option({
    flags: '--role <role>',
    description: `The role in an existing workspace (${ROLES.join(', ')}); default editor`,
  })
  parseRole(value: string): string {
    if (!isRole(value)) {
      throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    }
    return value;
  }
}
