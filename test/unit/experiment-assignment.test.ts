// Variant assignment as a decision table: the same user always lands in the same variant,
// and over 100 000 ids each variant gets its declared share to within 2%.
import { describe, expect, it } from 'vitest';
import { assignmentPoint, assignVariant, variantAt } from '../../functions/experiments/assignment.js';

const ids = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
const experiment = (salt: string, shares: number[]) => ({
  salt,
  variants: shares.map((share, i) => ({ name: `v${i}`, share })),
});

function observedShares(salt: string, shares: number[]): number[] {
  const counts = new Map<string, number>();
  const declared = experiment(salt, shares);
  for (const id of ids) {
    const { name } = assignVariant(declared, id);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return declared.variants.map((v) => (counts.get(v.name) ?? 0) / ids.length);
}

describe('variant assignment', () => {
  it.each([
    ['exp-1', [0.5, 0.5]],
    ['exp-1', [0.1, 0.9]],
    ['exp-1', [0.05, 0.95]],
    ['burst-test', [0.2, 0.3, 0.5]],
    ['burst-test', [1 / 3, 1 / 3, 1 / 3]],
    ['x', [0.25, 0.25, 0.25, 0.25]],
    ['x', [0.05, 0.95]],
  ])('with salt %s and shares %j, gives each variant its share to within 2% over 100 000 ids', (salt, shares) => {
    const observed = observedShares(salt, shares);
    shares.forEach((share, i) => {
      expect(Math.abs(observed[i]! / share - 1)).toBeLessThanOrEqual(0.02);
    });
  });

  it('puts the same user in the same variant every time, in any order of asking', () => {
    const declared = experiment('exp-1', [0.2, 0.3, 0.5]);
    const first = ids.slice(0, 5_000).map((id) => assignVariant(declared, id).name);
    const again = ids
      .slice(0, 5_000)
      .reverse()
      .map((id) => assignVariant(experiment('exp-1', [0.2, 0.3, 0.5]), id).name)
      .reverse();
    expect(again).toEqual(first);
  });

  it('is the same function in every container and release: pinned points', () => {
    // A changed hash would move users between variants of a running experiment at a deploy.
    expect(assignmentPoint('exp-1', 'alice')).toBe(0.7740603742751375);
    expect(assignmentPoint('exp-1', 'bob')).toBe(0.8082243067039521);
    expect(assignmentPoint('other-salt', 'alice')).toBe(0.7034144562820046);
  });

  it.each([
    [0, 'v0'],
    [0.1999, 'v0'],
    [0.2, 'v1'],
    [0.4999, 'v1'],
    [0.5, 'v2'],
    [0.9999, 'v2'],
    [1 - 1e-15, 'v2'],
  ])('lays the point %d over the shares [0.2, 0.3, 0.5] in %s', (point, expected) => {
    expect(variantAt(experiment('s', [0.2, 0.3, 0.5]).variants, point).name).toBe(expected);
  });

  it('splits users independently under another salt', () => {
    const [a, b] = [experiment('salt-a', [0.5, 0.5]), experiment('salt-b', [0.5, 0.5])];
    const moved = ids.filter((id) => assignVariant(a, id).name !== assignVariant(b, id).name).length / ids.length;
    expect(moved).toBeGreaterThan(0.48);
    expect(moved).toBeLessThan(0.52);
  });

  it('gives a point past the last sum (shares that add up to just under 1) to the last variant', () => {
    expect(variantAt(experiment('s', [0.1, 0.2, 0.7 - 1e-12]).variants, 1 - 1e-13).name).toBe('v2');
  });
});
