// The one set of fetch helpers, shared with the candidate SDK (which every exam page loads).
export { APIError, request, getJSON } from '/sdk/v1/api.js';
