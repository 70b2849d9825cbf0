// The console's pages. Each renders into its root and may return a refresh function, called on every overview
// the live stream brings (the overview itself, or a cue to read the page's data again).
import {h, s, replace, table, dl, mono, badge, time, duration, gwei, eth, countdown, sparkline, lineChart, route,
  query} from './dom.js';
import {api, get, live, session} from './app.js';

const STATES = ['SENT', 'COMMITTED', 'PROVEN', 'IN_WINDOW', 'READY', 'RELAYING', 'RELAYED', 'FAILED',
  'DEAD_LETTERED', 'ORPHANED', 'BLOCKED', 'EXITED'];
const KINDS = ['DEPOSIT', 'WITHDRAWAL', 'CROSS_ROLLUP'];
const DONE = new Set(['RELAYED', 'EXITED', 'DEAD_LETTERED']);
const HASH = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/;

function chainName(id) {
  const c = (live.overview?.chains || []).find(x => x.chainId === id);
  return c ? c.name : String(id);
}

export function notFound(root, why) {
  replace(root, h('h1', {id: 'not-found'}, 'Not found'), h('p', {class: 'error', id: 'not-found-reason'}, why),
    h('p', {}, h('a', {href: '#/'}, 'Back to the overview')));
}

// ---- overview ----

export async function overview(root) {
  const data = live.overview || await get('overview');
  let hist = await get('history');
  let histAt = Date.now();
  const body = h('div', {});
  replace(root, h('h1', {}, 'Overview'), body);
  const draw = o => replace(body, overviewBody(o, hist));
  draw(data);
  return async o => {
    // The history gains a sample every intervalSeconds: read it again no more often than that.
    if (Date.now() - histAt >= (hist.intervalSeconds || 10) * 1000) {
      histAt = Date.now();
      hist = await get('history');
    }
    draw(o);
  };
}

/** The last hour from the service's own meters: relayed per interval, mean relay latency, each chain's lag. */
function historyCharts(hist, chains) {
  const samples = hist?.samples || [];
  const every = hist?.intervalSeconds || 10;
  const points = f => samples.map(x => ({t: Date.parse(x.at), v: f(x)}));
  const span = samples.length > 1
    ? duration((Date.parse(samples[samples.length - 1].at) - Date.parse(samples[0].at)) / 1000) : 'no time yet';
  return h('div', {id: 'history', 'data-test': 'history', 'data-samples': String(samples.length)},
    h('p', {class: 'muted', id: 'history-span'}, samples.length + ' samples, one every ' + every + ' s, over '
      + span + ' (this process\'s own meters; kept for an hour)'),
    h('div', {class: 'columns'},
      h('figure', {id: 'chart-throughput', 'data-test': 'chart-throughput'},
        h('figcaption', {}, 'Messages relayed per ' + every + ' s'),
        lineChart(points(x => x.relayed), {id: 'throughput-chart', unit: 'messages'})),
      h('figure', {id: 'chart-latency', 'data-test': 'chart-latency'},
        h('figcaption', {}, 'Relay latency (mean of the deliveries confirmed in each interval)'),
        lineChart(points(x => x.latencyMs === null || x.latencyMs === undefined ? null : x.latencyMs / 1000),
          {id: 'latency-chart', unit: 's'}))),
    h('figure', {id: 'chart-lag', 'data-test': 'chart-lag'}, h('figcaption', {}, 'Lag per chain (blocks)'),
      table('lag-history', ['chain', 'lag now', 'last hour'], chains.map(c => h('tr', {'data-chain': c.name},
        h('td', {}, c.name), h('td', {}, c.lag ?? '?'),
        h('td', {}, lineChart(points(x => x.lag ? x.lag[c.name] : null),
          {id: 'lag-chart-' + c.name, unit: 'blocks', width: 360, height: 48})))), 'no chains')));
}

