// The dashboard page: lists runs, follows one through server-sent events, draws its curves and plays its
// gradient norms as sound through WebAudio with the same mappings as Stethoscope's WAV files.
(function () {
  'use strict';
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
  const toneSeconds = 441 / 44100, gapSeconds = 882 / 44100;
  let source = null, columns = [], rows = [], current = null, ended = false;
  let audio = null, gain = null, muted = false, nextTime = 0, pending = [];

  const $ = id => document.getElementById(id);

  async function listRuns() {
    const runs = await (await fetch('/api/runs')).json();
    const list = $('runs');
    list.replaceChildren(...runs.map(run => {
      const item = document.createElement('li'), button = document.createElement('button');
      button.type = 'button';
      button.textContent = run.name;
      button.className = run.name === current ? 'selected' : '';
      const detail = document.createElement('div');
      detail.className = 'small ' + run.status;
      detail.textContent = run.status + ' · ' + run.steps + ' steps · ' + run.model;
      button.appendChild(detail);
      button.addEventListener('click', () => follow(run.name));
      item.appendChild(button);
      return item;
    }));
  }

  function follow(name) {
    if (source) source.close();
    current = name; columns = []; rows = []; pending = []; ended = false;
    $('filters').hidden = true; $('filters').removeAttribute('src'); $('no-filters').hidden = false;
    $('title').textContent = name;
    $('report').href = '/runs/' + encodeURIComponent(name) + '/index.html';
    $('report').hidden = false;
    source = new EventSource('/api/runs/' + encodeURIComponent(name) + '/events');
    source.addEventListener('update', e => receive(JSON.parse(e.data)));
    listRuns();
  }

  function receive(update) {
    if (update.columns && update.columns.length) columns = update.columns;
    rows.push(...update.rows);
    if (audio) pending.push(...update.rows);
    $('status').textContent = update.status;
    $('status').className = update.status;
    $('step').textContent = update.steps;
    ended = update.ended;
    const last = rows[rows.length - 1], loss = columns.indexOf('loss'), accuracy = columns.indexOf('accuracy');
    if (last) $('latest').textContent = (loss >= 0 && last[loss] !== null ? 'loss ' + last[loss].toPrecision(3) : 'loss NaN') +
      (accuracy >= 0 && last[accuracy] !== null ? ' · batch accuracy ' + (100 * last[accuracy]).toFixed(1) + '%' : '');
    if (ended && source) source.close();
    draw();
    showFilters(update.filters);
  }

  // The server names the newest filter grid (it changes as training writes it).
  function showFilters(path) {
    if (!path || !current) return;
    const image = $('filters'), source = '/runs/' + encodeURIComponent(current) + '/' + path;
    if (image.getAttribute('src') === source) return;
    image.src = source; image.hidden = false; $('no-filters').hidden = true;
  }

  const normColumns = () => columns.map((c, i) => [c, i]).filter(([c]) => c.startsWith('grad_norm/'));

  // Axis ticks as the PNG charts have them (Imaging/LogTicks.cs): 1-2-5 steps on a linear axis; on a log axis the
  // powers of ten over three decades or more, else 1-2-5 of each decade, every mantissa, or evenly spaced values,
  // whichever first gives three labels. Only the minimum and maximum were labelled, which says little of a curve.
  function linearTicks(lo, hi) {
    // The largest 1-2-5 step at most a quarter of the span: three to ten labels.
    const raw = (hi - lo) / 4, e = Math.floor(Math.log10(raw)), m = raw / 10 ** e;
    const step = (m >= 5 ? 5 : m >= 2 ? 2 : 1) * 10 ** e, ticks = [];
    for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) ticks.push(+(k * step).toPrecision(12));
    return ticks;
  }

  function logTicks(lo, hi) {
    const inside = v => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
    const value = (m, e) => e >= 0 ? m * 10 ** e : m / 10 ** -e;
    if (hi - lo >= 3) {
      const first = Math.ceil(lo - 1e-9), last = Math.floor(hi + 1e-9), every = Math.ceil((last - first + 1) / 8), ticks = [];
      for (let e = first; e <= last; e++) if (e % every === 0) ticks.push(value(1, e));
      return ticks;
    }
    for (const mantissas of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      const ticks = [];
      for (let e = Math.floor(lo); e <= Math.floor(hi + 1e-9); e++) mantissas.forEach(m => { if (inside(value(m, e))) ticks.push(value(m, e)); });
      if (ticks.length >= 3) return ticks;
    }
    return linearTicks(10 ** lo, 10 ** hi);
  }

  const tickLabel = v => Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 || v === 0 ? String(+v.toPrecision(6)) : (+v.toPrecision(6)).toExponential().replace('e+', 'e');

  function plot(canvas, series, logScale) {
    const g = canvas.getContext('2d'), L = 50, R = 90, T = 10, B = 24, W = canvas.width - L - R, H = canvas.height - T - B;
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (!rows.length) return;
    const f = v => v === null || !(logScale ? v > 0 : isFinite(v)) ? null : (logScale ? Math.log10(v) : v);
    const values = series.flatMap(s => rows.map(r => f(r[s.index]))).filter(v => v !== null);
    if (!values.length) return;
    let lo = Math.min(...values), hi = Math.max(...values);
    if (hi === lo) { lo -= 0.5; hi += 0.5; }
    const first = rows[0][0], last = rows[rows.length - 1][0];
    const x = s => L + (last > first ? (s - first) / (last - first) : 0) * W, y = v => T + H - (v - lo) / (hi - lo) * H;
    g.font = '12px sans-serif'; g.fillStyle = '#555';
    g.strokeStyle = '#e4e4e4';
    (logScale ? logTicks(lo, hi) : linearTicks(lo, hi)).forEach(t => {
      const py = y(logScale ? Math.log10(t) : t);
      g.beginPath(); g.moveTo(L, py); g.lineTo(L + W, py); g.stroke();
      g.fillText(tickLabel(t), 4, py + 4);
    });
    g.fillText('step ' + first, L, canvas.height - 6); g.fillText('step ' + last, L + W - 70, canvas.height - 6);
    series.forEach((s, k) => {
      g.strokeStyle = g.fillStyle = colors[k % colors.length];
      g.beginPath();
      let pen = false;
      rows.forEach(r => { const v = f(r[s.index]); if (v === null) { pen = false; return; } pen ? g.lineTo(x(r[0]), y(v)) : g.moveTo(x(r[0]), y(v)); pen = true; });
      g.stroke();
      g.fillText(s.name, L + W + 8, T + 14 + 16 * k);
    });
  }

  function draw() {
    const index = name => columns.indexOf(name);
    plot($('curves'), [{ name: 'loss (log)', index: index('loss') }].filter(s => s.index >= 0), true);
    plot($('norms'), normColumns().map(([c, i]) => ({ name: c.slice('grad_norm/'.length), index: i })), true);
  }

  function frequency(norm, layer, layers) {
    if ($('mapping').value === 'seed') return 200 + 100 * norm;
    const clamped = Math.min(1e4, Math.max(1e-4, norm));
    return 440 * Math.pow(2, Math.log10(clamped) / 2);
  }

  function noise() {
    const buffer = audio.createBuffer(1, 441, 44100), data = buffer.getChannelData(0);
    for (let i = 0; i < data.length; i++) data[i] = (Math.random() * 2 - 1) * 0.1;
    return buffer;
  }

  // Schedules the tones of pending steps up to half a second ahead; a live run that outpaces the speaker drops
  // its oldest steps rather than falling ever further behind, a replay plays every step.
  function schedule() {
    if (!audio) return;
    const now = audio.currentTime, layers = normColumns();
    const stepSeconds = layers.length * toneSeconds + gapSeconds;
    if (!ended && pending.length * stepSeconds > 5) pending.splice(0, pending.length - Math.floor(2 / stepSeconds));
    if (nextTime < now) nextTime = now + 0.05;
    while (pending.length && nextTime < now + 0.5) {
      const row = pending.shift();
      layers.forEach(([, i], k) => {
        const start = nextTime + k * toneSeconds, norm = row[i];
        if (norm === null || !isFinite(norm)) {
          const burst = audio.createBufferSource(); burst.buffer = noise(); burst.connect(gain); burst.start(start);
          return;
        }
        const tone = audio.createOscillator();
        tone.frequency.value = frequency(norm, k, layers.length);
        tone.connect(gain); tone.start(start); tone.stop(start + toneSeconds);
      });
      nextTime += stepSeconds;
    }
  }

  $('play').addEventListener('click', async () => {
    if (!audio) {
      audio = new AudioContext();
      gain = audio.createGain(); gain.gain.value = muted ? 0 : 0.1; gain.connect(audio.destination);
      pending = rows.slice();
      setInterval(schedule, 100);
    }
    await audio.resume();
    $('sound-state').textContent = 'sound on (' + audio.state + ')';
    $('play').textContent = 'Sound started';
  });
  $('mute').addEventListener('click', () => {
    muted = !muted;
    if (gain) gain.gain.value = muted ? 0 : 0.1;
    $('mute').setAttribute('aria-pressed', String(muted));
    $('mute').textContent = muted ? 'Unmute' : 'Mute';
  });

  listRuns();
  setInterval(listRuns, 5000);
  const wanted = new URLSearchParams(location.search).get('run');
  if (wanted) follow(wanted);
})();
