// Integrations → Webhooks: a URL and the events it hears about (delivered by the notify daemon).
import {h, when, table, messageLine} from '../dom.js';
import {get, post} from '../api.js';
import {daemonNotice} from '../daemons.js';

const EVENTS = [
  ['CHAT', 'A chat message is sent'], ['NAME_CHANGE', 'A user changes their name'], ['USER_JOINED', 'A user joins the chat'],
  ['USER_PARTED', 'A user leaves the chat'], ['STREAM_STARTED', 'The stream starts'], ['STREAM_STOPPED', 'The stream stops'],
  ['STREAM_TITLE_UPDATED', 'The stream title changes'], ['VISIBILITY-UPDATE', 'A message is hidden or shown'],
  ['FEDIVERSE_ENGAGEMENT_FOLLOW', 'Someone follows on the fediverse'],
];

export async function render(root) {
  const said = messageLine();
  const list = h('div');
  const url = h('input', {type: 'url', id: 'webhook-url', placeholder: 'https://example.com/owncast-hook', required: true});
  const checks = EVENTS.map(([value, label]) => h('label', {}, h('input', {type: 'checkbox', value, checked: value === 'STREAM_STARTED'}), label));

  async function load() {
    const hooks = await get('/api/admin/webhooks');
    list.replaceChildren(table([
      {label: 'URL', cell: (w) => w.url},
      {label: 'Events', cell: (w) => w.events.join(', ')},
      {label: 'Last used', cell: (w) => (w.lastUsed ? when(w.lastUsed) : 'never')},
      {label: 'Actions', cell: (w) => h('button', {type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete webhook ${w.url}`,
        onclick: async () => {
          try { await post('/api/admin/webhooks/delete', {id: w.id}); said.show('Webhook deleted.', 'ok'); await load(); } catch (error) { said.show(error.message, 'error'); }
        }})},
    ], hooks, 'No webhooks yet.'));
  }
  const form = h('form', {class: 'card', id: 'webhook-form', onsubmit: async (event) => {
    event.preventDefault();
    const events = checks.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
    said.show('Saving…', 'pending');
    try {
      await post('/api/admin/webhooks/create', {url: url.value.trim(), events});
      said.show('Webhook added.', 'ok');
      url.value = '';
      await load();
    } catch (error) {
      url.setAttribute('aria-invalid', 'true');
      said.show(error.message, 'error');
    }
  }},
  h('h2', {text: 'Add a webhook'}),
  h('div', {class: 'field'}, h('label', {for: 'webhook-url', text: 'URL'}), url),
  h('fieldset', {}, h('legend', {text: 'Send these events'}), h('div', {class: 'checks'}, checks)),
  h('button', {type: 'submit', text: 'Add webhook'}), said);
  const notice = await daemonNotice('notify', 'Webhooks are saved, but none is delivered until it runs.');
  root.append(...[notice, h('p', {class: 'intro', text: 'Owncast POSTs JSON {type, eventData} to each URL when its events happen.'}),
    form, h('section', {class: 'card'}, h('h2', {text: 'Webhooks'}), list)].filter(Boolean));
  await load();
}