function overviewBody(o, hist) {
  const lagOf = name => (hist?.samples || []).map(x => x.lag ? x.lag[name] : null).filter(v => v !== null && v !== undefined);
  const chains = table('chains', ['chain', 'id', 'role', 'head', 'cursor', 'lag', 'lag (last hour)', 'breaker'],
    o.chains.map(c => h('tr', {'data-chain': c.name},
      h('td', {}, h('a', {href: route('messages') + query({chain: c.name})}, c.name)), h('td', {}, c.chainId),
      h('td', {}, c.role), h('td', {}, c.head ?? '?'), h('td', {}, c.cursor ?? '?'),
      h('td', {}, c.lag ?? '?'), h('td', {}, sparkline(lagOf(c.name), 120, 24, 'lag-spark-' + c.name)),
      h('td', {}, c.breaker?.tripped ? [badge('TRIPPED', 'critical'), ' ', c.breaker.reason || ''] : badge('ok')),
    )));
  const states = Object.entries(o.messages || {});
  const messages = table('message-states', ['state', 'messages'], states.map(([st, n]) => h('tr', {},
    h('td', {}, h('a', {href: route('messages') + query({state: st})}, st)), h('td', {}, n))), 'no messages yet');
  const byKind = o.messagesByKind || {};
  const kindStates = STATES.filter(st => KINDS.some(k => byKind[k]?.[st]));
  const kinds = KINDS.filter(k => byKind[k]);
  const kindTable = table('messages-by-kind', ['kind', ...kindStates, 'all'], kinds.map(k => h('tr', {'data-kind': k},
    h('th', {}, h('a', {href: route('messages') + query({kind: k})}, k)),
    kindStates.map(st => h('td', {'data-state': st}, byKind[k][st]
      ? h('a', {href: route('messages') + query({kind: k, state: st})}, byKind[k][st]) : '')),
    h('td', {class: 'total'}, Object.values(byKind[k]).reduce((a, b) => a + b, 0)))), 'no messages yet');
  const sev = Object.entries(o.findings?.bySeverity || {});
  const findings = h('div', {id: 'open-findings'},
    h('p', {}, h('a', {href: route('findings') + query({status: 'OPEN'})}, (o.findings?.open || 0) + ' open')),
    sev.length ? h('ul', {}, sev.map(([k, n]) => h('li', {}, badge(k, k.toLowerCase()), ' ', n))) : null);
  const signers = table('signers', ['role', 'chain', 'address', 'next nonce', 'pending', 'balance'],
    (o.signers || []).map(k => h('tr', {},
      h('td', {}, k.component), h('td', {}, k.chain), h('td', {}, mono(k.address)), h('td', {}, k.nonce),
      h('td', {}, k.pending), h('td', {}, ((k.balanceGwei || 0) / 1e9).toFixed(4) + ' ETH'))),
    'no signing key in this process');
  const risk = table('games-at-risk', ['game', 'chain', 'root claim', 'verdict', 'time left'],
    (o.gamesAtRisk || []).map(g => h('tr', {},
      h('td', {}, h('a', {href: route('games', g.address)}, '#' + g.index + ' ' + g.address)),
      h('td', {}, chainName(g.l2ChainId)), h('td', {}, mono(g.rootClaim)), h('td', {}, badge(g.verdict || '?')),
      h('td', {}, clockLeft(g)))), 'no game at risk');
  return [
    h('h2', {}, 'Chains'), chains,
    h('div', {class: 'columns'},
      h('div', {}, h('h2', {}, 'Messages by state'), messages),
      h('div', {}, h('h2', {}, 'Findings'), findings),
    ),
    h('h2', {}, 'Messages by kind and state'), kindTable,
    h('h2', {}, 'The last hour'), historyCharts(hist, o.chains),
    h('h2', {}, 'Games at risk'), risk,
    h('h2', {}, 'Signing keys'), signers,
  ];
}

function clockLeft(g) {
  if (g.status !== 'IN_PROGRESS' || g.timeLeftSeconds === undefined || g.timeLeftSeconds === null) return '';
  return countdown(Date.now() + g.timeLeftSeconds * 1000);
}

// ---- messages ----

function select(name, values, current) {
  return h('select', {name, id: 'q-' + name}, h('option', {value: ''}, 'any ' + name),
    values.map(v => h('option', {value: v, selected: v === current}, v)));
}

