import { BadRequestException } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RawServerDefault } from 'fastify';
import { jsonShapeProblem } from './json-shape-limits';

/**
 * Registers the JSON body parser of the standalone server: Fastify's own (prototype poisoning
 * refused as before), preceded by the shape check, so an over-deep or over-wide body is a 400
 * before it is parsed, let alone validated.
 */
export function useBoundedJsonParser(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const problem = jsonShapeProblem(body);
    if (problem !== undefined) {
      done(new BadRequestException(problem), undefined);
      return;
    }
    void parseJson(request, body.toString('utf8'), done);
  });
}
