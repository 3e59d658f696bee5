// Structured JSON logs (AWS Lambda Powertools). Callers log facts about sessions, never
// prompt text or secrets. One logger per service (and level) in a process, so the Lambda
// adapter can inject each invocation's context into the logger the service code uses.
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

export type ServiceLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

const loggers = new Map<string, Logger>();

export function createLogger(serviceName: string, logLevel = process.env.LOG_LEVEL ?? 'INFO'): ServiceLogger {
  const key = `${serviceName}:${logLevel}`;
  let logger = loggers.get(key);
  if (!logger) {
    logger = new Logger({ serviceName, logLevel: logLevel as 'INFO' });
    loggers.set(key, logger);
  }
  return logger;
}

/**
 * Powertools' context injection, by hand (the handlers are not middy-wrapped): every log line
 * the service writes from now on carries this invocation's `function_request_id`, cold start,
 * function name, version and memory. A container runs one invocation at a time, so the
 * context is the current one's until the next invocation replaces it.
 */
export function injectLambdaContext(serviceName: string, context: Context): void {
  for (const [key, logger] of loggers) {
    if (key.startsWith(`${serviceName}:`)) logger.addContext(context);
  }
}