export async function messages(root, params) {
  const input = (name, placeholder) => h('input', {name, id: 'q-' + name, placeholder, value: params[name] || ''});
  const chains = (live.overview?.chains || []).map(c => c.name);
  const form = h('form', {id: 'search', class: 'search'},
    input('id', 'message id (0x…)'), input('sender', 'sender address'),
    chains.length ? select('chain', chains, params.chain) : input('chain', 'chain'),
    select('state', STATES, params.state), select('kind', KINDS, params.kind),
    h('button', {type: 'submit'}, 'Search'));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const f = new FormData(form);
    const id = String(f.get('id') || '').trim();
    if (id) {
      location.hash = route('messages', id);
      return;
    }
    const q = {};
    for (const k of ['sender', 'chain', 'state', 'kind']) q[k] = String(f.get(k) || '').trim();
    location.hash = route('messages') + query(q);
  });
  const results = h('div', {id: 'results'});
  replace(root, h('h1', {}, 'Messages'), form, results);
  const q = {};
  for (const k of ['sender', 'chain', 'state', 'kind']) if (params[k]) q[k] = params[k];
  const shown = Object.entries(q).map(([k, v]) => k + '=' + v).join(', ');
  const r = await api('messages' + query({...q, limit: 100}));
  if (!r.ok) {
    replace(results, h('p', {class: 'error', id: 'search-error'}, 'The search (' + shown + ') was refused: '
      + (r.body?.error || r.status)));
    return null;
  }
  replace(results, h('p', {class: 'muted'}, r.body.length + ' messages' + (shown ? ' for ' + shown : '')
    + ', newest first' + (r.body.length === 100 ? ' (the newest 100: narrow the search)' : '')), messageTable(r.body));
  return null;
}

function messageTable(list) {
  return table('messages', ['id', 'kind', 'state', 'from → to', 'sender', 'updated'], list.map(m => h('tr', {},
    h('td', {}, mono(m.id, route('messages', m.id))), h('td', {}, m.kind), h('td', {}, badge(m.state)),
    h('td', {}, chainName(m.sourceChainId) + ' → ' + chainName(m.destinationChainId)),
    h('td', {}, mono(m.sender)), h('td', {}, time(m.updatedAt)))), 'no message matches');
}

export async function message(root, id) {
  if (!HASH.test(id)) {
    notFound(root, 'Not a message id: ' + id + ' (a message id is 0x and 64 hex digits)');
    return null;
  }
  const data = await get('messages/' + id);
  const body = h('div', {});
  const admin = h('input', {id: 'admin-token', type: 'password', autocomplete: 'off',
    placeholder: 'admin token', value: session.admin() || ''});
  const result = h('p', {id: 'retry-result', class: 'muted'});
  const retry = h('button', {id: 'retry', type: 'submit'}, 'Retry');
  const form = h('form', {id: 'admin', class: 'box'}, h('h2', {}, 'Admin'),
    h('p', {class: 'muted'}, 'Retry moves a FAILED or DEAD_LETTERED withdrawal or cross-rollup message back to READY'
      + ' (a deposit is refused: the L2\'s sequencer executes deposits). It needs the admin token (http.adminToken),'
      + ' kept in this tab only.'), admin, retry, result);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const token = admin.value.trim();
    retry.disabled = true;
    try {
      // Without an admin token the read token goes (where one is needed), so that the admin gate answers.
      const r = await api('messages/' + id + '/retry', {method: 'POST', token: token || session.read() || null});
      result.className = r.ok ? 'ok' : 'error';
      result.textContent = r.ok ? 'Retried: the message is ' + r.body.state + ' again.'
        : 'Refused (' + r.status + '): ' + (r.body?.error || '');
      if (r.ok || r.status === 409) session.setAdmin(token);
      if (r.ok) await draw(await get('messages/' + id));
    } finally {
      retry.disabled = false;
    }
  });
  replace(root, h('h1', {}, 'Message ', h('span', {class: 'mono'}, id)), body, form);
  const draw = async d => replace(body, await messageBody(d));
  await draw(data);
  return async () => draw(await get('messages/' + id));
}

