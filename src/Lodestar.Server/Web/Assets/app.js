// Lodestar's page: search, open a document, read each Retro* sample's reasoning, compare experiments.
// Plain DOM code, no framework and no CDN: everything the page needs is served by the app.
'use strict';
const $ = (id) => document.getElementById(id);
let apiKey = sessionStorage.getItem('lodestar-key') || '';
let info = null;
let lastQuery = '';
let lastTerms = [];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

async function api(path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body) headers['Content-Type'] = 'application/json';
  if (apiKey) headers['Authorization'] = 'Bearer ' + apiKey;
  const res = await fetch(path, { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => null);
  if (res.status === 401) { $('key-box').hidden = false; }
  if (!res.ok) throw new Error((data && (data.detail || data.title)) || ('HTTP ' + res.status));
  return data;
}

function fmt(x, d = 3) { return x == null ? '–' : Number(x).toFixed(d); }

async function load() {
  try {
    info = await api('/v1/info');
  } catch (e) { $('status').textContent = e.message; return; }
  $('key-box').hidden = true;
  $('index').replaceChildren(...info.indexes.map(i => el('option', { value: i.name, text: `${i.name} (${i.documents.toLocaleString()} docs)` })));
  $('topic').replaceChildren(el('option', { value: '', text: '(free query)' }), ...info.topics.map(t => el('option', { value: t.id, text: `${t.id}: ${t.text.slice(0, 60)}` })));
  $('topic').hidden = info.topics.length === 0;
  $('method').replaceChildren(...info.methods.map(m => el('option', { value: m, text: m })));
  $('rerank-box').hidden = info.methods.length === 0;
  $('experiment').replaceChildren(...info.experiments.map(x => el('option', { value: x, text: x })));
  $('tab-experiments').hidden = info.experiments.length === 0;
  $('status').textContent = (info.model ? `LLM: ${info.model}` : 'search only') + (info.qrels ? ' · qrels loaded' : '');
  document.body.dataset.ready = 'true';
}

$('topic').addEventListener('change', () => {
  const t = info.topics.find(t => t.id === $('topic').value);
  if (t) $('query').value = t.text;
});

$('search-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const topic = $('topic').value;
  const query = $('query').value.trim();
  const selected = info.topics.find(t => t.id === topic);
  const body = { index: $('index').value, k: Number($('k').value), mode: $('mode').value, explain: true };
  if (topic && selected && selected.text === query) body.topic = topic; else body.query = query;
  if ($('rerank').checked) body.rerank = { method: $('method').value, samples: Number($('samples').value) };
  $('summary').textContent = 'searching…';
  $('summary').className = '';
  try {
    const r = await api('/v1/search', body);
    render(r);
  } catch (e) {
    $('summary').textContent = e.message;
    $('summary').className = 'problem';
    $('hits').replaceChildren();
  }
});

function termsOf(r) {
  const terms = new Set();
  for (const h of r.hits) for (const t of (h.explanation?.terms || [])) terms.add(t.term.toLowerCase());
  for (const w of r.query.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length > 2) terms.add(w);
  return [...terms].filter(t => t.length > 1);
}

function render(r) {
  lastQuery = r.query;
  lastTerms = termsOf(r);
  const parts = [`${r.hits.length} hits in ${fmt(r.took_ms, 1)} ms (${r.mode}${r.rerank ? ` + ${r.rerank.method}, K=${r.rerank.samples}, ${r.rerank.requested} samples asked, ${r.rerank.reused} from the store` : ''})`];
  if (r.ndcg_cut_10) parts.push(`nDCG@10: first stage ${fmt(r.ndcg_cut_10.first_stage, 4)}` + (r.rerank ? ` → reranked ${fmt(r.ndcg_cut_10.final, 4)}` : ''));
  $('summary').textContent = parts.join(' · ');
  $('summary').dataset.testid = 'summary';
  $('hits').replaceChildren(...r.hits.map(h => hitItem(h, r)));
  document.body.dataset.searched = String(Number(document.body.dataset.searched || 0) + 1);
}

