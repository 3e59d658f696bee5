// Money on screen: micro-units (integers) as credits, e.g. dollars. Shared by the pages.
export const credits = (micro: number): string => (micro / 1_000_000).toFixed(micro % 10_000 === 0 ? 2 : 6);
