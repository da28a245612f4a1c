'use strict';
// The Strand console: plain DOM and fetch, nothing loaded from elsewhere. Every call goes to the server that served
// the page; an API key, when the server asks for one (401), is kept in sessionStorage for this tab only.

const $ = (id) => document.getElementById(id);
const KEY = 'strand.apiKey';
const MAX_ROWS = 500;

// ---- API access ---------------------------------------------------------------------------------------------------

let pendingKey = null;

/** One dialog however many calls were refused at once; they all wait for the same answer. */
function askKey() {
  if (pendingKey) {
    return pendingKey;
  }
  pendingKey = new Promise((resolve) => {
    const dialog = $('key-dialog');
    $('key-input').value = '';
    dialog.addEventListener('close', () => {
      const key = $('key-input').value.trim();
      if (key) {
        sessionStorage.setItem(KEY, key);
      }
      resolve(key);
    }, { once: true });
    dialog.showModal();
  }).finally(() => {
    pendingKey = null;
  });
  return pendingKey;
}

async function api(path, options = {}, retried = false) {
  const headers = Object.assign({}, options.headers || {});
  const key = sessionStorage.getItem(KEY);
  if (key) {
    headers['Authorization'] = 'Bearer ' + key;
  }
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && !retried) {
    sessionStorage.removeItem(KEY);
    if (await askKey()) {
      return api(path, options, true);
    }
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = text;
  }
  return { status: response.status, ok: response.ok, body };
}

function base64url(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// ---- tabs ---------------------------------------------------------------------------------------------------------

for (const button of document.querySelectorAll('nav button')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll('nav button')) {
      b.classList.toggle('active', b === button);
    }
    for (const t of document.querySelectorAll('.tab')) {
      t.classList.toggle('active', t.id === button.dataset.tab);
    }
  });
}

// ---- live stream: a WebSocket that resumes after a drop from the last position it showed ----------------------------

const stream = { socket: null, lastShown: 0, filters: {}, retryMs: 500, wanted: false };

function streamUrl(fromPosition) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const params = new URLSearchParams({ fromPosition: String(fromPosition) });
  for (const [name, value] of Object.entries(stream.filters)) {
    if (value) {
      params.set(name, value);
    }
  }
  return scheme + '//' + location.host + '/subscribe?' + params;
}

function openStream(fromPosition) {
  const key = sessionStorage.getItem(KEY);
  const protocols = key ? ['strand.v1', 'strand.key.' + base64url(key)] : ['strand.v1'];
  const socket = new WebSocket(streamUrl(fromPosition), protocols);
  stream.socket = socket;
  $('stream-status').textContent = 'connecting from position ' + fromPosition;
  socket.onopen = () => {
    stream.retryMs = 500;
    $('stream-status').textContent = 'live';
  };
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (typeof event.position === 'number' && event.position > stream.lastShown) {
      stream.lastShown = event.position;
      addRow(event);
    }
  };
  socket.onclose = async (close) => {
    if (stream.socket !== socket || !stream.wanted) {
      return;
    }
    if (close.code === 1006 && !key) {
      // refused before the upgrade (a browser hides why): a plain request asks for a key if one is needed
      await api('/events?limit=1');
    }
    const resumeFrom = stream.lastShown > 0 ? stream.lastShown + 1 : Number(stream.filters.fromPosition || 1);
    $('stream-status').textContent = 'dropped (' + close.code + '); resuming from ' + resumeFrom;
    setTimeout(() => {
      if (stream.socket === socket && stream.wanted) {
        openStream(resumeFrom);
      }
    }, stream.retryMs);
    stream.retryMs = Math.min(stream.retryMs * 2, 5000);
  };
}

function addRow(event) {
  const row = document.createElement('tr');
  row.dataset.position = event.position;
  for (const value of [event.position, event.aggregateId, event.version, event.type, event.timestamp]) {
    const cell = document.createElement('td');
    cell.textContent = value;
    row.appendChild(cell);
  }
  const data = document.createElement('td');
  data.className = 'data';
  data.textContent = JSON.stringify(event.data);
  row.appendChild(data);
  const rows = $('stream-rows');
  rows.insertBefore(row, rows.firstChild);
  while (rows.children.length > MAX_ROWS) {
    rows.removeChild(rows.lastChild);
  }
}

