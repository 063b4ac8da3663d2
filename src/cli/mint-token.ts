import { JwtService } from '@nestjs/jwt';
import { parseArgs } from 'node:util';
import { isPermission, PERMISSIONS } from '../core/permissions';
import { loadConfig } from '../config/config';

const USAGE =
  'Usage: npm run token -- --workspace <id> [--user <id>] [--ttl 1h] [--permissions p1,p2]\n' +
  'Prints a bearer token signed with the configured JWT secret (JWT_SECRET or DATA_DIR/jwt.secret).\n' +
  'Without --permissions the token may do everything with credentials in its workspace; with it,\n' +
  `only what it lists (${PERMISSIONS.join(', ')}).`;

/** `a,b` or repeated flags, each a known permission. */
function parsePermissions(values: string[]): string[] {
  const permissions = [...new Set(values.flatMap((v) => v.split(',')).map((p) => p.trim()))];
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length > 0 || permissions.length === 0) {
    throw new Error(`--permissions takes a comma-separated list of ${PERMISSIONS.join(', ')}`);
  }
  return permissions;
}

/** A duration such as 90s, 15m, 1h or 7d, in seconds; bounded so tokens always expire. */
function parseTtl(ttl: string): number {
  const match = /^(\d+)([smhd])$/.exec(ttl);
  const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const;
  const seconds = match
    ? Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds]
    : NaN;
  if (!(seconds > 0 && seconds <= 366 * 86400)) {
    throw new Error(`--ttl must be a duration like 15m, 1h or 7d (at most 366d); got ${ttl}`);
  }
  return seconds;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      workspace: { type: 'string' },
      user: { type: 'string', default: 'cli-user' },
      ttl: { type: 'string', default: '1h' },
      permissions: { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.workspace) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const permissions = values.permissions ? parsePermissions(values.permissions) : undefined;
  const config = loadConfig();
  const token = new JwtService().sign(
    { sub: values.user, workspaceId: values.workspace, ...(permissions && { permissions }) },
    { secret: config.jwtSecret, algorithm: 'HS256', expiresIn: parseTtl(values.ttl) },
  );
  process.stdout.write(`${token}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
