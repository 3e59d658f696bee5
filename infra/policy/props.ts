// Small readers for resources as policies see them: tags, the function a Function URL or
// permission belongs to, and the statements of IAM policy documents.
import * as aws from '@pulumi/aws';
import type { PolicyResource, ResourceValidationArgs } from '@pulumi/policy';
import { components } from './components.js';

type Tags = Record<string, string> | undefined;

/** Whether a resource belongs to a production stack (every taggable resource carries `environment`). */
export const isProdTagged = (props: { tags?: Tags }): boolean => props.tags?.environment === 'prod';

/** The program's `component` tag (infra/tags.ts): which part of the service a resource is. */
export const componentOf = (tags: Tags): string | undefined => tags?.component;

export const isStreamComponent = (tags: Tags): boolean => componentOf(tags) === components.stream;

/**
 * The Lambda function of this stack that a `functionName` (Function URL) or `function`
 * (permission) names, by name or ARN. Function URLs carry no tags of their own, so this is
 * how a policy learns whose URL it is: from the tags of the function it points at.
 */
export function functionNamed(resources: PolicyResource[], reference: unknown): PolicyResource | undefined {
  if (typeof reference !== 'string' || !reference) return undefined;
  // An ARN may end in a version or alias qualifier (arn:aws:lambda:region:account:function:name[:qualifier]).
  const unqualified = reference.startsWith('arn:') ? reference.split(':').slice(0, 7).join(':') : reference;
  return resources.find(
    (r) =>
      r.isType(aws.lambda.Function) &&
      (r.props.name === unqualified || (unqualified.startsWith('arn:') && r.props.arn === unqualified)),
  );
}

/** The Function URLs of this stack that belong to a function. */
export const urlsOf = (resources: PolicyResource[], fn: PolicyResource): PolicyResource[] =>
  resources.filter((r) => r.isType(aws.lambda.FunctionUrl) && functionNamed(resources, r.props.functionName) === fn);

interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
}

export interface Statement {
  effect: string;
  actions: string[];
  /** Set when the statement grants everything except these (NotAction). */
  notActions?: string[];
  resources: string[];
  /** Set when the statement applies to everything except these (NotResource). */
  notResources?: string[];
  condition?: Record<string, unknown>;
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Statements of an IAM policy document given as JSON text or an object. */
export function statementsOf(document: unknown): Statement[] {
  const parsed =
    typeof document === 'string'
      ? (JSON.parse(document) as { Statement?: PolicyStatement | PolicyStatement[] })
      : (document as { Statement?: PolicyStatement | PolicyStatement[] } | undefined);
  const statements =
    parsed?.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return statements.map((s) => ({
    effect: s.Effect ?? 'Allow',
    actions: asList(s.Action),
    ...(s.NotAction === undefined ? {} : { notActions: asList(s.NotAction) }),
    resources: asList(s.Resource),
    ...(s.NotResource === undefined ? {} : { notResources: asList(s.NotResource) }),
    ...(s.Condition === undefined ? {} : { condition: s.Condition }),
  }));
}

/** The identity policy documents a resource carries: a managed policy's, an inline role,
 * user or group policy's, or a role's inlinePolicies; none for other types. */
export function identityPolicyDocuments(resource: Pick<ResourceValidationArgs, 'asType'>): unknown[] {
  const role = resource.asType(aws.iam.Role);
  if (role) return (role.inlinePolicies ?? []).map((inline) => inline.policy).filter(Boolean);
  const policy =
    resource.asType(aws.iam.Policy) ??
    resource.asType(aws.iam.RolePolicy) ??
    resource.asType(aws.iam.UserPolicy) ??
    resource.asType(aws.iam.GroupPolicy);
  return policy?.policy ? [policy.policy] : [];
}
