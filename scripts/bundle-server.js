'use strict';
// node scripts/bundle-server.js [folder]: bundles the built standalone server (<folder>/main.js,
// default dist/, and everything it imports, node_modules included) into one CommonJS file,
// <folder>/main.bundle.js, which <folder>/start.js runs (`npm start`; `npm run build` bundles). Start-up on
// Node 20 was mostly the module loader (resolving, reading and compiling ~2,000 files, half of
// them ES modules that Node 20 cannot cache): one file removes the resolution and makes the code
// cacheable (see src/start.ts). Input is tsc's output, so decorator metadata is already emitted.
//
// Every bundled file keeps its own location: `__dirname`, `__filename` and `import.meta` are
// rewritten to the path the file has on disk, and `createRequire(import.meta.url)` requires are
// bundled like any other, so a package reached that way is the same instance as the static
// imports (class-validator's metadata storage, TypeORM's classes). Native addons and the
// packages loaded only for an option (PostgreSQL, Redis, PKCS#11, other TypeORM drivers) stay
// external: they load from node_modules when used, as before.
const { build } = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { blankRedundantNames } = require('./redundant-names');
const { lazyDateFormatters } = require('./lazy-date-formatters');

const root = path.join(__dirname, '..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const OUT = path.join(dist, 'main.bundle.js');

const EXTERNAL = [
  // Native addons, and the driver TypeORM loads for a DATABASE_URL.
  'sqlite3',
  'pg',
  'pg-native',
  'pg-query-stream',
  'pkcs11js',
  'ioredis',
  'mysql2',
  // Serves its files from its own folder.
  'swagger-ui-dist',
  // Optional peers of Nest, Fastify and TypeORM that this server never installs or loads.
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-express',
  '@fastify/view',
  '@fastify/multipart',
  'class-transformer/storage',
  '@google-cloud/spanner',
  'mongodb',
  '@sap/hana-client',
  '@sap/hana-client/extension/Stream',
  'mysql',
  'oracledb',
  'typeorm-aurora-data-api-driver',
  'redis',
  'better-sqlite3',
  'sql.js',
  'mssql',
  'react-native-sqlite-storage',
  'hdb-pool',
  '@nestjs/mongoose',
  '@nestjs/sequelize',
  '@mikro-orm/core',
  '@nestjs/axios',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'pino-pretty',
];

/** Gives each bundled file back its own location (see the header). */
const ownLocation = {
  name: 'own-location',
  setup(builder) {
    builder.onLoad({ filter: /\.c?js$/ }, async (args) => {
      let contents = await fs.promises.readFile(args.path, 'utf8');
      if (!/__dirname|__filename|import\.meta|createRequire/.test(contents)) {
        return undefined;
      }
      const file = JSON.stringify(path.relative(dist, args.path));
      const here = `require("node:path").join(__dirname, ${file})`;
      contents = contents
        // A `require` made for this file is the bundle's require, so its literal ids are bundled.
        .replace(
          /^const require = (?:\w+\.)?createRequire\(import\.meta\.url\);$/m,
          '/* require: the bundle */',
        )
        .replace(
          /createRequire\(import\.meta\.url\)/g,
          `require("node:module").createRequire(${here})`,
        )
        .replace(/\bimport\.meta\.url\b/g, `require("node:url").pathToFileURL(${here}).href`)
        .replace(/\bimport\.meta\.dirname\b/g, `require("node:path").dirname(${here})`)
        .replace(/\bimport\.meta\.filename\b/g, here)
        .replace(
          /\bimport\.meta\.resolve\(/g,
          `require("node:module").createRequire(${here}).resolve(`,
        )
        .replace(/\b__filename\b/g, here)
        .replace(/\b__dirname\b/g, `require("node:path").dirname(${here})`);
      return { contents, loader: 'js' };
    });
  },
};

async function bundle() {
  const result = await build({
    entryPoints: [path.join(dist, 'main.js')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    // Nest and TypeORM find classes and DI tokens by name; keep every name as written.
    keepNames: true,
    // Without whitespace and comments the source V8 keeps in memory is a third smaller (about
    // 6 MB less idle RSS, measured); names and syntax stay as written.
    minifyWhitespace: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    // The Swagger plugin's generated metadata repeats `enum` beside ours; the last one wins, as in dist/.
    logOverride: { 'duplicate-object-key': 'silent' },
    plugins: [lazyDateFormatters, ownLocation],
    metafile: true,
  });
  if (result.errors.length > 0) {
    process.exit(1);
  }
  if (process.env.BUNDLE_META)
    fs.writeFileSync(process.env.BUNDLE_META, JSON.stringify(result.metafile));
  // src/start.ts reads the bundle as latin1 (a one-byte string, faster to hash and compile).
  // esbuild writes code as ASCII but keeps comments as they are: escape what is left, which in
  // a comment changes nothing and anywhere else in JavaScript means the same character.
  const text = blankRedundantNames(cheaperKeepNames(fs.readFileSync(OUT, 'utf8')));
  fs.writeFileSync(
    OUT,
    text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  const inputs = Object.keys(result.metafile.inputs).length;
  console.error(`Bundled ${inputs} files into ${path.relative(root, OUT)}`);
}

/**
 * keepNames wraps named functions in `__name(fn, "fn")`, a defineProperty of `name`. Most names
 * are already right (identifiers are not minified; only symbols esbuild renamed on a clash
 * differ), so the helper skips the write when it would change nothing: same result, a function's
 * `name` is non-writable and configurable either way. The closures esbuild made anonymous by
 * wrapping them (`{ getRequest: __name(() => ..., "getRequest") }`, rxjs's
 * `var outerNext = __name(function ...)`) paid it on every request: about 8 % of a get's CPU in
 * the bundle, profiled; blankRedundantNames removes those wrappers. (Skipping the write for
 * every closure made after start-up broke the OpenAPI document, which tells a lazy type
 * `type: () => Dto` from a class by its name `type`: names must stay exactly as they are.)
 */
function cheaperKeepNames(text) {
  const helper = '__name=(target,value)=>__defProp(target,"name",{value,configurable:true});';
  if (text.split(helper).length !== 2) {
    throw new Error("esbuild's __name helper changed: update cheaperKeepNames in bundle-server.js");
  }
  return text.replace(
    helper,
    '__name=(target,value)=>target.name===value?target:__defProp(target,"name",{value,configurable:true});',
  );
}

bundle().catch((error) => {
  console.error(error);
  process.exit(1);
});
