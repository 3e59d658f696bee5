// Bundles the Lambda entry points with esbuild into dist/lambda/<name>/index.mjs: ESM for
// nodejs24.x, everything inlined (including the AWS SDK, so the deployed code is the
// tested code), source maps for readable stack traces. Run by the Pulumi program before
// it plans the functions, and by `npm run bundle`.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The only things infra/ knows of the code: where the entry points are. */
export const lambdaEntryPoints = {
  'chat-stream': 'functions/lambda/chat-stream-handler.ts',
  sweeper: 'functions/lambda/sweeper-handler.ts',
  admin: 'admin/lambda.ts',
} as const;
export type LambdaName = keyof typeof lambdaEntryPoints;

export const bundleDirectory = (name: LambdaName, outRoot = join(root, 'dist', 'lambda')) => join(outRoot, name);

export async function bundleLambdas(outRoot = join(root, 'dist', 'lambda')): Promise<Record<LambdaName, string>> {
  const names = Object.keys(lambdaEntryPoints) as LambdaName[];
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join(root, lambdaEntryPoints[name])],
        outfile: join(bundleDirectory(name, outRoot), 'index.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node24',
        sourcemap: 'linked',
        keepNames: true,
        legalComments: 'none',
        logLevel: 'warning',
        // CommonJS dependencies inside an ESM bundle still call require().
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
      }),
    ),
  );
  return Object.fromEntries(names.map((name) => [name, bundleDirectory(name, outRoot)])) as Record<LambdaName, string>;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await bundleLambdas();
  for (const [name, dir] of Object.entries(built)) console.log(`${name}: ${dir}/index.mjs`);
}
