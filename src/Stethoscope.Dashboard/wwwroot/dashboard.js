// The dashboard page: lists the runs (live steps and test accuracy), opens the newest, follows it through server-sent
// events and draws every figure of `plot` from envelopes the server cuts from the full data (chart.js draws them),
// compares ticked runs, and plays gradient norms as sound through WebAudio with the mappings of Stethoscope's WAV files.
// Names of columns and sound constants come from /api/vocabulary; names of layers, files and figures from the run's
// detail (/api/runs/NAME).
(function () {
  'use strict';
  const C = window.StethoscopeChart;
  const $ = id => document.getElementById(id);
  const enc = encodeURIComponent;
  const api = path => fetch(path).then(r => r.ok ? r.json() : Promise.reject(new Error(path + ' answered ' + r.status)));
  const tooltip = $('tooltip');

  let V = null;                 // the vocabulary
  let current = null;           // the run followed
  let detail = null;            // its /api/runs/NAME
  let source = null, status = null, filesVersion = null, ended = false;
  let view = null;              // { from, to } while zoomed, else the whole run
  let extent = null;            // the run's first and last step
  let cursor = null;            // the step being heard
  const compared = new Set();
  let runs = [];

  const smoothing = () => Number($('smoothing').value);
  const timeOptions = { tooltip, onZoom: zoom, onPick: playFrom };
  const charts = {
    loss: new C.Chart($('loss'), timeOptions),
    accuracy: new C.Chart($('accuracy'), timeOptions),
    norms: new C.Chart($('norms'), timeOptions),
    updates: new C.Chart($('updates'), timeOptions),
    compareLoss: new C.Chart($('compare-loss'), timeOptions),
    compareAccuracy: new C.Chart($('compare-accuracy'), timeOptions),
  };
  const layerMap = new C.Heatmap($('layers'), { tooltip });
  const panels = { distributions: [], activations: [], weights: [], compare: [] };
  // When the page first had the stream's first update, the run's detail and a drawn loss curve (ms since navigation).
  const timing = { firstEvent: null, detail: null, firstPaint: null };

  // ---- runs ----

  async function listRuns() {
    runs = await api('/api/runs');
    $('runs').replaceChildren(...runs.map(run => {
      const item = document.createElement('li'), tick = document.createElement('input'), button = document.createElement('button');
      tick.type = 'checkbox'; tick.checked = compared.has(run.name); tick.title = 'compare'; tick.setAttribute('aria-label', 'compare ' + run.name);
      tick.addEventListener('change', () => { tick.checked ? compared.add(run.name) : compared.delete(run.name); refreshCompare(); });
      button.type = 'button'; button.textContent = run.name; button.className = run.name === current ? 'selected' : '';
      const line = document.createElement('div');
      line.className = 'small ' + run.status;
      line.textContent = run.status + ' · ' + run.steps.toLocaleString('en-US') + ' steps' +
        (run.testAccuracy !== null ? ' · test ' + (100 * run.testAccuracy).toFixed(1) + '%' : '') + ' · ' + run.model;
      button.appendChild(line);
      if (run.verdicts.length) {
        const badge = document.createElement('div');
        badge.className = 'small verdict-badge'; badge.textContent = '⚠ ' + run.verdicts.join(', ');
        button.appendChild(badge);
      }
      button.addEventListener('click', () => follow(run.name));
      item.append(tick, button);
      return item;
    }));
    showTestAccuracy();
    if (!current) {
      if (runs.length) follow(runs[0].name);
      else $('title').textContent = 'No runs in this folder yet';
    }
    if ([...compared].some(n => (runs.find(r => r.name === n) || {}).status === 'running')) refreshCompare();
  }

  function follow(name) {
    if (source) source.close();
    current = name; detail = null; view = null; extent = null; status = null; filesVersion = null; ended = false; cursor = null; live.columns = [];
    stopSound();
    history.replaceState(null, '', '?run=' + enc(name));
    $('title').textContent = name;
    $('report').href = '/runs/' + enc(name) + '/report'; $('report').hidden = false;
    $('zoom-out').disabled = true;
    ['verdicts', 'origin', 'distributions', 'activations', 'weights', 'figures', 'sounds'].forEach(id => { $(id).replaceChildren(); delete $(id).dataset.key; });
    source = new EventSource('/api/runs/' + enc(name) + '/events');
    source.addEventListener('update', e => receive(JSON.parse(e.data)));
    document.querySelectorAll('#runs button').forEach(b => { b.className = b.firstChild.textContent === name ? 'selected' : ''; });
  }

  async function receive(update) {
    const name = current;
    $('status').textContent = status = update.status; $('status').className = update.status;
    $('step').textContent = update.steps.toLocaleString('en-US');
    if (update.columns) live.columns = update.columns;
    const last = update.rows[update.rows.length - 1];
    if (last) showLatest(last);
    if (live.on && update.rows.length) live.take(update.rows);
    ended = update.ended;
    if (ended && source) source.close();
    if (timing.firstEvent === null) timing.firstEvent = performance.now();
    // The curves need only the columns the stream named: they are drawn while the rest of the run's detail loads.
    if (update.rows.length || update.columns) refresh(false);
    if (update.files !== filesVersion || !detail) {
      filesVersion = update.files;
      const fresh = await api('/api/runs/' + enc(name));
      if (name !== current) return;
      detail = fresh;
      if (timing.detail === null) timing.detail = performance.now();
      showDetail();
      refresh(true);
    }
  }

  function showLatest(row) {
    const at = name => live.columns.indexOf(name), loss = row[at(V.columns.loss)], accuracy = row[at(V.columns.accuracy)];
    $('latest').textContent = (loss === null || loss === undefined ? 'loss NaN' : 'loss ' + loss.toPrecision(4)) +
      (accuracy !== null && accuracy !== undefined ? ' · batch accuracy ' + (100 * accuracy).toFixed(1) + '%' : '');
  }

  function showDetail() {
    const d = detail;
    $('settings').textContent = d.settings.map(s => s.name + ': ' + s.value).join(' · ');
    $('verdicts').replaceChildren(...d.verdicts.map(v => banner('banner',
      v.title, [(v.layers && v.layers.length ? 'layers ' + v.layers.join(', ') : ''), (v.firstStep !== null ? 'from step ' + v.firstStep.toLocaleString('en-US') : '')].filter(Boolean).join(', '),
      v.evidence, v.suggestion ? 'Try: ' + v.suggestion : '')));
    const o = d.nonFiniteOrigin;
    $('origin').replaceChildren(...(o ? [banner('banner origin', 'First non-finite value at step ' + o.step.toLocaleString('en-US'),
      o.pass + ' pass' + (o.module ? ', module ' + o.module : '') + (o.parameter ? ', parameter ' + o.parameter : '') +
      (o.inputsFinite === false ? ', its inputs already non-finite' : ''), o.detail, '')]
      : d.firstNonFiniteStep !== null ? [banner('banner origin', 'First NaN/inf at step ' + d.firstNonFiniteStep.toLocaleString('en-US'), '', '', '')] : []));
    showTestAccuracy();
    showFigures(); showSounds(); showFilterSteps();
    const quantity = $('layer-quantity'), chosen = quantity.value;
    const options = [['norms', 'gradient norm (log)']];
    if (d.distributions.length) options.push(['updates', 'update ratio (log)']);
    quantity.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
    quantity.value = options.some(o => o[0] === chosen) ? chosen : 'norms';
    $('panel-updates').hidden = $('panel-distributions').hidden = !d.distributions.length;
    $('panel-weights').hidden = !d.weightLayers.length;
    $('panel-activations').hidden = !d.activations.length;
  }

  function showTestAccuracy() {
    const run = runs.find(r => r.name === current);
    $('test').textContent = run && run.testAccuracy !== null ? '· test accuracy ' + (100 * run.testAccuracy).toFixed(2) + '%' : '';
  }

  function banner(className, title, where, text, advice) {
    const box = document.createElement('div');
    box.className = className;
    const head = document.createElement('b'); head.textContent = title + (where ? ' — ' + where : '');
    box.appendChild(head);
    if (text) box.appendChild(document.createTextNode(text));
    if (advice) { const small = document.createElement('span'); small.className = 'small'; small.textContent = advice; box.appendChild(small); }
    return box;
  }

  // ---- series ----

  function seriesUrl(run, table, columns, width, range) {
    let url = '/api/runs/' + enc(run) + '/series?table=' + table + '&columns=' + columns.map(enc).join(',') + '&width=' + width + '&smooth=' + smoothing();
    if (range) url += '&from=' + range.from + '&to=' + range.to;
    return url;
  }

  let busy = false, again = false, heavy = false, lastRefresh = 0;

  // Redraws from fresh envelopes, at most about once a second while a run streams; files other than metrics.csv
  // (distributions, activations, weights) are fetched again only when they changed or the view did.
  function refresh(all) {
    heavy = heavy || all;
    if (busy) { again = true; return; }
    busy = true;
    setTimeout(async () => {
      try {
        const withHeavy = heavy; heavy = false;
        await refreshMain(withHeavy);
      } catch (e) {
        console.warn('dashboard: ' + e.message);
      }
      lastRefresh = performance.now(); busy = false;
      if (again) { again = false; refresh(false); }
    }, Math.max(0, 900 - (performance.now() - lastRefresh)));
  }

  async function refreshMain(withHeavy) {
    // The view this pass fetches for: a zoom while it waits makes its data stale, and the pass queued by the zoom draws.
    const run = current, d = detail, requested = view; if (!live.columns.length) return;
    const cols = V.columns, smooth = c => cols.smoothedPrefix + c, norms = gradientNorms();
    const wanted = [cols.loss, smooth(cols.loss), cols.accuracy, smooth(cols.accuracy), ...norms]
      .filter(c => live.columns.includes(c.startsWith(cols.smoothedPrefix) ? c.slice(cols.smoothedPrefix.length) : c));
    const m = await api(seriesUrl(run, 'metrics', wanted, charts.loss.columns, requested));
    if (run !== current || view !== requested) return;
    extent = { from: m.first ?? 0, to: m.last ?? 0 };
    const range = requested || extent;
    const e = (await api(seriesUrl(run, 'eval', [cols.testLoss, cols.testAccuracy], charts.loss.columns, range))).envelope;
    if (run !== current || view !== requested) return;
    const env = m.envelope, base = { from: range.from, to: range.to, cursor };
    charts.loss.set({ ...base, log: true, series: [
      { label: 'training', color: C.color(0), style: 'faint', data: C.series(env, cols.loss) },
      { label: 'training (smoothed)', color: C.color(0), style: 'line', data: C.series(env, smooth(cols.loss)) },
      { label: 'test', color: C.color(1), style: 'dashed', data: C.series(e, cols.testLoss) }] });
    charts.accuracy.set({ ...base, log: false, series: [
      { label: 'batch', color: C.color(2), style: 'faint', data: C.series(env, cols.accuracy) },
      { label: 'batch (smoothed)', color: C.color(2), style: 'line', data: C.series(env, smooth(cols.accuracy)) },
      { label: 'test', color: C.color(3), style: 'dashed', data: C.series(e, cols.testAccuracy) }] });
    charts.norms.set({ ...base, log: true, series: norms.map((c, k) => ({ label: layerName(c), color: C.color(k), style: 'line', data: C.series(env, c) })) });
    if (timing.firstPaint === null && env.steps.length) timing.firstPaint = performance.now();
    if (!d) return;
    await refreshLayers(run, range);
    // Distributions, activations and weights change only with their files (the stream's version says when) or the view.
    if (!withHeavy) return;
    await Promise.all([refreshDistributions(run, range), refreshActivations(run, range)]);
    await refreshWeights(run);
  }

  const layerName = column => column.slice(V.columns.gradientNormPrefix.length);
  const gradientNorms = () => live.columns.filter(c => c.startsWith(V.columns.gradientNormPrefix));

  // One row per layer: the gradient norms (or update ratios), each pixel column coloured by its highest value so a
  // spike always shows; black where a NaN or infinity is.
  async function refreshLayers(run, range) {
    const d = detail, updates = $('layer-quantity').value === 'updates';
    const columns = updates ? d.distributions.map(l => l.updateRatio) : d.gradientNorms;
    const labels = updates ? d.distributions.map(l => l.layer) : d.gradientNorms.map(layerName);
    const env = (await api(seriesUrl(run, updates ? 'distributions' : 'metrics', columns, layerMap.columns, range))).envelope;
    if (run !== current) return;
    layerMap.set(heatmapOf(env, columns, labels, range, updates ? 'update ratio' : 'gradient norm', true));
  }

  function heatmapOf(env, columns, labels, range, unit, log) {
    const bad = columns.map(c => badColumns(env, c));
    const values = [];
    columns.forEach(c => { const s = env.series[c]; if (s) s.high.forEach(v => { if (v !== null && (!log || v > 0)) values.push(log ? Math.log10(v) : v); }); });
    let lo = Math.min(...values), hi = Math.max(...values);
    if (!values.length) { lo = 0; hi = 1; }
    const within01 = !log && lo >= 0 && hi <= 1;
    return {
      from: range.from, to: range.to, rows: labels, steps: env.steps, through: env.through, unit, log,
      scale: !log && lo < 0 ? 'diverging' : 'sequential', lo: within01 ? 0 : lo, hi: within01 ? 1 : hi,
      value: (r, c) => { const s = env.series[columns[r]]; return bad[r].has(c) ? bad[r].get(c) : s ? s.high[c] : null; },
    };
  }

  // The pixel columns of a series that hold a NaN or infinity, with what it was.
  function badColumns(env, column) {
    const found = new Map(), s = env.series[column];
    if (!s) return found;
    s.bad.forEach(b => {
      let lo = 0, hi = env.steps.length - 1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (env.steps[mid] <= b.step) lo = mid; else hi = mid - 1; }
      found.set(lo, b.value === 'NaN' ? NaN : b.value === 'Infinity' ? Infinity : -Infinity);
    });
    return found;
  }

  // Percentile bands per layer, weights and gradients side by side, and the update ratios.
  async function refreshDistributions(run, range) {
    const d = detail; if (!d.distributions.length) return;
    const cells = ensureCanvases('distributions', d.distributions.flatMap(l => [['weights of ' + l.layer, l.weight], ['gradients of ' + l.layer, l.gradient]]), 560, 200);
    const columns = d.distributions.flatMap(l => [...l.weight, ...l.gradient]);
    const env = (await api(seriesUrl(run, 'distributions', columns, cells[0].chart.columns, range))).envelope;
    const ratios = (await api(seriesUrl(run, 'distributions', d.distributions.map(l => l.updateRatio), charts.updates.columns, range))).envelope;
    if (run !== current) return;
    cells.forEach(cell => cell.chart.set({ from: range.from, to: range.to, cursor, ...bandsOf(env, cell.columns, 0) }));
    charts.updates.set({ from: range.from, to: range.to, cursor, log: true, references: [{ value: V.updateRatioReference }],
      series: d.distributions.map((l, k) => ({ label: l.layer, color: C.color(k), style: 'line', data: C.series(ratios, l.updateRatio) })) });
  }

  // The bands of one tensor's percentile columns (minimum to maximum outermost), the median as a line.
  function bandsOf(env, columns, k) {
    const p = V.bandPercentiles, n = columns.length, bands = [];
    for (let i = 0; i < Math.floor(n / 2); i++) {
      bands.push({ color: C.color(k), alpha: 0.12 + 0.08 * i, lower: C.series(env, columns[i]), upper: C.series(env, columns[n - 1 - i]), label: 'p' + p[i] + '–p' + p[n - 1 - i] });
    }
    return { log: false, bands, series: n % 2 ? [{ label: 'median', color: C.color(k), style: 'line', data: C.series(env, columns[Math.floor(n / 2)]) }] : [] };
  }

  // A titled canvas per item in a panel's grid, made once per run and reused while the items stay the same.
  function ensureCanvases(panel, items, width, height, makeHeatmap) {
    const key = items.map(i => i[0]).join('|');
    if (panels[panel].key !== key) {
      const figures = items.map(([title, columns]) => {
        const figure = document.createElement('figure'), canvas = document.createElement('canvas'), caption = document.createElement('figcaption');
        canvas.width = width; canvas.height = height; canvas.className = makeHeatmap ? '' : 'time';
        canvas.setAttribute('role', 'img'); canvas.setAttribute('aria-label', title);
        caption.textContent = title;
        figure.append(caption, canvas);
        return { figure, columns, title, chart: makeHeatmap ? new C.Heatmap(canvas, { tooltip }) : new C.Chart(canvas, timeOptions) };
      });
      $(panel).replaceChildren(...figures.map(f => f.figure));
      panels[panel] = figures; panels[panel].key = key;
    }
    return panels[panel];
  }

  // Activation statistics, one layer × time map per statistic.
  async function refreshActivations(run, range) {
    const d = detail; if (!d.activations.length) return;
    const statistics = [...new Set(d.activations.flatMap(m => Object.keys(m.statistics)))];
    const cells = ensureCanvases('activations', statistics.map(s => [s, s]), 1100, Math.max(90, 18 * d.activations.length + 30), true);
    const columns = d.activations.flatMap(m => Object.values(m.statistics));
    const env = (await api(seriesUrl(run, 'activations', columns, cells[0].chart.columns, range))).envelope;
    if (run !== current) return;
    cells.forEach(cell => {
      const modules = d.activations.filter(m => m.statistics[cell.columns]);
      cell.chart.set(heatmapOf(env, modules.map(m => m.statistics[cell.columns]), modules.map(m => m.module + ' (' + m.kind + ')'), range, cell.columns, false));
    });
  }

  async function refreshWeights(run) {
    const d = detail; if (!d.weightLayers.length) return;
    const cells = ensureCanvases('weights', d.weightLayers.map(l => [l, l]), 560, 220, true);
    await Promise.all(cells.map(async cell => {
      const w = await api('/api/runs/' + enc(run) + '/weights/' + enc(cell.columns) + '?width=' + cell.chart.columns);
      if (run !== current || !w.steps.length) return;
      const bytes = Uint8Array.from(atob(w.values), c => c.charCodeAt(0)), values = new Float32Array(bytes.buffer);
      let limit = 0;
      values.forEach(v => { if (isFinite(v) && Math.abs(v) > limit) limit = Math.abs(v); });
      const through = w.steps.map((s, i) => i + 1 < w.steps.length ? w.steps[i + 1] - 1 : s);
      cell.chart.set({ from: w.steps[0], to: w.steps[w.steps.length - 1], rows: Array.from({ length: w.weights }, (_, i) => 'weight ' + i),
        steps: w.steps, through, scale: 'diverging', lo: -limit, hi: limit, unit: 'weight', value: (r, c) => values[c * w.weights + r] });
    }));
  }

  // ---- figures, filters, recorded sounds ----

  const fileUrl = f => '/runs/' + enc(current) + '/' + f.path.split('/').map(enc).join('/');

  // Rebuilt only when the list changes: a figure redrawn gets a new version, a player being listened to is kept.
  function showFigures() {
    const figures = detail.figures, key = figures.map(f => f.path + '@' + f.version).join('|');
    $('panel-figures').hidden = !figures.length;
    if ($('figures').dataset.key === key) return;
    $('figures').dataset.key = key;
    $('figures').replaceChildren(...figures.map(f => {
      const figure = document.createElement('figure'), image = document.createElement('img'), caption = document.createElement('figcaption');
      image.src = fileUrl(f) + '?v=' + f.version;
      image.alt = f.caption; image.loading = 'lazy';
      caption.textContent = f.caption;
      figure.append(image, caption);
      return figure;
    }));
  }

  function showSounds() {
    const key = detail.sounds.map(s => s.path).join('|');
    $('panel-sound').hidden = !detail.sounds.length;
    if ($('sounds').dataset.key === key) return;
    $('sounds').dataset.key = key;
    $('sounds').replaceChildren(...detail.sounds.map(s => {
      const label = document.createElement('p'), player = document.createElement('audio');
      label.className = 'small'; label.textContent = s.caption;
      player.controls = true; player.preload = 'metadata';
      player.src = fileUrl(s);
      player.addEventListener('play', () => { stopSound(); document.querySelectorAll('#sounds audio').forEach(o => { if (o !== player) o.pause(); }); });
      player.addEventListener('timeupdate', () => {
        if (!player.paused) setCursor(Math.min(extent ? extent.to : Infinity, C.stepAtTime(V.sound, detail.framesPerStep, player.currentTime)));
      });
      const box = document.createElement('div'); box.append(label, player);
      return box;
    }));
  }

  function showFilterSteps() {
    const layer = detail.filters[0], slider = $('filter-step');
    if (!layer) { $('filter-layer').textContent = ''; return; }
    const atEnd = slider.disabled || Number(slider.value) >= Number(slider.max);
    $('filter-layer').textContent = '(' + layer.layer + ', each filter scaled on its own)';
    slider.disabled = false; slider.max = String(layer.steps.length - 1);
    if (atEnd) slider.value = slider.max;
    showFilter();
  }

  function showFilter() {
    const layer = detail && detail.filters[0]; if (!layer) return;
    const index = Number($('filter-step').value), step = layer.steps[index];
    $('filter-label').textContent = 'step ' + step.toLocaleString('en-US') + ' (' + (index + 1) + ' of ' + layer.steps.length + ' recorded)';
    $('filter-image').src = '/api/runs/' + enc(current) + '/filters/' + enc(layer.layer) + '/' + step;
    $('filter-image').hidden = false;
  }

  // ---- comparison ----

  let comparing = false;

  async function refreshCompare() {
    const names = [...compared].filter(n => runs.some(r => r.name === n));
    $('compare').hidden = names.length < 2;
    if (names.length < 2 || comparing || !V) return;
    comparing = true;
    try {
      const labels = await api('/api/labels?' + names.map(n => 'runs=' + enc(n)).join('&'));
      $('compare-names').textContent = names.map(n => labels[n]).join(' · ');
      const cols = V.columns, smooth = c => cols.smoothedPrefix + c, width = charts.compareLoss.columns, requested = view;
      const data = await Promise.all(names.map(async n => {
        const [m, e, d] = await Promise.all([api(seriesUrl(n, 'metrics', [smooth(cols.loss), smooth(cols.accuracy)], width, requested)),
          api(seriesUrl(n, 'eval', [cols.testLoss, cols.testAccuracy], width, requested)), api('/api/runs/' + enc(n))]);
        return { name: n, m, e, d };
      }));
      // Drawn with the range it was fetched for, even when a zoom came in meanwhile.
      const range = requested || { from: Math.min(...data.map(r => r.m.first ?? Infinity)), to: Math.max(...data.map(r => r.m.last ?? -Infinity)) };
      if (!isFinite(range.from)) return;
      const lines = (column, testColumn) => data.flatMap((r, k) => [
        { label: labels[r.name], color: C.color(k), style: 'line', data: C.series(r.m.envelope, smooth(column)) },
        { label: labels[r.name] + ' (test)', color: C.color(k), style: 'dashed', data: C.series(r.e.envelope, testColumn) }]);
      charts.compareLoss.set({ from: range.from, to: range.to, cursor: null, log: true, series: lines(cols.loss, cols.testLoss) });
      charts.compareAccuracy.set({ from: range.from, to: range.to, cursor: null, log: false, series: lines(cols.accuracy, cols.testAccuracy) });
      await compareDistributions(data, labels, range);
    } catch (e) {
      console.warn('dashboard: ' + e.message);
    } finally {
      comparing = false;
    }
  }

  // Each layer's weight distribution, one chart per run in a row, on one value scale per layer.
  async function compareDistributions(data, labels, range) {
    const layers = [...new Set(data.flatMap(r => r.d.distributions.map(l => l.layer)))];
    const rows = layers.map(layer => {
      const row = document.createElement('div'); row.className = 'grid'; row.style.gridTemplateColumns = `repeat(${data.length}, 1fr)`;
      const cells = data.map((r, k) => {
        const figure = document.createElement('figure'), canvas = document.createElement('canvas'), caption = document.createElement('figcaption');
        canvas.width = 560; canvas.height = 180; canvas.className = 'time';
        caption.textContent = layer + ': ' + labels[r.name];
        figure.append(caption, canvas); row.appendChild(figure);
        return { chart: new C.Chart(canvas, timeOptions), run: r, k, layer };
      });
      return { row, cells, layer };
    });
    $('compare-distributions').replaceChildren(...rows.map(r => r.row));
    panels.compare = rows.flatMap(r => r.cells);
    for (const { cells, layer } of rows) {
      for (const cell of cells) {
        const l = cell.run.d.distributions.find(x => x.layer === layer);
        if (!l) continue;
        const env = (await api(seriesUrl(cell.run.name, 'distributions', l.weight, cell.chart.columns, range))).envelope;
        cell.chart.set({ from: range.from, to: range.to, cursor: null, ...bandsOf(env, l.weight, cell.k) });
      }
    }
  }

  // ---- zoom ----

  function zoom(from, to) {
    view = from === null ? null : { from, to };
    $('zoom-out').disabled = !view;
    $('view').textContent = view ? 'Steps ' + from.toLocaleString('en-US') + '–' + to.toLocaleString('en-US') + ' (every step in this range is drawn).' : 'Drag across a chart to zoom, double-click to zoom out, click to hear from that step.';
    refresh(true);
    refreshCompare();
  }

  // ---- sound ----

  let audio = null, gain = null, muted = false;
  // Steps waiting to be played, as { step, norms }, and the times already scheduled, for the cursor.
  const live = {
    on: false, columns: [], pending: [], scheduled: [], nextTime: 0, replayNext: null, fetching: false,
    take(rows) {
      const norms = gradientNorms().map(c => live.columns.indexOf(c));
      rows.forEach(r => live.pending.push({ step: r[0], norms: norms.map(i => r[i]) }));
    },
  };

  function startAudio() {
    if (!audio) {
      audio = new AudioContext();
      gain = audio.createGain(); gain.gain.value = muted ? 0 : 1; gain.connect(audio.destination);
      setInterval(schedule, 100);
    }
    return audio.resume().then(() => { $('sound-state').textContent = 'sound on (' + audio.state + ')'; $('play').textContent = 'Sound started'; });
  }

  function stopSound() {
    live.on = false; live.pending = []; live.scheduled = []; live.replayNext = null;
    if (gain && audio) { gain.disconnect(); gain = audio.createGain(); gain.gain.value = muted ? 0 : 1; gain.connect(audio.destination); }
  }

  function toneSeconds() { return V.sound.toneFrames / V.sound.sampleRate; }

  function voice(start, norm, k) {
    const mapping = $('mapping').value, s = V.sound, seconds = toneSeconds();
    const amplitude = mapping === 'seed' ? s.seed.amplitude : s.log.amplitude;
    const level = audio.createGain();
    let node;
    if (norm === null || !isFinite(norm)) {
      const buffer = audio.createBuffer(1, s.toneFrames, s.sampleRate), samples = buffer.getChannelData(0);
      for (let i = 0; i < samples.length; i++) samples[i] = (Math.random() * 2 - 1) * amplitude;
      node = audio.createBufferSource(); node.buffer = buffer;
      level.gain.value = 1;
    } else {
      node = audio.createOscillator();
      node.frequency.value = C.frequency(s, mapping, norm);
      level.gain.value = amplitude;
      const v = detail.voices[k];
      if (mapping !== 'seed' && v) {
        // The log mapping's timbre: harmonics 1…h with amplitudes 1/k, normalised; its place: equal-power panning.
        const imag = new Float32Array(v.harmonics + 1), real = new Float32Array(v.harmonics + 1);
        for (let h = 1; h <= v.harmonics; h++) imag[h] = 1 / h;
        node.setPeriodicWave(audio.createPeriodicWave(real, imag));
        const fade = s.log.fadeFrames / s.sampleRate;
        level.gain.setValueAtTime(0, start); level.gain.linearRampToValueAtTime(amplitude, start + fade);
        level.gain.setValueAtTime(amplitude, start + seconds - fade); level.gain.linearRampToValueAtTime(0, start + seconds);
      }
    }
    let out = level;
    if (mapping !== 'seed' && detail.voices[k] && audio.createStereoPanner) {
      const v = detail.voices[k], pan = audio.createStereoPanner();
      pan.pan.value = 4 / Math.PI * Math.atan2(v.right, v.left) - 1;
      level.connect(pan); out = pan;
    }
    node.connect(level); out.connect(gain);
    node.start(start); node.stop(start + seconds);
  }

  // Schedules pending steps half a second ahead. Live, a run that outpaces the speaker drops its oldest steps rather
  // than falling ever further behind; a replay fetches the next steps as it goes and plays every one.
  function schedule() {
    if (!audio || !detail) return;
    const now = audio.currentTime, layers = detail.gradientNorms.length;
    const stepSeconds = detail.framesPerStep / V.sound.sampleRate;
    if (live.replayNext === null && live.pending.length * stepSeconds > 5) live.pending.splice(0, live.pending.length - Math.floor(2 / stepSeconds));
    if (live.nextTime < now) live.nextTime = now + 0.05;
    while (live.pending.length && live.nextTime < now + 0.5) {
      const step = live.pending.shift();
      for (let k = 0; k < layers; k++) voice(live.nextTime + k * toneSeconds(), step.norms[k], k);
      live.scheduled.push([live.nextTime, step.step]);
      live.nextTime += stepSeconds;
    }
    while (live.scheduled.length > 1 && live.scheduled[1][0] <= now) live.scheduled.shift();
    if (live.scheduled.length && live.scheduled[0][0] <= now && live.scheduled[0][1] !== cursor) setCursor(live.scheduled[0][1]);
    if (live.replayNext !== null && live.pending.length < 100 && !live.fetching) fetchReplay();
  }

  async function fetchReplay() {
    live.fetching = true;
    const run = current, from = live.replayNext;
    try {
      const rows = await api('/api/runs/' + enc(run) + '/rows?from=' + from + '&count=500');
      if (run !== current || live.replayNext !== from) return;
      live.columns = rows.columns;
      live.take(rows.rows);
      live.replayNext = rows.rows.length ? rows.rows[rows.rows.length - 1][0] + 1 : (status === 'running' ? from : null);
    } finally {
      live.fetching = false;
    }
  }

  // A click on a chart: hear the run from that step (the file as recorded when the run has one and has ended, as the
  // report does; otherwise the same mapping rendered here from the steps).
  async function playFrom(step) {
    if (!detail) return;
    const player = document.querySelector('#sounds audio');
    if (player && status !== 'running') {
      stopSound();
      player.currentTime = C.timeOfStep(V.sound, detail.framesPerStep, step);
      player.play();
      return;
    }
    await startAudio();
    stopSound();
    live.on = false; live.replayNext = step; live.nextTime = 0;
    setCursor(step);
    fetchReplay();
  }

  function setCursor(step) {
    cursor = step;
    [charts.loss, charts.accuracy, charts.norms, charts.updates].concat(panels.distributions.map(p => p.chart)).forEach(chart => {
      if (chart.model) { chart.model.cursor = step; chart.draw(); }
    });
    $('hearing').textContent = step === null ? '' : 'hearing step ' + step.toLocaleString('en-US');
  }

  $('play').addEventListener('click', async () => {
    await startAudio();
    if (status === 'running') { stopSound(); live.on = true; return; }
    playFrom(view ? view.from : extent ? extent.from : 1);
  });
  $('mute').addEventListener('click', () => {
    muted = !muted;
    if (gain) gain.gain.value = muted ? 0 : 1;
    $('mute').setAttribute('aria-pressed', String(muted));
    $('mute').textContent = muted ? 'Unmute' : 'Mute';
  });

  // ---- start ----

  async function start() {
    V = await api('/api/vocabulary');
    $('mapping').replaceChildren(...V.sound.mappings.map(m => new Option(m, m)));
    $('smoothing').value = String(V.defaultSmoothing);
    $('smoothing-value').textContent = V.defaultSmoothing;
    $('update-reference').textContent = V.updateRatioReference;
    $('smoothing').addEventListener('input', () => { $('smoothing-value').textContent = $('smoothing').value; refresh(false); refreshCompare(); });
    $('layer-quantity').addEventListener('change', () => refresh(false));
    $('zoom-out').addEventListener('click', () => zoom(null, null));
    $('filter-step').addEventListener('input', showFilter);
    const wanted = new URLSearchParams(location.search).get('run');
    if (wanted) follow(wanted);
    await listRuns();
    setInterval(() => listRuns().catch(e => console.warn('dashboard: ' + e.message)), 2000);
  }

  window.StethoscopeDashboard = { charts, layerMap, panels, timing, state: () => ({ current, view, extent, cursor, compared: [...compared] }) };
  start();
})();
