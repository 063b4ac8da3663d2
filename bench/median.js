'use strict';
// node bench/median.js bench/results/bench-a.json bench/results/bench-b.json ...
// Prints the markdown summary with the median of each figure over the given full runs.
const fs = require('node:fs');
const { renderMarkdown } = require('./report');

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('Usage: node bench/median.js <result.json>...\n');
  process.exit(2);
}
process.stdout.write(
  renderMarkdown(files.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')))),
);
