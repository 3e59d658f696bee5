// Loads the Pulumi program the way the Pulumi CLI does for an ESM TypeScript project
// (ts-node's ESM loader, type-checking on), with the engine mocked. Prints what it
// registered as JSON. Usage: node run-program-with-ts-node.mjs <stack> <secretsJson>
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';

const [stack, secretsJson = '{}'] = process.argv.slice(2);
register('ts-node/esm', pathToFileURL('./'));
const { config } = parse(readFileSync(`Pulumi.${stack}.yaml`, 'utf8'));
const flat = Object.fromEntries(
  Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
);
const secrets = Object.fromEntries(
  Object.entries(JSON.parse(secretsJson)).map(([k, v]) => [`streaming-ai-throttle:${k}`, v]),
);
pulumi.runtime.setAllConfig({ ...flat, ...secrets }, Object.keys(secrets));
const types = [];
await pulumi.runtime.setMocks(
  {
    newResource: (a) => {
      types.push(a.type);
      return { id: a.name, state: { ...a.inputs, arn: `arn:aws:mock:::${a.name}`, name: a.inputs.name ?? a.name } };
    },
    call: () => ({}),
  },
  'streaming-ai-throttle',
  stack,
  false,
);
const program = await import(pathToFileURL('./infra/index.ts').href);
await pulumi.runtime.disconnect();
console.log(JSON.stringify({ exports: Object.keys(program).sort(), resources: types.length }));
