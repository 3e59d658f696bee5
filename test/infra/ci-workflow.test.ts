// The CI workflow runs the policy pack for real (`pulumi preview --policy-pack
// infra/policy`) on every stack this repository defines, and keeps the offline check.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
interface Step {
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Job {
  needs?: string;
  strategy?: { matrix: { stack: string[] } };
  env?: Record<string, string>;
  steps: Step[];
}
const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'policy.yml'), 'utf8')) as {
  jobs: Record<string, Job>;
};
const stacks = readdirSync(root)
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => Boolean(stack))
  .sort();

describe('policy CI workflow', () => {
  it('previews every stack with the policy pack, after the offline check', () => {
    const preview = workflow.jobs.preview!;
    expect(stacks).toEqual(['dev', 'prod']);
    expect([...preview.strategy!.matrix.stack].sort()).toEqual(stacks);
    const command = preview.steps.map((s) => s.run ?? '').find((run) => run.startsWith('pulumi preview'));
    expect(command).toMatch(/--stack "\$STACK"/);
    expect(command).toMatch(/--policy-pack infra\/policy(\s|$)/);
    expect(preview.steps.some((s) => s.uses?.startsWith('pulumi/actions@'))).toBe(true);
    expect(preview.steps.some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
    expect(preview.env).toMatchObject({ PULUMI_ACCESS_TOKEN: '${{ secrets.PULUMI_ACCESS_TOKEN }}' });
    expect(preview.needs).toBe('offline');
  });

  it('keeps the offline policy check under engine mocks', () => {
    expect(workflow.jobs.offline!.steps.map((s) => s.run)).toContain('npm run check:infra');
  });
});
