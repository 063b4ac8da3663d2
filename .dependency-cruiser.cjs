// The house rules of src/, checked by `npm run lint` (README, "Development": the map of the house).
// Each folder may import only the floors below it; specs (which exercise several floors at once)
// are left out.
const floor = (name, allowed, comment) => ({
  name: `${name}-imports-only-${allowed.length ? allowed.join('-') : 'itself'}`,
  comment,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^src/', pathNot: [`^src/${name}/`, ...allowed.map((f) => `^src/${f}/`)] },
});

module.exports = {
  forbidden: [
    floor(
      'core',
      [],
      'The ground floor: vocabulary, the options and the ports; it imports no feature.',
    ),
    floor('common', ['core'], 'Shared HTTP and database helpers, below every feature.'),
    floor(
      'config',
      ['core'],
      'The environment, read once; it configures features without knowing them.',
    ),
    floor(
      'auth',
      ['core', 'common', 'audit'],
      'Guards and principals, below every feature that uses them.',
    ),
    floor('users', ['core', 'common', 'auth', 'audit'], 'Users own their table.'),
    floor('credential-types', ['core', 'common', 'auth'], 'The type catalogue.'),
    floor('workspace', ['core', 'common', 'auth', 'users', 'audit'], 'Workspaces and members.'),
    floor(
      'session',
      ['core', 'common', 'auth', 'users', 'workspace', 'audit'],
      'Sign-in on top of identity.',
    ),
    floor(
      'keys',
      ['core', 'common', 'config', 'audit'],
      'Key custody reaches credentials only through the port in core.',
    ),
    floor(
      'idempotency',
      ['core', 'common'],
      'Idempotency-Key replays, below the routes that use them.',
    ),
    floor(
      'audit',
      ['core', 'common'],
      'The audit trail owns its tables; any feature may import it for the AuditRecorder port.',
    ),
    floor(
      'audit-events',
      ['core', 'common', 'auth', 'audit'],
      'Reading the audit trail over HTTP, behind audit:view.',
    ),
    floor(
      'credentials',
      ['core', 'common', 'auth', 'credential-types', 'idempotency', 'audit'],
      'Encryption comes through the core interface.',
    ),
    floor(
      'portability',
      ['core', 'common', 'keys', 'credentials'],
      'Sealed bundles on top of the credentials module.',
    ),
    floor(
      'flowise-import',
      ['core', 'common', 'credentials', 'credential-types'],
      "Moving in from Flowise, through the credentials module's rules.",
    ),
    floor('health', ['core', 'common'], 'Health checks.'),
    floor(
      'replication',
      ['core'],
      "Carries core's invalidation bus between replicas; features publish through the port.",
    ),
    floor(
      'logging',
      ['core', 'config'],
      "The standalone server's logs: pino through nestjs-pino, never the package's.",
    ),
    floor(
      'metrics',
      ['core'],
      "The standalone server's Prometheus metrics: prom-client behind core's telemetry port.",
    ),
    floor(
      'http',
      ['core', 'common'],
      "The standalone server's HTTP edge: body parsing, router errors.",
    ),
    {
      name: 'nothing-imports-the-top',
      comment:
        'The CLI and the root files (server, app module, package index) compose; nothing imports them.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/cli/' },
      to: { path: ['^src/cli/', '^src/[^/]+\\.ts$'] },
    },
    {
      name: 'entities-stay-home',
      comment:
        'A table has one owner: its entity is used only in its folder (types and the schema list aside).',
      severity: 'error',
      from: { path: '^src/([^/]+)/', pathNot: '^src/database/' },
      to: { path: '\\.entity\\.ts$', pathNot: '^src/$1/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'package-stays-host-neutral',
      comment:
        'The published library (src/index.ts and everything it imports) works on any host, Express ' +
        "included: none of the standalone server's or the CLI's packages may be reachable from it.",
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: {
        path: '^node_modules/(fastify|@fastify/|@nestjs/platform-|@nestjs/terminus|@nestjs/throttler|nest-commander|cli-progress|mysql2|nestjs-pino|pino)',
        reachable: true,
      },
    },
    {
      name: 'pkcs11js-only-on-demand',
      comment:
        'The native HSM binding is loaded in one place, inside the function that opens an HSM, so a ' +
        'host without KEY_PROVIDER=pkcs11 never needs it (it is an optional peer of the package).',
      severity: 'error',
      from: { pathNot: '^src/keys/pkcs11-master-key\\.provider\\.ts$' },
      to: { path: '^node_modules/pkcs11js/' },
    },
    {
      name: 'no-circular',
      comment: 'No file reaches itself through its imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
