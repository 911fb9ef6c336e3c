// Viewers: current and peak counts, viewers over time, the connected viewers.
import {h, when, table} from '../dom.js';
import {get} from '../api.js';
import {timeChart} from '../chart.js';

const WINDOWS = [['current', 'Current stream'], ['12h', '12 hours'], ['24h', '24 hours'], ['7d', '7 days'], ['30d', '30 days']];
const HOURS = {'12h': 12, '24h': 24, '7d': 24 * 7, '30d': 24 * 30};

export async function render(root, ctx) {
  const counts = h('div', {class: 'stats'});
  const chartBox = h('section', {class: 'card'});
  const list = h('section', {class: 'card'});
  const choice = h('select', {'aria-label': 'Time window'}, WINDOWS.map(([v, l]) => h('option', {value: v, text: l})));
  choice.value = '24h';
  root.append(counts, chartBox, list);

  const stat = (label, value) => h('div', {class: 'stat'}, h('span', {class: 'stat-label', text: label}),
    h('strong', {class: 'stat-value', text: String(value)}));
  ctx.onStatus((s) => counts.replaceChildren(stat('Viewers now', s.viewerCount),
    stat(s.online ? 'Peak this stream' : 'Peak last stream', s.sessionPeakViewerCount), stat('Peak ever', s.overallPeakViewerCount)));

  const since = () => {
    const s = ctx.status;
    if (choice.value === 'current') {
      return s && s.online && s.broadcaster ? Date.parse(s.broadcaster.time) : Date.now() - 3600 * 1000;
    }
    return Date.now() - HOURS[choice.value] * 3600 * 1000;
  };
  const series = async () => [{label: 'Viewers',
    points: await get(`/api/admin/viewersOverTime?windowStart=${Math.floor(since() / 1000)}`)}];
  chartBox.append(h('div', {class: 'toolbar'}, h('h2', {text: 'Viewers over time'}), choice));
  const chart = await timeChart(chartBox, 'Viewers', await series(), {min: 0});
  choice.addEventListener('change', async () => chart.update(await series()));
  ctx.onLeave(() => chart.destroy());

  async function loadViewers() {
    const viewers = await get('/api/admin/viewers');
    list.replaceChildren(h('h2', {text: 'Connected viewers'}), table([
      {label: 'Since', cell: (v) => when(v.firstSeen)},
      {label: 'Address', cell: (v) => v.ipAddress},
      {label: 'Browser', cell: (v) => v.userAgent},
      {label: 'Where', cell: (v) => (v.geo && (v.geo.countryCode || v.geo.regionName)) || '—'},
    ], viewers, 'Nobody is watching right now.'));
  }
  await loadViewers();
  ctx.every(10000, loadViewers);
  ctx.every(60000, async () => chart.update(await series()));
}
