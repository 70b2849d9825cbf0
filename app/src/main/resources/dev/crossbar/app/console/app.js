// The console's shell: the API client (bearer tokens from sessionStorage), the live stream (server-sent events
// read through fetch, so that the read token travels in a header and never in a URL), and the router. Pages live
// in the URL's fragment (#/messages/0x...), and every URL is relative: the console works under any path prefix.
import {h, replace} from './dom.js';
import * as pages from './pages.js';

const READ_KEY = 'crossbar.readToken';
const ADMIN_KEY = 'crossbar.adminToken';

export const session = {
  read: () => sessionStorage.getItem(READ_KEY),
  admin: () => sessionStorage.getItem(ADMIN_KEY),
  setRead: t => t ? sessionStorage.setItem(READ_KEY, t) : sessionStorage.removeItem(READ_KEY),
  setAdmin: t => t ? sessionStorage.setItem(ADMIN_KEY, t) : sessionStorage.removeItem(ADMIN_KEY),
};

/** Thrown for a 401 on a read: the console asks for the read token. */
class NeedToken extends Error {}

/** GET (or another method) of api/<path>; resolves to {status, ok, body}. */
export async function api(path, {method = 'GET', token} = {}) {
  const bearer = token !== undefined ? token : (session.read() || session.admin());
  const headers = bearer ? {Authorization: 'Bearer ' + bearer} : {};
  const r = await fetch('api/' + path, {method, headers, cache: 'no-store'});
  let body = null;
  try {
    body = await r.json();
  } catch {
    body = null;
  }
  if (r.status === 401 && token === undefined) throw new NeedToken(body?.error || 'the API needs a token');
  return {status: r.status, ok: r.ok, body};
}

/** The JSON of a read that must succeed; a failure becomes an error naming the status and the API's message. */
export async function get(path) {
  const r = await api(path);
  if (!r.ok) {
    const e = new Error(r.body?.error || ('the API answered ' + r.status));
    e.status = r.status;
    throw e;
  }
  return r.body;
}

const state = {overview: null, refresh: null, route: null};
export const live = state;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, q = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(p => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const params = {};
  for (const [k, v] of new URLSearchParams(q)) params[k] = v;
  return {parts, params};
}

const routes = [
  [[], pages.overview],
  [['messages'], pages.messages],
  [['messages', '*'], pages.message],
  [['games'], pages.games],
  [['games', '*'], pages.game],
  [['findings'], pages.findings],
  [['login'], login],
];

function match(parts) {
  for (const [pattern, page] of routes) {
    if (pattern.length === parts.length && pattern.every((p, i) => p === '*' || p === parts[i])) {
      return {page, args: parts.filter((_, i) => pattern[i] === '*')};
    }
  }
  return null;
}

let renderSeq = 0;

async function render() {
  const seq = ++renderSeq;
  const main = document.getElementById('main');
  const {parts, params} = parseHash();
  state.refresh = null;
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active',
    (a.getAttribute('href').slice(2) || '') === (parts[0] || '')));
  const found = match(parts);
  const root = h('section', {class: 'page'});
  try {
    if (!found) {
      pages.notFound(root, 'No such page: ' + location.hash);
    } else {
      const refresh = await found.page(root, ...found.args, params);
      if (seq !== renderSeq) return;
      state.refresh = typeof refresh === 'function' ? refresh : null;
    }
  } catch (e) {
    if (seq !== renderSeq) return;
    if (e instanceof NeedToken) {
      state.afterLogin = location.hash;
      location.hash = '#/login';
      return;
    }
    if (e.status === 404 || e.status === 400) pages.notFound(root, e.message);
    else replace(root, h('h1', {}, 'Something went wrong'), h('p', {class: 'error'}, e.message));
  }
  if (seq === renderSeq) replace(main, root);
}

/** The read token form, shown when the API answers 401. */
async function login(root) {
  const input = h('input', {id: 'read-token', type: 'password', autocomplete: 'off', placeholder: 'read token'});
  const form = h('form', {id: 'login', class: 'box'},
    h('p', {}, 'This Crossbar needs its read token (http.readToken, or the admin token). It is kept in this tab'
      + ' only (sessionStorage) and sent as a bearer header.'),
    input, h('button', {type: 'submit'}, 'Open'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    session.setRead(input.value.trim());
    location.hash = state.afterLogin && state.afterLogin !== '#/login' ? state.afterLogin : '#/';
    stream();
  });
  replace(root, h('h1', {}, 'Sign in'), form);
}

function setLive(text, on) {
  const el = document.getElementById('live');
  el.textContent = text;
  el.classList.toggle('off', !on);
}

let streaming = false;

/** The server-sent events of api/events, read with fetch; reconnects after a pause when the stream ends. */
async function stream() {
  if (streaming) return;
  streaming = true;
  try {
    for (;;) {
      const bearer = session.read() || session.admin();
      let r;
      try {
        r = await fetch('api/events', {headers: bearer ? {Authorization: 'Bearer ' + bearer} : {}, cache: 'no-store'});
      } catch {
        setLive('disconnected', false);
        await new Promise(res => setTimeout(res, 3000));
        continue;
      }
      if (r.status === 401) {
        setLive('needs token', false);
        return;
      }
      setLive('live', true);
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += value;
          let i;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            event(buffer.slice(0, i));
            buffer = buffer.slice(i + 2);
          }
        }
      } catch {
        // the connection dropped: reconnect below
      }
      setLive('reconnecting', false);
      await new Promise(res => setTimeout(res, 3000));
    }
  } finally {
    streaming = false;
  }
}

function event(frame) {
  let type = 'message';
  const data = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) type = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (type !== 'overview' || !data.length) return;
  const overview = JSON.parse(data.join('\n'));
  state.overview = overview;
  state.updatedAt = Date.now();
  if (state.refresh) {
    Promise.resolve(state.refresh(overview)).catch(e => console.warn('refresh failed:', e.message));
  }
}

window.addEventListener('hashchange', render);
render();
stream();
