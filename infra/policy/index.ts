// The policy pack: `pulumi preview --policy-pack infra/policy` runs it against a stack.
import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies.js';

new PolicyPack('streaming-ai-policies', { policies });
