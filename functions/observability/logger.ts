// Structured JSON logs (AWS Lambda Powertools). Callers log facts about sessions, never
// prompt text or secrets.
import { Logger } from '@aws-lambda-powertools/logger';

export type ServiceLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

export function createLogger(serviceName: string, logLevel = process.env.LOG_LEVEL ?? 'INFO'): ServiceLogger {
  return new Logger({ serviceName, logLevel: logLevel as 'INFO' });
}
