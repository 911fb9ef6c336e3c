// Utilities → Hardware: CPU, memory and disk use over the last day.
import {h} from '../dom.js';
import {get} from '../api.js';
import {timeChart} from '../chart.js';

export async function render(root, ctx) {
  const card = h('section', {class: 'card'});
  root.append(h('p', {class: 'intro', text: 'Sampled every minute; the last 24 hours are kept.'}), card);
  const stats = await get('/api/admin/hardwarestats');
  const parts = [['cpu', 'CPU'], ['memory', 'Memory'], ['disk', 'Disk (data directory)']];
  const charts = [];
  for (const [key, label] of parts) {
    charts.push(await timeChart(card, `${label} use`, [{label, points: stats[key] || []}], {unit: '%', min: 0}));
  }
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));
  ctx.every(60000, async () => {
    const fresh = await get('/api/admin/hardwarestats');
    parts.forEach(([key, label], i) => charts[i].update([{label, points: fresh[key] || []}]));
  });
}
