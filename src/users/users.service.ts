import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InjectVaultRepository } from '../core/vault-data-source';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, Repository } from 'typeorm';
import type { Principal } from '../core/principal';
import { isUniqueViolation } from '../common/database-errors';
import { PasswordService } from './password.service';
import { UserEntity } from './user.entity';

export interface NewUser {
  email: string;
  password: string;
  isInstanceAdmin?: boolean;
}

export interface SignInAttempt {
  /** The user of the email, null when it is not one of ours. */
  readonly user: UserEntity | null;
  readonly passwordMatches: boolean;
}

/** Emails compare case-insensitively: they are stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  constructor(
    @InjectVaultRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly passwords: PasswordService,
  ) {}

  /** Creates a user; pass a transaction's manager to create it together with other rows. */
  async create(user: NewUser, manager: EntityManager = this.users.manager): Promise<UserEntity> {
    const email = normalizeEmail(user.email);
    // Checked first so the usual conflict never reaches the database's error log.
    if (await manager.existsBy(UserEntity, { email })) {
      throw new ConflictException('A user with this email already exists');
    }
    const now = new Date();
    const row: UserEntity = {
      id: randomUUID(),
      email,
      passwordHash: await this.passwords.hash(user.password),
      isInstanceAdmin: user.isInstanceAdmin ?? false,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await manager.insert(UserEntity, row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException('A user with this email already exists');
      }
      throw error;
    }
    return row;
  }

  list(): Promise<UserEntity[]> {
    return this.users.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  findByIds(ids: readonly string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findBy({ id: In([...ids]) });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: normalizeEmail(email) });
  }

  async getById(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) {
      throw new NotFoundException(`User ${id} not found`);
    }
    return user;
  }

  /**
   * The user whose email and password match, or null. An unknown email costs one scrypt
   * derivation too, so both failures take the same time.
   */
  async authenticate(email: string, password: string): Promise<UserEntity | null> {
    const attempt = await this.attemptSignIn(email, password);
    return attempt.passwordMatches ? attempt.user : null;
  }

  /**
   * Like `authenticate`, but also names the user whose password did not match (for the audit
   * trail: a wrong password is recorded against its user, an unknown email against no one).
   */
  async attemptSignIn(email: string, password: string): Promise<SignInAttempt> {
    const user = await this.findByEmail(email);
    if (!user) {
      return this.passwords.verifyNothing(password).then(() => ({ user, passwordMatches: false }));
    }
    return { user, passwordMatches: await this.passwords.verify(user.passwordHash, password) };
  }

  /** Hashes the password now, and returns the write to run in the caller's transaction. */
  async passwordChange(
    userId: string,
    password: string,
  ): Promise<(manager: EntityManager) => Promise<void>> {
    const passwordHash = await this.passwords.hash(password);
    return async (manager) => {
      await manager.update(UserEntity, { id: userId }, { passwordHash, updatedAt: new Date() });
    };
  }

  /**
   * The user behind one of our access tokens. API keys, external tokens and `npm run token`
   * tokens name no user of ours: 403.
   */
  async signedIn(principal: Principal): Promise<UserEntity> {
    const user = principal.via === 'token' ? await this.findById(principal.userId) : null;
    if (!user) {
      throw new ForbiddenException(
        "This endpoint needs a signed-in user's access token (POST /auth/login)",
      );
    }
    return user;
  }

  /** The signed-in user when they administer the instance; 403 otherwise. */
  async instanceAdmin(principal: Principal): Promise<UserEntity> {
    const user = await this.signedIn(principal);
    if (!user.isInstanceAdmin) {
      throw new ForbiddenException('Only an instance admin can manage users');
    }
    return user;
  }

  verifyPassword(user: UserEntity, password: string): Promise<boolean> {
    return this.passwords.verify(user.passwordHash, password);
  }
}
