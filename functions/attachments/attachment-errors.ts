// How a refused attachment looks to the client: a 4xx before admission, one type per
// reason, so a front end can tell "not allowed" from "too big" from "could not fetch".
import { httpError } from '../http/errors.js';

export const attachmentUrlNotAllowed = (message: string) => httpError(400, 'attachment_url_not_allowed', message);

export const attachmentReferenceNotAllowed = () =>
  httpError(
    400,
    'attachment_reference_not_allowed',
    'file parts may not reference files stored at the model provider; send the file itself or an allowed URL',
  );

export const attachmentTooLarge = (limitBytes: number) =>
  httpError(413, 'attachment_too_large', `an attachment is larger than ${limitBytes} bytes`, {
    details: { limitBytes },
  });

export const attachmentsTooLarge = (limitBytes: number) =>
  httpError(413, 'attachments_too_large', `the attachments of this request add up to more than ${limitBytes} bytes`, {
    details: { limitBytes },
  });

export const tooManyAttachmentUrls = (limit: number) =>
  httpError(400, 'too_many_attachment_urls', `a request may reference at most ${limit} attachment URLs`, {
    details: { limit },
  });

export const attachmentFetchFailed = (message: string) => httpError(400, 'attachment_fetch_failed', message);
