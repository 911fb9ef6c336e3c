// Config fields: a control per admin API setter, saved without a reload, read back from the API.
import {h, uid, messageLine} from './dom.js';
import {setConfig, serverConfig} from './api.js';

const listText = (value) => (Array.isArray(value) ? value.join('\n') : '');
const textList = (text) => text.split(/[\n,]/).map((item) => item.trim()).filter(Boolean);

/** How each kind of field shows a value and turns the control back into one. */
const KINDS = {
  text: {control: (id, spec) => h('input', {id, type: spec.type || 'text', placeholder: spec.placeholder,
    maxlength: spec.maxlength, autocomplete: 'off'}), show: (v) => (v ?? ''), read: (el) => el.value},
  password: {control: (id) => h('input', {id, type: 'password', autocomplete: 'new-password'}),
    show: () => '', read: (el) => el.value},
  number: {control: (id, spec) => h('input', {id, type: 'number', min: spec.min, max: spec.max, step: spec.step || 1}),
    show: (v) => (v ?? ''), read: (el) => (el.value.trim() === '' ? el.value : Number(el.value))},
  textarea: {control: (id, spec) => h('textarea', {id, rows: spec.rows || 4, placeholder: spec.placeholder}),
    show: (v) => (v ?? ''), read: (el) => el.value},
  list: {control: (id, spec) => h('textarea', {id, rows: spec.rows || 3, placeholder: spec.placeholder}),
    show: listText, read: (el) => textList(el.value)},
  select: {control: (id, spec) => h('select', {id}, spec.options.map(([value, label]) => h('option', {value, text: label}))),
    show: (v) => String(v ?? ''), read: (el) => el.value},
  toggle: {control: (id) => h('input', {id, type: 'checkbox', role: 'switch'}),
    show: (v) => Boolean(v), read: (el) => el.checked},
};

/**
 * One field. spec: {path, label, kind, get(config), help, placeholder, options, min, max}.
 * Text-like fields get a Save button (and Enter in one-line inputs); toggles and selects save on change.
 * Returns the row element.
 */
export function configField(spec, config) {
  const kind = KINDS[spec.kind || 'text'];
  const id = uid('cfg');
  const control = kind.control(id, spec);
  const message = messageLine();
  const immediate = spec.kind === 'toggle' || spec.kind === 'select';
  const helpId = spec.help ? `${id}-help` : null;
  const messageId = `${id}-msg`;
  message.id = messageId;
  control.setAttribute('aria-describedby', [helpId, messageId].filter(Boolean).join(' '));
  control.name = spec.path;
  let saved;

  const put = (value) => {
    const shown = kind.show(value);
    if (spec.kind === 'toggle') control.checked = shown; else control.value = shown;
    saved = spec.kind === 'toggle' ? control.checked : control.value;
  };
  const current = () => (spec.kind === 'toggle' ? control.checked : control.value);
  const button = immediate ? null : h('button', {type: 'button', class: 'save', disabled: true, text: 'Save'});
  const dirty = () => { if (button) button.disabled = current() === saved; };

  async function save() {
    const value = kind.read(control);
    if (button) button.disabled = true;
    message.show('Saving…', 'pending');
    try {
      await setConfig(spec.path, value);
    } catch (error) {
      control.setAttribute('aria-invalid', 'true');
      message.show(error.message, 'error');
      if (immediate) put(spec.get(await serverConfig().catch(() => config)));
      dirty();
      return;
    }
    control.removeAttribute('aria-invalid');
    const fresh = await serverConfig().catch(() => null);
    if (fresh) {
      put(spec.get(fresh));
      if (spec.onSaved) spec.onSaved(fresh);
    }
    message.show(spec.kind === 'password' ? 'Saved. Sign in with the new password from now on.' : 'Saved.', 'ok');
    dirty();
  }

  control.addEventListener(immediate ? 'change' : 'input', immediate ? save : dirty);
  if (button) button.addEventListener('click', save);
  if (spec.kind !== 'textarea' && spec.kind !== 'list' && !immediate) {
    control.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !button.disabled) { event.preventDefault(); save(); }
    });
  }
  put(spec.get(config));

  const help = spec.help ? h('p', {class: 'help', id: helpId, text: spec.help}) : null;
  return h('div', {class: `field field-${spec.kind || 'text'}`, 'data-path': spec.path},
    spec.kind === 'toggle'
      ? h('div', {class: 'toggle-row'}, control, h('label', {for: id, text: spec.label}))
      : [h('label', {for: id, text: spec.label}), help, h('div', {class: 'control'}, control, button)],
    spec.kind === 'toggle' ? help : null,
    message);
}

/** A titled group of fields. */
export function section(title, ...children) {
  return h('section', {class: 'card'}, h('h2', {text: title}), children);
}

/** Fields from specs, within one section. */
export function fieldSection(title, config, specs, intro) {
  return section(title, intro ? h('p', {class: 'intro', text: intro}) : null,
    specs.map((spec) => configField(spec, config)));
}
