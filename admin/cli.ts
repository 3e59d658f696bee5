// `npm run admin -- <command>`: the admin API from a terminal, against the local dev server
// (found without flags) or a deployed stack's admin URL (--url, signed with SigV4).
import { parseArgs } from 'node:util';
import { command } from './cli/commands.js';
import { serveDashboard } from './cli/dashboard-command.js';
import { resolveTarget, type Target } from './cli/target.js';
import { UsageError } from './cli/command.js';
import { usage } from './cli/usage.js';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    sigv4: { type: 'boolean', default: false },
    region: { type: 'string' },
    json: { type: 'boolean', default: false },
    reason: { type: 'string' },
    key: { type: 'string' },
    limit: { type: 'string' },
    user: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    actor: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string' },
    port: { type: 'string' },
  },
});

/** Where a failed call went, so a wrong or stale URL is obvious. */
const where = (target: Target, method: string, path: string) =>
  `${method} ${new URL(`${target.url.pathname.replace(/\/$/, '')}${path}`, target.url).href} (URL from ${target.source})`;

async function dashboard(target: Target): Promise<number> {
  const { url } = await serveDashboard(target, Number(options.port ?? 8787));
  console.log(
    `Dashboard of ${target.url.href} at ${url}\n(${target.auth === 'sigv4' ? 'API calls signed with your AWS credentials' : 'API calls with the admin token'}; Ctrl+C to stop)`,
  );
  await new Promise<never>(() => undefined); // serves until interrupted
  return 0;
}

async function main(): Promise<number> {
  if (positionals.length === 0 || positionals[0] === 'help') {
    console.log(usage);
    return positionals.length === 0 ? 2 : 0;
  }
  if (positionals[0] === 'dashboard') return dashboard(resolveTarget(options));
  const cmd = command(positionals, options);
  const target = resolveTarget(options);
  let response: Awaited<ReturnType<Target['client']['call']>>;
  try {
    response = await target.client.call(cmd.method, cmd.path, cmd.body);
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string } }).cause?.code;
    console.error(
      `admin: could not reach ${where(target, cmd.method, cmd.path)}: ${(err as Error).message}${cause ? ` (${cause})` : ''}`,
    );
    console.error('is the server running? start it with `npm run dev`, or pass --url');
    return 1;
  }
  if (response.status >= 400) {
    const error = (response.body as { error?: { type: string; message: string; fields?: Record<string, string> } })
      ?.error;
    console.error(
      error
        ? `error ${response.status} ${error.type}: ${error.message}`
        : `error ${response.status}: ${JSON.stringify(response.body)}`,
    );
    for (const [field, message] of Object.entries(error?.fields ?? {})) console.error(`  ${field}: ${message}`);
    console.error(`  at ${where(target, cmd.method, cmd.path)}`);
    return 1;
  }
  console.log(options.json ? JSON.stringify(response.body, null, 2) : cmd.print(response.body));
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`${err.message}\n\n${usage}`);
    process.exitCode = 2;
  } else {
    console.error(`admin: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
