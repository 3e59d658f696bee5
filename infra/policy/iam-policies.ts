// IAM: no policy may grant every action, or DynamoDB actions on every resource.
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { identityPolicyDocuments, statementsOf } from './props.js';

export const dynamoLeastPrivilege: ResourceValidationPolicy = {
  name: 'dynamodb-least-privilege',
  description: 'No IAM policy may grant "*" actions, "dynamodb:*", or DynamoDB actions on "*" resources.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    for (const document of identityPolicyDocuments(args)) {
      for (const statement of statementsOf(document)) {
        if (statement.effect !== 'Allow') continue;
        if (statement.actions.some((a) => a === '*' || a.toLowerCase() === 'dynamodb:*')) {
          reportViolation(`${args.name} grants ${statement.actions.join(', ')}; name the actions it needs.`);
        } else if (
          statement.actions.some((a) => a.toLowerCase().startsWith('dynamodb:')) &&
          statement.resources.some((r) => r === '*' || r.endsWith(':table/*'))
        ) {
          reportViolation(
            `${args.name} grants DynamoDB actions on ${statement.resources.join(', ')}; name the tables.`,
          );
        }
      }
    }
  },
};
