import { expect } from 'expect';
import { describe, it } from 'node:test';
import { FLOWISE_REDACTED_VALUE } from '../core/plain-data';
import { CredentialTypesRegistry } from './credential-types.registry';

describe('redacted plain data (GET /credentials/:id)', () => {
  const types = new CredentialTypesRegistry({ mode: 'permissive' });

  it('keeps non-secret inputs and replaces every secret input with the sentinel', () => {
    expect(
      types.redact('redisCacheApi', {
        redisCacheHost: 'cache.internal',
        redisCachePort: '6380',
        redisCachePwd: 'hunter2-hunter2',
        redisCacheSslEnabled: true,
      }),
    ).toEqual({
      // string inputs count as secrets unless the catalogue says otherwise
      redisCacheHost: FLOWISE_REDACTED_VALUE,
      redisCachePort: '6380',
      redisCachePwd: FLOWISE_REDACTED_VALUE,
      redisCacheSslEnabled: true,
    });
  });

  it('keeps the inputs the catalogue marks secret: false', () => {
    expect(
      types.redact('azureOpenAIApi', {
        azureOpenAIApiKey: 'azure-key-1234567890',
        azureOpenAIApiInstanceName: 'my-instance',
      }),
    ).toEqual({
      azureOpenAIApiKey: FLOWISE_REDACTED_VALUE,
      azureOpenAIApiInstanceName: 'my-instance',
    });
  });

  it('treats keys the type does not declare as secrets, whatever their value type', () => {
    expect(
      types.redact('gmailOAuth2', { access_token: 'ya29.token', expires_at: 1767225600 }),
    ).toEqual({ access_token: FLOWISE_REDACTED_VALUE, expires_at: FLOWISE_REDACTED_VALUE });
  });

  it('treats every key of an unknown type as a secret', () => {
    expect(types.redact('myInternalApi', { token: 't', port: 5432, tls: false })).toEqual({
      token: FLOWISE_REDACTED_VALUE,
      port: FLOWISE_REDACTED_VALUE,
      tls: FLOWISE_REDACTED_VALUE,
    });
  });

  it('returns the same keys, in the same order', () => {
    const data = { b: 'x', a: 'y', openAIApiKey: 'sk' };
    expect(Object.keys(types.redact('openAIApi', data))).toEqual(['b', 'a', 'openAIApiKey']);
  });
});
