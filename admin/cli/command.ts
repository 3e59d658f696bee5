// What a CLI command is: an admin API call and how to print its answer; and the small
// helpers every command group shares.
import { existsSync, readFileSync } from 'node:fs';

export type Printer = (body: unknown) => string;
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

/** A JSON argument given inline or as a file name. */
export const readJson = (source: string): unknown =>
  JSON.parse(existsSync(source) ? readFileSync(source, 'utf8') : source) as unknown;
