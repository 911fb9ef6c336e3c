// Config → Server setup: ports and paths, stream keys, S3 storage with a connection test.
import {h, table, messageLine, copy} from '../dom.js';
import {serverConfig, setConfig, post} from '../api.js';
import {fieldSection, section} from '../fields.js';

const SERVER = [
  {path: 'adminpass', label: 'Admin password', kind: 'password', get: () => '',
    help: 'At least 8 characters. You will be asked to sign in again with it.'},
  {path: 'ffmpegpath', label: 'ffmpeg path', get: (c) => c.ffmpegPath, placeholder: 'empty: find ffmpeg by itself'},
  {path: 'webserverport', label: 'Web server port', kind: 'number', min: 1, max: 65535, get: (c) => c.webServerPort,
    help: 'Takes effect after a restart.'},
  {path: 'webserverip', label: 'Web server address', get: (c) => c.webServerIP, help: 'Takes effect after a restart.'},
  {path: 'rtmpserverport', label: 'RTMP port', kind: 'number', min: 1, max: 65535, get: (c) => c.rtmpServerPort,
    help: 'Takes effect after a restart.'},
  {path: 'rtmpserverbindaddress', label: 'RTMP address', get: (c) => c.rtmpServerAddress, help: 'Takes effect after a restart.'},
];
const ADVANCED = [
  {path: 'sockethostoverride', label: 'Websocket host override', get: (c) => c.socketHostOverride,
    placeholder: 'wss://chat.example.com', help: 'Only when a CDN sits in front of the whole site.'},
  {path: 'videoservingendpoint', label: 'Video serving endpoint', get: (c) => c.videoServingEndpoint,
    placeholder: 'https://cdn.example.com', help: 'Only when a CDN sits in front of the video or storage.'},
];
const S3_FIELDS = [
  ['endpoint', 'Endpoint', 'url', 'https://s3.example.com'], ['bucket', 'Bucket', 'text', ''],
  ['region', 'Region', 'text', 'us-east-1'], ['accessKey', 'Access key', 'text', ''],
  ['secret', 'Secret key', 'password', ''], ['acl', 'ACL (optional)', 'text', 'public-read'],
  ['pathPrefix', 'Path prefix (optional)', 'text', ''], ['servingEndpoint', 'Serving endpoint (optional)', 'url', 'https://cdn.example.com'],
];

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => ({'+': 'x', '/': 'y', '=': ''})[c]);
}

function streamKeys(config) {
  const body = h('div');
  const said = messageLine();
  let keys = config.streamKeys.map(({key, comment}) => ({key, comment}));
  const keyInput = h('input', {value: randomKey(), 'aria-label': 'New stream key', autocomplete: 'off'});
  const comment = h('input', {placeholder: 'Comment, e.g. OBS at home', 'aria-label': 'Comment'});

  async function save(next, done) {
    said.show('Saving…', 'pending');
    try {
      await setConfig('streamkeys', next);
      keys = (await serverConfig()).streamKeys.map(({key, comment: c}) => ({key, comment: c}));
      draw();
      said.show(done, 'ok');
      return true;
    } catch (error) {
      said.show(error.message, 'error');
      return false;
    }
  }
  function draw() {
    body.replaceChildren(table([
      {label: 'Key', cell: (k) => h('code', {text: k.key})},
      {label: 'Comment', cell: (k) => k.comment},
      {label: 'Actions', cell: (k) => h('div', {class: 'row-actions'},
        h('button', {type: 'button', class: 'secondary small', text: 'Copy', onclick: async () => {
          said.show((await copy(k.key)) ? 'Key copied.' : 'Your browser refused to copy: select the key instead.');
        }}),
        h('button', {type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete key ${k.comment || k.key}`,
          onclick: () => save(keys.filter((other) => other !== k), 'Key deleted.')}))},
    ], keys, 'No stream keys: nobody can stream until you add one.'));
  }
  draw();
  const form = h('form', {class: 'toolbar', id: 'add-stream-key', onsubmit: async (event) => {
    event.preventDefault();
    if (await save([...keys, {key: keyInput.value.trim(), comment: comment.value.trim()}], 'Key added.')) {
      keyInput.value = randomKey();
      comment.value = '';
    }
  }}, keyInput, comment, h('button', {type: 'submit', text: 'Add key'}));
  return section('Stream keys', config.streamKeyOverridden
    ? h('p', {class: 'notice', text: 'A stream key was given on the command line (--streamkey): it replaces these while the server runs.'})
    : null, body, h('h3', {text: 'Add a key'}), form, said);
}

function s3(config) {
  const current = config.s3 || {};
  const inputs = {};
  const enabled = h('input', {type: 'checkbox', id: 's3-enabled', checked: current.enabled, role: 'switch'});
  const pathStyle = h('input', {type: 'checkbox', id: 's3-path-style', checked: current.forcePathStyle});
  const grid = h('div', {class: 'form-grid'}, S3_FIELDS.map(([name, label, type, placeholder]) => {
    inputs[name] = h('input', {type, name, placeholder, value: current[name] || '', autocomplete: 'off'});
    return h('label', {}, label, inputs[name]);
  }));
  const said = messageLine();
  const values = () => {
    const out = {enabled: enabled.checked, forcePathStyle: pathStyle.checked};
    for (const [name] of S3_FIELDS) out[name] = inputs[name].value.trim();
    return out;
  };
  const busy = (on) => { for (const b of buttons.querySelectorAll('button')) b.disabled = on; };
  const buttons = h('div', {class: 'toolbar'},
    h('button', {type: 'submit', text: 'Save storage settings'}),
    h('button', {type: 'button', class: 'secondary', text: 'Test connection', onclick: async () => {
      busy(true);
      said.show('Connecting to the bucket…', 'pending');
      try {
        said.show((await post('/api/admin/s3/test', values())).message, 'ok');
      } catch (error) {
        said.show(error.message, 'error');
      }
      busy(false);
    }}));
  const form = h('form', {id: 's3-form', onsubmit: async (event) => {
    event.preventDefault();
    busy(true);
    said.show('Saving…', 'pending');
    try {
      await setConfig('s3', values());
      const fresh = (await serverConfig()).s3;
      enabled.checked = fresh.enabled;
      pathStyle.checked = fresh.forcePathStyle;
      for (const [name] of S3_FIELDS) inputs[name].value = fresh[name] || '';
      said.show('Saved. Takes effect at the next stream.', 'ok');
    } catch (error) {
      said.show(error.message, 'error');
    }
    busy(false);
  }},
  h('div', {class: 'toggle-row'}, enabled, h('label', {for: 's3-enabled', text: 'Store the video in S3-compatible object storage'})),
  grid,
  h('div', {class: 'toggle-row'}, pathStyle, h('label', {for: 's3-path-style', text: 'Force path-style URLs (MinIO, Oracle…)'})),
  buttons, said);
  return section('S3 object storage', h('p', {class: 'intro', text: 'AWS, Backblaze, Cloudflare R2, DigitalOcean, MinIO, Wasabi and other S3-compatible services. Test the connection before you save.'}), form);
}

export async function render(root) {
  const config = await serverConfig();
  root.append(
    fieldSection('Server config', config, SERVER),
    streamKeys(config),
    s3(config),
    fieldSection('Advanced', config, ADVANCED, 'Leave these empty unless you put a CDN in front of this server.'));
}