async function messageBody(d) {
  const m = d.message;
  const history = d.history || [];
  const last = history[history.length - 1];
  const facts = dl([
    ['kind', m.kind], ['state', badge(m.state)],
    ['route', chainName(m.sourceChainId) + ' → ' + chainName(m.destinationChainId)],
    ['sender', mono(m.sender, route('messages') + query({sender: m.sender}))], ['target', mono(m.target)],
    ['value', m.value !== null ? eth(m.value) : null], ['nonce', m.nonce], ['attempts', m.attempts],
    ['last error', m.lastError], ['sent in', m.source ? 'block ' + m.source.blockNumber + ', tx ' + m.source.txHash : null],
    ['parent', m.parentId ? mono(m.parentId, route('messages', m.parentId)) : null],
    ['created', time(m.createdAt)], ['updated', time(m.updatedAt)],
  ]);
  const waiting = [];
  if (!DONE.has(m.state)) {
    if (last) waiting.push(h('p', {id: 'in-state'}, m.state + ' since ' + time(last.at) + ' (',
      countdown(new Date(last.at).getTime(), 'elapsed'), ')'));
    if (m.nextAttemptAt && new Date(m.nextAttemptAt).getTime() > Date.now()) waiting.push(h('p', {}, 'next step not before ' + time(m.nextAttemptAt) + ': ',
      countdown(new Date(m.nextAttemptAt).getTime())));
    const game = [...history].reverse().map(t => (t.cause || '').match(ADDRESS)).find(x => x);
    if (game) {
      const g = await api('games/' + game[0]);
      if (g.ok) {
        const gv = g.body.game;
        waiting.push(h('p', {id: 'game-clock'}, 'game ', h('a', {href: route('games', gv.address)}, '#' + gv.index),
          ' ', badge(gv.status), gv.status === 'IN_PROGRESS' && gv.timeLeftSeconds != null
            ? [', its clocks: ', countdown(Date.now() + gv.timeLeftSeconds * 1000)] : null));
      }
    }
  }
  const timeline = table('timeline', ['time', 'from', 'to', 'cause'], history.map(t => h('tr', {},
    h('td', {}, time(t.at)), h('td', {}, t.from ?? '—'), h('td', {}, badge(t.to)), h('td', {}, t.cause || ''))));
  const txs = table('transactions', ['purpose', 'chain', 'hash', 'nonce', 'max fee', 'priority fee', 'gas limit',
    'status', 'sent'], (d.transactions || []).map(t => h('tr', {},
    h('td', {}, t.purpose), h('td', {}, chainName(t.chainId)), h('td', {}, mono(t.txHash)), h('td', {}, t.nonce),
    h('td', {}, gwei(t.maxFeePerGas)), h('td', {}, gwei(t.maxPriorityFeePerGas)), h('td', {}, t.gasLimit),
    h('td', {}, badge(t.status), t.error ? ' ' + t.error : ''), h('td', {}, time(t.createdAt)))),
  'no transaction sent for it');
  return [facts, waiting.length ? h('div', {class: 'box', id: 'waiting'}, h('h2', {}, 'Waiting'), waiting) : null,
    h('h2', {}, 'Timeline'), timeline, h('h2', {}, 'Transactions'), txs];
}

// ---- games ----

function outcome(g) {
  if (g.status === 'IN_PROGRESS') return g.verdict === 'INVALID' ? badge('AT RISK', 'critical') : '';
  if (!g.verdict) return '';
  const won = (g.verdict === 'INVALID') === (g.status === 'CHALLENGER_WINS');
  return won ? badge('WON', 'ok') : badge('LOST', 'critical');
}

export async function games(root, params) {
  const l2s = (live.overview?.chains || (await get('chains'))).filter(c => c.role === 'L2');
  const chain = params.chain || '';
  const tabs = h('p', {class: 'tabs'}, h('a', {href: route('games'), class: chain ? '' : 'active'}, 'all L2s'),
    l2s.map(c => [' ', h('a', {href: route('games') + query({chain: c.name}), class: chain === c.name ? 'active' : ''},
      c.name)]));
  const body = h('div', {});
  replace(root, h('h1', {}, 'Dispute games'), tabs, body);
  const draw = async () => {
    const r = await api('games' + query({chain, limit: 50}));
    if (!r.ok) {
      replace(body, h('p', {class: 'error'}, 'Refused: ' + (r.body?.error || r.status)));
      return;
    }
    replace(body, table('games', ['game', 'chain', 'type', 'status', 'root claim', 'L2 block', 'verdict', 'outcome',
      'time left', 'claims'], r.body.map(g => h('tr', {'data-address': g.address},
      h('td', {}, h('a', {href: route('games', g.address)}, '#' + g.index)), h('td', {}, chainName(g.l2ChainId)),
      h('td', {}, g.gameType), h('td', {}, badge(g.status)), h('td', {}, mono(g.rootClaim)),
      h('td', {}, g.l2BlockNumber), h('td', {}, g.verdict ? badge(g.verdict) : 'not checked'),
      h('td', {}, outcome(g)), h('td', {}, clockLeft(g)), h('td', {}, g.claims))), 'no games'));
  };
  await draw();
  return draw;
}

