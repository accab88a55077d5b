// Small fetch helpers: JSON in and out, and the server's one error envelope {"type":"error","code","message"} turned into an Error.

export class APIError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export async function request(method, url, { json, body, headers = {}, token } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(url, init);
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('application/json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const message = data?.message || `${response.status} ${response.statusText}`;
    throw new APIError(response.status, data?.code || 'http_error', message, data);
  }
  return data;
}

export const getJSON = (url, options) => request('GET', url, options);
