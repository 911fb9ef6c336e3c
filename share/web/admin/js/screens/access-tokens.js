// Integrations → Access tokens: create with scopes (shown once), list, delete.
import {h, when, table, messageLine, copy} from '../dom.js';
import {get, post} from '../api.js';

const SCOPES = [
  ['CAN_SEND_SYSTEM_MESSAGES', 'Send system messages'],
  ['CAN_SEND_MESSAGES', 'Send chat messages as a user'],
  ['HAS_ADMIN_ACCESS', 'Full admin access (moderation, stream title…)'],
];

export async function render(root) {
  const said = messageLine();
  const list = h('div');
  const created = h('div');
  const name = h('input', {id: 'token-name', maxlength: 100, placeholder: 'e.g. my chat bot', required: true});
  const checks = SCOPES.map(([value, label]) => h('label', {}, h('input', {type: 'checkbox', value}), label));

  async function load() {
    const tokens = await get('/api/admin/accesstokens');
    list.replaceChildren(table([
      {label: 'Name', cell: (t) => t.displayName},
      {label: 'Scopes', cell: (t) => (t.scopes || []).join(', ')},
      {label: 'Created', cell: (t) => when(t.createdAt)},
      {label: 'Last used', cell: (t) => (t.lastUsedAt ? when(t.lastUsedAt) : 'never')},
      {label: 'Actions', cell: (t) => h('button', {type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete token ${t.displayName}`,
        onclick: async () => {
          try { await post('/api/admin/accesstokens/delete', {token: t.accessToken}); said.show('Token deleted: it no longer works.', 'ok'); await load(); } catch (error) { said.show(error.message, 'error'); }
        }})},
    ], tokens, 'No access tokens yet.'));
  }
  const form = h('form', {class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const scopes = checks.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
    said.show('Creating…', 'pending');
    try {
      const token = await post('/api/admin/accesstokens/create', {name: name.value.trim(), scopes});
      const shown = h('input', {readonly: true, value: token.accessToken, 'aria-label': 'New access token'});
      created.replaceChildren(h('div', {class: 'secret-once', role: 'alert'},
        h('p', {}, h('strong', {text: 'Copy this token now: '}), 'it is the key to this integration, keep it secret.'),
        h('div', {class: 'control'}, shown, h('button', {type: 'button', text: 'Copy', onclick: async () => {
          said.show((await copy(token.accessToken, shown)) ? 'Token copied.' : 'Selected: press Ctrl+C to copy.', 'ok');
        }}))));
      said.show('Token created.', 'ok');
      name.value = '';
      await load();
    } catch (error) {
      said.show(error.message, 'error');
    }
  }},
  h('h2', {text: 'Create a token'}),
  h('div', {class: 'field'}, h('label', {for: 'token-name', text: 'Name'}), name),
  h('fieldset', {}, h('legend', {text: 'What it may do'}), h('div', {class: 'checks'}, checks)),
  h('button', {type: 'submit', text: 'Create token'}), said);
  root.append(h('p', {class: 'intro', text: 'Bots and scripts send a token as "Authorization: Bearer …" to the integrations API.'}),
    form, created, h('section', {class: 'card'}, h('h2', {text: 'Tokens'}), list));
  await load();
}