export async function game(root, ref, params) {
  const path = 'games/' + encodeURIComponent(ref) + query({chain: params.chain});
  const body = h('div', {});
  replace(root, h('h1', {}, 'Game ', h('span', {class: 'mono'}, ref)), body);
  const draw = async d => replace(body, gameBody(d));
  await draw(await get(path));
  return async () => draw(await get(path));
}

function gameBody(d) {
  const g = d.game;
  const facts = dl([
    ['chain', chainName(g.l2ChainId)], ['index', g.index], ['type', g.gameType], ['status', badge(g.status)],
    ['outcome', outcome(g)], ['root claim', h('span', {class: 'mono'}, g.rootClaim)],
    ['L2 block', g.l2BlockNumber], ['created', time(g.createdAt)], ['resolved', g.resolvedAt ? time(g.resolvedAt) : null],
    ['verdict', g.verdict ? [badge(g.verdict), ' ', g.verdictDetail || '', g.verdictBy ? ' (' + g.verdictBy + ')' : '']
      : 'not checked yet'],
    ['blacklisted', g.blacklisted ? badge('BLACKLISTED', 'critical') : null],
    ['challenger clock used', g.challengerClockUsedSeconds != null ? duration(g.challengerClockUsedSeconds) : null],
    ['defender clock used', g.defenderClockUsedSeconds != null ? duration(g.defenderClockUsedSeconds) : null],
    ['time left', clockLeft(g) || null],
  ]);
  const claims = d.claims || [];
  const list = table('claims', ['#', 'parent', 'position', 'depth', 'side', 'claim', 'claimant', 'bond', 'clock used'],
    claims.map(c => h('tr', {}, h('td', {}, c.claimIndex), h('td', {}, c.parentIndex ?? '—'), h('td', {}, c.position),
      h('td', {}, c.depth), h('td', {}, c.depth % 2 === 0 ? 'defends root' : 'attacks root'),
      h('td', {}, mono(c.claim)), h('td', {}, mono(c.claimant)), h('td', {}, eth(c.bond)),
      h('td', {}, duration(c.clockDurationSeconds)))));
  const hist = table('game-history', ['time', 'what', 'cause'], (d.history || []).map(e => h('tr', {},
    h('td', {}, time(e.at)), h('td', {}, badge(e.what)), h('td', {}, e.cause || ''))), 'nothing yet');
  return [facts, h('h2', {}, 'Claim tree'), claimTree(claims), list, h('h2', {}, 'History'), hist];
}

