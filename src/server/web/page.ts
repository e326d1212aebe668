/**
 * The virtual machine's web page, served at the control port's root. Self-contained (inline
 * CSS and JS, no CDN) so it works offline; it talks only to the control API of the same
 * origin and to `GET /events` for the live traffic log. Everything from the server is put
 * into the DOM with textContent, never as HTML.
 */
const STYLE = `
:root { --bg:#f4f5f7; --panel:#fff; --ink:#1d2330; --muted:#667085; --line:#d9dde5; --accent:#0b63ce;
  --ok:#2f9e44; --near:#f08c00; --bad:#e03131; --in:#1864ab; --out:#2b8a3e; --ev:#862e9c; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
header { display:flex; align-items:center; gap:16px; padding:10px 16px; background:#1d2330; color:#fff; flex-wrap:wrap; }
header h1 { font-size:16px; margin:0; font-weight:600; }
header .meta { color:#c9d1e0; font-size:12px; }
header .spacer { flex:1; }
main { display:grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr) minmax(360px, 1.3fr); gap:12px; padding:12px; }
@media (max-width: 1100px) { main { grid-template-columns: 1fr; } }
section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; min-width:0; }
h2 { font-size:13px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); margin:0 0 8px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:right; padding:3px 6px; border-bottom:1px solid var(--line); white-space:nowrap; }
th:first-child, td:first-child { text-align:left; }
th { font-weight:600; color:var(--muted); font-size:12px; }
.level { display:inline-block; min-width:78px; text-align:center; border-radius:10px; padding:0 8px; font-size:12px; color:#fff; }
.level.ok { background:var(--ok); } .level.near-empty, .level.near-full { background:var(--near); }
.level.empty, .level.full { background:var(--bad); } .level.none { background:#adb5bd; }
button { font:inherit; border:1px solid var(--line); background:#fff; border-radius:6px; padding:5px 10px; cursor:pointer; }
button:not(:disabled):hover { border-color:var(--accent); }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.danger { color:var(--bad); }
/* Disabled must read as disabled whatever colour the button has when it is live (a note, Accept). */
button:disabled, button.primary:disabled, .money button.note:disabled, .money button.coin:disabled {
  background:#eceef2; border-color:#d9dde5; border-style:dashed; color:#98a2b3; cursor:not-allowed; box-shadow:none; }
.money { display:flex; flex-wrap:wrap; gap:6px; margin:6px 0 10px; }
.money button { min-width:64px; }
.money button.note { background:#e7f5ff; }
.money button.coin { background:#fff9db; border-radius:16px; }
.row { display:flex; gap:8px; flex-wrap:wrap; align-items:center; margin:6px 0; }
.kv { display:grid; grid-template-columns: max-content 1fr; gap:2px 12px; margin-bottom:8px; }
.kv dt { color:var(--muted); } .kv dd { margin:0; font-variant-numeric: tabular-nums; }
.idle { color:var(--muted); }
.errors li { color:var(--bad); } .errors li.idle { color:var(--muted); }
#status { min-height:1.4em; font-size:12px; }
#status.error { color:var(--bad); } #status.ok { color:var(--ok); }
#log { height:420px; overflow:auto; font:12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:#0f1420; color:#d0d7e2; border-radius:6px; padding:6px; }
/* One entry per line; a long frame wraps only between its fields (<wbr> after each #), never inside one. */
#log .line { display:grid; grid-template-columns:max-content max-content minmax(0, 1fr); }
#log .when, #log .dir { white-space:pre; }
#log .data { white-space:pre-wrap; overflow-wrap:anywhere; word-break:normal; }
#log .in { color:#74c0fc; } #log .out { color:#8ce99a; } #log .event { color:#e599f7; } #log .fault { color:#ffa8a8; }
label { font-size:12px; color:var(--muted); display:flex; flex-direction:column; gap:2px; }
input, select { font:inherit; padding:4px 6px; border:1px solid var(--line); border-radius:6px; min-width:0; }
.fields { display:grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap:6px; margin:6px 0; }
.faults li { margin:4px 0; display:flex; gap:8px; align-items:center; justify-content:space-between; }
.faults li span { flex:1; }
.badge { font-size:11px; border-radius:8px; padding:0 6px; background:#e9ecef; }
.badge.fired { background:#ffe3e3; color:var(--bad); }
ul { padding-left:18px; margin:4px 0; }
.hint { color:var(--muted); font-size:12px; }
.pill { display:inline-flex; align-items:center; gap:6px; font-size:12px; padding:2px 10px; border-radius:10px; background:#343a4a; color:#c9d1e0; }
.pill[hidden] { display:none; }
#tickets[hidden] { display:none; }
#tickets ul { font:12px/1.35 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap:anywhere; }
#tickets .down { color:var(--bad); }
.pill::before { content:""; width:8px; height:8px; border-radius:50%; background:#868e96; }
.pill.on { background:#1f3d2a; color:#b2f2bb; } .pill.on::before { background:var(--ok); }
.pill.off::before { background:#adb5bd; }
.pill.bad { background:#4a1f1f; color:#ffc9c9; } .pill.bad::before { background:var(--bad); }
`;

