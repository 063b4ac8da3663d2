import { UserEntity } from '../user.entity';

export class UserResponseDto {
  /** @example 0b8a3d7e-5f2c-4a61-9e3b-7c1d2e4f6a80 */
  id!: string;

  /** @example ada@example.com */
  email!: string;

  /** @example false */
  isInstanceAdmin!: boolean;

  /** @example 2024-03-15T10:30:00.000Z */
  createdAt!: string;
}

export function toUserResponse(user: UserEntity): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    isInstanceAdmin: user.isInstanceAdmin,
    createdAt: user.createdAt.toISOString(),
  };
}
