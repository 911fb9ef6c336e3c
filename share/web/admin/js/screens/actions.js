// Integrations → External actions: buttons under the player that open a page or show HTML.
import {h, table, messageLine, safeUrl} from '../dom.js';
import {serverConfig, setConfig} from '../api.js';

const FIELDS = [['title', 'Name', 'text'], ['url', 'URL (https, may be shown in a frame)', 'url'], ['description', 'Description', 'text'],
  ['icon', 'Icon URL', 'url'], ['color', 'Colour', 'color']];

export async function render(root) {
  const said = messageLine();
  const list = h('div');
  let actions = (await serverConfig()).externalActions || [];
  const inputs = Object.fromEntries(FIELDS.map(([name, , type]) => [name, h('input', {type, name, value: type === 'color' ? '#5a3cd6' : ''})]));
  const html = h('textarea', {rows: 3, name: 'html', placeholder: 'Instead of a URL: HTML to show in a modal'});
  const external = h('input', {type: 'checkbox', name: 'openExternally'});

  async function save(next, done) {
    said.show('Saving…', 'pending');
    try {
      await setConfig('externalactions', next);
      actions = (await serverConfig()).externalActions || [];
      draw();
      said.show(done, 'ok');
      return true;
    } catch (error) {
      said.show(error.message, 'error');
      return false;
    }
  }
  function draw() {
    list.replaceChildren(table([
      {label: 'Name', cell: (a) => a.title},
      {label: 'Opens', cell: (a) => (a.url ? (safeUrl(a.url) ? h('a', {href: safeUrl(a.url), rel: 'noopener noreferrer', target: '_blank', text: a.url}) : a.url) : 'custom HTML')},
      {label: 'Description', cell: (a) => a.description || ''},
      {label: 'Actions', cell: (a) => h('button', {type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete action ${a.title}`,
        onclick: () => save(actions.filter((other) => other !== a), 'Action deleted.')})},
    ], actions, 'No external actions yet.'));
  }
  draw();
  const form = h('form', {class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    const action = {openExternally: external.checked};
    for (const [name] of FIELDS) if (inputs[name].value.trim()) action[name] = inputs[name].value.trim();
    if (html.value.trim()) action.html = html.value.trim();
    if (await save([...actions, action], 'Action added.')) {
      for (const [name, , type] of FIELDS) if (type !== 'color') inputs[name].value = '';
      html.value = '';
    }
  }},
  h('h2', {text: 'Add an action'}),
  h('div', {class: 'form-grid'}, FIELDS.map(([name, label]) => h('label', {}, label, inputs[name]))),
  h('div', {class: 'field'}, h('label', {}, 'Custom HTML', html)),
  h('label', {class: 'toggle-row'}, external, 'Open in a new tab instead of a frame'),
  h('button', {type: 'submit', text: 'Add action'}), said);
  root.append(h('p', {class: 'intro', text: 'Buttons under the player: a tip jar, a poll, a schedule. The viewer\'s chat name and this server\'s URL are added as username= and instance= to the URL.'}),
    form, h('section', {class: 'card'}, h('h2', {text: 'Actions'}), list));
}
