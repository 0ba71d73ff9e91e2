// Stethoscope's chart script, shared by the report (embedded inline, so it works from file://) and the live dashboard
// (served as /chart.js). It draws what C# prepared: envelopes of series over steps (per pixel column the first, last,
// lowest and highest value of every step in it: the M4 aggregation, Jugel et al., VLDB 2014), with a red mark wherever
// a column holds a NaN or an infinity; percentile bands; heat maps. Hover shows the step(s) and the exact values, a
// drag zooms, a double click zooms out, a click picks a step. Names and constants (columns, sound) come from the
// vocabulary C# writes (Charts/ChartVocabulary.cs); none is spelled here.
(function (root) {
  'use strict';
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const nonFiniteColor = '#d00000';
  const color = k => palette[k % palette.length];

  // Axis ticks as the PNG charts have them (Imaging/LogTicks.cs): 1-2-5 steps on a linear axis; on a log axis the
  // powers of ten over three decades or more, else 1-2-5 of each decade, every mantissa, or evenly spaced values.
  function linearTicks(lo, hi) {
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

  const tickLabel = v => Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 || v === 0 ? String(+v.toPrecision(6)) : (+v.toPrecision(6)).toExponential().replace('e+', 'e');
  const stepLabel = s => Math.round(s).toLocaleString('en-US');

  // One series of a server envelope with the envelope's column steps, as the charts take it.
  function series(envelope, name) {
    const s = envelope && envelope.series[name];
    return s ? { steps: envelope.steps, through: envelope.through, low: s.low, high: s.high, first: s.first, last: s.last, bad: s.bad } : null;
  }

  function escape(text) {
    return String(text).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

  // A chart over steps on a canvas. model: { from, to, log, series: [{ label, color, data (see series()), style:
  // 'line' | 'faint' | 'dashed' | 'points' }], bands: [{ color, lower, upper, alpha }], references: [{ value, label }],
  // cursor, note }. options: { onZoom(from, to) (null, null: zoom out), onPick(step), tooltip (an element) }.
  class Chart {
    constructor(canvas, options) {
      this.canvas = canvas; this.options = options || {}; this.model = null;
      this.margin = { left: 58, right: 130, top: 10, bottom: 26 };
      this.listen();
    }

    get width() { return this.canvas.width - this.margin.left - this.margin.right; }
    get height() { return this.canvas.height - this.margin.top - this.margin.bottom; }

    // Pixels of the plot area a server should cut the steps into: one column each.
    get columns() { return Math.max(1, this.width); }

    set(model) { this.model = model; this.draw(); }

    x(step) { const m = this.model; return this.margin.left + (m.to > m.from ? (step - m.from) / (m.to - m.from) : 0.5) * this.width; }
    stepAt(px) { const m = this.model; return Math.round(m.from + Math.min(1, Math.max(0, (px - this.margin.left) / this.width)) * (m.to - m.from)); }
    y(v) { return this.margin.top + this.height - (v - this.lo) / (this.hi - this.lo) * this.height; }
    scale(v) { return v === null || v === undefined ? null : this.model.log ? (v > 0 ? Math.log10(v) : null) : v; }

    range() {
      const values = [];
      const add = data => { if (data) for (let i = 0; i < data.low.length; i++) { const a = this.scale(data.low[i]), b = this.scale(data.high[i]); if (a !== null) values.push(a); if (b !== null) values.push(b); } };
      this.model.series.forEach(s => add(s.data));
      (this.model.bands || []).forEach(b => { add(b.lower); add(b.upper); });
      (this.model.references || []).forEach(r => { const v = this.scale(r.value); if (v !== null) values.push(v); });
      if (!values.length) return false;
      let lo = Infinity, hi = -Infinity;
      values.forEach(v => { if (v < lo) lo = v; if (v > hi) hi = v; });
      if (hi === lo) { lo -= 0.5; hi += 0.5; }
      const pad = (hi - lo) * 0.04;
      this.lo = lo - pad; this.hi = hi + pad;
      return true;
    }

    draw() {
      const g = this.canvas.getContext('2d'), m = this.model, L = this.margin.left, T = this.margin.top, W = this.width, H = this.height;
      g.clearRect(0, 0, this.canvas.width, this.canvas.height);
      g.font = '12px sans-serif';
      if (!m) return;
      if (!this.range()) { g.fillStyle = '#888'; g.fillText(m.note || 'no data yet', L + 8, T + 20); return; }
      g.strokeStyle = '#e4e4e4'; g.fillStyle = '#555'; g.lineWidth = 1;
      (m.log ? logTicks(this.lo, this.hi) : linearTicks(this.lo, this.hi)).forEach(t => {
        const py = this.y(m.log ? Math.log10(t) : t);
        if (py < T - 1 || py > T + H + 1) return;
        g.beginPath(); g.moveTo(L, py); g.lineTo(L + W, py); g.stroke();
        g.fillText(tickLabel(t), 4, py + 4);
      });
      linearTicks(m.from, Math.max(m.to, m.from + 1)).filter(s => s >= m.from && s <= m.to && Number.isInteger(s)).forEach(s => {
        const px = this.x(s);
        g.fillText(stepLabel(s), Math.min(px - 10, L + W - 40), T + H + 16);
      });
      g.fillText('step', L + W + 8, T + H + 16);
      g.save(); g.beginPath(); g.rect(L, T, W, H); g.clip();
      (m.bands || []).forEach(b => this.band(g, b));
      (m.references || []).forEach(r => {
        const v = this.scale(r.value); if (v === null) return;
        g.strokeStyle = '#999'; g.setLineDash([6, 4]); g.beginPath(); g.moveTo(L, this.y(v)); g.lineTo(L + W, this.y(v)); g.stroke(); g.setLineDash([]);
      });
      m.series.forEach(s => this.line(g, s));
      m.series.forEach(s => this.marks(g, s.data));
      (m.bands || []).forEach(b => this.marks(g, b.upper));
      if (m.cursor !== null && m.cursor !== undefined) {
        g.strokeStyle = '#000'; g.beginPath(); g.moveTo(this.x(m.cursor), T); g.lineTo(this.x(m.cursor), T + H); g.stroke();
      }
      if (this.selection) {
        g.fillStyle = 'rgba(30, 100, 200, 0.15)';
        g.fillRect(Math.min(this.selection[0], this.selection[1]), T, Math.abs(this.selection[1] - this.selection[0]), H);
      }
      g.restore();
      g.strokeStyle = '#bbb'; g.strokeRect(L, T, W, H);
      let row = 0;
      m.series.filter(s => s.label && s.style !== 'faint').forEach(s => {
        g.fillStyle = s.color; g.fillText(s.label.length > 20 ? s.label.slice(0, 19) + '…' : s.label, L + W + 6, T + 12 + 15 * row++);
      });
      if (this.hasMarks()) { g.fillStyle = nonFiniteColor; g.fillText('▲ NaN / inf', L + W + 8, T + 12 + 15 * row); }
    }

    hasMarks() {
      return this.model.series.some(s => s.data && s.data.bad.length) || (this.model.bands || []).some(b => b.upper && b.upper.bad.length);
    }

    // The M4 line: in each pixel column, from the first value to the lowest and highest, then to the last.
    line(g, s) {
      const d = s.data; if (!d) return;
      g.strokeStyle = g.fillStyle = s.color; g.lineWidth = s.style === 'faint' ? 1 : 1.5;
      g.globalAlpha = s.style === 'faint' ? 0.3 : 1;
      g.setLineDash(s.style === 'dashed' ? [5, 4] : []);
      g.beginPath();
      let pen = false;
      for (let i = 0; i < d.steps.length; i++) {
        const a = this.scale(d.first[i]), lo = this.scale(d.low[i]), hi = this.scale(d.high[i]), z = this.scale(d.last[i]);
        if (a === null || lo === null || hi === null || z === null) { pen = false; continue; }
        const x0 = this.x(d.steps[i]), x1 = this.x(d.through[i]), xm = (x0 + x1) / 2;
        pen ? g.lineTo(x0, this.y(a)) : g.moveTo(x0, this.y(a));
        if (lo !== hi) { g.lineTo(xm, this.y(lo)); g.lineTo(xm, this.y(hi)); }
        g.lineTo(x1, this.y(z));
        pen = true;
      }
      g.stroke();
      g.setLineDash([]);
      if (s.style === 'points' || d.steps.length === 1) {
        for (let i = 0; i < d.steps.length; i++) {
          const v = this.scale(d.last[i]); if (v === null) continue;
          g.beginPath(); g.arc(this.x(d.through[i]), this.y(v), 3, 0, 2 * Math.PI); g.fill();
        }
      }
      g.globalAlpha = 1;
    }

    // A band between the lowest value of one percentile and the highest of another, per pixel column.
    band(g, b) {
      const lower = b.lower, upper = b.upper; if (!lower || !upper) return;
      g.fillStyle = b.color; g.globalAlpha = b.alpha || 0.2;
      let run = [];
      const flush = () => {
        if (run.length) {
          g.beginPath();
          run.forEach(([x, , top], k) => k ? g.lineTo(x, top) : g.moveTo(x, top));
          for (let k = run.length - 1; k >= 0; k--) g.lineTo(run[k][0], run[k][1]);
          g.closePath(); g.fill();
        }
        run = [];
      };
      for (let i = 0; i < lower.steps.length; i++) {
        const lo = this.scale(lower.low[i]), hi = this.scale(upper.high[i]);
        if (lo === null || hi === null) { flush(); continue; }
        const x0 = this.x(lower.steps[i]), x1 = this.x(lower.through[i]);
        run.push([x0, this.y(lo), this.y(hi)]);
        if (x1 > x0) run.push([x1, this.y(lo), this.y(hi)]);
      }
      flush();
      g.globalAlpha = 1;
    }

    // Every pixel column holding a NaN or an infinity: a faint red line and a red triangle at the top.
    marks(g, d) {
      if (!d || !d.bad.length) return;
      const T = this.margin.top, H = this.height;
      g.strokeStyle = g.fillStyle = nonFiniteColor;
      d.bad.forEach(b => {
        const px = this.x(b.step);
        g.globalAlpha = 0.35; g.beginPath(); g.moveTo(px, T); g.lineTo(px, T + H); g.stroke();
        g.globalAlpha = 1; g.beginPath(); g.moveTo(px - 4, T); g.lineTo(px + 4, T); g.lineTo(px, T + 7); g.closePath(); g.fill();
      });
    }

    // What lies under the pointer: for each series the pixel column there, with its values and its NaN marks.
    describe(px) {
      const m = this.model, lines = [];
      let steps = null;
      const near = d => {
        if (!d || !d.steps.length) return -1;
        let best = -1, distance = Infinity;
        for (let i = 0; i < d.steps.length; i++) {
          const x0 = this.x(d.steps[i]), x1 = this.x(d.through[i]);
          const gap = px < x0 ? x0 - px : px > x1 ? px - x1 : 0;
          if (gap < distance) { distance = gap; best = i; }
        }
        return distance <= 4 ? best : -1;
      };
      const value = v => v === null ? '–' : String(v);
      const bad = (d, i) => d.bad.filter(b => b.step >= d.steps[i] && b.step <= d.through[i])
        .map(b => `<span class="nonfinite">${b.value} at step ${stepLabel(b.step)}${b.count > 1 ? ` (${b.count} in these steps)` : ''}</span>`).join(' ');
      m.series.forEach(s => {
        const i = near(s.data); if (i < 0) return;
        const d = s.data, single = d.steps[i] === d.through[i] || d.low[i] === d.high[i];
        if (!steps || s.style !== 'faint') steps = [d.steps[i], d.through[i]];
        const text = d.low[i] === null ? '' : single ? value(d.last[i]) : `${value(d.low[i])} … ${value(d.high[i])} (first ${value(d.first[i])}, last ${value(d.last[i])})`;
        lines.push(`<span style="color:${s.color}">■</span> ${escape(s.label || '')}: ${text} ${bad(d, i)}`);
      });
      (m.bands || []).forEach(b => {
        const i = near(b.lower); if (i < 0 || !b.label) return;
        steps = steps || [b.lower.steps[i], b.lower.through[i]];
        lines.push(`${escape(b.label)}: ${value(b.lower.low[i])} … ${value(b.upper.high[i])} ${bad(b.upper, i)}`);
      });
      if (!lines.length) return '';
      const where = steps[0] === steps[1] ? `step ${stepLabel(steps[0])}` : `steps ${stepLabel(steps[0])}–${stepLabel(steps[1])}`;
      return `<b>${where}</b><br>` + lines.join('<br>');
    }

    listen() {
      const c = this.canvas, px = e => { const r = c.getBoundingClientRect(); return (e.clientX - r.left) * c.width / r.width; };
      let down = null;
      c.addEventListener('mousedown', e => { if (this.model) down = px(e); });
      c.addEventListener('mousemove', e => {
        if (!this.model) return;
        const p = px(e);
        if (down !== null && Math.abs(p - down) > 4 && this.options.onZoom) { this.selection = [down, p]; this.draw(); }
        const tip = this.options.tooltip; if (!tip) return;
        const html = this.describe(p);
        tip.hidden = !html;
        if (!html) return;
        tip.innerHTML = html;
        tip.style.left = Math.min(window.innerWidth - tip.offsetWidth - 8, e.clientX + 14 + window.scrollX) + 'px';
        tip.style.top = (e.clientY + 14 + window.scrollY) + 'px';
      });
      c.addEventListener('mouseleave', () => { if (this.options.tooltip) this.options.tooltip.hidden = true; });
      window.addEventListener('mouseup', e => {
        if (down === null) return;
        const start = down; down = null;
        const sel = this.selection; this.selection = null;
        if (sel && this.options.onZoom) {
          const a = this.stepAt(Math.min(sel[0], sel[1])), b = this.stepAt(Math.max(sel[0], sel[1]));
          if (b > a) this.options.onZoom(a, b); else this.draw();
          return;
        }
        if (e.target === c && this.options.onPick && Math.abs(px(e) - start) <= 4) this.options.onPick(this.stepAt(px(e)));
      });
      c.addEventListener('dblclick', () => { if (this.options.onZoom) this.options.onZoom(null, null); });
    }
  }

  // Colour scales: blue–white–red around zero (weights), and a perceptual dark-to-bright one (magnitudes, fractions).
  const viridis = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37]];
  function sequential(t) {
    const x = Math.min(1, Math.max(0, t)) * (viridis.length - 1), i = Math.min(viridis.length - 2, Math.floor(x)), f = x - i;
    return viridis[i].map((c, k) => Math.round(c + (viridis[i + 1][k] - c) * f));
  }
  const blue = [33, 102, 172], red = [178, 24, 43];
  function diverging(t) {
    const x = Math.min(1, Math.max(-1, t)), end = x < 0 ? blue : red, f = Math.abs(x);
    return end.map(c => Math.round(255 + (c - 255) * f));
  }

  // A heat map over steps: one row per label, one column per recorded step (as wide as the steps until the next).
  // model: { from, to, rows: [labels], steps: [first step of each column], through: [last step], value(row, column)
  // (a number, null for none, NaN for a non-finite value), scale: 'diverging' | 'sequential', log, lo, hi, unit }.
  class Heatmap {
    constructor(canvas, options) {
      this.canvas = canvas; this.options = options || {}; this.model = null;
      this.margin = { left: 110, right: 80, top: 6, bottom: 24 };
      const c = canvas;
      c.addEventListener('mousemove', e => {
        const tip = this.options.tooltip; if (!tip || !this.model) return;
        const r = c.getBoundingClientRect(), p = [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height];
        const html = this.describe(p[0], p[1]);
        tip.hidden = !html; if (!html) return;
        tip.innerHTML = html;
        tip.style.left = Math.min(window.innerWidth - tip.offsetWidth - 8, e.clientX + 14 + window.scrollX) + 'px';
        tip.style.top = (e.clientY + 14 + window.scrollY) + 'px';
      });
      c.addEventListener('mouseleave', () => { if (this.options.tooltip) this.options.tooltip.hidden = true; });
    }

    get width() { return this.canvas.width - this.margin.left - this.margin.right; }
    get height() { return this.canvas.height - this.margin.top - this.margin.bottom; }
    get columns() { return Math.max(1, this.width); }

    set(model) { this.model = model; this.draw(); }

    x(step) { const m = this.model; return this.margin.left + (m.to > m.from ? (step - m.from) / (m.to - m.from + 1) : 0) * this.width; }

    color(v) {
      const m = this.model;
      if (v === null || v === undefined) return [238, 238, 238];
      if (!isFinite(v)) return [0, 0, 0];
      const s = m.log ? (v > 0 ? Math.log10(v) : m.lo) : v;
      return m.scale === 'diverging' ? diverging(s / Math.max(Math.abs(m.lo), Math.abs(m.hi), 1e-30)) : sequential(m.hi > m.lo ? (s - m.lo) / (m.hi - m.lo) : 0.5);
    }

    column(px) {
      const m = this.model;
      let lo = 0, hi = m.steps.length - 1;
      if (hi < 0 || px < this.x(m.steps[0])) return -1;
      while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (this.x(m.steps[mid]) <= px) lo = mid; else hi = mid - 1; }
      return lo;
    }

    draw() {
      const g = this.canvas.getContext('2d'), m = this.model, L = this.margin.left, T = this.margin.top, W = this.width, H = this.height;
      g.clearRect(0, 0, this.canvas.width, this.canvas.height);
      g.font = '11px sans-serif';
      if (!m || !m.rows.length || !m.steps.length) { g.fillStyle = '#888'; g.fillText('no data yet', L + 8, T + 16); return; }
      const rows = m.rows.length, image = g.createImageData(W, rows);
      for (let px = 0; px < W; px++) {
        const c = this.column(L + px + 0.5);
        for (let r = 0; r < rows; r++) {
          const [R, G, B] = c < 0 ? [255, 255, 255] : this.color(m.value(r, c)), at = 4 * (r * W + px);
          image.data[at] = R; image.data[at + 1] = G; image.data[at + 2] = B; image.data[at + 3] = 255;
        }
      }
      const offscreen = document.createElement('canvas');
      offscreen.width = W; offscreen.height = rows;
      offscreen.getContext('2d').putImageData(image, 0, 0);
      g.imageSmoothingEnabled = false;
      g.drawImage(offscreen, L, T, W, H);
      g.strokeStyle = '#bbb'; g.strokeRect(L, T, W, H);
      g.fillStyle = '#555';
      const every = Math.ceil(rows * 13 / H);
      m.rows.forEach((label, r) => { if (r % every === 0) g.fillText(label.length > 16 ? label.slice(0, 15) + '…' : label, 4, T + (r + 0.5) * H / rows + 4); });
      linearTicks(m.from, Math.max(m.to, m.from + 1)).filter(s => s >= m.from && s <= m.to && Number.isInteger(s)).forEach(s => g.fillText(stepLabel(s), Math.min(this.x(s) - 10, L + W - 40), T + H + 16));
      for (let k = 0; k <= 20; k++) {
        const t = k / 20, [R, G, B] = m.scale === 'diverging' ? diverging(2 * t - 1) : sequential(t);
        g.fillStyle = `rgb(${R},${G},${B})`; g.fillRect(L + W + 10, T + H - (k + 1) * H / 21, 14, H / 21 + 1);
      }
      g.fillStyle = '#555';
      const top = m.scale === 'diverging' ? Math.max(Math.abs(m.lo), Math.abs(m.hi)) : m.hi, bottom = m.scale === 'diverging' ? -top : m.lo;
      const label = v => { const x = m.log ? 10 ** v : v; return tickLabel(+x.toPrecision(3)); };
      g.fillText(label(top), L + W + 28, T + 10); g.fillText(label(bottom), L + W + 28, T + H);
    }

    describe(px, py) {
      const m = this.model, L = this.margin.left, T = this.margin.top;
      if (px < L || px > L + this.width || py < T || py > T + this.height) return '';
      const c = this.column(px), r = Math.floor((py - T) / this.height * m.rows.length);
      if (c < 0 || r < 0 || r >= m.rows.length) return '';
      const v = m.value(r, c), where = m.steps[c] === m.through[c] ? `step ${stepLabel(m.steps[c])}` : `steps ${stepLabel(m.steps[c])}–${stepLabel(m.through[c])}`;
      const text = v === null || v === undefined ? 'not measured' : isFinite(v) ? String(v) : `<span class="nonfinite">${v}</span>`;
      return `<b>${escape(m.rows[r])}</b>, ${where}<br>${escape(m.unit || 'value')}: ${text}`;
    }
  }

  // The pitch of a gradient norm under a mapping, with the numbers of the vocabulary's sound.
  function frequency(sound, mapping, norm) {
    if (mapping === 'seed') return sound.seed.baseFrequency + sound.seed.hertzPerNorm * norm;
    const l = sound.log, position = norm <= l.minNorm ? 0 : norm >= l.maxNorm ? 1 : Math.log(norm / l.minNorm) / Math.log(l.maxNorm / l.minNorm);
    return l.minFrequency * Math.pow(l.maxFrequency / l.minFrequency, position);
  }

  // The step a time in a gradient sound plays (every step lasts framesPerStep frames, the first is step 1), and back.
  const stepAtTime = (sound, framesPerStep, seconds) => 1 + Math.floor(seconds * sound.sampleRate / framesPerStep);
  const timeOfStep = (sound, framesPerStep, step) => (step - 1) * framesPerStep / sound.sampleRate;

  // The report's gradient-norm chart: its data and the vocabulary are in the page; the cursor follows the player last
  // started (starting one pauses the others), and a click on the chart plays from that step.
  function report() {
    const vocabulary = JSON.parse(document.getElementById('stethoscope-vocabulary').textContent);
    const d = JSON.parse(document.getElementById('norm-data').textContent);
    const canvas = document.getElementById('norms'), players = [...document.querySelectorAll('section.sound audio')];
    let audio = players[0];
    const tooltip = document.createElement('div');
    tooltip.className = 'chart-tooltip'; tooltip.hidden = true; document.body.appendChild(tooltip);
    const chart = new Chart(canvas, {
      tooltip,
      onPick: audio ? step => { audio.currentTime = timeOfStep(vocabulary.sound, d.framesPerStep, step); audio.play(); } : null,
    });
    const model = cursor => ({
      from: d.from, to: d.to, log: true, cursor,
      series: d.layers.map((layer, k) => ({ label: layer, color: color(k), style: 'line', data: series(d, vocabulary.columns.gradientNormPrefix + layer) })),
    });
    chart.set(model(null));
    players.forEach(p => {
      p.addEventListener('play', () => { players.forEach(o => { if (o !== p) o.pause(); }); audio = p; });
      p.addEventListener('timeupdate', () => {
        if (p !== audio) return;
        const step = Math.min(d.to, stepAtTime(vocabulary.sound, d.framesPerStep, p.currentTime));
        chart.set(model(step));
        document.getElementById('cursor-step').textContent = 'step ' + step;
      });
    });
  }

  root.StethoscopeChart = { Chart, Heatmap, series, color, frequency, stepAtTime, timeOfStep, report, escape, tickLabel, stepLabel };
})(window);
