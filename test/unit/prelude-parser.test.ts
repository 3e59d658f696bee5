import { describe, expect, it } from 'vitest';
import { PreludeParser } from '../../local/prelude-parser.js';

const prelude = Buffer.concat([
  Buffer.from(JSON.stringify({ statusCode: 201, headers: { a: 'b' } })),
  Buffer.alloc(8),
  Buffer.from('body'),
]);

describe('Lambda HTTP response prelude parser', () => {
  it('reads metadata then body from one chunk', () => {
    expect(new PreludeParser().push(prelude)).toEqual([
      { kind: 'metadata', metadata: { statusCode: 201, headers: { a: 'b' }, cookies: [] } },
      { kind: 'body', bytes: Buffer.from('body') },
    ]);
  });

  it('reads a prelude split across chunks at every byte boundary', () => {
    for (let cut = 1; cut < prelude.length; cut++) {
      const parser = new PreludeParser();
      const events = [...parser.push(prelude.subarray(0, cut)), ...parser.push(prelude.subarray(cut))];
      expect(events[0]).toMatchObject({ kind: 'metadata', metadata: { statusCode: 201 } });
      expect(
        Buffer.concat(events.slice(1).map((e) => (e.kind === 'body' ? e.bytes : Buffer.alloc(0)))).toString(),
      ).toBe('body');
    }
  });

  it('rejects a prelude without a status code', () => {
    expect(() => new PreludeParser().push(Buffer.concat([Buffer.from('{}'), Buffer.alloc(8)]))).toThrow(/statusCode/);
  });
});
