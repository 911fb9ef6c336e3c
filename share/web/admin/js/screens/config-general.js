// Config → General: the server's name, description, pages, directory, social links and appearance.
import {h, uid, messageLine, safeUrl, dataUrl, sanitisedHtml} from '../dom.js';
import {get, serverConfig, setConfig, post} from '../api.js';
import {fieldSection, section} from '../fields.js';

const d = (c) => c.instanceDetails;

const DETAILS = [
  {path: 'name', label: 'Name', get: (c) => d(c).name, maxlength: 100},
  {path: 'serverurl', label: 'Server URL', get: (c) => c.yp.instanceUrl, placeholder: 'https://live.example.com',
    help: 'The public address of this server: the directory and the fediverse need it.'},
  {path: 'serversummary', label: 'About', kind: 'textarea', get: (c) => d(c).summary},
  {path: 'offlinemessage', label: 'Offline message', kind: 'textarea', get: (c) => d(c).offlineMessage,
    help: 'Shown to viewers while you are offline (Markdown).'},
  {path: 'tags', label: 'Tags', kind: 'list', get: (c) => d(c).tags, help: 'One per line or separated by commas.'},
  {path: 'nsfw', label: 'This stream is NSFW (not safe for work)', kind: 'toggle', get: (c) => d(c).nsfw},
  {path: 'hideviewercount', label: 'Hide the viewer count from viewers', kind: 'toggle', get: (c) => c.hideViewerCount},
  {path: 'disablesearchindexing', label: 'Ask search engines not to index this server', kind: 'toggle', get: (c) => c.disableSearchIndexing},
  {path: 'autoplay', label: 'Autoplay', kind: 'select', get: (c) => d(c).autoplay,
    options: [['off', 'Off'], ['always', 'Always'], ['sound-only', 'Sound only']], help: 'Whether the player starts by itself.'},
];
const DIRECTORY = [
  {path: 'directoryenabled', label: 'List this server in the Owncast Directory', kind: 'toggle', get: (c) => c.yp.enabled,
    help: 'Needs the server URL above. The directory shows your name, title, tags and thumbnail.'},
];
const preview = h('div', {class: 'page-preview', id: 'page-preview'});
async function showPreview() {
  // The public API's rendering, after the server's sanitiser: what viewers will get.
  const config = await get('/api/config').catch(() => null);
  preview.replaceChildren(config ? sanitisedHtml(config.extraPageContent) : h('p', {class: 'empty', text: 'No preview.'}));
}
const PAGE = [
  {path: 'pagecontent', label: 'Page content (Markdown)', kind: 'textarea', rows: 10, get: (c) => d(c).extraPageContent,
    help: 'Shown under the player. Rendered as sanitised HTML on the viewer page.', onSaved: showPreview},
];
const APPEARANCE = [
  {path: 'customstyles', label: 'Custom CSS', kind: 'textarea', rows: 6, get: (c) => d(c).customStyles,
    help: 'For example #offline-banner, #chat-container, .chat-message_user, or variables such as --theme-color-action.'},
  {path: 'customjavascript', label: 'Custom JavaScript', kind: 'textarea', rows: 6, get: (c) => d(c).customJavascript,
    help: 'Runs on the viewer page. Only paste code you trust.'},
];
const COLOURS = [
  ['theme-color-action', 'Buttons and links'], ['theme-color-background-main', 'Page background'],
  ['theme-color-palette-0', 'Header'], ['theme-color-components-text-on-dark', 'Text on dark'],
];

function imageUpload(label, path, help) {
  const id = uid('img');
  const input = h('input', {id, type: 'file', accept: 'image/png,image/jpeg,image/gif,image/svg+xml,image/webp,image/x-icon'});
  const said = messageLine();
  input.addEventListener('change', async () => {
    const file = input.files[0];
    if (!file) return;
    said.show('Uploading…', 'pending');
    try {
      await post(`/api/admin/config/${path}`, {value: await dataUrl(file)});
      said.show('Uploaded.', 'ok');
      for (const img of document.querySelectorAll('img[src^="/logo"]')) img.src = `/logo?${Date.now()}`;
    } catch (error) {
      said.show(error.message, 'error');
    }
    input.value = '';
  });
  return h('div', {class: 'field'}, h('label', {for: id, text: label}), input, h('p', {class: 'help', text: help}), said);
}

