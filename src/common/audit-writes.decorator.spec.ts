import { expect } from 'expect';
import { describe, it } from 'node:test';
import {
  All,
  CallHandler,
  Controller,
  Delete,
  Get,
  Head,
  NestInterceptor,
  Options,
  Patch,
  Post,
  Put,
  UseInterceptors,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { AuditContextInterceptor } from './audit-context.interceptor';
import { AuditWrites } from './audit-writes.decorator';

class IdempotencyLike implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

@AuditWrites()
@Controller('things')
class ThingsController {
  @Get() list(): void {}
  @Head() head(): void {}
  @Options() options(): void {}
  @Post() create(): void {}
  @Post('keyed') @UseInterceptors(IdempotencyLike) keyed(): void {}
  @Put(':id') replace(): void {}
  @Patch(':id') change(): void {}
  @Delete(':id') remove(): void {}
  @All('any') any(): void {}
  helper(): void {}
}

const interceptorsOf = (name: keyof ThingsController): unknown =>
  Reflect.getMetadata(
    INTERCEPTORS_METADATA,
    Object.getOwnPropertyDescriptor(ThingsController.prototype, name)!.value as object,
  );

describe('AuditWrites', () => {
  it('gives every route that can write an AuditContext, outermost, and reads no interceptor', () => {
    const routes: (keyof ThingsController)[] = ['create', 'replace', 'change', 'remove', 'any'];
    for (const name of routes) {
      expect({ name, interceptors: interceptorsOf(name) }).toEqual({
        name,
        interceptors: [AuditContextInterceptor],
      });
    }
    expect(interceptorsOf('keyed')).toEqual([AuditContextInterceptor, IdempotencyLike]);
    for (const name of ['list', 'head', 'options', 'helper'] as const) {
      expect({ name, interceptors: interceptorsOf(name) }).toEqual({
        name,
        interceptors: undefined,
      });
    }
  });
});
