// Streamtune's dashboard: polls /v1/dashboard and /v1/deadletters, renders models, versions,
// live status and dead letters, shows a version's model card, and classifies dropped images.
// When serve demands a bearer token (serve.auth.token), a 401 shows the token form; the token is
// kept in this tab's sessionStorage and sent on every data request.
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const pct = (x) => (x == null ? '–' : (100 * x).toFixed(1) + '%');
let state = { models: [] };

const TOKEN_KEY = 'streamtune.token';
const authHeaders = () => {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return t ? { Authorization: 'Bearer ' + t } : {};
};
const askToken = () => { $('#token-form').hidden = false; };

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store', headers: authHeaders() });
  if (r.status === 401) askToken();
  if (!r.ok) throw new Error(url + ': ' + r.status);
  return r.json();
}

function chart(versions) {
  if (versions.length === 0) return '';
  const w = 320, h = 110, pad = 22;
  const accs = versions.map((v) => v.accuracy);
  const lo = Math.max(0, Math.min(...accs) - 0.05), hi = Math.min(1, Math.max(...accs) + 0.02);
  const x = (i) => pad + (versions.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (versions.length - 1));
  const y = (a) => h - pad - ((a - lo) / Math.max(1e-6, hi - lo)) * (h - 2 * pad);
  const published = versions.map((v, i) => [v, i]).filter(([v]) => v.status === 'PUBLISHED');
  const line = published.map(([v, i]) => `${x(i)},${y(v.accuracy)}`).join(' ');
  const dots = versions.map((v, i) => v.status === 'PUBLISHED'
    ? `<circle class="published" cx="${x(i)}" cy="${y(v.accuracy)}" r="3.5"><title>v${v.version}: ${pct(v.accuracy)}</title></circle>`
    : `<text class="rejected" x="${x(i) - 4}" y="${y(v.accuracy) + 4}">✕<title>v${v.version} REJECTED: ${esc(v.reason)}</title></text>`).join('');
  const ticks = versions.map((v, i) => `<text x="${x(i) - 6}" y="${h - 6}">v${v.version}</text>`).join('');
  return `<svg class="accuracy-chart" width="${w}" height="${h}" role="img" aria-label="accuracy per version">
    <text x="2" y="${y(hi) + 4}">${pct(hi)}</text><text x="2" y="${y(lo) + 4}">${pct(lo)}</text>
    <polyline points="${line}"/>${dots}${ticks}</svg>`;
}

function driftChart(windows) {
  const compared = (windows || []).filter((d) => d.score != null);
  const last = (windows || [])[(windows || []).length - 1];
  if (compared.length === 0) {
    const phase = last ? `v${last.version}: ${esc(last.phase)} window of ${last.window}` : 'no window yet';
    return `<div class="drift-chart-empty muted">${phase}. The drift monitor compares windows of sampled predictions
      (<code>serve.predictions.sample</code>) with the version's reference window.</div>`;
  }
  const w = 320, h = 110, pad = 22;
  const threshold = compared[compared.length - 1].threshold;
  const hi = Math.max(threshold * 1.5, ...compared.map((d) => d.score));
  const x = (i) => pad + (compared.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (compared.length - 1));
  const y = (v) => h - pad - (v / hi) * (h - 2 * pad);
  const line = compared.map((d, i) => `${x(i)},${y(d.score)}`).join(' ');
  const dots = compared.map((d, i) => `<circle class="${d.drifted ? 'drifted' : 'stable'}" cx="${x(i)}" cy="${y(d.score)}" r="3">
      <title>v${d.version} window ${d.windows}: PSI ${d.score.toFixed(3)} (classes ${d.classPsi.toFixed(3)}, confidence ${d.confidencePsi.toFixed(3)}${d.projectionPsi != null ? ', features ' + d.projectionPsi.toFixed(3) : ''})${d.requested ? ', retraining asked' : ''}</title></circle>`).join('');
  return `<svg class="drift-chart" width="${w}" height="${h}" role="img" aria-label="drift per window">
    <line class="threshold" x1="${pad}" x2="${w - pad}" y1="${y(threshold)}" y2="${y(threshold)}"><title>threshold ${threshold}</title></line>
    <text x="2" y="${y(threshold) - 3}">${threshold}</text><text x="2" y="${h - 6}">PSI per window, v${compared[compared.length - 1].version}</text>
    <polyline points="${line}"/>${dots}</svg>`;
}

