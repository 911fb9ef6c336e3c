// Config → Notifications: browser push and Discord; webhooks have their own screen.
import {h, messageLine} from '../dom.js';
import {serverConfig, setConfig} from '../api.js';
import {section} from '../fields.js';
import {daemonNotice} from '../daemons.js';

/** A small form for one object-valued setter (enabled + fields), saved as a whole and read back. */
function objectForm(title, intro, path, get, fields, config) {
  const current = get(config) || {};
  const enabled = h('input', {type: 'checkbox', role: 'switch', id: `${path}-enabled`, checked: current.enabled});
  const inputs = Object.fromEntries(fields.map(([name, , kind]) => [name, kind === 'textarea'
    ? h('textarea', {rows: 3, name, value: current[name] || ''})
    : h('input', {type: kind || 'text', name, value: current[name] || ''})]));
  const said = messageLine();
  const form = h('form', {onsubmit: async (event) => {
    event.preventDefault();
    const value = {enabled: enabled.checked};
    for (const [name] of fields) value[name] = inputs[name].value.trim();
    said.show('Saving…', 'pending');
    try {
      await setConfig(path, value);
      const fresh = get(await serverConfig());
      enabled.checked = fresh.enabled;
      for (const [name] of fields) inputs[name].value = fresh[name] || '';
      said.show('Saved.', 'ok');
    } catch (error) {
      said.show(error.message, 'error');
    }
  }},
  h('div', {class: 'toggle-row'}, enabled, h('label', {for: `${path}-enabled`, text: `Enable ${title.toLowerCase()}`})),
  fields.map(([name, label]) => h('div', {class: 'field'}, h('label', {}, label, inputs[name]))),
  h('button', {type: 'submit', text: 'Save'}), said);
  return section(title, h('p', {class: 'intro', text: intro}), form);
}

export async function render(root) {
  const [config, notice] = await Promise.all([serverConfig(),
    daemonNotice('notify', 'Settings are saved, but no notification or webhook is delivered until it runs.')]);
  const n = (c) => c.notifications;
  root.append(...[notice,
    objectForm('Browser notifications', 'Viewers who allow it get a notification when you go live (on iPhone, after “Add to Home Screen”).',
      'notifications/browser', (c) => n(c).browser, [['goLiveMessage', 'Go-live text', 'textarea']], config),
    objectForm('Discord', 'Post to a Discord channel when you go live: paste the channel\'s webhook URL.',
      'notifications/discord', (c) => n(c).discord, [['webhook', 'Webhook URL', 'url'], ['goLiveMessage', 'Go-live text', 'textarea']], config),
    section('More', h('p', {}, 'Fediverse posts are set under ', h('a', {href: '/admin/config-federation/', text: 'Social'}),
      '; anything else can listen to ', h('a', {href: '/admin/webhooks/', text: 'webhooks'}), '.')),
  ].filter(Boolean));
}
