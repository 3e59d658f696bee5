// Facts the service tells the client alongside the answer (for example that the tier
// degraded the request to a cheaper model). Each protocol encodes them its own way.
export interface StreamNotice {
  type: 'model_degraded';
  requestedModel: string;
  model: string;
  message: string;
}
