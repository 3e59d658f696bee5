// Runs a confirmed tool call at most once per toolCallId, however often the client replays
// its confirmation: the first run records its output, later ones return it.
export type ToolRunOutcome = { state: 'ran' | 'replayed'; output: unknown } | { state: 'in_progress' };

export interface ToolRunStore {
  /** Claims the call; false when it was claimed before. */
  claim(userId: string, toolCallId: string, toolName: string, now: number): Promise<boolean>;
  complete(userId: string, toolCallId: string, output: unknown, now: number): Promise<void>;
  /** The recorded output, or 'in_progress' when the call was claimed but never completed. */
  outputOf(userId: string, toolCallId: string): Promise<{ output: unknown } | 'in_progress' | undefined>;
}

export async function runOnce(
  store: ToolRunStore,
  userId: string,
  toolCallId: string,
  toolName: string,
  run: () => Promise<unknown>,
  now: () => number,
): Promise<ToolRunOutcome> {
  if (await store.claim(userId, toolCallId, toolName, now())) {
    const output = await run();
    await store.complete(userId, toolCallId, output, now());
    return { state: 'ran', output };
  }
  const recorded = await store.outputOf(userId, toolCallId);
  return recorded && recorded !== 'in_progress'
    ? { state: 'replayed', output: recorded.output }
    : { state: 'in_progress' };
}
