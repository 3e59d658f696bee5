// What a request attaches, checked without touching the network: inline files (data
// URLs) against the per-file and total caps, URL files against the allowlist and the
// count cap, and no references to files stored at the provider. Runs before the caller
// is authenticated, like the body size cap.
import type { FileUIPart, ReasoningFileUIPart, UIMessage } from 'ai';
import type { ChatMessages } from '../chat/chat-request.js';
import { AttachmentFetchError, assertAllowed } from './guarded-fetch.js';
import type { UrlAllowlist } from './url-allowlist.js';
import {
  attachmentReferenceNotAllowed,
  attachmentTooLarge,
  attachmentUrlNotAllowed,
  attachmentsTooLarge,
  tooManyAttachmentUrls,
} from './attachment-errors.js';

export interface AttachmentSettings {
  /** Hosts URL attachments may be fetched from; empty: none. */
  allowlist: UrlAllowlist;
  /** Largest single attachment, inline or fetched. */
  maxBytes: number;
  /** Largest sum of all attachments of one request, inline and fetched. */
  maxTotalBytes: number;
  /** Most distinct attachment URLs one request may make the service fetch. */
  maxUrls: number;
  fetchTimeoutMs: number;
}

export type UrlPart = FileUIPart | ReasoningFileUIPart;

export interface AttachmentSurvey {
  inlineBytes: number;
  /** Distinct remote URLs, each already allowed by scheme and host. */
  urls: URL[];
}

export const isUrlPart = (part: UIMessage['parts'][number]): part is UrlPart =>
  part.type === 'file' || part.type === 'reasoning-file';

const isDataUrl = (url: string) => /^data:/i.test(url);

/** Decoded size of a data URL's payload (base64: three bytes per four characters). */
function dataUrlBytes(url: string): number {
  const comma = url.indexOf(',');
  if (comma < 0) return url.length;
  const payloadLength = url.length - comma - 1;
  if (!/;base64$/i.test(url.slice(0, comma))) return payloadLength;
  const padding = url.endsWith('==') ? 2 : url.endsWith('=') ? 1 : 0;
  return Math.floor((payloadLength * 3) / 4) - padding;
}

export function surveyAttachments(conversation: ChatMessages, settings: AttachmentSettings): AttachmentSurvey {
  const survey: AttachmentSurvey = { inlineBytes: 0, urls: [] };
  if (conversation.kind === 'legacy') return survey; // AI SDK 4 attachments are never sent to the model
  const seen = new Set<string>();
  for (const part of conversation.messages.flatMap((m) => m.parts).filter(isUrlPart)) {
    if ('providerReference' in part && part.providerReference !== undefined) throw attachmentReferenceNotAllowed();
    if (isDataUrl(part.url)) {
      const size = dataUrlBytes(part.url);
      if (size > settings.maxBytes) throw attachmentTooLarge(settings.maxBytes);
      survey.inlineBytes += size;
      if (survey.inlineBytes > settings.maxTotalBytes) throw attachmentsTooLarge(settings.maxTotalBytes);
      continue;
    }
    const url = URL.parse(part.url);
    if (!url) throw attachmentUrlNotAllowed('an attachment URL is not a valid URL');
    try {
      assertAllowed(url, settings.allowlist);
    } catch (err) {
      if (err instanceof AttachmentFetchError) throw attachmentUrlNotAllowed(err.message);
      throw err;
    }
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    survey.urls.push(url);
    if (survey.urls.length > settings.maxUrls) throw tooManyAttachmentUrls(settings.maxUrls);
  }
  return survey;
}
