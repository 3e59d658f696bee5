// How a deployment declares a tool: its input schema, whether it runs on its own or only
// after the user confirms, and what it does. The handler never changes for a new tool.
import type { z } from 'zod';

type Confirmation = 'automatic' | 'user';

/** What a tool may know and use about the request it runs in. */
export interface ToolContext {
  userId: string;
  sessionId: string;
  toolCallId: string;
}

export interface ToolDefinition<INPUT = unknown, OUTPUT = unknown> {
  name: string;
  description: string;
  inputSchema: z.ZodType<INPUT>;
  confirmation: Confirmation;
  execute(input: INPUT, context: ToolContext): Promise<OUTPUT>;
}

export function defineTool<INPUT, OUTPUT>(definition: ToolDefinition<INPUT, OUTPUT>): ToolDefinition<INPUT, OUTPUT> {
  return definition;
}
