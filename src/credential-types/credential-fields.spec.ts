import { expect } from 'expect';
import { describe, it } from 'node:test';
import { BUILT_IN_TYPES } from './catalogue/built-in-catalogue';
import { describeFields } from './credential-fields';
import { CredentialTypeDefinition } from './credential-type';

const typeOf = (name: string): CredentialTypeDefinition =>
  BUILT_IN_TYPES.find((type) => type.name === name) as CredentialTypeDefinition;

describe('describeFields', () => {
  it('says which inputs are set and returns only non-secret values', () => {
    const fields = describeFields(typeOf('redisCacheApi'), {
      redisCacheHost: 'cache.internal',
      redisCachePort: 6380,
      redisCachePwd: 'pw-123456',
      redisCacheSslEnabled: false,
      redisCacheUser: '',
    });
    expect(fields).toEqual([
      { name: 'redisCacheHost', label: 'Redis Host', type: 'string', set: true, secret: true },
      {
        name: 'redisCachePort',
        label: 'Port',
        type: 'number',
        set: true,
        secret: false,
        value: 6380,
      },
      { name: 'redisCacheUser', label: 'User', type: 'string', set: false, secret: true },
      { name: 'redisCachePwd', label: 'Password', type: 'password', set: true, secret: true },
      {
        name: 'redisCacheSslEnabled',
        label: 'Use SSL',
        type: 'boolean',
        set: true,
        secret: false,
        value: false,
      },
    ]);
  });

  it('returns inputs marked secret: false with their value', () => {
    const fields = describeFields(typeOf('pineconeApi'), {
      pineconeApiKey: 'pc-secret',
      pineconeEnv: 'us-west1-gcp',
    });
    expect(fields).toEqual([
      {
        name: 'pineconeApiKey',
        label: 'Pinecone Api Key',
        type: 'password',
        set: true,
        secret: true,
      },
      {
        name: 'pineconeEnv',
        label: 'Pinecone Environment',
        type: 'string',
        set: true,
        secret: false,
        value: 'us-west1-gcp',
      },
    ]);
  });

  it('reports undeclared keys (OAuth tokens) and every key of an unknown type as secrets', () => {
    const gmail = describeFields(typeOf('gmailOAuth2'), {
      clientId: 'c',
      clientSecret: 's',
      access_token: 'tok',
    });
    expect(gmail[gmail.length - 1]).toEqual({
      name: 'access_token',
      label: 'access_token',
      type: 'password',
      set: true,
      secret: true,
    });
    expect(describeFields(undefined, { port: 5432, enabled: true })).toEqual([
      { name: 'port', label: 'port', type: 'password', set: true, secret: true },
      { name: 'enabled', label: 'enabled', type: 'password', set: true, secret: true },
    ]);
  });

  it('never returns the value of a secret input of any built-in type', () => {
    for (const type of BUILT_IN_TYPES) {
      const data = Object.fromEntries(
        type.inputs.map((input) => [input.name, `secret-of-${input.name}`]),
      );
      const fields = describeFields(type, data);
      for (const field of fields.filter((candidate) => candidate.secret)) {
        expect(field).not.toHaveProperty('value');
      }
      const secretValues = type.inputs
        .filter((input) => fields.find((field) => field.name === input.name)?.secret)
        .map((input) => data[input.name]);
      const body = JSON.stringify(fields);
      for (const value of secretValues) {
        expect(body).not.toContain(value);
      }
    }
  });
});
