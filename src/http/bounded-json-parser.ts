import { BadRequestException } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RawServerDefault } from 'fastify';
import { parseJsonBody } from './json-body.parser';
import { jsonShapeProblem } from './json-shape-limits';

/**
 * Registers the JSON body parser of the standalone server: the shape check first, so an
 * over-deep or over-wide body is a 400 before it is parsed, let alone validated; then our parser
 * (reserved keys named, an empty DELETE body accepted).
 */
export function useBoundedJsonParser(app: NestFastifyApplication, bodyLimit: number): void {
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    const problem = jsonShapeProblem(body);
    if (problem !== undefined) {
      done(new BadRequestException(problem), undefined);
      return;
    }
    parseJsonBody(request, body, done);
  });
}
