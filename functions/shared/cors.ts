// What a browser may send to and read from the chat stream's Function URL: the Pulumi
// program configures the URL's CORS with these lists and the local emulator answers with them.
export const streamCors = {
  allowMethods: ['POST'],
  allowHeaders: ['authorization', 'content-type'],
  exposeHeaders: [
    'retry-after',
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'x-vercel-ai-data-stream',
    'x-vercel-ai-ui-message-stream',
  ],
  maxAgeSeconds: 600,
} as const;
