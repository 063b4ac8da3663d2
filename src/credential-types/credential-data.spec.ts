import { expect } from 'expect';
import { describe, it } from 'node:test';
import { validPlainDataFor } from '../../test/credential-types/valid-plain-data';
import { BUILT_IN_TYPES } from './catalogue/built-in-catalogue';
import { credentialDataProblems } from './credential-data';
import { CredentialTypeDefinition, isRequiredInput } from './credential-type';

const typeOf = (name: string): CredentialTypeDefinition => {
  const type = BUILT_IN_TYPES.find((candidate) => candidate.name === name);
  if (!type) {
    throw new Error(`no built-in type ${name}`);
  }
  return type;
};

describe('credentialDataProblems', () => {
  it('has the whole catalogue to check', () => {
    expect(BUILT_IN_TYPES).toHaveLength(113);
  });

  for (const type of BUILT_IN_TYPES) {
    describe(type.name, () => {
      it('accepts a generated plainDataObj with every input set', () => {
        expect(credentialDataProblems(type, validPlainDataFor(type))).toEqual([]);
      });

      const required = type.inputs.filter((input) => isRequiredInput(type, input));
      for (const { name: inputName } of required) {
        it(`refuses it without ${inputName}`, () => {
          const data = validPlainDataFor(type);
          delete data[inputName];
          expect(credentialDataProblems(type, data)).toEqual([
            expect.stringMatching(
              new RegExp(`^plainDataObj\\.${inputName} is required by ${type.name}`),
            ),
          ]);
        });

        it(`refuses it with ${inputName} blank`, () => {
          const data = { ...validPlainDataFor(type), [inputName]: '  ' };
          expect(credentialDataProblems(type, data)).toEqual([
            expect.stringContaining(`plainDataObj.${inputName} is required`),
          ]);
        });
      }
      if (required.length === 0) {
        it('accepts a single optional input alone', () => {
          const [first] = type.inputs;
          const data = { [first.name]: validPlainDataFor(type)[first.name] };
          expect(credentialDataProblems(type, data)).toEqual([]);
        });
      }
    });
  }

  it('never requires an input that is hidden or has a default', () => {
    const gmail = typeOf('gmailOAuth2');
    const data = { clientId: 'id', clientSecret: 'secret' };
    expect(credentialDataProblems(gmail, data)).toEqual([]);
    const redis = typeOf('redisCacheApi');
    expect(
      credentialDataProblems(redis, {
        redisCacheUser: 'u',
        redisCachePwd: 'p',
        redisCacheSslEnabled: false,
      }),
    ).toEqual([]);
  });

  it('lists every problem at once, each naming its field', () => {
    const redis = typeOf('redisCacheApi');
    const problems = credentialDataProblems(redis, {
      redisCachePort: 'not-a-port',
      redisCacheSslEnabled: 'yes',
      redisCacheUser: 7,
      typo: 'x',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^plainDataObj\.redisCachePwd is required/),
        expect.stringMatching(
          /^plainDataObj\.typo is not an input of redisCacheApi; allowed: redisCacheHost, /,
        ),
        'plainDataObj.redisCachePort must be a number or a numeric string',
        'plainDataObj.redisCacheSslEnabled must be true or false',
        'plainDataObj.redisCacheUser must be a string',
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('never quotes a value', () => {
    const secret = 'sk-do-not-echo-4242';
    const problems = credentialDataProblems(typeOf('redisCacheApi'), {
      redisCachePort: secret,
      redisCacheSslEnabled: secret,
      redisCachePwd: secret,
      [`x`]: secret,
    });
    expect(problems.join('\n')).not.toContain(secret);
  });

  for (const [value, accepted] of [
    ['postgres://u@h/db', true],
    ['https://example.com/path?q=1', true],
    ['redis://localhost:6379', true],
    ['www.example.com/x', false],
    ['/relative/path', false],
    ['example', false],
  ] as const) {
    it(`checks url inputs as the WHATWG parser does: ${value} -> ${accepted}`, () => {
      const problems = credentialDataProblems(typeOf('PostgresUrl'), { postgresUrl: value });
      expect(problems).toEqual(
        accepted
          ? []
          : [
              'plainDataObj.postgresUrl must be an absolute URL with a scheme, such as https://host/path',
            ],
      );
    });
  }

  for (const [value, accepted] of [
    [6379, true],
    ['6379', true],
    ['-1.5', true],
    ['6379a', false],
    [true, false],
  ] as const) {
    it(`checks number inputs: ${JSON.stringify(value)} -> ${accepted}`, () => {
      const data = {
        redisCacheUser: 'u',
        redisCachePwd: 'p',
        redisCacheSslEnabled: true,
        redisCachePort: value,
      };
      expect(credentialDataProblems(typeOf('redisCacheApi'), data)).toHaveLength(accepted ? 0 : 1);
    });
  }

  it('checks json inputs: a string that parses', () => {
    const type: CredentialTypeDefinition = {
      name: 'jsonThing',
      label: 'JSON thing',
      version: 1,
      inputs: [{ name: 'config', label: 'Config', type: 'json', optional: false }],
    };
    expect(credentialDataProblems(type, { config: '{"a":[1,2]}' })).toEqual([]);
    expect(credentialDataProblems(type, { config: '{a:1}' })).toEqual([
      'plainDataObj.config must be a string holding valid JSON',
    ]);
    expect(credentialDataProblems(type, { config: 12 })).toEqual([
      'plainDataObj.config must be a string holding valid JSON',
    ]);
  });

  it('checks options inputs against the option names', () => {
    const watsonx = typeOf('ibmWatsonx');
    const base = { version: '2024-05-31', serviceUrl: 'https://x', projectId: 'p' };
    expect(credentialDataProblems(watsonx, { ...base, watsonxAIAuthType: 'bearertoken' })).toEqual(
      [],
    );
    expect(credentialDataProblems(watsonx, { ...base, watsonxAIAuthType: 'IAM' })).toEqual([
      'plainDataObj.watsonxAIAuthType must be one of: iam, bearertoken',
    ]);
  });

  it('accepts keys an OAuth flow writes on types that allow extra keys, and only there', () => {
    const gmail = typeOf('gmailOAuth2');
    expect(gmail.allowExtraKeys).toBe(true);
    const tokens = { access_token: 'a', refresh_token: 'r', expires_at: 1767225600 };
    expect(credentialDataProblems(gmail, { clientId: 'id', clientSecret: 's', ...tokens })).toEqual(
      [],
    );
    expect(
      credentialDataProblems(typeOf('openAIApi'), { openAIApiKey: 'k', ...tokens }),
    ).toHaveLength(3);
  });

  it('accepts the reference page example for Pinecone, pineconeEnv included', () => {
    expect(
      credentialDataProblems(typeOf('pineconeApi'), {
        pineconeApiKey: '...',
        pineconeEnv: 'us-west1-gcp',
      }),
    ).toEqual([]);
    expect(credentialDataProblems(typeOf('pineconeApi'), { pineconeApiKey: '...' })).toEqual([]);
  });
});
