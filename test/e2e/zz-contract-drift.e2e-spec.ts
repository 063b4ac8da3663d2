import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'expect';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { CONTRACT_RECORD_DIR, RecordedExchange } from './contract-recorder';
import { createTestApp, removeDir, TestApp } from './test-app';

// Named zz- so that scripts/run-tests.js, which sorts, runs it after every e2e spec.

interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: { pattern?: string } }>;
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: object;
}

function readRecordings(): RecordedExchange[] {
  if (CONTRACT_RECORD_DIR === undefined || !existsSync(CONTRACT_RECORD_DIR)) {
    return [];
  }
  return readdirSync(CONTRACT_RECORD_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(join(CONTRACT_RECORD_DIR!, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedExchange);
}

const recorded = readRecordings();
const SKIP =
  recorded.length === 0
    ? 'No recorded API answers (run the e2e specs with npm test, unfiltered or with them in the filter); contract drift check skipped'
    : false;
if (SKIP) {
  console.log(SKIP);
}

describe('Every answer the e2e suite saw is in the OpenAPI document', { skip: SKIP }, () => {
  let t: TestApp;
  let document: Document;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();

  before(async () => {
    t = await createTestApp();
    document = (await request(t.http()).get('/api/docs-json').expect(200)).body as Document;
  });
  after(async () => {
    await t.close();
    removeDir(t.dataDir);
  });

  function validatorFor(key: string, schema: object): ValidateFunction {
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = ajv.compile({ allOf: [schema], components: document.components });
      validators.set(key, validate);
    }
    return validate;
  }

  /** Operations that were asked with a path parameter the document does not allow. */
  const outsideContract = new Set<string>();

  /** Whether each path parameter fits its documented pattern (the contract covers only those). */
  function withinDocumentedParameters(operation: Operation, params: Record<string, string>) {
    return (operation.parameters ?? []).every(
      (parameter) =>
        parameter.in !== 'path' ||
        parameter.schema?.pattern === undefined ||
        new RegExp(parameter.schema.pattern).test(params[parameter.name] ?? ''),
    );
  }

  /** The problem with one answer, or undefined when the document describes it. */
  function problemOf(exchange: RecordedExchange): string | undefined {
    const path = exchange.route.replace(/:(\w+)/g, '{$1}');
    const method = exchange.method === 'HEAD' ? 'get' : exchange.method.toLowerCase();
    const operation = document.paths[path]?.[method];
    if (operation === undefined) {
      return 'operation not in the document';
    }
    if (!withinDocumentedParameters(operation, exchange.params ?? {})) {
      outsideContract.add(`${exchange.method} ${exchange.route}`);
      return undefined;
    }
    const response = operation.responses[String(exchange.status)] ?? operation.responses.default;
    if (response === undefined) {
      return 'status not documented';
    }
    const schema = response.content?.['application/json']?.schema;
    if (exchange.method === 'HEAD' || exchange.body === null) {
      return undefined;
    }
    if (schema === undefined) {
      return 'a JSON body where the document has none';
    }
    const validate = validatorFor(`${method} ${path} ${exchange.status}`, schema);
    return validate(exchange.body)
      ? undefined
      : `body does not match: ${ajv.errorsText(validate.errors)}`;
  }

  it(`checks ${recorded.length} recorded answers: status documented, body valid against its schema`, () => {
    const problems = new Set<string>();
    const apiRoutes = recorded.filter((exchange) => exchange.route.startsWith('/api/v1/'));
    for (const exchange of apiRoutes) {
      const problem = problemOf(exchange);
      if (problem !== undefined) {
        problems.add(`${exchange.method} ${exchange.route} ${exchange.status}: ${problem}`);
      }
    }
    if (outsideContract.size > 0) {
      console.log(
        `Not checked, asked outside the documented parameters: ${[...outsideContract].join(', ')}`,
      );
    }
    expect(apiRoutes.length).toBeGreaterThan(0);
    expect([...problems].sort()).toEqual([]);
  });
});
