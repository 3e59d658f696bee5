// `npm run dev` as documented: on an external DynamoDB-compatible store (DYNAMODB_ENDPOINT)
// instead of its embedded one, with the admin token an operator chose (ADMIN_TOKEN), and
// telling `npm run admin` where it listens (dev-server.json in LOCAL_DATA_DIR).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../local/embedded-dynamodb.js';
import { readDevServerInfo } from '../../local/local-data.js';
import { startDev, type DevProcess } from '../helpers/dev-process.js';
import { runCli } from '../helpers/admin-cli.js';
import { StoreFixtures } from '../helpers/store-fixtures.js';
import { defaultTableNames } from '../../local/local-stack.js';

const dataDir = mkdtempSync(join(tmpdir(), 'dev-parity-'));
const adminToken = randomBytes(24).toString('base64url');
let external: EmbeddedDynamo;
let dev: DevProcess | undefined;

beforeAll(async () => {
  external = await startEmbeddedDynamo(); // stands for DynamoDB Local or any other endpoint
  dev = await startDev({
    LOCAL_DATA_DIR: dataDir,
    DYNAMODB_ENDPOINT: external.endpoint,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'ERROR',
  });
}, 60_000);
afterAll(async () => {
  await dev?.kill();
  await external?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const adminGet = (path: string, token: string) =>
  fetch(`${dev!.url}/admin${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('npm run dev', () => {
  it('keeps its tables on the store DYNAMODB_ENDPOINT names, and none of its own', async () => {
    const store = new StoreFixtures(external.endpoint, defaultTableNames);
    try {
      const { userId } = await store.userOnNewTier({});
      const response = await adminGet(`/users/${userId}`, adminToken);
      expect(response.status).toBe(200); // the dev server reads what the test wrote to the external store
    } finally {
      store.close();
    }
    expect(readdirSync(dataDir).filter((name) => name.startsWith('dynamodb'))).toEqual([]);
  });

  it('takes the admin token from ADMIN_TOKEN instead of generating one', async () => {
    expect((await adminGet('/tiers', adminToken)).status).toBe(200);
    expect((await adminGet('/tiers', randomBytes(24).toString('base64url'))).status).toBe(401);
    expect(existsSync(join(dataDir, 'dev-admin-token'))).toBe(false);
  });

  it('writes where it listens for the admin CLI, which then needs no --url', async () => {
    expect(readDevServerInfo(dataDir)).toMatchObject({ url: dev!.url, adminUrl: `${dev!.url}/admin` });
    const { code, stdout } = await runCli(['tiers', 'list'], { LOCAL_DATA_DIR: dataDir, ADMIN_TOKEN: adminToken });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^enterprise\s/m);
  });

  it('removes that note when it stops', async () => {
    await dev!.kill();
    expect(readDevServerInfo(dataDir)).toBeUndefined();
  });
});