const SCRIPT = `
'use strict';
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
let profile = { name: '', currency: '', coins: [], notes: [], recyclable: [] };
// What the operation's fields mean to a person at the page; an unknown field shows its name.
const COMMANDS = { I: 'initialise', C: 'charge', G: 'backoffice menu', B: 'accept cash', A: 'add change', P: 'dispense', U: 'dispense by denomination',
  S: 'collect the stacker', F: 'close the till', V: 'empty the machine', W: 'maintenance' };
const PHASES = { accepting: 'taking cash', confirming: 'waiting for Accept', paying: 'paying change', refunding: 'giving the cash back',
  dispensing: 'dispensing', screen: 'screen open', jammed: 'jammed', 'cold-start': 'starting (cold)', 'warm-start': 'starting' };
const WAITING = { customer: 'the customer', operator: 'the operator' };
const LABELS = { phase: 'Phase', acceptButton: 'Accept button', partialCharge: 'Partial payment', validating: 'Notes being validated', remaining: 'Pieces left to dispense' };
function yesNo(key, value) {
  if (key === 'acceptButton') return value ? 'shown' : 'hidden';
  if (key === 'partialCharge') return value ? 'allowed' : 'not allowed';
  return value ? 'yes' : 'no';
}
function humanField(key, value) {
  const label = LABELS[key] || key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
  if (typeof value === 'boolean') return [label, yesNo(key, value)];
  if (key === 'phase') return [label, PHASES[value] || String(value)];
  return [label, String(value)];
}
let catalog = [];
let state = null;
let money = (c) => (c / 100).toFixed(2);

function setStatus(text, kind) {
  const s = $('status');
  s.textContent = text;
  s.className = kind || '';
}
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) throw new Error((data && data.error) || (res.status + ' ' + res.statusText));
  return data;
}
async function act(label, method, path, body) {
  try {
    await api(method, path, body);
    setStatus(label, 'ok');
  } catch (err) {
    setStatus(label + ': ' + err.message, 'error');
  }
  refresh();
}

function levelOf(denomination) {
  if (state && state.levels && state.levels[String(denomination)]) return state.levels[String(denomination)];
  const levels = profile.levels && profile.levels[String(denomination)];
  if (!state || !levels) return null;
  const count = state.inventory.recyclers[String(denomination)] || 0;
  if (count <= 0) return 'empty';
  if (levels.capacity !== undefined && count >= levels.capacity) return 'full';
  if (levels.nearFull !== undefined && count >= levels.nearFull) return 'near-full';
  if (levels.nearEmpty !== undefined && count <= levels.nearEmpty) return 'near-empty';
  return 'ok';
}
function renderInventory() {
  const body = $('inventory');
  body.replaceChildren();
  if (!state) { $('totals').textContent = ''; return; }
  const all = [...profile.coins, ...profile.notes];
  for (const d of all) {
    const key = String(d);
    const recyclable = profile.recyclable.includes(d);
    const level = recyclable ? levelOf(d) : null;
    const levelText = level ? level.replace('-', ' ') : (recyclable ? '' : 'to the stacker');
    body.append(el('tr', { dataset: { denomination: key } },
      el('td', {}, money(d)),
      el('td', {}, recyclable ? String(state.inventory.recyclers[key] || 0) : '–'),
      el('td', {}, String(state.inventory.stacker[key] || 0)),
      el('td', {}, el('span', { class: 'level ' + (level || 'none') }, levelText || '–'))));
  }
  $('totals').textContent = 'In the recyclers: ' + money(state.totals.recyclers) + ' · in the stacker: ' + money(state.totals.stacker) +
    (state.ledger ? ' · inserted since start: ' + money(state.ledger.inserted) + ' · dispensed: ' + money(state.ledger.dispensed) : '') +
    (state.levels && state.levels.STACKER && state.levels.STACKER !== 'ok' ? ' · stacker ' + state.levels.STACKER.replace('-', ' ') : '');
}
function renderOperation() {
  const box = $('operation');
  box.replaceChildren();
  if (!state) {
    for (const b of document.querySelectorAll('[data-needs-open]')) b.disabled = true;
    $('close-backoffice').disabled = true;
    return;
  }
  $('initialized').textContent = state.initialized ? 'Initialised' : 'Not initialised (waiting for #I#)';
  // The dialect options in force, so a vendor comparing with a real connector sees which reading is simulated.
  if (state.dialect) $('dialect').textContent = 'Dialect: ' + Object.entries(state.dialect).map(([k, v]) => k + '=' + v).join(' · ');
  const op = state.operation;
  if (!op) {
    box.append(el('p', { class: 'idle' }, 'No operation open. Start one from the POS (e.g. #C#…).'));
  } else {
    // [field, label, value]: data-field keeps the protocol's name for scripts and tests.
    const rows = [['command', 'Command', '#' + op.command + '#' + (COMMANDS[op.command] ? ' · ' + COMMANDS[op.command] : '')],
      ['conn', 'Connection', '#' + op.conn]];
    if (op.amount !== undefined) rows.push(['amount', op.command === 'C' ? 'Amount due' : 'Amount', money(op.amount)]);
    if (op.inserted !== undefined) rows.push(['inserted', 'Inserted', money(op.inserted)]);
    if (op.amount !== undefined && op.inserted !== undefined && op.command !== 'P') {
      rows.push(op.inserted >= op.amount ? ['change', 'Change due', money(op.inserted - op.amount)] : ['due', 'Still due', money(op.amount - op.inserted)]);
    }
    if (op.dispensed !== undefined) rows.push(['dispensed', 'Dispensed', money(op.dispensed)]);
    if (op.waitingFor) rows.push(['waitingFor', 'Waiting for', WAITING[op.waitingFor] || op.waitingFor]);
    for (const [k, v] of Object.entries(op)) {
      if (['command', 'conn', 'amount', 'inserted', 'dispensed', 'waitingFor'].includes(k)) continue;
      if (v === null || typeof v === 'object') continue;
      rows.push([k, ...humanField(k, v)]);
    }
    box.append(el('dl', { class: 'kv' }, rows.map(([k, label, v]) => [el('dt', {}, label), el('dd', { dataset: { field: k } }, v)])));
  }
  const errs = $('errors');
  errs.replaceChildren();
  if (state.errors.length === 0) errs.append(el('li', { class: 'idle' }, 'None'));
  for (const code of state.errors) errs.append(el('li', {}, String(code)));
  const open = !!op;
  for (const b of document.querySelectorAll('[data-needs-open]')) b.disabled = !open;
  $('close-backoffice').disabled = !(op && op.waitingFor === 'operator');
}
function renderMoneyButtons() {
  // The person at the page is the customer: they press Accept themselves (the Accept button).
  const box = $('money');
  box.replaceChildren();
  for (const d of profile.notes.slice().reverse()) {
    box.append(el('button', { class: 'note', dataset: { denomination: String(d), needsOpen: '1' }, disabled: !(state && state.operation),
      title: 'insert a ' + money(d) + ' note', onclick: () => act('inserted ' + money(d), 'POST', '/customer', { insert: [d], accept: false }) }, money(d)));
  }
  for (const d of profile.coins.slice().reverse()) {
    box.append(el('button', { class: 'coin', dataset: { denomination: String(d), needsOpen: '1' }, disabled: !(state && state.operation),
      title: 'insert a ' + money(d) + ' coin', onclick: () => act('inserted ' + money(d), 'POST', '/customer', { insert: [d], accept: false }) }, money(d)));
  }
}

function optionInput(option, prefix) {
  const id = prefix + option.name;
  const placeholder = option.default !== undefined ? String(option.default) :
    ({ cents: 'cents', integer: 'n', duration: 'e.g. 2s', offsets: 'e.g. 3,7 or every', code: 'e.g. 1110', string: '' })[option.kind] || '';
  const field = option.values && option.values.length
    ? el('select', { id, name: option.name, dataset: { kind: option.kind } }, el('option', { value: '' }, option.default !== undefined ? '(' + String(option.default) + ')' : ''),
        option.values.map((v) => el('option', { value: v }, v)))
    : el('input', { id, name: option.name, placeholder, dataset: { kind: option.kind } });
  return el('label', { title: option.description }, option.name + (option.required ? ' *' : ''), field);
}
function renderFaultForm() {
  const type = $('fault-type').value;
  const info = catalog.find((f) => f.type === type);
  const box = $('fault-options');
  box.replaceChildren();
  $('fault-summary').textContent = info ? info.summary + ' — on the wire: ' + info.wireEffect : '';
  if (!info) return;
  for (const option of info.options) box.append(optionInput(option, 'opt-'));
}
function readValue(input) {
  const raw = input.value.trim();
  if (raw === '') return undefined;
  const kind = input.dataset.kind;
  if (kind === 'cents' || kind === 'integer' || kind === 'code' || kind === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (kind === 'offsets') return /^[a-z]+$/i.test(raw) ? raw : raw.split(/[ ,+]+/).filter(Boolean).map(Number);
  if (kind === 'duration' && /^\\d+(\\.\\d+)?$/.test(raw)) return Number(raw);
  return raw;
}
async function armFault(event) {
  event.preventDefault();
  const spec = { type: $('fault-type').value };
  for (const input of $('fault-options').querySelectorAll('input, select')) {
    const v = readValue(input);
    if (v !== undefined) spec[input.name] = v;
  }
  const on = {};
  for (const input of $('fault-trigger').querySelectorAll('input')) {
    const v = readValue(input);
    if (v !== undefined) on[input.name] = v;
  }
  if (Object.keys(on).length > 0) spec.on = on;
  await act('armed ' + spec.type, 'POST', '/faults', spec);
}
async function refreshFaults() {
  let faults = [];
  try { faults = await api('GET', '/faults'); } catch { return; }
  const list = $('faults');
  list.replaceChildren();
  if (faults.length === 0) list.append(el('li', { class: 'idle' }, 'no fault armed'));
  for (const f of faults) {
    list.append(el('li', { dataset: { fault: f.id } },
      el('span', {}, f.id + ' · ' + f.description),
      el('span', { class: 'badge' + (f.fired > 0 ? ' fired' : '') }, 'fired ' + f.fired + ' · left ' + f.remaining),
      el('button', { class: 'danger', onclick: () => act('disarmed ' + f.id, 'DELETE', '/faults/' + encodeURIComponent(f.id)) }, 'Disarm')));
  }
}

let refreshTimer = null;
async function refresh() {
  if (refreshTimer) { clearTimeout(refreshTimer); refreshTimer = null; }
  try {
    state = await api('GET', '/state');
    setPill('sim-state', '', '');
  } catch {
    // What the page showed is no longer known to be true: clear it rather than leave stale amounts.
    state = null;
    setPill('sim-state', 'Simulator unreachable', 'bad');
  }
  renderPosConnection();
  renderInventory();
  renderOperation();
  if (state) refreshFaults();
  if (state) refreshTickets();
}
// The CashlogyTickets look-alike's folder (docs/tickets.md): requests not read yet, the one running, the latest answers.
async function refreshTickets() {
  let t = null;
  try { t = await api('GET', '/tickets'); } catch { return; }
  const box = $('tickets');
  box.hidden = !t || !t.enabled;
  if (box.hidden) return;
  $('tickets-dir').textContent = t.dir + ' · ' + t.mode + ' mode';
  $('tickets-state').textContent = t.running ? '' : 'CashlogyTickets is not running (fault): requests pile up unread';
  const list = (id, items, empty) => {
    const ul = $(id);
    ul.replaceChildren();
    if (items.length === 0) ul.append(el('li', { class: 'idle' }, empty));
    for (const item of items) ul.append(el('li', { dataset: { file: item.file } }, item.text));
  };
  const request = (q) => ({ file: q.file, text: q.file + ' · ' + (q.kind === 'sale' ? 'sale' : 'refund') + ' ' + q.ticket + ' · ' + money(q.amount) });
  list('tickets-pending', [
    ...t.pending.map((file) => ({ file, text: file + ' · not read yet' })),
    ...(t.current ? [{ ...request(t.current), text: request(t.current).text + ' · running' }] : []),
    ...t.queued.map((q) => ({ ...request(q), text: request(q).text + ' · waiting for the machine' })),
  ], 'no request waiting');
  list('tickets-answers', t.answers.slice().reverse().map((a) => ({ file: a.file, text: a.file + ' · ' + a.data })), 'no answer written yet');
}
function setPill(id, text, kind) {
  const pill = $(id);
  pill.textContent = text;
  pill.className = 'pill ' + kind;
  pill.hidden = text === '';
}
// "Connected" means a POS holds a TCP connection to the protocol port, not that this page reached the simulator.
function renderPosConnection() {
  const n = state && typeof state.connections === 'number' ? state.connections : null;
  const pill = $('pos-state');
  pill.dataset.connected = n !== null && n > 0 ? 'true' : 'false';
  if (n === null) setPill('pos-state', 'POS: unknown', 'off');
  else if (n === 0) setPill('pos-state', 'No POS connected', 'off');
  else setPill('pos-state', n === 1 ? 'POS connected' : 'POS connected (' + n + ' connections)', 'on');
}
function scheduleRefresh() {
  if (!refreshTimer) refreshTimer = setTimeout(refresh, 80);
}

const MAX_LOG = 2000;
function logEntry(entry) {
  const log = $('log');
  const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  const arrow = entry.dir === 'in' ? 'POS → ' : entry.dir === 'out' ? 'POS ← ' : '      ';
  const cls = entry.dir === 'event' ? (entry.kind === 'fault' ? 'fault' : 'event') : entry.dir;
  const at = (entry.at / 1000).toFixed(3).padStart(9, ' ') + 's';
  const who = entry.conn ? ('#' + entry.conn).padEnd(4, ' ') : '    ';
  const kind = entry.dir === 'event' ? '[' + (entry.kind || 'event') + '] ' : entry.file ? '[' + entry.file + '] ' : '';
  // A frame may wrap between its fields only: a break opportunity after every #. A file's text wraps anywhere.
  const data = entry.dir === 'event' || entry.file ? [entry.data] : entry.data.split(/(?<=#)/).filter(Boolean).flatMap((part) => [part, el('wbr', {})]);
  log.append(el('div', { class: 'line ' + cls, dataset: { dir: entry.dir } },
    el('span', { class: 'when' }, at + ' ' + who + ' '), el('span', { class: 'dir' }, arrow), el('span', { class: 'data' }, kind || undefined, data)));
  while (log.childElementCount > MAX_LOG) log.firstElementChild.remove();
  if (stick) log.scrollTop = log.scrollHeight;
}
function connectEvents() {
  const source = new EventSource('/events');
  source.addEventListener('entry', (e) => { logEntry(JSON.parse(e.data)); scheduleRefresh(); });
  source.addEventListener('reset', () => { $('log').replaceChildren(); scheduleRefresh(); });
  source.onerror = () => { setPill('sim-state', 'Live log reconnecting…', 'bad'); };
  source.onopen = () => { $('log').replaceChildren(); setPill('sim-state', '', ''); };
}

async function init() {
  profile = await api('GET', '/profile');
  try {
    const fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency: profile.currency || 'EUR' });
    money = (c) => fmt.format(c / 100);
  } catch { /* unknown currency code: plain numbers */ }
  $('profile').textContent = profile.name + (profile.currency ? ' · ' + profile.currency : '');
  renderMoneyButtons();
  try { catalog = await api('GET', '/faults/catalog'); } catch { catalog = []; }
  const select = $('fault-type');
  for (const f of catalog) select.append(el('option', { value: f.type }, f.type + ' (' + f.plane + ')'));
  select.addEventListener('change', renderFaultForm);
  renderFaultForm();
  $('fault-form').addEventListener('submit', armFault);
  $('cancel').addEventListener('click', () => act('pressed Cancel', 'POST', '/customer', { cancel: true }));
  $('accept').addEventListener('click', () => act('pressed Accept', 'POST', '/customer', { confirm: true }));
  $('close-backoffice').addEventListener('click', () => act('closed the backoffice', 'POST', '/operator', { close: true }));
  $('clear-errors').addEventListener('click', () => act('cleared errors', 'POST', '/operator', { clearErrors: true }));
  $('reset').addEventListener('click', () => { if (confirm('Reset the machine, disarm faults and clear the transcript?')) act('reset', 'POST', '/reset', {}); });
  $('customer-mode').addEventListener('change', (e) => act('customer ' + e.target.value, 'PUT', '/customer', { mode: e.target.value }));
  connectEvents();
  await refresh();
  setInterval(refresh, 1500);
}
init().catch((err) => setStatus('could not load the simulator: ' + err.message, 'error'));
`;

