import { HttpException } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { STATUS_CODES } from 'node:http';
import { answerNotFound } from './http/pathless-errors';

/**
 * Fastify's own refusals (malformed JSON, a body over the limit) reach Nest as exceptions whose
 * body lacks `error`; this adapter gives them the `{statusCode, message, error}` shape every
 * other error of ours has.
 */
export class VaultFastifyAdapter extends FastifyAdapter {
  /** Nest's handler says `Cannot GET /the/path`; ours never repeats a path (see pathless-errors). */
  override setNotFoundHandler(): ReturnType<FastifyAdapter['setNotFoundHandler']> {
    return super.setNotFoundHandler(answerNotFound);
  }

  override mapException(error: unknown): unknown {
    const mapped = super.mapException(error);
    if (mapped instanceof HttpException && typeof mapped.getResponse() === 'string') {
      const statusCode = mapped.getStatus();
      return new HttpException(
        { statusCode, message: mapped.message, error: STATUS_CODES[statusCode] ?? 'Error' },
        statusCode,
        { cause: mapped.cause },
      );
    }
    return mapped;
  }
}
