// Bundles a page's script for the browser with esbuild, in memory, once (on first request):
// the playground and the dashboard are served this way, without a build step.
import { build } from 'esbuild';

async function bundleForBrowser(entryPoint: string): Promise<string> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

/** The script of one page, bundled on first use and kept. */
export function pageScript(entryPoint: string): () => Promise<string> {
  let script: Promise<string> | undefined;
  return () => {
    script ??= bundleForBrowser(entryPoint).catch((err: unknown) => {
      script = undefined; // a failed build is tried again on the next request
      throw err;
    });
    return script;
  };
}
