// The JSON API (docs/api.md): every change carries the session's CSRF
// token; a 401 on any call but the login means the session is gone, which
// the app hears through onSessionLost().
import { t } from './i18n.js';

let csrf = null;
let sessionLost = () => {};

export function setCsrf(token) { csrf = token; }
export function onSessionLost(f) { sessionLost = f; }

// Resolves to {status, data}; never throws for HTTP errors (network
// failures come back as status 0 with data {error:'network'}).
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    return { status: 0, data: { error: 'network', message: t('error.network') } };
  }
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch (e) { data = null; }
  }
  if (res.status === 401 && path !== '/api/login' && path !== '/api/me') {
    sessionLost(data && data.error);
  }
  return { status: res.status, data, headers: res.headers };
}

// What to show a person for a failed call: the server's own message.
export function errorText(r) {
  const msg = r.data && r.data.message ? r.data.message : `HTTP ${r.status}`;
  return t('error.generic', { m: msg });
}

export const ok = (r) => r.status >= 200 && r.status < 300;
