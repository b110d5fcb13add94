'use strict';
// The daemon's HTTP API as the page uses it: JSON reads, and writes that ask for the bearer token
// once a POST or DELETE answers 401 (kept in sessionStorage, so it dies with the tab).
const api = (() => {
  const tokenKey = 'hookd.token';

  function errorText(response, body) {
    return body && body.error ? `${body.error.message} (${body.error.code})` : `HTTP ${response.status}`;
  }

  async function get(path) {
    const response = await fetch(path, {headers: {Accept: 'application/json'}});
    const body = await response.json().catch(() => null);
    if (!response.ok) throw Object.assign(new Error(errorText(response, body)), {status: response.status});
    return body;
  }

  async function send(method, path, body) {
    for (;;) {
      const headers = {Accept: 'application/json'};
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const token = sessionStorage.getItem(tokenKey);
      if (token) headers.Authorization = `Bearer ${token}`;
      const response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
      if (response.status === 401) {
        const entered = window.prompt(token ? 'That token was refused. Bearer token:' : 'This hookd needs its bearer token for changes:');
        if (!entered) throw new Error('not sent: a bearer token is needed');
        sessionStorage.setItem(tokenKey, entered.trim());
        continue;
      }
      const answer = await response.json().catch(() => null);
      if (!response.ok) throw Object.assign(new Error(errorText(response, answer)), {status: response.status});
      return answer;
    }
  }

  // `?a=1&b=2` from an object, leaving out null and undefined values.
  function query(params) {
    const pairs = Object.entries(params).filter(([, v]) => v !== null && v !== undefined);
    return pairs.length ? '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') : '';
  }

  return {get, send, query};
})();
