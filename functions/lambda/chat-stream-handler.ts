// Lambda entry point of the chat stream: the bundle's `handler` export.
import { buildChatStreamHandler } from './build-chat-stream.js';
import { loadConfig } from '../config.js';
import { withSecrets } from '../secrets.js';
import { chatStreamLambda } from './chat-stream-lambda.js';

export const handler = chatStreamLambda(async () => buildChatStreamHandler(loadConfig(await withSecrets())));