function socialHandles(config) {
  const list = h('div');
  const said = messageLine();
  let handles = (d(config).socialHandles || []).map(({platform, url}) => ({platform, url}));
  const platform = h('input', {placeholder: 'mastodon, github, … or a name', 'aria-label': 'Platform'});
  const url = h('input', {type: 'url', placeholder: 'https://…', 'aria-label': 'Link'});
  async function save(next) {
    said.show('Saving…', 'pending');
    try {
      await setConfig('socialhandles', next);
      const fresh = await serverConfig();
      handles = d(fresh).socialHandles.map(({platform: p, url: u}) => ({platform: p, url: u}));
      draw();
      said.show('Saved.', 'ok');
      return true;
    } catch (error) {
      said.show(error.message, 'error');
      return false;
    }
  }
  function draw() {
    list.replaceChildren(...(handles.length ? handles.map((item, i) => h('div', {class: 'toolbar'},
      h('strong', {text: item.platform}),
      safeUrl(item.url) ? h('a', {href: safeUrl(item.url), rel: 'noopener noreferrer', target: '_blank', text: item.url}) : h('span', {text: item.url}),
      h('button', {type: 'button', class: 'danger small', text: 'Remove', 'aria-label': `Remove ${item.platform}`,
        onclick: () => save(handles.filter((_, j) => j !== i))}))) : [h('p', {class: 'empty', text: 'No links yet.'})]));
  }
  draw();
  const form = h('form', {class: 'toolbar', onsubmit: async (event) => {
    event.preventDefault();
    if (await save([...handles, {platform: platform.value.trim(), url: url.value.trim()}])) { platform.value = ''; url.value = ''; }
  }}, platform, url, h('button', {type: 'submit', text: 'Add link'}));
  return section('Social links', h('p', {class: 'intro', text: 'Links shown on your page, such as your Mastodon profile or your shop.'}),
    list, form, said);
}

function colours(config) {
  const values = {...(d(config).appearanceVariables || {})};
  const said = messageLine();
  const inputs = COLOURS.map(([name, label]) => {
    const id = uid('col');
    const input = h('input', {id, type: 'color', value: /^#[0-9a-f]{6}$/i.test(values[name] || '') ? values[name] : '#5a3cd6'});
    input.dataset.name = name;
    return h('label', {for: id, class: 'inline'}, input, label);
  });
  const save = async (next) => {
    try {
      await setConfig('appearance', next);
      said.show('Saved.', 'ok');
    } catch (error) {
      said.show(error.message, 'error');
    }
  };
  return section('Colours', h('p', {class: 'intro', text: 'Override the viewer page\'s theme colours.'}),
    h('div', {class: 'form-grid'}, inputs),
    h('div', {class: 'toolbar'},
      h('button', {type: 'button', text: 'Save colours', onclick: () => {
        const next = {};
        for (const label of inputs) { const input = label.querySelector('input'); next[input.dataset.name] = input.value; }
        save(next);
      }}),
      h('button', {type: 'button', class: 'secondary', text: 'Reset to defaults', onclick: () => save({})})),
    said);
}

export async function render(root) {
  const config = await serverConfig();
  await showPreview();
  root.append(
    fieldSection('Server details', config, DETAILS),
    section('Logo and icon',
      imageUpload('Logo', 'logo', 'Square, at least 256 px: PNG, JPEG, GIF, WebP or SVG.'),
      imageUpload('Favicon', 'favicon', 'PNG or ICO, at most 200 KB.')),
    fieldSection('Owncast Directory', config, DIRECTORY),
    socialHandles(config),
    fieldSection('Page content', config, PAGE),
    section('Page content preview', preview),
    colours(config),
    fieldSection('Custom code', config, APPEARANCE));
}
