// The demo tool set: `think` (automatic, no side effects), `getMyUsage` (automatic,
// read-only: the caller's own balance and limits from the store) and `saveNote` (writes a
// record, so it runs only after the user confirms).
import { z } from 'zod';
import type { Account } from '../throttle/account.js';
import { defineTool, type ToolDefinition } from './tool-definition.js';
import type { DynamoNotesStore } from './dynamo-tool-stores.js';

export interface DemoToolDependencies {
  getAccount(userId: string): Promise<Account | undefined>;
  notes: Pick<DynamoNotesStore, 'save'>;
  clock: () => number;
}

export function demoTools(deps: DemoToolDependencies): ToolDefinition[] {
  return [
    defineTool({
      name: 'think',
      description: 'Write down a thought or plan before answering. Has no effect outside the conversation.',
      inputSchema: z.object({ thought: z.string().min(1).max(2_000) }),
      confirmation: 'automatic',
      execute: async ({ thought }) => ({ noted: true, length: thought.length }),
    }),
    defineTool({
      name: 'getMyUsage',
      description: "Read the caller's own credit balance, tier and open reservations.",
      inputSchema: z.object({}),
      confirmation: 'automatic',
      execute: async (_input, { userId }) => {
        const account = await deps.getAccount(userId);
        if (!account) return { found: false };
        return {
          found: true,
          tier: account.tier,
          balance: account.balance,
          available: account.available,
          openStreams: Object.keys(account.pending).length,
        };
      },
    }),
    defineTool({
      name: 'saveNote',
      description: 'Save a note for the user. Needs the user to confirm.',
      inputSchema: z.object({ text: z.string().min(1).max(5_000) }),
      confirmation: 'user',
      execute: async ({ text }, { userId, toolCallId }) => {
        const note = { noteId: toolCallId, text, createdAt: deps.clock() };
        await deps.notes.save(userId, note);
        return { saved: true, noteId: note.noteId };
      },
    }),
  ] as ToolDefinition[];
}
