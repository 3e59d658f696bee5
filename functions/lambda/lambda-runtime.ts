// The Lambda Node runtime's global `awslambda` (response streaming). In AWS the runtime
// provides it; locally the Function URL emulator installs a compatible one.
import type { Writable } from 'node:stream';

export interface HttpResponseMetadata {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

export interface AwsLambdaGlobal {
  streamifyResponse<T extends (...args: never[]) => unknown>(handler: T): T;
  HttpResponseStream: {
    from(stream: Writable, metadata: HttpResponseMetadata): Writable;
  };
}

export function lambdaRuntime(): AwsLambdaGlobal {
  const runtime = (globalThis as unknown as { awslambda?: AwsLambdaGlobal }).awslambda;
  if (!runtime?.HttpResponseStream) {
    throw new Error(
      'awslambda.HttpResponseStream is missing: run in AWS Lambda or under the local Function URL emulator',
    );
  }
  return runtime;
}
