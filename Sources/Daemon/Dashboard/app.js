'use strict';
// The dashboard: picks a run, loads its series downsampled (`limit=`), zooms by refetching the
// zoomed range, and stays current by appending what /events sends (never re-reading a series).
// `window.hookd` exposes the state, for readers in the console and for the browser test.
const limits = {batches: 1000, stats: 500, histograms: 400};
const layerStats = ['mean', 'std', 'near_zero'];
const hookStats = ['mean', 'std', 'near_zero', 'abs_mean', 'min', 'max', 'histogram'];
const endedStatuses = ['finished', 'failed', 'cancelled', 'interrupted'];
const resumableStatuses = ['failed', 'cancelled'];

const $ = (id) => document.getElementById(id);
// `rank`: the data-parallel rank the layer charts show (a single process is rank 0 of 1); the
// loss chart overlays every rank of a data-parallel run (rank 0's daemon holds all their rows).
const state = {run: null, kind: 'forward', layers: [], selected: [], colorDimLayer: null, events: null,
  lastBatch: null, liveEvents: 0, epoch: null, errors: [], rank: 0, worldSize: 1};

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '' : text;
  if (className) td.className = className;
  return td;
}
const fixed = (v, digits) => (typeof v === 'number' ? v.toFixed(digits) : '');
const rangeQuery = (range) => (range ? {from: range[0], to: range[1]} : {});

function report(where, error) {
  state.errors.push(`${where}: ${error.message}`);
  console.warn(where, error);
}

const batchGroup = new ChartGroup((range) => loadBatches(range).catch((e) => report('zoom', e)));
const layerGroup = new ChartGroup((range) => Promise.all([loadLayerStats(range), loadColorDim(range)])
  .catch((e) => report('zoom', e)));
const charts = {
  loss: new SeriesChart($('loss-chart'), {limit: limits.batches, group: batchGroup}),
  lr: new SeriesChart($('lr-chart'), {limit: limits.batches, group: batchGroup}),
};
for (const stat of layerStats) charts[stat] = new SeriesChart($(`${stat}-chart`), {limit: limits.stats, group: layerGroup});
const colorDim = new ColorDim($('colordim'), limits.histograms);
window.hookd = {state, charts, colorDim, violations: []};
document.addEventListener('securitypolicyviolation', (e) => window.hookd.violations.push(`${e.violatedDirective}: ${e.blockedURI}`));

// Runs ------------------------------------------------------------------------------------------

async function loadRuns() {
  const {runs} = await api.get('/runs');
  const body = $('runs').tBodies[0];
  body.replaceChildren();
  for (const run of [...runs].reverse()) {
    const row = body.insertRow();
    row.dataset.run = run.id;
    row.dataset.epochs = run.epochs ?? '';
    row.dataset.totalBatches = run.total_batches ?? '';
    row.dataset.rank = run.rank ?? 0;
    if (run.id === state.run) row.className = 'selected';
    cell(row, run.id);
    cell(row, run.world_size > 1 ? `${run.name} (rank ${run.rank ?? '?'} of ${run.world_size})` : run.name);
    cell(row, run.status, `status-${run.status}`);
    cell(row, outOf(run.epoch === null ? null : run.epoch + 1, run.epochs));
    cell(row, outOf(run.global_batch, run.total_batches));
    cell(row, fixed(run.images_per_second, 0));
    cell(row, fixed(run.loss, 4));
    cell(row, typeof run.accuracy === 'number' ? `${(100 * run.accuracy).toFixed(1)} %` : '');
    row.addEventListener('click', () => selectRun(run.id).catch((e) => report('select', e)));
    if (run.id === state.run) showRunActions(run);
  }
  return runs;
}

// The selected run's error, and for a failed or cancelled one the way to resume it.
function showRunActions(run) {
  $('run-error').textContent = run.error || '';
  $('run-actions').hidden = !resumableStatuses.includes(run.status);
}

async function resume() {
  const id = state.run;
  try {
    const answer = await api.send('POST', `/runs/${id}/resume`);
    $('resume-message').textContent = `run ${id} queued to resume from ${answer.resumes_from ?? 'its start (no checkpoint)'}`;
  } catch (error) {
    $('resume-message').textContent = `resume failed: ${error.message}`;
  }
  await loadRuns();
}

// A data-parallel run's ranks: the selector appears, and starts at the file's own rank.
function showRanks(run) {
  state.worldSize = run.world_size ?? 1;
  state.rank = run.rank ?? 0;
  const ranks = [...Array(state.worldSize).keys()].map(String);
  fillSelect($('rank'), ranks, String(state.rank));
  $('rank-control').hidden = state.worldSize < 2;
}

// The loss chart's series of a rank: `loss` for a single process, `rank R` for each rank.
const lossLabel = (rank) => (state.worldSize > 1 ? `rank ${rank}` : 'loss');

