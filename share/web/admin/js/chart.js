// Line charts over time with uPlot (from npm, in share/web/vendor like hls.js).
import {h} from './dom.js';

const UPLOT = '/web/vendor/node_modules/uplot/dist/';
const COLOURS = ['#5a3cd6', '#16794a', '#c2410c', '#0e7490', '#b3261e', '#6b7280'];
let loading = null;

function loadUplot() {
  if (!loading) {
    const css = h('link', {rel: 'stylesheet', href: `${UPLOT}uPlot.min.css`});
    document.head.append(css);
    loading = import(`${UPLOT}uPlot.esm.js`).then((m) => m.default);
  }
  return loading;
}

const seconds = (t) => Math.floor(Date.parse(t) / 1000);

/**
 * A chart of series [{label, points: [{time, value}]}] with shared x (time); points are aligned on
 * the union of their times. Returns {update(series), destroy()}; the chart follows the container width.
 */
export async function timeChart(container, title, series, {unit = '', min} = {}) {
  const box = h('div', {class: 'chart', role: 'img', 'aria-label': title});
  container.append(h('p', {class: 'chart-title', text: title}), box);
  let uPlot;
  try {
    uPlot = await loadUplot();
  } catch {
    box.append(h('p', {class: 'message error', text: 'Charts need uPlot in share/web/vendor: run `make install`.'}));
    return {update() {}, destroy() {}};
  }
  const data = (list) => {
    const times = [...new Set(list.flatMap((s) => s.points.map((p) => seconds(p.time))))].sort((a, b) => a - b);
    const rows = list.map((s) => {
      const byTime = new Map(s.points.map((p) => [seconds(p.time), Number(p.value)]));
      return times.map((t) => (byTime.has(t) ? byTime.get(t) : null));
    });
    return [times, ...rows];
  };
  const width = () => Math.max(260, box.clientWidth || container.clientWidth || 600);
  const plot = new uPlot({
    width: width(), height: 220,
    series: [{}, ...series.map((s, i) => ({label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: true,
      value: (u, v) => (v === null || v === undefined ? '—' : `${Math.round(v * 100) / 100}${unit}`)}))],
    axes: [{}, {values: (u, ticks) => ticks.map((t) => `${t}${unit}`), size: 50 + 7 * unit.length}],
    scales: {
      x: {time: true, auto: false},
      y: min === undefined ? {} : {range: (u, lo, hi) => [min, Math.max(hi ?? min + 1, min + 1)]},
    },
  }, data(series), box);
  // At least the last hour up to now: uPlot would stretch a few samples over years.
  const span = (aligned) => {
    const now = Date.now() / 1000;
    const times = aligned[0];
    plot.setScale('x', {min: Math.min(times.length ? times[0] : now, now - 3600),
      max: Math.max(times.length ? times[times.length - 1] : now, now)});
  };
  span(plot.data);
  const resize = () => plot.setSize({width: width(), height: 220});
  window.addEventListener('resize', resize);
  const empty = h('p', {class: 'empty', text: 'No data yet: samples are taken every minute.'});
  const showEmpty = (list) => { empty.hidden = list.some((s) => s.points.length); };
  container.append(empty);
  showEmpty(series);
  return {
    update(next) { const aligned = data(next); plot.setData(aligned); span(aligned); showEmpty(next); },
    destroy() { window.removeEventListener('resize', resize); plot.destroy(); },
  };
}
