// Function URLs: the chat stream's streams, no other is public, and production CORS names
// its origins. URLs have no tags, so a URL is known by the tagged function it points at
// (its functionName, see props.ts `functionNamed`), never by its resource name.
import * as aws from '@pulumi/aws';
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { functionNamed, isProdTagged, isStreamComponent } from './props.js';

/** Each Function URL of the stack with its typed properties and the function it serves. */
function functionUrls(resources: PolicyResource[]) {
  return resources.flatMap((resource) => {
    const url = resource.asType(aws.lambda.FunctionUrl);
    return url ? [{ resource, url, fn: functionNamed(resources, url.functionName) }] : [];
  });
}

export const streamUrlStreams: StackValidationPolicy = {
  name: 'stream-url-response-stream',
  description: 'The chat stream Function URL must use invokeMode RESPONSE_STREAM.',
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => {
    for (const { resource, url, fn } of functionUrls(args.resources)) {
      if (!isStreamComponent(fn?.props.tags) || url.invokeMode === 'RESPONSE_STREAM') continue;
      reportViolation(
        `Function URL ${resource.name} serves the chat stream but its invokeMode is ${url.invokeMode ?? 'BUFFERED'}; set RESPONSE_STREAM or answers arrive all at once.`,
        resource.urn,
      );
    }
  },
};

export const onlyStreamUrlIsPublic: StackValidationPolicy = {
  name: 'only-stream-url-public',
  description:
    "Only the chat stream's Function URL (its function tagged component=chat-stream) may have authorizationType NONE; every other URL, the admin API's included, uses AWS_IAM.",
  enforcementLevel: 'mandatory',
  validateStack: (args, reportViolation) => {
    for (const { resource, url, fn } of functionUrls(args.resources)) {
      if (url.authorizationType !== 'NONE' || isStreamComponent(fn?.props.tags)) continue;
      const whose = fn
        ? `function ${fn.name} (component ${fn.props.tags?.component ?? 'untagged'})`
        : 'no function of this stack';
      reportViolation(
        `Function URL ${resource.name} is public (authorizationType NONE) but serves ${whose}; only the chat stream may be public, use AWS_IAM.`,
        resource.urn,
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
    for (const { resource, url } of functionUrls(args.resources)) {
      if (url.cors?.allowOrigins?.includes('*'))
        reportViolation(
          `Function URL ${resource.name} allows CORS from "*" in a production stack; list the product's origins.`,
          resource.urn,
        );
    }
  },
};
