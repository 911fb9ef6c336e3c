// Chat → Emojis: upload and delete custom emoji.
import {h, uid, messageLine, dataUrl} from '../dom.js';
import {get, post} from '../api.js';

export async function render(root) {
  const said = messageLine();
  const grid = h('div', {class: 'emoji-grid'});
  const nameId = uid('emoji');
  const fileId = uid('emoji');
  const name = h('input', {id: nameId, placeholder: 'e.g. party', maxlength: 64});
  const file = h('input', {id: fileId, type: 'file', accept: 'image/png,image/gif,image/jpeg,image/webp,image/svg+xml'});
  file.addEventListener('change', () => {
    if (file.files[0] && !name.value) name.value = file.files[0].name.replace(/\.[^.]+$/, '');
  });

  async function load() {
    const emoji = await get('/api/emoji');
    grid.replaceChildren(...(emoji.length ? emoji.map((e) => h('figure', {},
      h('img', {src: e.url, alt: e.name, loading: 'lazy'}),
      h('figcaption', {text: `:${e.name}:`}),
      h('button', {type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete emoji ${e.name}`, onclick: async () => {
        try {
          said.show((await post('/api/admin/emoji/delete', {name: e.name})).message, 'ok');
          await load();
        } catch (error) {
          said.show(error.message, 'error');
        }
      }}))) : [h('p', {class: 'empty', text: 'No emoji yet.'})]));
  }

  const form = h('form', {class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    if (!file.files[0]) { said.show('Choose an image first.', 'error'); return; }
    said.show('Uploading…', 'pending');
    try {
      said.show((await post('/api/admin/emoji/upload', {name: name.value.trim(), data: await dataUrl(file.files[0])})).message, 'ok');
      name.value = '';
      file.value = '';
      await load();
    } catch (error) {
      said.show(error.message, 'error');
    }
  }},
  h('h2', {text: 'Add an emoji'}),
  h('div', {class: 'form-grid'}, h('label', {for: fileId}, 'Image (PNG, GIF, JPEG, WebP or SVG)', file),
    h('label', {for: nameId}, 'Name', name)),
  h('button', {type: 'submit', text: 'Upload'}), said);
  root.append(form, grid);
  await load();
}
