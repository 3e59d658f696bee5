// The seam between the chat stream and throttling: admission before the first byte, a
// monitor on the parts as they stream, and one settlement when the stream ends.
import type { TextStreamPart, ToolSet } from 'ai';
import type { ModelRef } from '../shared/catalog.js';
import type { NoticePart, StreamNotice } from '../protocol/stream-notice.js';

export type StreamPart = TextStreamPart<ToolSet>;
/** What leaves the monitor: the model's parts and the notices it raised. */
export type MonitoredPart = StreamPart | NoticePart;

export interface AdmissionRequest {
  requestId: string;
  userId: string;
  model: ModelRef;
  /** Estimated prompt tokens of this request (what the reservation is sized on). */
  inputTokens: number;
  /** Features the request needs, e.g. `tool_execution` when it answers a tool confirmation. */
  features: string[];
  /** Whether tools would be offered to the model (they are, if the tier allows). */
  toolsRequested: boolean;
}

/** How the response ended, as the transport saw it (the gate may know a more specific reason). */
export type StreamExit = 'completed' | 'client_disconnect' | 'internal_error';

export interface AdmittedStream {
  sessionId: string;
  /** The model to call: the requested one, or the tier's cheaper fallback. */
  model: ModelRef;
  /** Upper bound on output tokens to ask the provider for. */
  maxOutputTokens?: number;
  /** Output tokens the stream may still produce (the next model call asks for no more). */
  remainingOutputTokens(): number;
  /** Upper bound on agent steps for tool loops. */
  maxSteps: number;
  /** Whether the tier lets this stream offer tools to the model. */
  toolsAllowed: boolean;
  /** Response headers such as X-RateLimit-*. */
  headers: Record<string, string>;
  notices: StreamNotice[];
  /**
   * Watches the parts as they stream. When a limit would be passed it calls
   * `stopUpstream`, emits an error part and ends the stream.
   */
  monitor(stopUpstream: () => void): TransformStream<StreamPart, MonitoredPart>;
  /** Settles the session exactly once, whatever ended the stream. Safe to call twice. */
  finish(exit: StreamExit): Promise<void>;
}

export interface StreamGate {
  admit(request: AdmissionRequest): Promise<AdmittedStream>;
  /** An abuse signal seen before admission (a gate without trust scores ignores it). */
  signal?(userId: string, signal: 'confirmation_flood'): Promise<void>;
}
