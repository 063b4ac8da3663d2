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
    floor('auth', ['core', 'common'], 'Guards and principals, below every feature that uses them.'),
    floor('users', ['core', 'common', 'auth'], 'Users own their table.'),
    floor('credential-types', ['core', 'common', 'auth'], 'The type catalogue.'),
    floor('workspace', ['core', 'common', 'auth', 'users'], 'Workspaces and members.'),
    floor(
      'session',
      ['core', 'common', 'auth', 'users', 'workspace'],
      'Sign-in on top of identity.',
    ),
    floor(
      'keys',
      ['core', 'common', 'config'],
      'Key custody reaches credentials only through the port in core.',
    ),
    floor(
      'credentials',
      ['core', 'common', 'auth', 'credential-types'],
      'Encryption comes through the core interface.',
    ),
    floor(
      'portability',
      ['core', 'common', 'keys', 'credentials'],
      'Sealed bundles on top of the credentials module.',
    ),
    floor('health', ['core', 'common'], 'Health checks.'),
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