function labellingQueue(requests) {
  if (!requests || requests.length === 0) return '<div class="muted">No labelling request yet (<code>serve.uncertain.margin</code>).</div>';
  const rows = requests.map((r) => `<tr class="request"><td>${esc(new Date(r.requestedAt).toLocaleTimeString())}</td><td>v${r.version}</td>
      <td>${r.guesses.map((g) => `${esc(g.label)} ${pct(g.probability)}`).join(' / ')}</td><td>${r.margin.toFixed(2)}</td></tr>`).join('');
  return `<table class="labelling-queue"><thead><tr><th>asked</th><th>version</th><th>the model hesitated between</th><th>margin</th></tr></thead>
    <tbody>${rows}</tbody></table><div class="muted">Answer them with <code>streamtune label --model …</code></div>`;
}

function challengerPanel(m) {
  const trials = m.trials || [];
  const now = m.challenger
    ? `<div class="lineup">Champion <b>v${m.served}</b> against challenger <b>v${m.challenger.version}</b> (${esc(m.challenger.mode)}, ${pct(m.challenger.share)} of requests)</div>`
    : `<div class="lineup muted">${m.challengerMode && m.challengerMode !== 'off' ? `Champion v${m.served}; no challenger on trial.` : 'No challenger: new versions are served at once (<code>serve.challenger.mode</code>).'}</div>`;
  if (trials.length === 0) return now;
  const num = (v) => (v == null ? '–' : v.toFixed(3));
  const rows = trials.slice().reverse().map((t) => `<tr class="trial ${t.outcome}"><td>${esc(new Date(t.at).toLocaleTimeString())}</td>
      <td>v${t.challenger} vs v${t.champion}</td><td class="outcome-${t.outcome}">${t.outcome.toLowerCase()}</td><td>${num(t.agreement)}</td>
      <td>${num(t.challengerConfidence)} / ${num(t.championConfidence)}</td><td>${t.answers}</td></tr>`).join('');
  return `${now}<table class="trials"><thead><tr><th>decided</th><th>challenger</th><th>outcome</th><th>agreement</th><th>confidence (challenger / champion)</th><th>answers</th></tr></thead>
    <tbody>${rows}</tbody></table>`;
}

function liveStatus(m) {
  const parts = [];
  if (m.ingest) {
    const n = m.ingest.newExamples, t = m.ingest.threshold;
    parts.push(`<div class="ingest-status">New examples since the last request: <b>${n}</b> of ${t}
      <div class="bar"><span style="width:${Math.min(100, (100 * n) / Math.max(1, t))}%"></span></div></div>`);
  }
  const tr = m.trainer;
  if (tr && !['published', 'rejected', 'skipped'].includes(tr.phase)) {
    const step = tr.of > 0 ? ` ${tr.step}/${tr.of}` : '';
    const loss = tr.validationLoss != null ? `, validation loss ${tr.validationLoss.toFixed(3)}` : '';
    const bad = tr.quarantined > 0 ? `, <span class="quarantined">${tr.quarantined} quarantined</span>` : '';
    parts.push(`<div class="training-status">Training version ${tr.version}: <b>${esc(tr.phase)}</b>${step}${loss}${bad}</div>`);
  } else if (tr) {
    parts.push(`<div class="training-status muted">Last training: version ${tr.version} ${esc(tr.phase)}</div>`);
  }
  return parts.join('') || '<div class="muted">No live status yet.</div>';
}

function modelCard(m) {
  m.versions = m.versions || [];
  const served = m.versions.find((v) => v.version === m.served);
  const latest = served || m.versions[m.versions.length - 1];
  const perLabel = latest ? Object.entries(latest.perLabel) : [];
  const max = Math.max(1, ...perLabel.map(([, n]) => n));
  const labels = perLabel.map(([l, n]) => `<tr><td>${esc(l)}</td><td>${n}</td><td style="width:50%"><div class="bar"><span style="width:${(100 * n) / max}%"></span></div></td></tr>`).join('');
  const rows = m.versions.slice().reverse().map((v) => `<tr class="version-row ${v.status}${v.version === m.served ? ' served' : ''}" data-version="${v.version}">
      <td>v${v.version}</td><td class="status-${v.status}">${v.status}${v.version === m.served ? ' (served)' : ''}</td>
      <td>${pct(v.accuracy)}</td><td>${v.examples} (+${v.newExamples})${v.quarantined > 0 ? ` <span class="quarantined" title="failed a full decode; left out">${v.quarantined} quarantined</span>` : ''}</td><td>${v.mode.toLowerCase()}</td>
      <td>${(v.trainingMillis / 1000).toFixed(1)} s</td>
      <td>${v.card ? `<a class="card-link" href="#/models/${encodeURIComponent(m.model)}/versions/${v.version}">model card</a>` : ''}</td>
      <td class="reason">${esc(v.reason)}</td></tr>`).join('');
  return `<div class="model" data-model="${esc(m.model)}">
    <h3>${esc(m.model)}<span class="served-version">${m.served ? 'serving v' + m.served : 'no version served yet'}</span></h3>
    <div class="row">
      <div><h4>Accuracy per version</h4>${chart(m.versions)}</div>
      <div><h4>Examples per label</h4><table class="labels">${labels}</table></div>
      <div><h4>Live</h4>${liveStatus(m)}</div>
    </div>
    <div class="row">
      <div><h4>Drift</h4>${driftChart(m.drift)}</div>
      <div><h4>Labelling requests</h4>${labellingQueue(m.labelling)}</div>
      <div><h4>Champion and challenger</h4>${challengerPanel(m)}</div>
    </div>
    <h4>Versions</h4>
    <table class="versions"><thead><tr><th>version</th><th>status</th><th>accuracy</th><th>examples</th><th>mode</th><th>training</th><th></th><th>reason</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`;
}