function hitItem(h, r) {
  const delta = h.first_stage_rank - h.rank;
  const deltaText = !r.rerank ? '' : delta > 0 ? `▲${delta}` : delta < 0 ? `▼${-delta}` : '=';
  const deltaClass = delta > 0 ? 'up' : delta < 0 ? 'down' : 'same';
  const open = el('button', { class: 'doc-link', type: 'button', text: h.id });
  open.addEventListener('click', () => openDocument(r.index, h.id));
  const head = el('div', { class: 'hit-head' },
    el('span', { class: 'rank', text: `#${h.rank}` }),
    r.rerank ? el('span', { class: 'delta ' + deltaClass, title: `first-stage rank ${h.first_stage_rank}`, text: deltaText }) : null,
    open,
    el('span', { class: 'scores', text: `${r.mode} ${fmt(h.first_stage_score)}` + (r.rerank ? ` · LLM ${h.rerank_score == null ? 'unscored' : fmt(h.rerank_score)}` : '') }),
    h.relevance != null ? el('span', { class: 'grade g' + h.relevance, title: 'judged relevance (qrels)', text: `rel ${h.relevance}` }) : null);
  const li = el('li', { class: 'hit', 'data-doc': h.id }, head);
  if (h.samples && h.samples.length) li.append(reasoning(h.samples));
  return li;
}

function reasoning(samples) {
  const scores = samples.map(s => s.score).filter(s => s != null);
  const d = el('details', { class: 'reasoning' });
  const mean = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null;
  d.append(el('summary', { text: `reasoning: ${samples.length} sample${samples.length > 1 ? 's' : ''}` + (scores.length ? `, scores ${scores.join(', ')}` : ', no score parsed') }));
  if (scores.length) {
    const min = Math.min(...scores), max = Math.max(...scores);
    d.append(el('div', { class: 'spread' }, el('span', { text: `spread: min ${min}, mean ${fmt(mean, 1)}, max ${max} (range ${max - min})` }), dotPlot(scores)));
  }
  for (const s of samples) {
    const pre = el('pre');
    highlightScore(pre, s.text);
    d.append(el('div', { class: 'sample' }, el('strong', { text: `sample ${s.index}: ${s.score == null ? 'unparseable' : 'score ' + s.score} (${s.outcome})` }), pre));
  }
  return d;
}

function dotPlot(scores) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '204'); svg.setAttribute('height', '16'); svg.setAttribute('class', 'dots');
  const axis = document.createElementNS(ns, 'line');
  Object.entries({ x1: 2, x2: 202, y1: 8, y2: 8, stroke: '#bbb' }).forEach(([k, v]) => axis.setAttribute(k, v));
  svg.append(axis);
  for (const s of scores) {
    const c = document.createElementNS(ns, 'circle');
    Object.entries({ cx: 2 + 2 * s, cy: 8, r: 4, fill: '#2257a6', 'fill-opacity': .5 }).forEach(([k, v]) => c.setAttribute(k, v));
    svg.append(c);
  }
  return svg;
}

// The answer's text with every <score>N</score> tag marked.
function highlightScore(target, text) {
  const re = /<score>\s*\d+(?:\.\d+)?\s*<\/score>/g;
  let at = 0;
  for (const m of text.matchAll(re)) {
    target.append(text.slice(at, m.index), el('mark', { class: 'score-tag', text: m[0] }));
    at = m.index + m[0].length;
  }
  target.append(text.slice(at));
}

async function openDocument(index, id) {
  try {
    const d = await api(`/v1/documents/${encodeURIComponent(index)}/${id.split('/').map(encodeURIComponent).join('/')}`);
    $('doc-id').textContent = `${d.id} (${d.length} terms)`;
    const box = $('doc-text');
    box.replaceChildren();
    highlightTerms(box, d.text, lastTerms);
    $('document').hidden = false;
    $('document').dataset.doc = d.id;
  } catch (e) {
    $('doc-id').textContent = e.message;
    $('document').hidden = false;
  }
}

