import { expect } from 'expect';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors';
import { PlainData } from '../core/plain-data';
import { credentialBodyExamples } from '../credentials/dto/api-create-credential-body.decorator';
import { REFERENCE_PAGE_NAMES } from '../../test/credential-types/valid-plain-data';
import { BUILT_IN_TYPES } from './catalogue/built-in-catalogue';
import { CredentialTypesRegistry } from './credential-types.registry';

/** The reference page's three example bodies, exactly as written. */
const REFERENCE_PAGE_EXAMPLES: [string, PlainData][] = [
  ['openAIApi', { openAIApiKey: 'sk-...' }],
  ['pineconeApi', { pineconeApiKey: '...', pineconeEnv: 'us-west1-gcp' }],
  ['huggingFaceApi', { huggingFaceApiKey: 'hf_...' }],
];

function problemsOf(action: () => void): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof BadRequestException) {
      return (error.getResponse() as { message: string[] }).message;
    }
    throw error;
  }
  return [];
}

describe('CredentialTypesRegistry', () => {
  const strict = new CredentialTypesRegistry();
  const permissive = new CredentialTypesRegistry({ mode: 'permissive' });

  it('is strict by default', () => {
    expect(strict.mode).toBe('strict');
  });

  for (const name of REFERENCE_PAGE_NAMES) {
    it(`knows ${name} from the reference page`, () => {
      expect(strict.find(name)).toBeDefined();
    });
  }

  for (const [name, data] of REFERENCE_PAGE_EXAMPLES) {
    it(`accepts the reference page example for ${name}`, () => {
      expect(() => strict.assertValid(name, data)).not.toThrow();
    });
  }

  for (const [alias, name] of [
    ['googleGenAIApi', 'googleGenerativeAI'],
    ['milvusApi', 'milvusAuth'],
    ['confluenceApi', 'confluenceCloudApi'],
  ]) {
    it(`resolves the alias ${alias} to ${name} and checks data against it`, () => {
      expect(strict.find(alias)?.name).toBe(name);
      expect(strict.aliasesOf(name)).toEqual([alias]);
      expect(problemsOf(() => strict.assertValid(alias, { wrong: 'x' }))).toContainEqual(
        expect.stringContaining(`is not an input of ${name}`),
      );
    });
  }

  it('refuses an unknown type in strict mode, suggesting the closest names', () => {
    expect(problemsOf(() => strict.assertValid('openAiApi', { openAIApiKey: 'k' }))).toEqual([
      expect.stringMatching(
        /^credentialName openAiApi is not a known credential type; did you mean openAIApi\b/,
      ),
    ]);
    expect(strict.suggest('openAiApi')[0]).toBe('openAIApi');
    expect(strict.suggest('pineconApi')[0]).toBe('pineconeApi');
    expect(strict.suggest('googleGenAiApi')[0]).toBe('googleGenAIApi');
    expect(strict.suggest('pinecone')).toEqual(['pineconeApi']);
    expect(strict.suggest('anthropic')).toEqual(['anthropicApi']);
  });

  it('points to the catalogue when nothing is close', () => {
    expect(problemsOf(() => strict.assertValid('zzzzzzzzzzzzzzzz', { k: 'v' }))).toEqual([
      'credentialName zzzzzzzzzzzzzzzz is not a known credential type; GET /components-credentials lists the known types',
    ]);
  });

  it('accepts an unknown type in permissive mode, but still checks known ones', () => {
    expect(() => permissive.assertValid('myInternalApi', { anything: 'x' })).not.toThrow();
    expect(problemsOf(() => permissive.assertValid('openAIApi', { openAIKey: 'x' }))).toHaveLength(
      2,
    );
  });

  it('describes a type by name or alias, several with &, and 404s an unknown one', () => {
    expect(strict.describe('googleGenAIApi')).toMatchObject({
      name: 'googleGenerativeAI',
      aliases: ['googleGenAIApi'],
      inputs: [{ name: 'googleGenerativeAPIKey', type: 'password', optional: false, secret: true }],
    });
    expect(strict.describe('openAIApi&azureOpenAIApi')).toMatchObject([
      { name: 'openAIApi' },
      { name: 'azureOpenAIApi' },
    ]);
    expect(() => strict.describe('nope')).toThrow(
      new NotFoundException('Credential type nope not found'),
    );
    expect(() => strict.describe('openAIApi&nope')).toThrow(NotFoundException);
  });

  it('lists every type, or those named', () => {
    expect(strict.describeAll()).toHaveLength(BUILT_IN_TYPES.length);
    expect(
      strict.describeAll(['milvusApi', 'openAIApi', 'unknown']).map((type) => type.name),
    ).toEqual(['milvusAuth', 'openAIApi']);
  });

  for (const [key, example] of Object.entries(credentialBodyExamples())) {
    it(`accepts the OpenAPI example body for ${key}`, () => {
      expect(() =>
        strict.assertValid(example.value.credentialName, example.value.plainDataObj),
      ).not.toThrow();
    });
  }

  it('documents the ten most used types', () => {
    expect(Object.keys(credentialBodyExamples())).toHaveLength(10);
  });

  describe('with a custom types file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'credential-types-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const writeTypes = (content: unknown): string => {
      const path = join(dir, 'types.json');
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
      return path;
    };
    const loadError = (content: unknown): string => {
      const path = writeTypes(content);
      try {
        new CredentialTypesRegistry({ file: path });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('the file was accepted');
    };

    const internalApi = {
      name: 'internalLlmApi',
      label: 'Internal LLM',
      version: 1,
      inputs: [
        { name: 'apiKey', label: 'API key', type: 'password' },
        { name: 'baseUrl', label: 'Base URL', type: 'url', optional: true, secret: false },
      ],
    };

    it('adds its types to the built-in ones', () => {
      const registry = new CredentialTypesRegistry({ file: writeTypes({ types: [internalApi] }) });
      expect(registry.find('internalLlmApi')).toBeDefined();
      expect(registry.find('openAIApi')).toBeDefined();
      expect(() =>
        registry.assertValid('internalLlmApi', { apiKey: 'k', baseUrl: 'https://llm.internal' }),
      ).not.toThrow();
      expect(
        problemsOf(() => registry.assertValid('internalLlmApi', { baseUrl: 'llm.internal' })),
      ).toEqual([
        expect.stringMatching(/^plainDataObj\.apiKey is required/),
        expect.stringMatching(/^plainDataObj\.baseUrl must be an absolute URL/),
      ]);
    });

    it('refuses to redefine a built-in type or alias silently', () => {
      const message = loadError({ types: [{ ...internalApi, name: 'openAIApi' }] });
      expect(message).toContain(join(dir, 'types.json'));
      expect(message).toContain(
        'types[0] (openAIApi): name openAIApi is a built-in credential type; add "override": true',
      );
      expect(loadError({ types: [{ ...internalApi, name: 'milvusApi' }] })).toContain(
        'types[0] (milvusApi)',
      );
    });

    it('replaces a built-in type with "override": true', () => {
      const registry = new CredentialTypesRegistry({
        file: writeTypes({ types: [{ ...internalApi, name: 'openAIApi', override: true }] }),
      });
      expect(() => registry.assertValid('openAIApi', { apiKey: 'k' })).not.toThrow();
      expect(
        problemsOf(() => registry.assertValid('openAIApi', { openAIApiKey: 'k' })),
      ).not.toEqual([]);
      expect(registry.describeAll().filter((type) => type.name === 'openAIApi')).toHaveLength(1);
    });

    it('refuses "override": true when there is nothing to override', () => {
      expect(loadError({ types: [{ ...internalApi, override: true }] })).toContain(
        'types[0] (internalLlmApi): "override": true, but there is no built-in credential type internalLlmApi',
      );
    });

    it('names every bad entry and its problem', () => {
      const message = loadError({
        types: [
          internalApi,
          {
            ...internalApi,
            name: 'badInputs',
            inputs: [{ name: 'k', label: 'K', type: 'secret' }],
          },
          { name: 'bad name!', label: '', version: 'one', inputs: [] },
          {
            ...internalApi,
            name: 'badOptions',
            inputs: [{ name: 'mode', label: 'Mode', type: 'options' }],
          },
          { ...internalApi },
          { ...internalApi, name: 'extraField', colour: 'red' },
          {
            ...internalApi,
            name: 'badDefault',
            inputs: [
              {
                name: 'mode',
                label: 'Mode',
                type: 'options',
                default: 'c',
                options: [{ name: 'a', label: 'A' }],
              },
              { name: 'mode', label: 'Mode', type: 'string', default: { nested: true } },
            ],
          },
          'text',
        ],
      });
      expect(message).toContain(
        'types[1] (badInputs): inputs[0].type must be one of the following values',
      );
      expect(message).toContain('types[2]: name must be 1 to 100 characters');
      expect(message).toContain('types[2]: label must be longer than or equal to 1 characters');
      expect(message).toContain('types[2]: version must be a number');
      expect(message).toContain('types[3] (badOptions): inputs[0].options must be an array');
      expect(message).toContain('types[4] (internalLlmApi): name internalLlmApi is defined twice');
      expect(message).toContain('types[5] (extraField): property colour should not exist');
      expect(message).toContain(
        'types[6] (badDefault): inputs[0].default must be one of the option names',
      );
      expect(message).toContain('types[6] (badDefault): inputs[1].name mode is used twice');
      expect(message).toContain(
        'types[6] (badDefault): inputs[1].default must be a string, number or boolean',
      );
      expect(message).toContain('types[7]: must be an object');
      expect(message).not.toContain('types[0]');
    });

    it('refuses a file that is missing, not JSON, or not {"types": [...]}', () => {
      expect(() => new CredentialTypesRegistry({ file: join(dir, 'missing.json') })).toThrow(
        /Invalid credential types file .*missing\.json:\n {2}- cannot be read \(ENOENT\)/,
      );
      expect(loadError('{"types": [ {"name": "secret-looking-text" ')).toMatch(
        /- is not valid JSON$/,
      );
      expect(loadError('{"types": [ {"name": "secret-looking-text" ')).not.toContain(
        'secret-looking-text',
      );
      expect(loadError([internalApi])).toContain('must be a JSON object {"types": [...]}');
    });

    it('accepts the built-in catalogue itself in the file format', () => {
      const types = BUILT_IN_TYPES.map((type) => ({ ...type, override: true }));
      expect(() => new CredentialTypesRegistry({ file: writeTypes({ types }) })).not.toThrow();
    });
  });
});
