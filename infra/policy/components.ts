// The `component` tag values the program puts on its resources (infra/tags.ts) and by
// which the policies recognise them: by type and tag, never by a resource name.
export const components = {
  /** The chat stream function (and its role, log group, secret): the one public Function URL. */
  stream: 'chat-stream',
  /** The admin API function: IAM-only Function URL. */
  admin: 'admin-api',
  sweeper: 'sweeper',
} as const;