const outOf = (value, total) => (value === null || value === undefined ? '' : `${value}${total ? ' / ' + total : ''}`);

// Live progress updates a run's row in place, from the rank the row is (another rank's batches
// reach rank 0's daemon too).
function showProgress(p) {
  const row = document.querySelector(`#runs tr[data-run="${p.run}"]`);
  if (!row || (p.rank ?? 0) !== Number(row.dataset.rank)) return;
  row.cells[3].textContent = outOf(p.epoch + 1, row.dataset.epochs);
  row.cells[4].textContent = outOf(p.batch + 1, row.dataset.totalBatches);
  row.cells[5].textContent = fixed(p.images_per_second, 0);
  row.cells[6].textContent = fixed(p.loss, 4);
}

async function selectRun(id) {
  state.run = id;
  state.lastBatch = null;
  state.epoch = null;
  $('run-title').textContent = `run ${id}`;
  $('resume-message').textContent = '';
  for (const row of $('runs').tBodies[0].rows) row.className = Number(row.dataset.run) === id ? 'selected' : '';
  // The runs list says the run's rank and world size, which every series read below needs.
  const runs = await loadRuns();
  if (id !== state.run) return;
  showRanks(runs.find((run) => run.id === id) ?? {});
  await Promise.all([loadBatches(batchGroup.range), loadEpochs(), loadModel()]);
}

// Loss, learning rate, epochs ---------------------------------------------------------------------

async function loadBatches(range) {
  const run = state.run;
  const rank = state.worldSize > 1 ? 'all' : null;
  const data = await api.get(`/runs/${run}/batches${api.query({rank, limit: limits.batches, ...rangeQuery(range)})}`);
  if (run !== state.run) return;
  // Each rank's rows in turn (rank=all): one loss line per rank; the learning rate is shared.
  const labels = [];
  for (let r = 0; r < state.worldSize; r++) {
    const mine = data.batch.map((_, i) => i).filter((i) => (data.rank?.[i] ?? 0) === r);
    if (!mine.length && state.worldSize > 1) continue;
    labels.push(lossLabel(r));
    charts.loss.setSeries(lossLabel(r), mine.map((i) => data.batch[i]), mine.map((i) => data.loss[i]));
    if (r === state.rank) charts.lr.setSeries('lr', mine.map((i) => data.batch[i]), mine.map((i) => data.lr[i]));
  }
  charts.loss.keepOnly(labels);
  if (data.batch.length) state.lastBatch = Math.max(state.lastBatch ?? -1, ...data.batch);
}

async function loadEpochs() {
  const data = await api.get(`/runs/${state.run}/epochs`);
  const body = $('epochs').tBodies[0];
  body.replaceChildren();
  data.epoch.forEach((epoch, i) => {
    const row = body.insertRow();
    cell(row, epoch);
    cell(row, fixed(data.train_loss[i], 4));
    cell(row, fixed(data.valid_loss[i], 4));
    cell(row, typeof data.accuracy[i] === 'number' ? `${(100 * data.accuracy[i]).toFixed(2)} %` : '');
    cell(row, fixed(data.seconds[i], 1));
  });
}

// Model, layers, hooks ----------------------------------------------------------------------------

// The model exists once the run has built it; until then /layers answers 409 and we look again.
async function loadModel() {
  const run = state.run;
  let layers, summary;
  try {
    [layers, summary] = await Promise.all([api.get(`/layers?run=${run}`), api.get(`/summary?run=${run}`)]);
  } catch (error) {
    if (error.status === 409 && run === state.run) {
      setTimeout(() => { if (run === state.run) loadModel().catch((e) => report('model', e)); }, 1000);
      return;
    }
    throw error;
  }
  if (run !== state.run) return;
  state.layers = layers.layers;
  showSummary(summary);
  const hooked = state.layers.filter((l) => l.hooks.some((h) => h.kind === state.kind)).map((l) => l.path);
  state.selected = state.selected.filter((p) => state.layers.some((l) => l.path === p));
  if (!state.selected.length) state.selected = hooked.slice(0, 3);
  showLayerChoices();
  fillSelect($('attach-layer'), state.layers.map((l) => l.path));
  await Promise.all([loadLayerStats(layerGroup.range), loadHooks()]);
}

function showSummary(summary) {
  const body = $('summary').tBodies[0];
  body.replaceChildren();
  for (const layer of summary.layers) {
    const row = body.insertRow();
    cell(row, layer.path);
    cell(row, layer.type);
    cell(row, `[${layer.output_shape.join(', ')}]`);
    cell(row, layer.params.toLocaleString('en'));
    cell(row, layer.trainable ? 'yes' : 'no');
  }
  $('summary-total').textContent = `${summary.model}, input [${summary.input_shape.join(', ')}]: `
    + `${summary.total_params.toLocaleString('en')} parameters, ${summary.trainable_params.toLocaleString('en')} trainable`;
}

