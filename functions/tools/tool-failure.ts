// The errors a tool call may show the model and the client. Whatever else a tool throws
// (a store error, a bug) is logged and replaced by `failed`, because the model reads the
// error text and may repeat it to the user: store or provider internals must not leak.
export class ToolFailure extends Error {
  override name = 'ToolFailure';

  // The AI SDK renders a tool error with `toString()`: the model and the client read the message alone.
  override toString(): string {
    return this.message;
  }
}

export const toolFailures = {
  /** Forged, altered, or signed for another user or chat. */
  unverified: () => new ToolFailure('tool approval could not be verified'),
  /** More confirmed calls in one request than the tier's steps allow. */
  overStepLimit: (limit: number) =>
    new ToolFailure(`not run: one request may run at most ${limit} confirmed tool call(s) (the tier's step limit)`),
  /** A confirmation from an earlier turn whose call has no recorded outcome. */
  notRunEarlier: () => new ToolFailure('not run: this confirmation was not answered in the request that asked for it'),
  unknownOutcome: () => new ToolFailure('this tool call was started before and its outcome is unknown'),
  failed: (toolName: string) => new ToolFailure(`tool ${toolName} failed; the details were logged`),
};
