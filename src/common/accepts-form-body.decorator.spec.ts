import { expect } from 'expect';
import { describe, it } from 'node:test';
import { RouteConfig } from '@nestjs/platform-fastify';
import { AcceptsFormBody } from './accepts-form-body.decorator';

describe('AcceptsFormBody', () => {
  it("sets the same metadata as the Fastify adapter's @RouteConfig", () => {
    class Routes {
      ours(): void {}
      theirs(): void {}
    }
    const descriptor = (name: 'ours' | 'theirs') =>
      Object.getOwnPropertyDescriptor(Routes.prototype, name)!;
    AcceptsFormBody()(Routes.prototype, 'ours', descriptor('ours'));
    RouteConfig({ acceptsFormBody: true })(Routes.prototype, 'theirs', descriptor('theirs'));
    const metadataOf = (name: 'ours' | 'theirs') =>
      Reflect.getMetadataKeys(descriptor(name).value as object).map((key: unknown) => [
        key,
        Reflect.getMetadata(key, descriptor(name).value as object) as unknown,
      ]);
    expect(metadataOf('ours')).toEqual(metadataOf('theirs'));
    expect(metadataOf('ours')).toHaveLength(1);
  });
});
