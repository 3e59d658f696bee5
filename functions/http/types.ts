// The service's own request/response shapes; the Lambda and fastify adapters translate
// to and from them, so no business logic depends on either runtime.
export interface ServiceRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** The raw body bytes (already base64-decoded), or undefined when none was sent. */
  body: Buffer | undefined;
  sourceIp?: string;
}

export interface ServiceResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string | ReadableStream<Uint8Array>;
}
