// DOM helpers: every value goes into the page as text (createTextNode / textContent), never as markup, so that
// script in a message's data, a finding's evidence or a query value stays inert.

/** An element: h('a', {href: '#/x', class: 'c', onclick: fn}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, the same way. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  add(el, children);
  return el;
}

function add(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) add(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Only the console's own routes and relative API paths are linked. */
function safeHref(v) {
  const t = String(v);
  return t.startsWith('#/') || t.startsWith('api/') ? t : '#/';
}

/** A link to a console route built from parts, each encoded. */
export function route(...parts) {
  return '#/' + parts.map(p => encodeURIComponent(String(p))).join('/');
}

/** A route with a query: route('messages') + query({state: 'READY'}). */
export function query(params) {
  const q = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
  return q ? '?' + q : '';
}

export function replace(el, ...children) {
  el.replaceChildren();
  add(el, children);
  return el;
}

export function table(id, headers, rows, empty) {
  return h('table', {id, class: 'grid'},
    h('thead', {}, h('tr', {}, headers.map(x => h('th', {}, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {class: 'empty'}, h('td', {colspan: headers.length}, empty || 'none'))));
}

export function dl(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(p => p[1] !== null && p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

export function short(hex) {
  if (typeof hex !== 'string' || hex.length < 18) return hex ?? '';
  return hex.slice(0, 10) + '…' + hex.slice(-6);
}

/** A hash or address shown short, the whole value in its title. */
export function mono(hex, href) {
  const text = short(hex);
  return href ? h('a', {href, class: 'mono', title: hex}, text) : h('span', {class: 'mono', title: hex}, text);
}

export function badge(text, kind) {
  return h('span', {class: 'badge ' + (kind || String(text).toLowerCase())}, text);
}

export function time(iso) {
  if (iso === null || iso === undefined) return '';
  const d = typeof iso === 'number' ? new Date(iso * 1000) : new Date(iso);
  return isNaN(d) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  return (hh ? hh + 'h ' : '') + (hh || mm ? String(mm).padStart(hh ? 2 : 1, '0') + 'm ' : '')
    + String(ss).padStart(hh || mm ? 2 : 1, '0') + 's';
}

export function gwei(wei) {
  if (wei === null || wei === undefined) return '';
  const n = Number(wei) / 1e9;
  return (n >= 100 ? n.toFixed(0) : n.toPrecision(3)) + ' gwei';
}

export function eth(wei) {
  if (wei === null || wei === undefined) return '';
  return (Number(wei) / 1e18).toFixed(4) + ' ETH';
}

/**
 * A countdown to an epoch-milliseconds deadline, kept current by the one-second ticker below (no network).
 */
export function countdown(deadlineMs, label) {
  const el = h('span', {class: 'countdown', 'data-deadline': String(Math.round(deadlineMs))});
  if (label) el.setAttribute('data-label', label);
  tickOne(el, Date.now());
  return el;
}

function tickOne(el, now) {
  const left = (Number(el.getAttribute('data-deadline')) - now) / 1000;
  if (el.getAttribute('data-label') === 'elapsed') el.textContent = 'for ' + duration(-left);
  else el.textContent = left > 0 ? duration(left) + ' left' : 'passed ' + duration(-left) + ' ago';
  el.classList.toggle('over', left <= 0);
}

setInterval(() => {
  const now = Date.now();
  document.querySelectorAll('.countdown[data-deadline]').forEach(el => tickOne(el, now));
}, 1000);

/** A small line chart of the last values (null ones left out). */
export function sparkline(values, width = 120, height = 24, id = null) {
  const vs = values.filter(v => typeof v === 'number' && isFinite(v));
  const svg = s('svg', {id, class: 'spark', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'data-points': String(vs.length)});
  if (vs.length < 2) return svg;
  const max = Math.max(1, ...vs);
  const step = width / (vs.length - 1);
  const pts = vs.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  svg.appendChild(s('polyline', {points: pts.join(' '), fill: 'none'}));
  svg.appendChild(s('title', {}, 'last ' + vs.length + ' values, max ' + max));
  return svg;
}

/**
 * A line chart of points {t: epoch ms, v: number or null} over their time span, with its y axis's top and bottom
 * labelled; a null value breaks the line. The polyline carries data-points (how many values it draws) and
 * data-max (the largest), for tests and for a reader.
 */
export function lineChart(points, {id = null, unit = '', width = 480, height = 120} = {}) {
  const pad = {l: 44, r: 8, t: 8, b: 18};
  const known = points.filter(p => typeof p.v === 'number' && isFinite(p.v) && isFinite(p.t));
  const max = Math.max(1, ...known.map(p => p.v));
  const svg = s('svg', {id, class: 'chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'data-points': String(known.length), 'data-max': String(known.length ? Math.max(...known.map(p => p.v)) : 0)});
  svg.appendChild(s('title', {}, known.length ? known.length + ' values, max ' + fmt(max) + ' ' + unit
    : 'no values yet'));
  const w = width - pad.l - pad.r, ht = height - pad.t - pad.b;
  svg.appendChild(s('line', {class: 'axis', x1: pad.l, y1: pad.t + ht, x2: pad.l + w, y2: pad.t + ht}));
  svg.appendChild(s('line', {class: 'axis', x1: pad.l, y1: pad.t, x2: pad.l, y2: pad.t + ht}));
  svg.appendChild(s('text', {class: 'label', x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end'}, fmt(max)));
  svg.appendChild(s('text', {class: 'label', x: pad.l - 4, y: pad.t + ht, 'text-anchor': 'end'}, '0'));
  svg.appendChild(s('text', {class: 'label', x: pad.l + w, y: height - 4, 'text-anchor': 'end'}, unit));
  if (!known.length) {
    svg.appendChild(s('text', {class: 'label empty', x: pad.l + w / 2, y: pad.t + ht / 2, 'text-anchor': 'middle'},
      'no values yet'));
    return svg;
  }
  const t0 = Math.min(...points.map(p => p.t)), t1 = Math.max(...points.map(p => p.t));
  const x = t => pad.l + (t1 > t0 ? (t - t0) / (t1 - t0) * w : w);
  const y = v => pad.t + ht - (v / max) * ht;
  let run = [];
  const flush = () => {
    if (run.length === 1) svg.appendChild(s('circle', {class: 'dot', cx: run[0][0], cy: run[0][1], r: 1.5}));
    else if (run.length > 1) svg.appendChild(s('polyline', {fill: 'none', points: run.map(p => p.join(',')).join(' ')}));
    run = [];
  };
  for (const p of points) {
    if (typeof p.v === 'number' && isFinite(p.v)) run.push([x(p.t).toFixed(1), y(p.v).toFixed(1)]);
    else flush();
  }
  flush();
  return svg;
}

function fmt(n) {
  return n >= 100 ? String(Math.round(n)) : String(Number(n.toPrecision(3)));
}
