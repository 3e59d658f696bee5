// What JSON.parse accepts silently but the service must not: nesting deeper than a bound
// (schema validation, token counting and the providers' JSON.stringify recurse, so a body
// of 100 000 `[` would overflow a stack after admission) and a key repeated within one
// object (JSON.parse keeps the last one; a proxy or log that keeps the first would see
// another request). One iterative pass over a text JSON.parse already accepted.

export type JsonShapeProblem = { kind: 'too_deep'; maxDepth: number } | { kind: 'duplicate_key'; key: string };

const quote = 0x22;
const backslash = 0x5c;
const openObject = 0x7b;
const closeObject = 0x7d;
const openArray = 0x5b;
const closeArray = 0x5d;
const comma = 0x2c;

/**
 * The first problem in `text`, which must be valid JSON, or undefined. Depth counts open
 * objects and arrays: `{"messages":[{}]}` is 3 deep.
 */
export function jsonShapeProblem(text: string, maxDepth: number): JsonShapeProblem | undefined {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: Array<Set<string> | null> = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length && text.charCodeAt(i) !== quote; i++) {
        if (text.charCodeAt(i) === backslash) {
          escaped = true;
          i++;
        }
      }
      const keys = open.at(-1);
      if (expectingKey && keys) {
        const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
        if (keys.has(key)) return { kind: 'duplicate_key', key };
        keys.add(key);
        expectingKey = false;
      }
    } else if (c === openObject || c === openArray) {
      if (open.length >= maxDepth) return { kind: 'too_deep', maxDepth };
      open.push(c === openObject ? new Set() : null);
      expectingKey = c === openObject;
    } else if (c === closeObject || c === closeArray) {
      open.pop();
      expectingKey = false;
    } else if (c === comma) {
      expectingKey = Boolean(open.at(-1));
    }
  }
  return undefined;
}
