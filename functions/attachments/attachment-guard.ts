// The chat stream's only way to a file behind a URL. `check` runs before authentication
// (no network); `inline` fetches the allowed URLs after authentication and before
// admission, so every refusal is a 4xx and nothing is reserved for it, and hands on a
// conversation that carries the bytes as data URLs: no URL is left for the AI SDK or a
// provider to fetch. `download` is given to streamText for what remains (tool outputs,
// generated files), so the SDK never fetches on its own either.
import { DownloadError, type Experimental_DownloadFunction, type UIMessage } from 'ai';
import type { ChatMessages } from '../chat/chat-request.js';
import { AttachmentFetchError, guardedFetch, type Resolver } from './guarded-fetch.js';
import { isUrlPart, surveyAttachments, type AttachmentSettings } from './attachment-survey.js';
import {
  attachmentFetchFailed,
  attachmentTooLarge,
  attachmentUrlNotAllowed,
  attachmentsTooLarge,
} from './attachment-errors.js';

export interface AttachmentGuard {
  /** Sizes, schemes and hosts of the attachments; throws a 4xx. No network. */
  check(conversation: ChatMessages): void;
  /** Fetches URL attachments through the guard; the same conversation with them as data URLs. */
  inline(conversation: ChatMessages, signal: AbortSignal): Promise<ChatMessages>;
  /** streamText's `experimental_download`: every URL through the guard, never passed on as a URL. */
  download: Experimental_DownloadFunction;
}

const safeMediaType = (mediaType: string) =>
  /^[\w.+-]+(\/[\w.+-]+)?$/.test(mediaType) ? mediaType : 'application/octet-stream';

export function createAttachmentGuard(settings: AttachmentSettings, resolve?: Resolver): AttachmentGuard {
  const fetchOptions = { allowlist: settings.allowlist, timeoutMs: settings.fetchTimeoutMs, resolve };

  async function fetchAll(urls: URL[], budget: number, signal: AbortSignal): Promise<Map<string, string>> {
    const base64ByUrl = new Map<string, string>();
    for (const url of urls) {
      const limit = Math.min(settings.maxBytes, budget);
      if (limit <= 0) throw attachmentsTooLarge(settings.maxTotalBytes);
      try {
        const { data } = await guardedFetch(url, { ...fetchOptions, maxBytes: limit, signal });
        budget -= data.length;
        base64ByUrl.set(url.href, data.toString('base64'));
      } catch (err) {
        if (!(err instanceof AttachmentFetchError)) throw err;
        if (err.reason === 'not_allowed') throw attachmentUrlNotAllowed(err.message);
        if (err.reason === 'failed') throw attachmentFetchFailed(err.message);
        throw limit < settings.maxBytes ? attachmentsTooLarge(settings.maxTotalBytes) : attachmentTooLarge(limit);
      }
    }
    return base64ByUrl;
  }

  return {
    check: (conversation) => void surveyAttachments(conversation, settings),

    async inline(conversation, signal) {
      const survey = surveyAttachments(conversation, settings);
      if (conversation.kind === 'legacy' || survey.urls.length === 0) return conversation;
      const fetched = await fetchAll(survey.urls, settings.maxTotalBytes - survey.inlineBytes, signal);
      const inlinePart = (part: UIMessage['parts'][number]) => {
        if (!isUrlPart(part) || /^data:/i.test(part.url)) return part;
        const base64 = fetched.get(URL.parse(part.url)?.href ?? '');
        return base64 === undefined ? part : { ...part, url: `data:${safeMediaType(part.mediaType)};base64,${base64}` };
      };
      return {
        kind: 'ui',
        messages: conversation.messages.map((message) => ({ ...message, parts: message.parts.map(inlinePart) })),
      };
    },

    async download(requests) {
      const results = [];
      for (const { url, abortSignal } of requests) {
        try {
          const { data, mediaType } = await guardedFetch(url, {
            ...fetchOptions,
            maxBytes: settings.maxBytes,
            signal: abortSignal,
          });
          results.push({ data, mediaType });
        } catch (err) {
          throw new DownloadError({ url: url.href, message: (err as Error).message, cause: err });
        }
      }
      return results;
    },
  };
}
