import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator, ValidationArguments } from 'class-validator';
import { plainDataProblems } from '../../core/plain-data';

/**
 * Validates a `plainDataObj` field with the rules of `plainDataProblems`, keeps the client's
 * object as parsed (class-transformer would rebuild it, `__proto__` keys included) and documents
 * its open shape.
 */
export function PlainDataField(options: {
  allowNull: boolean;
  allowEmpty?: boolean;
}): PropertyDecorator {
  const valueTypes = [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }];
  return applyDecorators(
    Transform(({ obj, key }) => (obj as Record<string, unknown>)[key]),
    ApiProperty({
      type: 'object',
      additionalProperties: {
        oneOf: options.allowNull ? [...valueTypes, { type: 'null' }] : valueTypes,
      },
      example: { openAIApiKey: 'sk-...' },
    }),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isPlainData',
        target: target.constructor,
        propertyName: propertyName as string,
        validator: {
          validate: (value: unknown) => plainDataProblems(value, options).length === 0,
          defaultMessage: (args?: ValidationArguments) =>
            plainDataProblems(args?.value, options).join('; '),
        },
      }),
  );
}
