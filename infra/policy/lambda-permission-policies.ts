// Lambda permissions: nothing lets anyone ("*") invoke a function, unless the grant is
// narrowed to a source (sourceArn, sourceAccount, principalOrgId) or to callers of an
// AWS_IAM Function URL; a grant that opens a Function URL to everyone is allowed only for
// the chat stream's URL, which is public by design (authorization NONE).
import * as aws from '@pulumi/aws';
import type { StackValidationPolicy } from '@pulumi/policy';
import { functionNamed, isStreamComponent, urlsOf } from './props.js';

export const noPublicLambdaPermission: StackValidationPolicy = {
  name: 'no-public-lambda-permission',
  description:
    'A Lambda permission for principal "*" must be narrowed (sourceArn, sourceAccount, principalOrgId or functionUrlAuthType AWS_IAM); only the chat stream\'s public URL may be opened to everyone.',
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => {
    for (const resource of args.resources) {
      const permission = resource.asType(aws.lambda.Permission);
      if (permission?.principal !== '*') continue;
      if (permission.sourceArn || permission.sourceAccount || permission.principalOrgId) continue;
      if (permission.functionUrlAuthType === 'AWS_IAM') continue; // callers still sign with IAM
      const fn = functionNamed(args.resources, permission.function);
      const target = fn ? `function ${fn.name}` : `${permission.function}`;
      if (permission.functionUrlAuthType === 'NONE' || permission.invokedViaFunctionUrl) {
        const publicStreamUrl =
          fn !== undefined &&
          isStreamComponent(fn.props.tags) &&
          urlsOf(args.resources, fn).some((url) => url.props.authorizationType === 'NONE');
        if (!publicStreamUrl)
          reportViolation(
            `Permission ${resource.name} opens the Function URL of ${target} to everyone; only the chat stream's URL (authorization NONE) may be public.`,
            resource.urn,
          );
      } else {
        reportViolation(
          `Permission ${resource.name} lets anyone invoke ${target}; narrow it with sourceArn, sourceAccount or principalOrgId.`,
          resource.urn,
        );
      }
    }
  },
};
