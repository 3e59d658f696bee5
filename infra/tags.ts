// Tags every taggable resource carries; `environment` is also how the policy pack knows
// a production stack.
import * as pulumi from '@pulumi/pulumi';
import { projectName, type StackConfig } from './config.js';

export function tagsFor(settings: StackConfig, component: string): Record<string, string> {
  return { project: projectName, stack: pulumi.getStack(), environment: settings.environment, component };
}
