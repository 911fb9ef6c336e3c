// Chat → Messages: the history, with per-message and bulk hide/show, refreshed every few seconds.
import {h, when, textOf, messageLine} from '../dom.js';
import {get, post} from '../api.js';

const REFRESH_MS = 5000;

export async function render(root, ctx) {
  const said = messageLine();
  const selected = new Set();
  const body = h('div');
  const bulkHide = h('button', {type: 'button', class: 'secondary', text: 'Hide selected', disabled: true});
  const bulkShow = h('button', {type: 'button', class: 'secondary', text: 'Show selected', disabled: true});
  let messages = [];

  async function setVisible(ids, visible) {
    said.show('Saving…', 'pending');
    try {
      await post('/api/admin/chat/messagevisibility', {idArray: ids, visible});
      said.show(`${ids.length} message${ids.length === 1 ? '' : 's'} ${visible ? 'shown' : 'hidden'} for everyone.`, 'ok');
      selected.clear();
      await load();
    } catch (error) {
      said.show(error.message, 'error');
    }
  }
  bulkHide.addEventListener('click', () => setVisible([...selected], false));
  bulkShow.addEventListener('click', () => setVisible([...selected], true));

  function draw() {
    const rows = messages.filter((m) => m.type === 'CHAT').slice().reverse();
    bulkHide.disabled = bulkShow.disabled = selected.size === 0;
    if (!rows.length) { body.replaceChildren(h('p', {class: 'empty', text: 'No chat messages yet.'})); return; }
    body.replaceChildren(h('div', {class: 'table-wrap'}, h('table', {class: 'messages'},
      h('thead', {}, h('tr', {}, ['', 'Time', 'User', 'Message', 'Visible'].map((t) => h('th', {scope: 'col', text: t})))),
      h('tbody', {}, rows.map((m) => {
        const name = (m.user && m.user.displayName) || 'unknown';
        const hidden = Boolean(m.hiddenAt);
        const text = textOf(m.body);
        const check = h('input', {type: 'checkbox', 'aria-label': `Select message from ${name}`, checked: selected.has(m.id),
          onchange: (event) => { if (event.target.checked) selected.add(m.id); else selected.delete(m.id); draw(); }});
        return h('tr', {class: hidden ? 'hidden-message' : '', 'data-id': m.id},
          h('td', {'data-label': 'Select'}, check),
          h('td', {'data-label': 'Time', text: when(m.timestamp)}),
          h('td', {'data-label': 'User', text: name}),
          h('td', {'data-label': 'Message', class: 'message-body', text}),
          h('td', {'data-label': 'Visible'}, h('button', {type: 'button', class: 'small secondary',
            text: hidden ? 'Show' : 'Hide', 'aria-label': `${hidden ? 'Show' : 'Hide'} message from ${name}: ${text.slice(0, 40)}`,
            onclick: () => setVisible([m.id], hidden)})));
      })))));
  }

  async function load() {
    try {
      messages = await get('/api/admin/chat/messages');
      draw();
    } catch (error) {
      body.replaceChildren(h('p', {class: 'message error', text: error.message}));
    }
  }

  root.append(h('p', {class: 'intro', text: 'A hidden message disappears from everyone\'s chat. Newest first.'}),
    h('div', {class: 'toolbar'}, bulkHide, bulkShow), said, body);
  await load();
  ctx.every(REFRESH_MS, () => { if (!root.contains(document.activeElement) || document.activeElement === document.body) load(); });
}
