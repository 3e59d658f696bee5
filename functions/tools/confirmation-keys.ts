// Keys that bind a tool confirmation to the user and the chat it was asked in. The AI SDK
// signs an approval over (approval id, tool call id, tool name, input) only, nothing about
// who may answer it; signing with a key derived per user and chat makes a signature made
// for another user, or in another chat, fail verification.
import { createHmac } from 'node:crypto';
import { ConfigError } from '../config.js';

/** Who answers a confirmation, and where: the chat is the request body's `id` (both useChat generations send it). */
export interface ConfirmationScope {
  userId: string;
  chatId: string;
}

export class ConfirmationKeys {
  private constructor(private readonly secret: string) {}

  /** Tools that need confirmation must not run without signed confirmations: refuse to start. */
  static fromSecret(secret: string | undefined): ConfirmationKeys {
    if (!secret)
      throw new ConfigError(
        'TOOL_APPROVAL_SECRET is required while tools are enabled (it signs tool confirmations); set it, or TOOLS_ENABLED=false',
      );
    return new ConfirmationKeys(secret);
  }

  /** The `experimental_toolApprovalSecret` of one request (UI message stream approvals). */
  approvalSecret(scope: ConfirmationScope): Buffer {
    return this.derive('ui-approval-v1', scope);
  }

  /** The key of the MAC in tool call ids streamed to AI SDK 4 clients (see signed-call-id.ts). */
  callKey(scope: ConfirmationScope): Buffer {
    return this.derive('data-call-v1', scope);
  }

  // A JSON array keeps the parts apart: ("a", "bc") and ("ab", "c") derive different keys.
  private derive(purpose: string, { userId, chatId }: ConfirmationScope): Buffer {
    return createHmac('sha256', this.secret)
      .update(JSON.stringify([purpose, userId, chatId]))
      .digest();
  }
}
