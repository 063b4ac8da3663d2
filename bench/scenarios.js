'use strict';
// What each scenario sends. `data` holds the seeded ids and a token per workspace.
const crypto = require('node:crypto');

const BASE = '/api/v1/credentials';
const JSON_HEADERS = { 'content-type': 'application/json' };
const MIX_WORKSPACES = 100;
const MIX_ROWS = 10;

/** Workspaces to seed: { workspaceId: count }. */
function seedPlan(bigRows) {
  const plan = { 'ws-list': 100, 'ws-update': 100, 'ws-big': bigRows };
  for (let i = 0; i < MIX_WORKSPACES; i++) {
    plan[mixWorkspace(i)] = MIX_ROWS;
  }
  return plan;
}

const mixWorkspace = (i) => `ws-mix-${String(i).padStart(3, '0')}`;
const pick = (items) => items[Math.floor(Math.random() * items.length)];
const auth = (data, workspaceId) => ({ authorization: `Bearer ${data.tokens[workspaceId]}` });
const apiKeyAuth = (data, workspaceId) => ({
  authorization: `Bearer ${data.apiKeys[workspaceId]}`,
});
/** The workspaces whose reads also run with an API key. */
const API_KEY_WORKSPACES = ['ws-list'];
const newSecret = () => ({ openAIApiKey: `sk-${crypto.randomBytes(24).toString('hex')}` });
const createBody = (extra = {}) =>
  JSON.stringify({
    name: 'Bench key',
    credentialName: 'openAIApi',
    plainDataObj: newSecret(),
    ...extra,
  });
/** What Flowise's edit dialog sends: the name and type echoed back with the new secret. */
const mergeBody = () =>
  JSON.stringify({ name: 'Bench key', credentialName: 'openAIApi', plainDataObj: newSecret() });

/**
 * Each scenario returns autocannon options (without url, connections, duration). A scenario with
 * a `baseline` runs on our server only, alternating with that scenario (the same requests with a
 * JWT), and is reported against it instead of against the reference.
 */
const SCENARIOS = {
  list: {
    title: 'list (100 rows)',
    options: (data) => ({
      headers: auth(data, 'ws-list'),
      requests: [{ method: 'GET', path: BASE }],
    }),
  },
  listPageSmall: {
    title: 'list page ?limit=50 (100 rows)',
    options: (data) => ({
      headers: auth(data, 'ws-list'),
      requests: [{ method: 'GET', path: `${BASE}?limit=50&page=1` }],
    }),
  },
  listPage: {
    title: 'list page ?limit=50 (100 000 rows)',
    options: (data) => ({
      headers: auth(data, 'ws-big'),
      requests: [{ method: 'GET', path: `${BASE}?limit=50&page=1` }],
    }),
  },
  get: {
    title: 'get by id',
    options: (data) => {
      const ids = data.ids['ws-list'];
      return {
        headers: auth(data, 'ws-list'),
        requests: [
          { method: 'GET', setupRequest: (req) => ({ ...req, path: `${BASE}/${pick(ids)}` }) },
        ],
      };
    },
  },
  listApiKey: {
    title: 'list (100 rows), API key',
    baseline: 'list',
    options: (data) => ({ ...SCENARIOS.list.options(data), headers: apiKeyAuth(data, 'ws-list') }),
  },
  getApiKey: {
    title: 'get by id, API key',
    baseline: 'get',
    options: (data) => ({ ...SCENARIOS.get.options(data), headers: apiKeyAuth(data, 'ws-list') }),
  },
  create: {
    title: 'create',
    options: (data) => ({
      headers: { ...auth(data, 'ws-create'), ...JSON_HEADERS },
      requests: [
        { method: 'POST', path: BASE, setupRequest: (req) => ({ ...req, body: createBody() }) },
      ],
    }),
  },
  update: {
    title: 'merge update',
    options: (data) => {
      const ids = data.ids['ws-update'];
      return {
        headers: { ...auth(data, 'ws-update'), ...JSON_HEADERS },
        requests: [
          {
            method: 'PUT',
            setupRequest: (req) => ({ ...req, path: `${BASE}/${pick(ids)}`, body: mergeBody() }),
          },
        ],
      };
    },
  },
  delete: {
    title: 'create + delete pairs',
    options: (data) => ({
      headers: auth(data, 'ws-delete'),
      requests: [
        {
          method: 'POST',
          path: BASE,
          setupRequest: (req, context) => {
            context.id = crypto.randomUUID();
            return {
              ...req,
              headers: { ...req.headers, ...JSON_HEADERS },
              body: createBody({ id: context.id }),
            };
          },
        },
        {
          method: 'DELETE',
          setupRequest: (req, context) => ({
            ...req,
            path: `${BASE}/${context.id}`,
            body: undefined,
          }),
        },
      ],
    }),
  },
  mix: {
    title: 'mix 80% read / 20% write, 100 workspaces',
    options: (data) => ({
      requests: [
        {
          setupRequest: (req) => {
            const workspaceId = mixWorkspace(Math.floor(Math.random() * MIX_WORKSPACES));
            const headers = auth(data, workspaceId);
            const roll = Math.random();
            if (roll < 0.4) {
              return {
                ...req,
                method: 'GET',
                headers,
                path: `${BASE}/${pick(data.ids[workspaceId])}`,
                body: undefined,
              };
            }
            if (roll < 0.8) {
              return { ...req, method: 'GET', headers, path: BASE, body: undefined };
            }
            if (roll < 0.95) {
              const path = `${BASE}/${pick(data.ids[workspaceId])}`;
              return {
                ...req,
                method: 'PUT',
                headers: { ...headers, ...JSON_HEADERS },
                path,
                body: mergeBody(),
              };
            }
            return {
              ...req,
              method: 'POST',
              headers: { ...headers, ...JSON_HEADERS },
              path: BASE,
              body: createBody(),
            };
          },
        },
      ],
    }),
  },
};

function tokensFor(secret, mintToken) {
  const tokens = {};
  for (const workspaceId of [...Object.keys(seedPlan(0)), 'ws-create', 'ws-delete']) {
    tokens[workspaceId] = mintToken(secret, workspaceId);
  }
  return tokens;
}

module.exports = { SCENARIOS, API_KEY_WORKSPACES, seedPlan, tokensFor };
