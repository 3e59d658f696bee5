// A client of the chat stream for the benchmarks: the data stream protocol, read to its
// end, with the time to the first body byte and what the stream said.
export interface StreamOutcome {
  status: number;
  /** Milliseconds from the request to the first body byte. */
  firstByteMs: number;
  totalMs: number;
  /** Text parts (`0:` lines) received. */
  textParts: number;
  /** Whether the stream ended with its finish part and no error part. */
  complete: boolean;
  /** The error type of a refusal (JSON body), or the value of an error part. */
  error?: string;
}

export async function streamOnce(url: string, token: string, prompt: string): Promise<StreamOutcome> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: prompt }] }),
  });
  const decoder = new TextDecoder();
  let firstByteMs = Number.NaN;
  let partial = '';
  let body = '';
  let textParts = 0;
  let finished = false;
  let errorPart: string | undefined;
  for await (const chunk of response.body!) {
    if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - started;
    const text = decoder.decode(chunk, { stream: true });
    if (response.status !== 200) {
      body += text;
      continue;
    }
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('0:')) textParts += 1;
      else if (line.startsWith('d:')) finished = true;
      else if (line.startsWith('3:')) errorPart = line.slice(2);
    }
  }
  const totalMs = performance.now() - started;
  if (response.status !== 200) {
    return { status: response.status, firstByteMs, totalMs, textParts, complete: false, error: refusalType(body) };
  }
  return { status: 200, firstByteMs, totalMs, textParts, complete: finished && !errorPart, error: errorPart };
}

function refusalType(body: string): string {
  try {
    return (JSON.parse(body) as { error: { type: string } }).error.type;
  } catch {
    return 'not_json';
  }
}