function renderModels() {
  $('#no-models').hidden = state.models.length > 0;
  $('#models').innerHTML = state.models.map(modelCard).join('');
  const select = $('#classify-model');
  const current = select.value;
  const servable = state.models.filter((m) => m.served > 0).map((m) => m.model);
  select.innerHTML = servable.map((m) => `<option${m === current ? ' selected' : ''}>${esc(m)}</option>`).join('');
}

async function refresh() {
  try {
    state = await getJson('/v1/dashboard');
    if (!location.hash.startsWith('#/models/')) renderModels();
    $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('#updated').textContent = 'cannot reach serve: ' + e.message;
  }
}

async function refreshDeadLetters() {
  try {
    const d = await getJson('/v1/deadletters');
    $('#no-deadletters').hidden = d.deadLetters.length > 0;
    $('#deadletters tbody').innerHTML = d.deadLetters.map((l) => `<tr><td>${esc(new Date(l.time).toLocaleTimeString())}</td>
      <td>${esc(l.stage)}</td><td>${esc(l.reason)}</td><td>${esc(l.key)}</td><td>${l.bytes}</td></tr>`).join('');
  } catch (e) { /* the next poll tries again */ }
}

function route() {
  const m = location.hash.match(/^#\/models\/([^/]+)\/versions\/(\d+)$/);
  $('#overview').hidden = !!m;
  $('#version-page').hidden = !m;
  if (!m) { renderModels(); return; }
  const model = decodeURIComponent(m[1]), version = Number(m[2]);
  const v = (state.models.find((x) => x.model === model)?.versions || []).find((x) => x.version === version);
  $('#version-title').textContent = `${model} v${version}`;
  $('#version-summary').innerHTML = v ? `<p class="status-${v.status}">${v.status}: ${esc(v.reason)}</p>
    <p>Accuracy ${pct(v.accuracy)}, macro-F1 ${pct(v.macroF1)}, ${v.examples} examples${v.quarantined > 0 ? ` (${v.quarantined} quarantined)` : ''}, ${v.mode.toLowerCase()} mode on ${esc(v.featureLayer)}.</p>` : '';
  const card = `/v1/models/${encodeURIComponent(model)}/versions/${version}/card`;
  if (!sessionStorage.getItem(TOKEN_KEY)) { $('#card-frame').src = card; return; }
  fetch(card, { headers: authHeaders() }).then(async (r) => {
    if (r.status === 401) askToken();
    $('#card-frame').srcdoc = r.ok ? await r.text() : `<p>${esc(card)}: ${r.status}</p>`;
  });
}

async function classify(file) {
  const model = $('#classify-model').value;
  const out = $('#classify-result');
  if (!model) { out.textContent = 'No model is served yet.'; return; }
  out.textContent = 'Classifying ' + file.name + '…';
  const r = await fetch(`/v1/models/${encodeURIComponent(model)}:classify`, {
    method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream', ...authHeaders() }, body: file,
  });
  if (r.status === 401) askToken();
  const body = await r.json();
  if (!r.ok) { out.innerHTML = `<p class="status-REJECTED">${esc(body.error)}</p>`; return; }
  out.innerHTML = `<p class="prediction">${esc(body.labels[0].label)} <span class="muted">(v${body.version} of ${esc(body.model)})</span></p>` +
    body.labels.map((l) => `<div class="label"><span>${esc(l.label)}</span><div class="bar"><span style="width:${100 * l.probability}%"></span></div><span>${pct(l.probability)}</span></div>`).join('');
}

const drop = $('#drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer.files.length) classify(e.dataTransfer.files[0]);
});
$('#classify-file').addEventListener('change', (e) => { if (e.target.files.length) classify(e.target.files[0]); });
$('#token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('#token').value.trim());
  $('#token').value = '';
  $('#token-form').hidden = true;
  refresh().then(route);
  refreshDeadLetters();
});
window.addEventListener('hashchange', route);
refresh().then(route);
refreshDeadLetters();
setInterval(refresh, 2000);
setInterval(refreshDeadLetters, 5000);