function showLayerChoices() {
  const list = $('layer-list');
  list.replaceChildren();
  for (const layer of state.layers) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = layer.path;
    box.checked = state.selected.includes(layer.path);
    box.addEventListener('change', () => {
      state.selected = [...list.querySelectorAll('input:checked')].map((b) => b.value);
      loadLayerStats(layerGroup.range).catch((e) => report('layers', e));
    });
    label.append(box, ` ${layer.path} `);
    label.title = layer.type;
    list.append(label);
  }
}

function fillSelect(select, values, chosen) {
  const keep = chosen ?? select.value;
  select.replaceChildren(...values.map((v) => new Option(v, v)));
  if (values.includes(keep)) select.value = keep;
}

async function loadLayerStats(range) {
  const run = state.run, kind = state.kind, rank = state.rank, layers = state.selected.slice();
  const series = await Promise.all(layers.map((layer) => api.get(
    `/stats/${encodeURIComponent(layer)}${api.query({run, kind, rank, limit: limits.stats, ...rangeQuery(range)})}`)));
  // A load for another run, kind or rank (the selection changed meanwhile) would draw the wrong rows.
  if (run !== state.run || kind !== state.kind || rank !== state.rank) return;
  for (const stat of layerStats) {
    charts[stat].keepOnly(layers);
    series.forEach((s, i) => charts[stat].setSeries(layers[i], s.batch, s[stat]));
  }
}

async function loadHooks() {
  const run = state.run;
  const {hooks} = await api.get(`/hooks?run=${run}`);
  if (run !== state.run) return;
  const body = $('hooks').tBodies[0];
  body.replaceChildren();
  for (const hook of hooks) {
    const row = body.insertRow();
    cell(row, hook.id ?? `p${hook.pending_id}`);
    cell(row, hook.layer);
    cell(row, hook.kind);
    cell(row, hook.stats.join(', '));
    cell(row, hook.every);
    cell(row, hook.refused ? `refused: ${hook.refused}` : hook.pending ? 'pending'
      : `${hook.attached_batch}–${hook.detached_batch ?? ''}`);
    const open = hook.pending || hook.active;
    if (open) {
      const button = document.createElement('button');
      button.textContent = 'Detach';
      button.className = 'detach';
      button.addEventListener('click', () => detach(hook.id ?? `p${hook.pending_id}`).catch((e) => report('detach', e)));
      row.insertCell().append(button);
    } else {
      cell(row, '');
    }
  }
  const withHistogram = [...new Set(hooks.filter((h) => h.kind === state.kind && h.stats.includes('histogram')).map((h) => h.layer))];
  if (!withHistogram.includes(state.colorDimLayer)) state.colorDimLayer = withHistogram[0] ?? null;
  fillSelect($('colordim-layer'), withHistogram, state.colorDimLayer);
  await loadColorDim(layerGroup.range);
}

async function loadColorDim(range) {
  const run = state.run, layer = state.colorDimLayer, rank = state.rank;
  if (!layer) {
    colorDim.set([], []);
    $('colordim-note').textContent = 'No histogram hook on this run: attach one (stats "histogram") to see the colorful dimension.';
    return;
  }
  const data = await api.get(`/histograms/${encodeURIComponent(layer)}${api.query({run, kind: state.kind, rank, limit: limits.histograms, ...rangeQuery(range)})}`);
  if (run !== state.run || layer !== state.colorDimLayer || rank !== state.rank) return;
  colorDim.set(data.batch, data.counts);
  $('colordim-range').textContent = data.lo === null ? '0, 10' : `${data.lo}, ${data.hi}`;
  describeColorDim();
}

function describeColorDim() {
  const batch = colorDim.batch, layer = state.colorDimLayer;
  $('colordim-note').textContent = batch.length
    ? `${layer} (${state.kind}): batches ${batch[0]}–${batch[batch.length - 1]}, ${batch.length} columns`
    : `${layer}: no histogram recorded yet`;
}

async function attach(event) {
  event.preventDefault();
  const stats = [...$('attach-stats').querySelectorAll('input:checked')].map((b) => b.value);
  const body = {layer: $('attach-layer').value, kind: $('attach-kind').value, stats, every: Number($('attach-every').value) || 1};
  try {
    const hook = await api.send('POST', `/hooks?run=${state.run}`, body);
    $('hook-message').textContent = hook.pending ? `hook on ${hook.layer} waits for its run (pending ${hook.pending_id})`
      : `hook ${hook.id} on ${hook.layer} records from batch ${hook.attached_batch}`;
  } catch (error) {
    $('hook-message').textContent = `attach failed: ${error.message}`;
  }
  await loadModel();
}

