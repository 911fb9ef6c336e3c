// The admin API over fetch: JSON in and out, errors in words a streamer understands.

const NETWORK = 'The server is not answering. Check that owncast is running and this computer is online.';

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let reachable = true;
function setReachable(ok) {
  if (ok === reachable) return;
  reachable = ok;
  document.dispatchEvent(new CustomEvent('oc-reachable', {detail: ok}));
}

function explain(status, body, text) {
  const said = body && (body.message || body.error);
  if (status === 401) return 'Your admin sign-in was not accepted: reload the page and sign in again.';
  if (status === 403) return 'The server refused this request because it did not come from this dashboard.';
  if (status === 413) return 'That is too large for the server to accept.';
  if (status === 429) return 'Too many attempts at once: wait a few seconds and try again.';
  if (said) return String(said);
  if (status === 404) return 'This feature is not available on this server.';
  if (status >= 500) return `The server had a problem (HTTP ${status}). The logs screen may say more.`;
  return (text || `The request failed (HTTP ${status}).`).slice(0, 300);
}

/** Send one request; resolves to the parsed JSON answer, rejects with ApiError. */
export async function request(method, path, body) {
  const init = {method, headers: {Accept: 'application/json'}, credentials: 'same-origin', cache: 'no-store'};
  if (method !== 'GET') {
    // The server refuses state changes that are not JSON: a cross-site form cannot send this.
    init.headers['Content-Type'] = 'application/json';
    if (body !== undefined) init.body = JSON.stringify(body);
  }
  let response;
  try {
    // Absolute from location.origin: a page opened as http://admin:pw@host/admin/ keeps those
    // credentials in its base URL, and fetch refuses any URL that carries credentials.
    response = await fetch(new URL(path, location.origin), init);
  } catch {
    setReachable(false);
    throw new ApiError(NETWORK, 0, null);
  }
  setReachable(response.status !== 502 && response.status !== 504);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok || (data && data.success === false)) {
    throw new ApiError(explain(response.status, data, text), response.status, data);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

/** POST {value} to /api/admin/config/<path>: Owncast's setter shape. */
export const setConfig = (path, value) => post(`/api/admin/config/${path}`, {value});

/** The server's config as the admin API reports it (read fresh each time). */
export const serverConfig = () => get('/api/admin/serverconfig');

/** Whether a daemon runs, from our /api/admin/daemons; unknown names are "not running". */
export async function daemonRunning(name) {
  const list = await get('/api/admin/daemons');
  const found = list.find((d) => d.name === name);
  return Boolean(found && found.running);
}