function startStream() {
  const form = new FormData($('stream-filters'));
  stream.filters = {
    aggregateId: form.get('aggregateId').trim(),
    type: form.get('type').trim(),
    aggregateType: form.get('aggregateType').trim(),
    fromPosition: form.get('fromPosition').trim() || '1',
  };
  stream.wanted = true;
  stream.lastShown = 0;
  $('stream-rows').replaceChildren();
  const old = stream.socket;
  stream.socket = null;
  if (old) {
    old.close();
  }
  openStream(Number(stream.filters.fromPosition));
}

$('stream-filters').addEventListener('submit', (e) => {
  e.preventDefault();
  startStream();
});

// ---- aggregate page: its events and a version slider (temporal query) -----------------------------------------------

const aggregate = { id: null, version: 0 };

async function loadAggregate(id) {
  $('aggregate-error').textContent = '';
  const current = await api('/aggregates/' + encodeURIComponent(id));
  if (!current.ok) {
    $('aggregate-view').hidden = true;
    $('aggregate-error').textContent = current.status + ' ' + (current.body && current.body.detail || '');
    return;
  }
  aggregate.id = id;
  aggregate.version = current.body.version;
  $('aggregate-title').textContent = id;
  $('aggregate-type').textContent = current.body.aggregateType + ', version ' + current.body.version;
  const events = await api('/aggregates/' + encodeURIComponent(id) + '/events?fromVersion=1&limit=10000');
  const rows = $('aggregate-events');
  rows.replaceChildren();
  for (const event of (events.body && events.body.events) || []) {
    const row = document.createElement('tr');
    row.dataset.version = event.version;
    for (const value of [event.version, event.position, event.type]) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.appendChild(cell);
    }
    const data = document.createElement('td');
    data.className = 'data';
    data.textContent = JSON.stringify(event.data);
    row.appendChild(data);
    rows.appendChild(row);
  }
  const slider = $('version-slider');
  slider.max = String(aggregate.version);
  slider.value = String(aggregate.version);
  $('aggregate-view').hidden = false;
  await showVersion(aggregate.version);
}

async function showVersion(version) {
  $('version-label').textContent = version + ' of ' + aggregate.version;
  const at = await api('/aggregates/' + encodeURIComponent(aggregate.id) + '?atVersion=' + version);
  $('aggregate-state').textContent = at.ok ? JSON.stringify(at.body.state, null, 2) :
    at.status + ' ' + (at.body && at.body.detail || '');
  $('aggregate-state').dataset.version = String(version);
  for (const row of $('aggregate-events').children) {
    row.classList.toggle('current', Number(row.dataset.version) === version);
  }
}

$('aggregate-form').addEventListener('submit', (e) => {
  e.preventDefault();
  loadAggregate($('aggregate-id').value.trim());
});
$('version-slider').addEventListener('input', (e) => showVersion(Number(e.target.value)));

// ---- command form: built from GET /schemas where the server has it, else from the ledger's commands -----------------

const LEDGER_COMMANDS = {
  OpenAccount: { properties: { owner: { type: 'string' }, currency: { type: 'string' }, overdraftLimit: { type: 'integer' } }, required: [] },
  Deposit: { properties: { amount: { type: 'integer' } }, required: ['amount'] },
  Withdraw: { properties: { amount: { type: 'integer' } }, required: ['amount'] },
  Transfer: { properties: { to: { type: 'string' }, amount: { type: 'integer' } }, required: ['to', 'amount'] },
  CloseAccount: { properties: {}, required: [] },
};
let commandSchemas = {};

// Options are keyed "aggregateType: Type" (command names are scoped by aggregate type: kit and crate may both have
// Assemble); the ledger's fallback has no aggregate type.
async function loadCommandTypes() {
  const schemas = await api('/schemas');
  commandSchemas = {};
  if (schemas.ok && schemas.body && Array.isArray(schemas.body.aggregateTypes)) {
    for (const aggregateType of schemas.body.aggregateTypes) {
      for (const command of aggregateType.commands || []) {
        commandSchemas[aggregateType.name + ': ' + command.type] = Object.assign(
          { aggregateType: aggregateType.name, commandType: command.type }, command.schema || {});
      }
    }
    $('command-source').textContent = 'fields from GET /schemas';
  } else {
    for (const [name, schema] of Object.entries(LEDGER_COMMANDS)) {
      commandSchemas[name] = Object.assign({ commandType: name }, schema);
    }
    $('command-source').textContent = 'the ledger\'s commands (this server has no GET /schemas)';
  }
  const select = $('command-type');
  select.replaceChildren();
  for (const name of Object.keys(commandSchemas)) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name;
    select.appendChild(option);
  }
  renderFields();
}

