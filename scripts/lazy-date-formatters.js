'use strict';
// An esbuild plugin for scripts/bundle-server.js. Nest's Logger and ConsoleLogger each build an
// `Intl.DateTimeFormat` when their module loads, for the timestamp of Nest's console lines. This
// server logs through pino and never prints one, yet constructing a formatter pages in ICU's date
// data: 4.6 MB of every server's idle RSS (measured with /proc/<pid>/pagemap). In the bundle
// each becomes an object that builds the same formatter on its first `format`.
const fs = require('node:fs');

const FILES = /[\\/]@nestjs[\\/]common[\\/]services[\\/](?:console-)?logger\.service\.js$/;
const EAGER = /const dateTimeFormatter = new Intl\.DateTimeFormat\((undefined, \{[^}]*\})\);/;

const lazyDateFormatters = {
  name: 'lazy-date-formatters',
  setup(builder) {
    builder.onLoad({ filter: FILES }, async (args) => {
      const contents = await fs.promises.readFile(args.path, 'utf8');
      const uses = contents.match(/dateTimeFormatter\.\w+/g) ?? [];
      if (!EAGER.test(contents) || uses.some((use) => use !== 'dateTimeFormatter.format')) {
        throw new Error(
          `${args.path} no longer builds its date formatter as scripts/lazy-date-formatters.js expects: update it`,
        );
      }
      const lazy =
        'const dateTimeFormatter = { formatter: undefined, format(time) { ' +
        'return (this.formatter ??= new Intl.DateTimeFormat($1)).format(time); } };';
      return { contents: contents.replace(EAGER, lazy), loader: 'js' };
    });
  },
};

module.exports = { lazyDateFormatters };
