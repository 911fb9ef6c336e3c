// Utilities → Logs: the server's log, newest first, refreshed every few seconds.
import {h, when} from '../dom.js';
import {get} from '../api.js';

const LEVELS = [['debug', 'Everything'], ['info', 'Info and above'], ['warning', 'Warnings and errors'], ['error', 'Errors only']];
const RANK = {trace: 0, debug: 0, info: 1, warning: 2, warn: 2, error: 3, fatal: 3, panic: 3};

export async function render(root, ctx) {
  const level = h('select', {'aria-label': 'Show'}, LEVELS.map(([v, l]) => h('option', {value: v, text: l})));
  level.value = 'info';
  const live = h('input', {type: 'checkbox', id: 'logs-live', checked: true});
  const body = h('div', {class: 'table-wrap'});
  let entries = [];
  const draw = () => {
    const min = RANK[level.value];
    const rows = entries.filter((e) => (RANK[e.level] ?? 1) >= min).slice(-500).reverse();
    body.replaceChildren(rows.length ? h('table', {class: 'logs'},
      h('thead', {}, h('tr', {}, ['Time', 'Level', 'Message'].map((t) => h('th', {scope: 'col', text: t})))),
      h('tbody', {}, rows.map((e) => h('tr', {class: `log-level-${e.level}`},
        h('td', {'data-label': 'Time', text: when(e.time)}), h('td', {'data-label': 'Level', text: e.level}),
        h('td', {'data-label': 'Message', text: e.message})))))
      : h('p', {class: 'empty', text: 'No log lines at this level.'}));
  };
  const load = async () => {
    try { entries = await get('/api/admin/logs'); draw(); } catch (error) { body.replaceChildren(h('p', {class: 'message error', text: error.message})); }
  };
  level.addEventListener('change', draw);
  root.append(h('div', {class: 'toolbar'}, level, h('label', {class: 'toggle-row'}, live, 'Follow live')), body);
  await load();
  ctx.every(3000, () => { if (live.checked) load(); });
}
