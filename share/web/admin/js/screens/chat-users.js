// Chat → Users: connected clients, everyone, moderators, banned users and banned IP addresses.
import {h, when, table, messageLine} from '../dom.js';
import {get, post} from '../api.js';

const TABS = [['connected', 'Connected'], ['all', 'All users'], ['moderators', 'Moderators'], ['banned', 'Banned users'], ['ips', 'Banned IPs']];

export async function render(root, ctx) {
  const said = messageLine();
  const panel = h('div', {role: 'tabpanel', id: 'users-panel'});
  let tab = 'connected';
  const buttons = TABS.map(([id, label]) => h('button', {type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': 'users-panel',
    text: label, onclick: () => { tab = id; load(); }}));
  const tabs = h('div', {class: 'tabs', role: 'tablist'}, buttons);
  tabs.addEventListener('keydown', (event) => {
    const i = TABS.findIndex(([id]) => id === tab);
    const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
    if (!step) return;
    tab = TABS[(i + step + TABS.length) % TABS.length][0];
    load().then(() => buttons[TABS.findIndex(([id]) => id === tab)].focus());
  });

  async function act(path, payload, done) {
    said.show('Saving…', 'pending');
    try {
      await post(path, payload);
      said.show(done, 'ok');
      await load();
    } catch (error) {
      said.show(error.message, 'error');
    }
  }
  const userActions = (user) => {
    const moderator = (user.scopes || []).includes('MODERATOR');
    const banned = Boolean(user.disabledAt);
    return h('div', {class: 'row-actions'},
      h('button', {type: 'button', class: banned ? 'secondary small' : 'danger small', text: banned ? 'Unban' : 'Ban',
        'aria-label': `${banned ? 'Unban' : 'Ban'} ${user.displayName}`,
        onclick: () => act('/api/admin/chat/users/setenabled', {userId: user.id, enabled: banned},
          `${user.displayName} ${banned ? 'can chat again' : 'is banned: disconnected, messages hidden'}.`)}),
      h('button', {type: 'button', class: 'secondary small', text: moderator ? 'Remove moderator' : 'Make moderator',
        'aria-label': `${moderator ? 'Remove moderator' : 'Make moderator'} ${user.displayName}`,
        onclick: () => act('/api/admin/chat/users/setmoderator', {userId: user.id, isModerator: !moderator},
          `${user.displayName} ${moderator ? 'is no longer a moderator' : 'is now a moderator'}.`)}));
  };
  const userColumns = [
    {label: 'Name', cell: (u) => u.displayName},
    {label: 'Since', cell: (u) => when(u.createdAt)},
    {label: 'Previous names', cell: (u) => (u.previousNames || []).filter((n) => n !== u.displayName).join(', ')},
    {label: 'Actions', cell: userActions},
  ];

  async function load() {
    for (const b of buttons) b.setAttribute('aria-selected', String(b.id === `tab-${tab}`));
    for (const b of buttons) b.tabIndex = b.id === `tab-${tab}` ? 0 : -1;
    try {
      let content;
      if (tab === 'connected') {
        const clients = await get('/api/admin/chat/clients');
        content = table([
          {label: 'Name', cell: (c) => c.user.displayName},
          {label: 'Connected', cell: (c) => when(c.connectedAt)},
          {label: 'Messages', cell: (c) => String(c.messageCount)},
          {label: 'Address', cell: (c) => c.ipAddress},
          {label: 'Browser', cell: (c) => c.userAgent},
          {label: 'Actions', cell: (c) => userActions(c.user)},
        ], clients, 'Nobody is in the chat right now.');
      } else if (tab === 'all') {
        const page = await get('/api/admin/users?limit=200');
        content = [h('p', {class: 'intro', text: `${page.total} users in all; the newest ${page.results.length} shown.`}),
          table(userColumns, page.results, 'No chat users yet.')];
      } else if (tab === 'moderators') {
        content = table(userColumns, await get('/api/admin/chat/users/moderators'), 'No moderators.');
      } else if (tab === 'banned') {
        content = table(userColumns, await get('/api/admin/chat/users/disabled'), 'Nobody is banned.');
      } else {
        const ip = h('input', {placeholder: '203.0.113.7', 'aria-label': 'IP address to ban'});
        content = [table([
          {label: 'Address', cell: (b) => b.ipAddress},
          {label: 'Notes', cell: (b) => b.notes || ''},
          {label: 'Since', cell: (b) => when(b.createdAt)},
          {label: 'Actions', cell: (b) => h('button', {type: 'button', class: 'secondary small', text: 'Unban',
            'aria-label': `Unban ${b.ipAddress}`,
            onclick: () => act('/api/admin/chat/users/ipbans/remove', {value: b.ipAddress}, `${b.ipAddress} unbanned.`)})},
        ], await get('/api/admin/chat/users/ipbans'), 'No banned addresses.'),
        h('form', {class: 'toolbar', onsubmit: (event) => {
          event.preventDefault();
          act('/api/admin/chat/users/ipbans/create', {value: ip.value.trim()}, `${ip.value.trim()} banned.`);
        }}, ip, h('button', {type: 'submit', text: 'Ban address'}))];
      }
      panel.replaceChildren(...[content].flat());
    } catch (error) {
      panel.replaceChildren(h('p', {class: 'message error', text: error.message}));
    }
  }

  root.append(h('p', {class: 'intro', text: 'Banning disconnects the user, hides their messages and blocks their IP address.'}),
    tabs, said, panel);
  await load();
  ctx.every(10000, () => { if (tab === 'connected' && !root.contains(document.activeElement)) load(); });
}
