// IAM: nothing is allowed on every resource ("*" or NotResource) except the few actions
// AWS accepts on no narrower resource; and never every action, every action of a service,
// or everything-but (NotAction) there. Checked in managed policies, inline role, user and
// group policies, and a role's inlinePolicies.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { identityPolicyDocuments, type Statement, statementsOf } from './props.js';

/**
 * The exception, kept narrow: X-Ray's trace upload actions (active tracing on every
 * function) accept no resource but "*". Add an action here only if AWS documents it as
 * resource-less, and say why.
 */
const actionsWithoutResourceScope = ['xray:puttracesegments', 'xray:puttelemetryrecords'];

const isWildcardAction = (action: string) => action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
const onEveryResource = (s: Statement) => s.resources.includes('*') || s.notResources !== undefined;

function wildcardProblem(s: Statement): string | undefined {
  if (s.effect !== 'Allow' || !onEveryResource(s)) return undefined;
  if (s.notActions) return `allows every action but ${s.notActions.join(', ')} (NotAction) on every resource`;
  const wildcards = s.actions.filter(isWildcardAction);
  if (wildcards.length) return `allows ${wildcards.join(', ')} on every resource`;
  const scoped = s.actions.filter((a) => !actionsWithoutResourceScope.includes(a.toLowerCase()));
  if (scoped.length)
    return `allows ${scoped.join(', ')} on every resource; name the resources (only X-Ray's PutTraceSegments and PutTelemetryRecords may use "*")`;
  return undefined;
}

export const noWildcardIam: ResourceValidationPolicy = {
  name: 'no-wildcard-iam',
  description:
    'IAM policies may not Allow "*", "service:*" or NotAction on every resource, nor any action on "*" but the X-Ray trace upload actions.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    for (const document of identityPolicyDocuments(args)) {
      for (const statement of statementsOf(document)) {
        const problem = wildcardProblem(statement);
        if (problem) reportViolation(`${args.name} ${problem}.`);
      }
    }
  },
};