// Words whose lower case starts with a query term (the index's terms are stemmed) are marked.
function highlightTerms(target, text, terms) {
  const re = /[\p{L}\p{N}]+/gu;
  let at = 0;
  for (const m of text.matchAll(re)) {
    const w = m[0].toLowerCase();
    if (terms.some(t => w.startsWith(t))) {
      target.append(text.slice(at, m.index), el('mark', { class: 'term', text: m[0] }));
      at = m.index + m[0].length;
    }
  }
  target.append(text.slice(at));
}

async function showExperiment(name) {
  if (!name) return;
  try {
    const x = await api('/v1/experiments/' + encodeURIComponent(name));
    const measures = [...new Set(x.tasks.flatMap(t => Object.keys(t.measures)))];
    const table = $('experiment-table');
    table.replaceChildren(
      el('thead', {}, el('tr', {}, el('th', { text: 'task' }), ...measures.map(m => el('th', { text: m })))),
      el('tbody', {}, ...x.tasks.map(t => el('tr', {}, el('td', { text: t.task }), ...measures.map(m => el('td', { text: fmt(t.measures[m], 4) }))))));
    const key = measures.includes('ndcg_cut_10') ? 'ndcg_cut_10' : measures[0];
    $('experiment-chart').replaceChildren(barChart(x.tasks.map(t => [t.task, t.measures[key] ?? 0]), key));
    await compareExperiments(name, key);
    document.body.dataset.experiment = name;
  } catch (e) {
    $('experiment-table').replaceChildren(el('caption', { class: 'problem', text: e.message }));
  }
}

// Every experiment side by side on one measure, per task; the selected one is marked.
async function compareExperiments(selected, key) {
  const all = await Promise.all(info.experiments.map(n => api('/v1/experiments/' + encodeURIComponent(n))));
  const tasks = [...new Set(all.flatMap(x => x.tasks.map(t => t.task)))].sort();
  const value = (x, task) => x.tasks.find(t => t.task === task)?.measures[key];
  $('experiment-compare').replaceChildren(
    el('caption', { text: `${key} per task, every experiment` }),
    el('thead', {}, el('tr', {}, el('th', { text: 'task' }), ...all.map(x => el('th', { class: x.name === selected ? 'selected' : '', text: x.name })))),
    el('tbody', {}, ...tasks.map(task => el('tr', {}, el('td', { text: task }), ...all.map(x => el('td', { class: x.name === selected ? 'selected' : '', text: fmt(value(x, task), 4) }))))));
}

function barChart(rows, label) {
  const ns = 'http://www.w3.org/2000/svg';
  const w = 560, bar = 22, h = rows.length * bar + 24;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
  rows.forEach(([name, v], i) => {
    const y = 20 + i * bar;
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', 0); t.setAttribute('y', y + 14); t.textContent = name;
    const r = document.createElementNS(ns, 'rect');
    Object.entries({ x: 160, y: y + 2, width: Math.max(1, v * 340), height: bar - 6, fill: '#2257a6' }).forEach(([k, a]) => r.setAttribute(k, a));
    const n = document.createElementNS(ns, 'text');
    n.setAttribute('x', 166 + v * 340); n.setAttribute('y', y + 14); n.textContent = fmt(v, 4);
    svg.append(t, r, n);
  });
  const cap = document.createElementNS(ns, 'text');
  cap.setAttribute('x', 160); cap.setAttribute('y', 12); cap.textContent = label + ' per task';
  svg.append(cap);
  return svg;
}

$('experiment').addEventListener('change', () => showExperiment($('experiment').value));
for (const tab of document.querySelectorAll('.tab')) {
  tab.addEventListener('click', () => {
    document.querySelectorAll('.tab').forEach(t => t.classList.toggle('active', t === tab));
    $('view-search').hidden = tab.dataset.view !== 'search';
    $('view-experiments').hidden = tab.dataset.view !== 'experiments';
    if (tab.dataset.view === 'experiments') showExperiment($('experiment').value);
  });
}
$('key-save').addEventListener('click', () => { apiKey = $('api-key').value; sessionStorage.setItem('lodestar-key', apiKey); load(); });
load();
