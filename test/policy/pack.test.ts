// The pack as a whole: every policy named once, described, and mandatory.
import { describe, expect, it } from 'vitest';
import { policies } from '../../infra/policy/policies.js';

describe('policy pack', () => {
  it('has a unique name, a description and mandatory enforcement for every policy', () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    for (const policy of policies) {
      expect(policy.description).toBeTruthy();
      expect(policy.enforcementLevel).toBe('mandatory');
    }
  });
});
