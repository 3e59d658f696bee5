// A gate that admits everything and meters nothing: for running the handler with
// throttling switched off (benchmarks compare against it). Never the default.
import { randomUUID } from 'node:crypto';
import type { MonitoredPart, StreamGate, StreamPart } from './stream-gate.js';

export const unmeteredGate: StreamGate = {
  async admit(request) {
    return {
      sessionId: randomUUID(),
      model: request.model,
      headers: {},
      notices: [],
      maxSteps: 5,
      remainingOutputTokens: () => Number.MAX_SAFE_INTEGER,
      toolsAllowed: request.toolsRequested,
      monitor: () => new TransformStream<StreamPart, MonitoredPart>(),
      finish: async () => {},
    };
  },
};