// A field's JSON type: its own, or for an optional one ({"anyOf": [schema, {"type": "null"}]}) its non-null branch's.
function fieldType(field) {
  if (field.type) {
    return field.type;
  }
  const branch = (field.anyOf || []).find((s) => s.type && s.type !== 'null');
  return branch ? branch.type : 'string';
}

function renderFields() {
  const schema = commandSchemas[$('command-type').value] || { properties: {} };
  const box = $('command-fields');
  box.replaceChildren();
  for (const [name, field] of Object.entries(schema.properties || {})) {
    const label = document.createElement('label');
    const caption = document.createElement('span');
    const required = (schema.required || []).includes(name);
    const type = fieldType(field);
    caption.textContent = name + (required ? ' *' : '');
    const input = document.createElement(type === 'object' || type === 'array' ? 'textarea' : 'input');
    input.name = 'data.' + name;
    input.dataset.kind = type;
    if (type === 'integer' || type === 'number') {
      input.type = 'number';
    } else if (type === 'boolean') {
      input.type = 'checkbox';
    }
    input.required = required && type !== 'boolean';
    label.append(caption, input);
    box.appendChild(label);
  }
}

function fieldValue(input) {
  switch (input.dataset.kind) {
    case 'integer':
    case 'number':
      return input.value === '' ? undefined : Number(input.value);
    case 'boolean':
      return input.checked;
    case 'object':
    case 'array':
      return input.value.trim() === '' ? undefined : JSON.parse(input.value);
    default:
      return input.value === '' ? undefined : input.value;
  }
}

$('command-type').addEventListener('change', renderFields);
$('command-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const chosen = commandSchemas[$('command-type').value] || {};
  const envelope = { type: chosen.commandType, aggregateId: form.aggregateId.value.trim(), data: {} };
  if (form.commandId.value.trim()) {
    envelope.commandId = form.commandId.value.trim();
  }
  const aggregateType = chosen.aggregateType;
  if (aggregateType) {
    envelope.aggregateType = aggregateType;
  }
  try {
    for (const input of $('command-fields').querySelectorAll('input, textarea')) {
      const value = fieldValue(input);
      if (value !== undefined) {
        envelope.data[input.name.substring(5)] = value;
      }
    }
  } catch (err) {
    $('command-result').textContent = 'not JSON: ' + err.message;
    return;
  }
  const result = await api('/commands', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(envelope),
  });
  $('command-result').textContent = result.status + '\n' + JSON.stringify(result.body, null, 2);
  $('command-result').dataset.status = String(result.status);
});

// ---- stats: polled once a second; rates from two readings ------------------------------------------------------------

const series = { throughput: [], latency: [], lag: [] };
let previousStats = null;

function draw(canvas, points, color) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(1, ...points);
  ctx.fillStyle = '#6b7585';
  ctx.font = '11px sans-serif';
  ctx.fillText(max.toFixed(max < 10 ? 1 : 0), 4, 12);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  points.forEach((value, i) => {
    const x = (i / Math.max(1, 119)) * (w - 8) + 4;
    const y = h - 4 - (value / max) * (h - 20);
    if (i === 0) {
      ctx.moveTo(x, y);
    } else {
      ctx.lineTo(x, y);
    }
  });
  ctx.stroke();
}

function push(list, value) {
  list.push(value);
  if (list.length > 120) {
    list.shift();
  }
}

async function pollStats() {
  const stats = await api('/stats');
  if (stats.ok) {
    const s = stats.body;
    if (previousStats && s.time > previousStats.time) {
      push(series.throughput, (s.commandsAccepted - previousStats.commandsAccepted) * 1000 / (s.time - previousStats.time));
    }
    push(series.latency, s.appendLatencyMicros.p99);
    push(series.lag, s.readModelLag);
    previousStats = s;
    draw($('chart-throughput'), series.throughput, '#2456a6');
    draw($('chart-latency'), series.latency, '#b3261e');
    draw($('chart-lag'), series.lag, '#1e7b34');
    $('stats-now').textContent = JSON.stringify(s, null, 2);
    $('node').textContent = s.role + ', ' + s.state.toLowerCase() + ', journal at ' + s.journalPosition;
  }
  setTimeout(pollStats, 1000);
}

// ---- start ---------------------------------------------------------------------------------------------------------

loadCommandTypes();
startStream();
pollStats();
