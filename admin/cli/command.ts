// What a CLI command is: an admin API call and how to print its answer; and the small
// helpers every command group shares.
import { existsSync, readFileSync } from 'node:fs';

type Printer = (body: unknown) => string;
export interface Command {
  method: string;
  path: string;
  body?: unknown;
  print: Printer;
}

/** A mistake in the command line: exit code 2 and the usage text. */
export class UsageError extends Error {}

export const need = (value: string | undefined, what: string): string => {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
};

export const enc = encodeURIComponent;

/** A JSON object given inline or as a file name. */
export function readJson(source: string): Record<string, unknown> {
  const text = existsSync(source) ? readFileSync(source, 'utf8') : source;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`not JSON, and no such file: ${source.slice(0, 80)}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('expected a JSON object');
  return value as Record<string, unknown>;
}
