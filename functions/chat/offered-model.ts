// Whether the run-time catalog offers the requested model. Checked after authentication
// and the request's own checks, right before admission, because reading the catalog may
// be a store request and a refused request makes none.
import { httpError } from '../http/errors.js';
import { priceOf, type ModelCatalog, type ModelRef } from '../shared/catalog.js';

export function assertOffered(catalog: ModelCatalog, model: ModelRef): void {
  if (!Object.hasOwn(catalog, model.provider)) {
    const offered = Object.keys(catalog).join(', ');
    throw httpError(400, 'invalid_request', 'query string is invalid', {
      details: { fields: { 'query.provider': `provider must be one of ${offered}` } },
    });
  }
  if (!priceOf(catalog, model)) {
    throw httpError(400, 'unknown_model', `model "${model.modelId}" is not offered by provider "${model.provider}"`);
  }
}
