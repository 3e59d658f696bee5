// Runs the real Pulumi program with the engine mocked (pulumi.runtime.setMocks), using a
// stack's Pulumi.<stack>.yaml as its configuration, and records every resource it
// registers with its inputs. One stack per test file: the Pulumi runtime is per process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';

const projectName = 'streaming-ai-throttle';
const root = join(import.meta.dirname, '..', '..');

export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  state: Record<string, any>;
  /** Top-level inputs the program marked secret (encrypted in state by the engine). */
  secretInputs: string[];
}

export interface ProgramRun {
  resources: RegisteredResource[];
  outputs: Record<string, unknown>;
  ofType(type: string): RegisteredResource[];
  named(name: string): RegisteredResource;
}

const isSecretValue = (value: any): boolean =>
  Boolean(value) && value['4dabf18193072939515e22adb298388d'] === '1b47061264138c4ac30d75fd1eb44270';

/** Pulumi marks secret values in serialized inputs; policies and assertions see plain values. */
function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === 'object') {
    if (isSecretValue(value)) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function stackConfig(stack: string): Record<string, string> {
  const document = parse(readFileSync(join(root, `Pulumi.${stack}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(document.config).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

/** What the mocked random provider generates for a RandomPassword of this name. */
export const generatedPassword = (name: string) => `generated-${name}-4f1c9e0a7b2d4c6e8f`;

function computedState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  region: string,
): Record<string, unknown> {
  const physical = inputs.name ?? `${name}-0a1b2c3`;
  const arnOf = (service: string, kind: string) => `arn:aws:${service}:${region}:123456789012:${kind}${physical}`;
  switch (type) {
    case 'aws:dynamodb/table:Table':
      return { name: physical, arn: arnOf('dynamodb', 'table/') };
    case 'aws:lambda/function:Function':
      return { name: physical, arn: arnOf('lambda', 'function:') };
    case 'aws:lambda/functionUrl:FunctionUrl':
      return { functionUrl: `https://${name}-mock.lambda-url.${region}.on.aws/` };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { name: physical, arn: arnOf('logs', 'log-group:') };
    case 'aws:secretsmanager/secret:Secret':
      return { arn: arnOf('secretsmanager', 'secret:') };
    case 'random:index/randomPassword:RandomPassword':
      return { result: generatedPassword(name) };
    default:
      return { name: physical, arn: arnOf('mock', `${type.split(':').pop()!.toLowerCase()}/`) };
  }
}

/**
 * Runs the program for a stack. `secrets` are set as secret config values; `overrides`
 * replace (whole) keys of the stack's Pulumi.<stack>.yaml, for variants of a stack.
 */
export async function runProgram(
  stack: string,
  secrets: Record<string, string> = {},
  overrides: Record<string, unknown> = {},
): Promise<ProgramRun> {
  const config = {
    ...stackConfig(stack),
    ...Object.fromEntries(Object.entries(overrides).map(([k, v]) => [`${projectName}:${k}`, JSON.stringify(v)])),
    ...Object.fromEntries(Object.entries(secrets).map(([k, v]) => [`${projectName}:${k}`, v])),
  };
  pulumi.runtime.setAllConfig(
    config,
    Object.keys(secrets).map((k) => `${projectName}:${k}`),
  );
  const region = config['aws:region'] ?? 'us-east-1';
  const resources: RegisteredResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = unwrapSecrets(args.inputs) as Record<string, any>;
        const state = { ...inputs, ...computedState(args.type, args.name, inputs, region) };
        const secretInputs = Object.keys(args.inputs).filter((key) => isSecretValue(args.inputs[key]));
        resources.push({ type: args.type, name: args.name, inputs, state, secretInputs });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => (args.token === 'aws:index/getRegion:getRegion' ? { region, name: region, id: region } : {}),
    },
    projectName,
    stack,
    false,
  );
  const program = (await import('../../infra/index.js')) as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = await resolve(value);
  }
  await pulumi.runtime.disconnect(); // waits for every outstanding registration
  return {
    resources,
    outputs,
    ofType: (type) => resources.filter((r) => r.type === type),
    named: (name) => {
      const found = resources.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(', ')}`);
      return found;
    },
  };
}

async function resolve(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value))
    return new Promise((done) =>
      value.apply((v) => {
        done(v);
        return v;
      }),
    );
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolve(v)])));
  }
  return value;
}
