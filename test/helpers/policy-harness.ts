// Runs the pack's real policies on resources (inputs as the program registers them) and
// collects what they report. Constructing the PolicyPack itself would start its gRPC
// server, so the policies are used directly, with the arguments the policy server gives
// them: isType/asType by the resource class's Pulumi type, notApplicable that throws.
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { resourcePolicies, stackPolicies } from '../../infra/policy/policies.js';

export interface ResourceUnderTest {
  type: string;
  name: string;
  props: Record<string, any>;
}

const urnOf = (r: ResourceUnderTest) => `urn:pulumi:test::streaming-ai-throttle::${r.type}::${r.name}`;

class NotApplicable extends Error {}

const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;

function policyResource(r: ResourceUnderTest): PolicyResource {
  const isType = (resourceClass: unknown) => typeOf(resourceClass) === r.type;
  return {
    type: r.type,
    name: r.name,
    props: r.props,
    urn: urnOf(r),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    dependencies: [],
    propertyDependencies: {},
    isType,
    asType: (resourceClass: unknown) => (isType(resourceClass) ? r.props : undefined),
  } as unknown as PolicyResource;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

export async function resourceViolations(
  policy: ResourceValidationPolicy,
  resource: ResourceUnderTest,
): Promise<string[]> {
  const violations: string[] = [];
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validate of validations) {
    try {
      await validate(
        { ...policyResource(resource), stackTags: new Map(), getConfig: () => ({}), notApplicable } as never,
        (message) => violations.push(message),
      );
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}

export async function stackViolations(
  policy: StackValidationPolicy,
  resources: ResourceUnderTest[],
): Promise<string[]> {
  const violations: string[] = [];
  try {
    await policy.validateStack(
      { resources: resources.map(policyResource), stackTags: new Map(), getConfig: () => ({}), notApplicable } as never,
      (message) => violations.push(message),
    );
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
  return violations;
}

/** Every policy of the pack over every resource: `policy: message` lines. */
export async function allViolations(resources: ResourceUnderTest[]): Promise<string[]> {
  const found: string[] = [];
  for (const policy of resourcePolicies) {
    for (const resource of resources)
      found.push(...(await resourceViolations(policy, resource)).map((m) => `${policy.name}: ${m}`));
  }
  for (const policy of stackPolicies)
    found.push(...(await stackViolations(policy, resources)).map((m) => `${policy.name}: ${m}`));
  return found;
}
