'use strict';
// Tables of one run (text) and of one or more runs (markdown, medians, ratios, targets).
const { median } = require('./lib');

const MB = 1024 * 1024;
const THROUGHPUT_TARGET_SCENARIOS = new Set(['get', 'list', 'update', 'mix']);

const fmt = (value, digits = 0) =>
  value === undefined || value === null ? '-' : Number(value).toFixed(digits);
const ratio = (a, b) => (a !== undefined && b ? a / b : undefined);
const mb = (bytes) => (bytes === undefined ? '-' : `${(bytes / MB).toFixed(0)}`);

function renderTable(runs) {
  const header = [
    'scenario',
    'conn',
    'req/s',
    'ref req/s',
    'ratio',
    'CPU ms/req',
    'ref CPU',
    'p50',
    'ref p50',
    'p99',
    'ref p99',
    'p99 x',
    'non2xx',
    'ref non2xx',
    'RSS MB',
    'ref RSS',
  ];
  const rows = runs.map((run) => {
    const ours = run.ours;
    const ref = run.reference ?? run.baseline ?? {};
    return [
      run.baseline ? `${run.scenario} (ref: JWT)` : run.scenario,
      run.connections,
      fmt(ours.requestsPerSecond),
      fmt(ref.requestsPerSecond),
      fmt(ratio(ours.requestsPerSecond, ref.requestsPerSecond), 2),
      fmt(ours.cpuMsPerRequest, 2),
      fmt(ref.cpuMsPerRequest, 2),
      fmt(ours.p50Ms, 1),
      fmt(ref.p50Ms, 1),
      fmt(ours.p99Ms, 1),
      fmt(ref.p99Ms, 1),
      fmt(ratio(ours.p99Ms, ref.p99Ms), 2),
      ours.non2xx,
      ref.non2xx ?? '-',
      mb(ours.rssBytes),
      mb(ref.rssBytes),
    ].map(String);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** Markdown of the median over several reports of the same settings (ratios are per run, then median). */
function renderMarkdown(reports) {
  const first = reports[0];
  const keyOf = (run) => `${run.scenario}@${run.connections}`;
  const groups = new Map();
  for (const report of reports) {
    for (const run of report.runs) {
      if (!groups.has(keyOf(run))) {
        groups.set(keyOf(run), {
          scenario: run.scenario,
          title: run.title,
          connections: run.connections,
          runs: [],
        });
      }
      groups.get(keyOf(run)).runs.push(run);
    }
  }
  const m = (runs, pick) => median(runs.map(pick));
  const lines = [];
  lines.push(
    `Machine: ${first.machine.cpus} × ${first.machine.cpuModel}, ${(first.machine.totalMemBytes / 1024 ** 3).toFixed(0)} GB; ` +
      `Node ${first.node}; ${reports.map((r) => r.date.slice(0, 16).replace('T', ' ')).join(', ')} UTC; ` +
      `${reports.length === 1 ? 'one run' : `median of ${reports.length} runs`}; ${first.settings.duration} s per measurement ` +
      `in ${first.settings.slices ?? 1} slice(s) alternating with the reference, after ${first.settings.warmup} s of warm-up per scenario; ` +
      'autocannon on the same cores.',
    '',
    '| scenario | conn | ours req/s | ref req/s | ours/ref | CPU ms/req ours / ref | ours p50 ms | ref p50 ms | ours p99 ms | ref p99 ms | p99 ours/ref | non-2xx ours / ref | RSS MB ours / ref |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const group of groups.values()) {
    const { runs } = group;
    if (runs.some((r) => r.baseline)) {
      continue;
    }
    const hasRef = runs.every((r) => r.reference);
    const throughputRatio = hasRef
      ? m(runs, (r) => r.ours.requestsPerSecond / r.reference.requestsPerSecond)
      : undefined;
    const p99Ratio = hasRef ? m(runs, (r) => r.ours.p99Ms / r.reference.p99Ms) : undefined;
    let target = '';
    if (hasRef && THROUGHPUT_TARGET_SCENARIOS.has(group.scenario)) {
      const needed = group.connections <= 10 ? 0.6 : 0.5;
      target = throughputRatio >= needed ? ` ✓ (≥ ${needed})` : ` ✗ (≥ ${needed})`;
    }
    const p99Mark = hasRef ? (p99Ratio <= 2 ? ' ✓' : ' ✗') : '';
    lines.push(
      `| ${group.title} | ${group.connections} | ${fmt(m(runs, (r) => r.ours.requestsPerSecond))} | ` +
        `${hasRef ? fmt(m(runs, (r) => r.reference.requestsPerSecond)) : '-'} | **${fmt(throughputRatio, 2)}**${target} | ` +
        `${fmt(
          m(runs, (r) => r.ours.cpuMsPerRequest),
          2,
        )} / ${
          hasRef
            ? fmt(
                m(runs, (r) => r.reference.cpuMsPerRequest),
                2,
              )
            : '-'
        } | ` +
        `${fmt(
          m(runs, (r) => r.ours.p50Ms),
          1,
        )} | ${
          hasRef
            ? fmt(
                m(runs, (r) => r.reference.p50Ms),
                1,
              )
            : '-'
        } | ` +
        `${fmt(
          m(runs, (r) => r.ours.p99Ms),
          1,
        )} | ${
          hasRef
            ? fmt(
                m(runs, (r) => r.reference.p99Ms),
                1,
              )
            : '-'
        } | ` +
        `${fmt(p99Ratio, 2)}${p99Mark} | ${m(runs, (r) => r.ours.non2xx)} / ${hasRef ? m(runs, (r) => r.reference.non2xx) : '-'} | ` +
        `${mb(m(runs, (r) => r.ours.rssBytes))} / ${hasRef ? mb(m(runs, (r) => r.reference.rssBytes)) : '-'} |`,
    );
  }
  const baselineGroups = [...groups.values()].filter((g) => g.runs.every((r) => r.baseline));
  if (baselineGroups.length > 0) {
    lines.push(
      '',
      'The same reads with an API key instead of a JWT, on our server, alternating with the JWT run:',
      '',
      '| scenario | conn | API key req/s | JWT req/s | key/JWT | API key p99 ms | JWT p99 ms | non-2xx |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const { title, connections, runs } of baselineGroups) {
      const keyRatio = m(runs, (r) => r.ours.requestsPerSecond / r.baseline.requestsPerSecond);
      lines.push(
        `| ${title} | ${connections} | ${fmt(m(runs, (r) => r.ours.requestsPerSecond))} | ` +
          `${fmt(m(runs, (r) => r.baseline.requestsPerSecond))} | **${fmt(keyRatio, 2)}** ` +
          `${keyRatio >= 0.8 ? '✓' : '✗'} (≥ 0.8) | ${fmt(
            m(runs, (r) => r.ours.p99Ms),
            1,
          )} | ${fmt(
            m(runs, (r) => r.baseline.p99Ms),
            1,
          )} | ${m(runs, (r) => r.ours.non2xx + r.baseline.non2xx)} |`,
      );
    }
  }
  const each = (pick) => median(reports.map(pick));
  const pageAt = (report, scenario, connections) =>
    report.runs.find((r) => r.scenario === scenario && r.connections === connections)?.ours.p50Ms;
  lines.push(
    '',
    '| figure | ours | reference | ours/ref | target |',
    '| --- | ---: | ---: | ---: | --- |',
  );
  const figure = (name, pick, unit, target) => {
    const ours = each((r) => pick(r, 'ours'));
    const ref = each((r) => pick(r, 'reference'));
    lines.push(
      `| ${name} | ${fmt(ours, 0)} ${unit} | ${fmt(ref, 0)} ${unit} | ${fmt(ratio(ours, ref), 2)} | ${target(ours)} |`,
    );
  };
  figure(
    'cold start (spawn → first authenticated 200, a get by id)',
    (r, n) => r.coldStartMs[n],
    'ms',
    (v) => `≤ 1000 ms ${v <= 1000 ? '✓' : '✗'}`,
  );
  figure(
    'idle RSS after seeding',
    (r, n) => r.idleRssBytes[n] / MB,
    'MB',
    (v) => `≤ 120 MB ${v <= 120 ? '✓' : '✗'}`,
  );
  figure(
    'peak RSS under load',
    (r, n) => r.peakRssBytes[n] / MB,
    'MB',
    (v) => `≤ 200 MB ${v <= 200 ? '✓' : '✗'}`,
  );
  for (const connections of first.settings.connections) {
    const big = each((r) => pageAt(r, 'listPage', connections));
    const small = each((r) => pageAt(r, 'listPageSmall', connections));
    if (big !== undefined && small !== undefined) {
      const x = big / small;
      lines.push(
        `| list page p50 at 100 000 rows / at 100 rows, ${connections} conn (ours) | ${fmt(big, 1)} / ${fmt(small, 1)} ms | | ${fmt(x, 2)} | ≤ 1.5 ${x <= 1.5 ? '✓' : '✗'} |`,
      );
    }
  }
  lines.push(
    '',
    `Seeded: ${first.settings.seeded} credentials (100 for list/get, 100 for updates, ${first.settings.bigRows} in one workspace ` +
      'for the list page, 10 in each of 100 workspaces for the mix). The delete scenario counts both requests of each ' +
      'create+delete pair. non-2xx counts errors and timeouts too.',
    '',
  );
  return lines.join('\n');
}

module.exports = { renderTable, renderMarkdown };