const BODY = `
<header>
  <h1>Cashlogy simulator</h1>
  <span class="meta" id="profile"></span>
  <span class="meta" id="initialized"></span>
  <span class="spacer"></span>
  <span class="pill off" id="pos-state" data-connected="false" role="status">loading…</span>
  <span class="pill bad" id="sim-state" hidden></span>
  <label style="color:#c9d1e0">Customer
    <select id="customer-mode"><option value="manual">manual</option><option value="auto">auto</option></select></label>
  <button id="reset" class="danger">Reset</button>
</header>
<main>
  <section>
    <h2>Inventory</h2>
    <table><thead><tr><th>Denomination</th><th>Recyclers</th><th>Stacker</th><th>Level</th></tr></thead>
      <tbody id="inventory"></tbody></table>
    <p class="hint" id="totals"></p>
    <div id="tickets" hidden>
      <h2>CashlogyTickets folder</h2>
      <p class="hint" id="tickets-dir"></p>
      <p class="down" id="tickets-state"></p>
      <div class="hint">requests</div>
      <ul id="tickets-pending"></ul>
      <div class="hint">answers</div>
      <ul id="tickets-answers"></ul>
    </div>
  </section>
  <section>
    <h2>Connector screen</h2>
    <div id="operation"></div>
    <h2>Insert cash</h2>
    <div class="money" id="money"></div>
    <div class="row">
      <button id="cancel" data-needs-open="1" disabled>Cancel</button>
      <button id="accept" class="primary" data-needs-open="1" disabled>Accept</button>
      <button id="close-backoffice" disabled>Close backoffice</button>
      <button id="clear-errors">Clear errors</button>
    </div>
    <div id="status" role="status"></div>
    <h2>Device errors</h2>
    <ul class="errors" id="errors"></ul>
    <p class="hint" id="dialect" title="dialect options of the machine profile (docs/protocol-choices.md)"></p>
    <h2>Faults</h2>
    <form id="fault-form">
      <div class="row"><select id="fault-type" aria-label="fault type"></select><button class="primary" type="submit">Arm</button></div>
      <div class="hint" id="fault-summary"></div>
      <div class="fields" id="fault-options"></div>
      <div class="hint">trigger (all optional)</div>
      <div class="fields" id="fault-trigger">
        <label title="command code without #, e.g. C">command<input name="command" placeholder="e.g. C"></label>
        <label title="the nth matching command">nth<input name="nth" data-kind="integer" placeholder="1"></label>
        <label title="40% of the operation or time into it">after<input name="after" placeholder="40% or 1500ms"></label>
        <label title="chance per matching command (seeded)">probability<input name="probability" data-kind="number" placeholder="0..1"></label>
        <label title="how many times it fires">times<input name="times" data-kind="integer" placeholder="1"></label>
      </div>
    </form>
    <ul class="faults" id="faults"></ul>
  </section>
  <section>
    <h2>Traffic</h2>
    <div id="log" aria-live="polite"></div>
  </section>
</main>
`;

export function renderWebPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cashlogy simulator</title>
<style>${STYLE}</style>
</head>
<body>${BODY}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