async function detach(id) {
  try {
    const hook = await api.send('DELETE', `/hooks/${id}`);
    $('hook-message').textContent = `hook ${id} detached${hook.detached_batch !== undefined ? ' at batch ' + hook.detached_batch : ''}`;
  } catch (error) {
    $('hook-message').textContent = `detach failed: ${error.message}`;
  }
  await loadModel();
}

// Live events -------------------------------------------------------------------------------------

// One stream for the page's lifetime: status changes of any run refresh the runs list, progress
// updates any run's row, and the selected run's batches, statistics and hooks extend its charts.
function openEvents() {
  const source = new EventSource('/events');
  state.events = source;
  const live = $('live');
  const on = (type, handler) => source.addEventListener(type, (message) => {
    state.liveEvents++;
    try { handler(JSON.parse(message.data)); } catch (error) { report(`event ${type}`, error); }
  });
  const ofSelectedRun = (handler) => (data) => { if (data.run === state.run) handler(data); };
  source.onopen = () => { live.textContent = 'live'; live.className = 'badge live'; };
  source.onerror = () => {
    live.className = 'badge';
    live.textContent = source.readyState === EventSource.CLOSED ? 'no live updates (GET /events refused)' : 'reconnecting…';
  };
  on('progress', (p) => {
    const rank = p.rank ?? 0;
    showProgress(p);
    if (p.run !== state.run) return;
    charts.loss.append(lossLabel(rank), p.batch, p.loss);
    if (rank !== state.rank) return;
    charts.lr.append('lr', p.batch, p.lr);
    state.lastBatch = Math.max(state.lastBatch ?? -1, p.batch);
    if (state.epoch !== null && p.epoch !== state.epoch) loadEpochs().catch((e) => report('epochs', e));
    state.epoch = p.epoch;
  });
  on('stats', ofSelectedRun((s) => {
    if (s.kind !== state.kind || (s.rank ?? 0) !== state.rank) return;
    if (state.selected.includes(s.layer)) {
      for (const stat of layerStats) if (stat in s) charts[stat].append(s.layer, s.batch, s[stat]);
    }
    if (s.histogram && s.layer === state.colorDimLayer) {
      colorDim.append(s.batch, s.histogram.counts);
      describeColorDim();
    }
  }));
  on('run', (r) => {
    // A page opened before any run follows the first one queued.
    if (state.run === null) { selectRun(r.run).catch((e) => report('select', e)); return; }
    loadRuns().catch((e) => report('runs', e));
    if (r.run !== state.run) return;
    if (endedStatuses.includes(r.status)) loadEpochs().catch((e) => report('epochs', e));
    if (r.status === 'running') loadModel().catch((e) => report('model', e));
  });
  on('hook', ofSelectedRun(() => loadModel().catch((e) => report('hooks', e))));
  // The events after our last id are gone from the daemon's memory: read the series again.
  on('gap', () => { if (state.run) selectRun(state.run).catch((e) => report('reload', e)); });
}

// Start ---------------------------------------------------------------------------------------------

function setUp() {
  const stats = $('attach-stats');
  for (const stat of hookStats) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = stat;
    box.checked = ['mean', 'std', 'near_zero'].includes(stat);
    label.append(box, ` ${stat}`);
    stats.append(label);
  }
  $('attach-form').addEventListener('submit', (event) => attach(event).catch((e) => report('attach', e)));
  $('resume-button').addEventListener('click', () => resume().catch((e) => report('resume', e)));
  $('kind').addEventListener('change', () => {
    state.kind = $('kind').value;
    state.selected = [];
    loadModel().catch((e) => report('model', e));
  });
  $('rank').addEventListener('change', () => {
    state.rank = Number($('rank').value);
    // The other rank's points go at once: live rows of this rank must not join them meanwhile.
    for (const stat of layerStats) charts[stat].keepOnly([]);
    colorDim.set([], []);
    loadBatches(batchGroup.range).catch((e) => report('rank', e));
    loadLayerStats(layerGroup.range).catch((e) => report('rank', e));
    loadColorDim(layerGroup.range).catch((e) => report('rank', e));
  });
  $('colordim-layer').addEventListener('change', () => {
    state.colorDimLayer = $('colordim-layer').value;
    loadColorDim(layerGroup.range).catch((e) => report('colordim', e));
  });
}

async function start() {
  setUp();
  openEvents();
  const asked = Number(new URLSearchParams(location.search).get('run'));
  const [health, runs] = await Promise.all([api.get('/health'), loadRuns()]);
  const id = asked || health.active_run || (runs.length ? runs[runs.length - 1].id : null);
  if (id) await selectRun(id);
  else $('run-error').textContent = 'No runs yet: queue one with POST /runs.';
  state.ready = true;
}

start().catch((error) => report('start', error));
