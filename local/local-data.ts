// The local data directory of `npm run dev` (`LOCAL_DATA_DIR`, default `.local-data/`):
// its secrets, its store, and `dev-server.json`, where a running dev server says where it
// listens so that `npm run admin` finds it without flags.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

const projectRoot = join(import.meta.dirname, '..');

/** Where `npm run dev` keeps its secrets and data (`LOCAL_DATA_DIR` moves it, e.g. for a second instance). */
export const localDataDir = (env: Record<string, string | undefined> = process.env): string => {
  const dir = env.LOCAL_DATA_DIR;
  if (!dir) return join(projectRoot, '.local-data');
  return isAbsolute(dir) ? dir : resolve(dir);
};

const devServerSchema = z.object({ url: z.url(), adminUrl: z.url(), pid: z.number().int() });
export type DevServerInfo = z.infer<typeof devServerSchema>;

const devServerFile = (dir: string) => join(dir, 'dev-server.json');

export function writeDevServerInfo(info: DevServerInfo, dir = localDataDir()): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(devServerFile(dir), `${JSON.stringify(info, null, 2)}\n`);
  return devServerFile(dir);
}

/** What a dev server wrote, if any (it may have died since: callers say where the URL came from). */
export function readDevServerInfo(dir = localDataDir()): (DevServerInfo & { file: string }) | undefined {
  let text: string;
  try {
    text = readFileSync(devServerFile(dir), 'utf8');
  } catch {
    return undefined; // no dev server wrote one here
  }
  const parsed = devServerSchema.safeParse(JSON.parse(text) as unknown);
  return parsed.success ? { ...parsed.data, file: devServerFile(dir) } : undefined;
}

/** Removes the file on a clean shutdown, unless another dev server has written it since. */
export function removeDevServerInfo(info: DevServerInfo, dir = localDataDir()): void {
  if (readDevServerInfo(dir)?.pid === info.pid) rmSync(devServerFile(dir), { force: true });
}
