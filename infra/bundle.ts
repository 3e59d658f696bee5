// Bundles the Lambda entry points with esbuild into dist/lambda/<name>/: index.mjs (ESM for
// nodejs24.x) and chunks/ for code loaded at first use (the tokenizer's encodings, a model
// provider), so a cold start evaluates only what the handler needs at import. Everything
// is inlined, the AWS SDK included: its ES modules bundled load faster than the runtime's
// copy (`npm run bench` measures both), and the deployed code is the tested code. No
// source maps: Node's `--enable-source-maps` doubled cold init, and without it a map is
// dead weight; the bundle is not minified and keeps names, so stack traces read as is.
// Run by the Pulumi program before it plans the functions, and by `npm run bundle`.
import { build, type BuildOptions } from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
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

/** NODE_OPTIONS of every function (none: see above). */
export const lambdaNodeOptions: string = '';

export const bundleDirectory = (name: LambdaName, outRoot = join(root, 'dist', 'lambda')) => join(outRoot, name);

/** How an entry point becomes `<outdir>/index.mjs` plus chunks (the benchmark bundles its yardstick the same way). */
export function bundleOptions(entryPoint: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entryPoint],
    outdir,
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // ES module builds first (the AWS SDK's load in about half the time of its CommonJS ones).
    mainFields: ['module', 'main'],
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    // CommonJS dependencies inside an ESM bundle still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

export async function bundleLambdas(outRoot = join(root, 'dist', 'lambda')): Promise<Record<LambdaName, string>> {
  const names = Object.keys(lambdaEntryPoints) as LambdaName[];
  await Promise.all(
    names.map((name) => {
      const outdir = bundleDirectory(name, outRoot);
      rmSync(outdir, { recursive: true, force: true }); // no chunk of an earlier build ships
      return build(bundleOptions(join(root, lambdaEntryPoints[name]), outdir));
    }),
  );
  return Object.fromEntries(names.map((name) => [name, bundleDirectory(name, outRoot)])) as Record<LambdaName, string>;
}

/** Bytes of a bundle: its entry file and all of it (chunks included). */
export function bundleSize(directory: string): { entry: number; total: number; files: number } {
  const files = readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((file) => join(directory, file))
    .filter((file) => statSync(file).isFile());
  return {
    entry: statSync(join(directory, 'index.mjs')).size,
    total: files.reduce((sum, file) => sum + statSync(file).size, 0),
    files: files.length,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await bundleLambdas();
  for (const [name, dir] of Object.entries(built)) {
    const size = bundleSize(dir);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
    console.log(`${name}: ${dir}/index.mjs ${kb(size.entry)} (${size.files} files, ${kb(size.total)} in all)`);
  }
}
