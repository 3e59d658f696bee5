// Function URLs: the chat stream streams, nothing else is public, and production CORS
// names its origins.
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { isAdminResource, isProdTagged, isStreamResource, resourceTypes } from './props.js';

export const streamUrlStreams: ResourceValidationPolicy = {
  name: 'stream-url-response-stream',
  description: 'The chat stream Function URL must use invokeMode RESPONSE_STREAM.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== resourceTypes.functionUrl || !isStreamResource(args.name)) return;
    if (args.props.invokeMode !== 'RESPONSE_STREAM') {
      reportViolation(
        `Function URL ${args.name} serves the chat stream but its invokeMode is ${args.props.invokeMode ?? 'BUFFERED'}; set RESPONSE_STREAM or answers arrive all at once.`,
      );
    }
  },
};

export const onlyStreamIsPublic: ResourceValidationPolicy = {
  name: 'no-public-admin-url',
  description: 'Only the chat stream Function URL may have authorizationType NONE; the admin API must use AWS_IAM.',
  enforcementLevel: 'mandatory',
  validateResource: (args, reportViolation) => {
    if (args.type !== resourceTypes.functionUrl) return;
    if (isAdminResource(args.name) && args.props.authorizationType !== 'AWS_IAM') {
      reportViolation(
        `Function URL ${args.name} belongs to the admin API and must use AWS_IAM authorization, not ${args.props.authorizationType}.`,
      );
    } else if (args.props.authorizationType === 'NONE' && !isStreamResource(args.name)) {
      reportViolation(
        `Function URL ${args.name} is public (authorizationType NONE); only the chat stream may be, use AWS_IAM.`,
      );
    }
  },
};

export const prodCorsRestricted: StackValidationPolicy = {
  name: 'prod-cors-restricted',
  description: 'In production, Function URL CORS must list origins, not "*".',
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => {
    if (!args.resources.some((r) => isProdTagged(r.props))) return;
    for (const url of args.resources.filter((r) => r.type === resourceTypes.functionUrl)) {
      const origins: string[] = url.props.cors?.allowOrigins ?? [];
      if (origins.includes('*'))
        reportViolation(
          `Function URL ${url.name} allows CORS from "*" in a production stack; list the product's origins.`,
          url.urn,
        );
    }
  },
};
