import { expect } from 'expect';
import { describe, it } from 'node:test';
import { CredentialTypesRegistry } from '../credential-types.registry';
import flowiseCatalogue from './flowise-credential-types.json';
import flowiseDescriptions from './flowise-credential-descriptions.json';

describe("Flowise's descriptions and placeholders", () => {
  const types = new CredentialTypesRegistry();

  it('come from the same Flowise commit as the catalogue, and name only known types and inputs', () => {
    expect(flowiseDescriptions.source).toBe(flowiseCatalogue.source);
    const facts = flowiseDescriptions.types as Record<string, { inputs?: object }>;
    for (const [name, entry] of Object.entries(facts)) {
      const type = types.find(name);
      expect({ name, known: type !== undefined }).toEqual({ name, known: true });
      const inputs = new Set(type?.inputs.map((input) => input.name));
      for (const input of Object.keys(entry.inputs ?? {})) {
        expect({ name, input, known: inputs.has(input) }).toEqual({ name, input, known: true });
      }
    }
  });

  it('reach the type and its inputs, next to the vault`s own extensions', () => {
    const aws = types.describe('awsApi');
    expect(aws).toMatchObject({
      description: expect.stringContaining('AWS security credentials') as unknown,
      inputs: expect.arrayContaining([
        expect.objectContaining({
          name: 'awsKey',
          description: 'The access key for your AWS account.',
          placeholder: '<AWS_ACCESS_KEY_ID>',
          optional: true,
        }),
      ]) as unknown,
    });
    const azure = types.find('azureOpenAIApi');
    const instance = azure?.inputs.find((input) => input.name === 'azureOpenAIApiInstanceName');
    expect(instance).toMatchObject({ placeholder: 'YOUR-INSTANCE-NAME', secret: false });
  });

  it('leave a type without facts as it was', () => {
    expect(types.describe('openAIApi')).not.toHaveProperty('description');
  });
});
