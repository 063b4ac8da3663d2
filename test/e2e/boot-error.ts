import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';

/** Boots `module` in an Express host and returns the error that refused it (fails if it booted). */
export async function bootError(module: object): Promise<Error> {
  try {
    const app = await NestFactory.create(module as never, new ExpressAdapter(), {
      logger: false,
      abortOnError: false,
    });
    await app.init();
    await app.close();
  } catch (error) {
    return error as Error;
  }
  throw new Error('booted');
}