/** The claims as a tree: depth down, siblings across; defenders of the root blue, attackers red. */
function claimTree(claims) {
  if (!claims.length) return h('p', {class: 'muted'}, 'no claims recorded');
  const children = new Map();
  for (const c of claims) {
    const p = c.parentIndex ?? -1;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(c);
  }
  const pos = new Map();
  let leaf = 0;
  let maxDepth = 0;
  const place = (c, depth) => {
    maxDepth = Math.max(maxDepth, depth);
    const kids = children.get(c.claimIndex) || [];
    if (!kids.length) pos.set(c.claimIndex, {x: leaf++, y: depth});
    else {
      kids.forEach(k => place(k, depth + 1));
      const xs = kids.map(k => pos.get(k.claimIndex).x);
      pos.set(c.claimIndex, {x: (Math.min(...xs) + Math.max(...xs)) / 2, y: depth});
    }
  };
  (children.get(-1) || []).forEach(r => place(r, 0));
  const dx = 190, dy = 70, pad = 40;
  const width = Math.max(1, leaf) * dx + pad + 120, height = (maxDepth + 1) * dy + pad;
  const xy = i => ({x: pad / 2 + pos.get(i).x * dx + dx / 2 - 20, y: pad / 2 + pos.get(i).y * dy + 10});
  const svg = s('svg', {id: 'claim-tree', class: 'tree', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img'});
  svg.appendChild(s('title', {}, 'claim tree of ' + claims.length + ' claims'));
  for (const c of claims) {
    if (c.parentIndex === null || c.parentIndex === undefined || !pos.has(c.parentIndex) || !pos.has(c.claimIndex)) continue;
    const a = xy(c.parentIndex), b = xy(c.claimIndex);
    svg.appendChild(s('line', {x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'edge'}));
  }
  for (const c of claims) {
    if (!pos.has(c.claimIndex)) continue;
    const p = xy(c.claimIndex);
    const side = c.depth % 2 === 0 ? 'defender' : 'challenger';
    svg.appendChild(s('g', {class: 'claim ' + side, 'data-index': c.claimIndex},
      s('circle', {cx: p.x, cy: p.y, r: 9}),
      s('text', {x: p.x + 13, y: p.y - 2}, '#' + c.claimIndex + ' pos ' + c.position),
      s('text', {x: p.x + 13, y: p.y + 12, class: 'small'}, (c.claimant || '').slice(0, 8) + '… ' + eth(c.bond)),
      s('title', {}, 'claim ' + c.claim + ' by ' + c.claimant + ', bond ' + eth(c.bond))));
  }
  return h('div', {class: 'tree-box'}, svg);
}

// ---- findings ----

export async function findings(root, params) {
  const status = params.status === undefined ? 'OPEN' : params.status;
  const tabs = h('p', {class: 'tabs'}, [['OPEN', 'open'], ['RESOLVED', 'resolved'], ['', 'all']].map(([v, label]) =>
    [h('a', {href: route('findings') + query({status: v || 'ALL'}), class: status === (v || 'ALL') ? 'active' : ''}, label), ' ']));
  const body = h('div', {});
  replace(root, h('h1', {}, 'Findings'), tabs, body);
  const draw = async () => {
    const r = await api('findings' + query({status: status === 'ALL' ? '' : status, limit: 200}));
    if (!r.ok) {
      replace(body, h('p', {class: 'error'}, 'Refused: ' + (r.body?.error || r.status)));
      return;
    }
    replace(body, r.body.length ? r.body.map(findingCard) : h('p', {class: 'muted', id: 'no-findings'}, 'none'));
  };
  await draw();
  return draw;
}

function evidenceValue(key, v) {
  const k = key.toLowerCase();
  if (typeof v === 'string' && HASH.test(v) && /message|withdrawal|deposit/.test(k)) return mono(v, route('messages', v));
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) && /game/.test(k)) return mono(v, route('games', v));
  return h('span', {class: 'value'}, v);
}

function findingCard(f) {
  const evidence = Object.entries(f.evidence || {});
  const actions = evidence.filter(([k]) => /tx|action|challenge|pause|counter|move/i.test(k));
  return h('article', {class: 'finding ' + (f.severity || '').toLowerCase(), id: 'finding-' + f.id, 'data-kind': f.kind},
    h('h2', {}, badge((f.severity || '').toUpperCase(), (f.severity || '').toLowerCase()), ' ', f.kind, ' ',
      h('span', {class: 'muted'}, 'on ' + chainName(f.chainId) + ' · ' + f.status + ' · seen ' + f.count + '× · '
        + time(f.firstSeen) + ' – ' + time(f.lastSeen))),
    h('p', {class: 'summary'}, f.summary),
    h('h3', {}, 'Evidence'),
    table(null, ['what', 'value'], evidence.map(([k, v]) => h('tr', {}, h('td', {}, k),
      h('td', {}, evidenceValue(k, v)))), 'no evidence recorded'),
    f.runbook ? [h('h3', {}, 'Runbook'), h('p', {class: 'runbook'}, f.runbook)] : null,
    h('h3', {}, 'Actions'),
    h('ul', {class: 'actions'},
      f.misbehaviour ? h('li', {}, 'The monitor tripped the circuit breaker of ' + chainName(f.chainId)
        + ' (messages from and to it are held) and paused its bridge where it can.') : null,
      actions.map(([k, v]) => h('li', {}, k + ': ', evidenceValue(k, v))),
      !f.misbehaviour && !actions.length ? h('li', {class: 'muted'}, 'none recorded beyond the alert') : null));
}
