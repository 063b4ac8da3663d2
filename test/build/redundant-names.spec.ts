import { expect } from 'expect';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';

/** scripts/redundant-names.js, as the bundle script loads it (tests run from the project root). */
const { blankRedundantNames } = createRequire(join(process.cwd(), 'package.json'))(
  './scripts/redundant-names.js',
) as { blankRedundantNames: (text: string) => string };

// esbuild's keepNames helper as the bundle has it, and closures named every way it wraps them.
const HELPER =
  'var __name=(target,value)=>Object.defineProperty(target,"name",{value,configurable:true});';
const WRAPPED = [
  'var ctx={getRequest:__name(()=>1,"getRequest"),"quoted-key":__name(function(){},"quoted-key")};',
  'var outerNext=__name(function(value){return value},"outerNext");',
  'var later;later=__name(()=>2,"later");',
  // A symbol esbuild renamed on a clash: the wrapper restores the name, so it stays.
  'var Observable6=__name(function(){},"Observable");',
  // `__proto__:` sets the prototype and names nothing; a named function keeps its own name.
  'var proto={__proto__:__name(function(){},"__proto__")};',
  'var named=__name(function inner(){},"named");',
  'var inCall=[__name(()=>3,"inCall")];',
].join('\n');
const READ = `({ names: [ctx.getRequest.name, ctx["quoted-key"].name, outerNext.name, later.name,
  Observable6.name, Object.getPrototypeOf(proto).name, named.name, inCall[0].name],
  descriptor: Object.getOwnPropertyDescriptor(ctx.getRequest, "name") })`;

describe('blankRedundantNames (bundle-server.js)', () => {
  const blanked = blankRedundantNames(HELPER + WRAPPED);

  it('removes only the wrappers that name a closure as the language already does', () => {
    expect(blanked).toHaveLength(HELPER.length + WRAPPED.length);
    expect(blanked).toMatch(
      /\{getRequest: {7}\(\)=>1 {14},"quoted-key": {7}function\(\)\{\} {14}\}/,
    );
    expect(blanked).toMatch(/var outerNext= {7}function\(value\)\{return value\} {13};/);
    expect(blanked).toMatch(/later= {7}\(\)=>2 {9};/);
    for (const kept of ['"Observable")', '"__proto__")', '"named")', '"inCall")']) {
      expect(blanked).toContain(kept);
    }
    expect(blanked.split('\n').map((line) => line.length)).toEqual(
      (HELPER + WRAPPED).split('\n').map((line) => line.length),
    );
  });

  it('leaves every name, and its attributes, as the wrappers set them', () => {
    const before = runInNewContext(HELPER + WRAPPED + READ) as object;
    const after = runInNewContext(blanked + READ) as object;
    expect(JSON.parse(JSON.stringify(after))).toEqual(JSON.parse(JSON.stringify(before)));
    expect(JSON.parse(JSON.stringify(after))).toMatchObject({
      names: [
        'getRequest',
        'quoted-key',
        'outerNext',
        'later',
        'Observable',
        '__proto__',
        'named',
        'inCall',
      ],
      descriptor: { value: 'getRequest', writable: false, enumerable: false, configurable: true },
    });
  });
});
