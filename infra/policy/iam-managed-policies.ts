// IAM: no AWS managed policy that makes a principal an administrator or a power user is
// attached by this stack, however it is attached (role, user or group attachment, a
// shared PolicyAttachment, an exclusive attachment set, or a role's managedPolicyArns).
// The functions' roles have inline least-privilege policies; operators get
// adminInvokePolicyArn.
import * as aws from '@pulumi/aws';
import type { ResourceValidationArgs, ResourceValidationPolicy } from '@pulumi/policy';

/** AWS managed policies (arn:<partition>:iam::aws:policy/[path/]NAME) that grant admin-like power. */
const adminPolicyName =
  /^(AdministratorAccess(-.+)?|PowerUserAccess|IAMFullAccess|job-function\/SystemAdministrator|job-function\/NetworkAdministrator|job-function\/DatabaseAdministrator|[A-Za-z0-9_-]*FullAccess)$/;

const isAdminManagedPolicy = (arn: string): boolean => {
  const name = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
  return name !== undefined && adminPolicyName.test(name);
};

/** The managed policy ARNs a resource attaches, whatever resource type attaches them. */
function attachedPolicyArns(args: ResourceValidationArgs): string[] {
  const single =
    args.asType(aws.iam.RolePolicyAttachment) ??
    args.asType(aws.iam.UserPolicyAttachment) ??
    args.asType(aws.iam.GroupPolicyAttachment) ??
    args.asType(aws.iam.PolicyAttachment);
  if (single) return [single.policyArn];
  const exclusive =
    args.asType(aws.iam.RolePolicyAttachmentsExclusive) ??
    args.asType(aws.iam.UserPolicyAttachmentsExclusive) ??
    args.asType(aws.iam.GroupPolicyAttachmentsExclusive);
  if (exclusive) return exclusive.policyArns;
  return args.asType(aws.iam.Role)?.managedPolicyArns ?? [];
}

export const noAdminManagedPolicies: ResourceValidationPolicy = {
  name: 'no-admin-managed-policies',
  description:
    'No role, user or group may be attached AdministratorAccess, PowerUserAccess, IAMFullAccess, an admin job-function policy or any AWS "*FullAccess" policy.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    for (const arn of attachedPolicyArns(args).filter((a) => typeof a === 'string' && isAdminManagedPolicy(a))) {
      reportViolation(
        `${args.name} attaches ${arn}, which grants far more than this service needs; grant the actions in an inline policy.`,
      );
    }
  },
};
