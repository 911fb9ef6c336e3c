// Building DOM safely: every value becomes a text node or an attribute, never parsed HTML.

/** h('p', {class: 'x', text: value, onclick: fn}, child...) -> an element. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else if (key === 'disabled') el.disabled = Boolean(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Append children (nodes, strings as text, nested arrays; null and false are skipped). */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

let counter = 0;
/** A unique id for label/control pairs. */
export function uid(prefix = 'f') {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Only http(s) links from the API become hrefs (no javascript: or data: URLs). */
export function safeUrl(value) {
  try {
    const url = new URL(String(value), location.origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The text of an HTML fragment (chat bodies are sanitised HTML): parsed inert, never inserted. */
export function textOf(html) {
  const doc = new DOMParser().parseFromString(String(html ?? ''), 'text/html');
  for (const img of doc.querySelectorAll('img[alt]')) img.replaceWith(img.getAttribute('alt'));
  return doc.body.textContent || '';
}

/** "2 h 5 min", "45 s": a duration for people. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${hr} h`;
  if (hr) return `${hr} h ${m} min`;
  if (m) return `${m} min`;
  return `${s} s`;
}

/** A local date and time for an RFC 3339 string or epoch seconds; '' when missing. */
export function when(value) {
  if (value === null || value === undefined || value === '') return '';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** A table: columns [{label, cell(row) -> node|string}], rows; an empty message when none. */
export function table(columns, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', {class: 'empty', text: empty});
  return h('div', {class: 'table-wrap'},
    h('table', {},
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col', text: c.label})))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', {'data-label': c.label}, c.cell(row))))))));
}

/** A message line beside a control: ok or error text, announced to screen readers. */
export function messageLine() {
  const el = h('p', {class: 'message', role: 'status', 'aria-live': 'polite'});
  el.show = (text, kind = 'ok') => {
    el.textContent = text;
    el.className = `message ${kind}`;
  };
  el.clear = () => { el.textContent = ''; el.className = 'message'; };
  return el;
}

/** Copy text to the clipboard; falls back to selecting it when the browser refuses. */
export async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (input) { input.focus(); input.select(); }
    return false;
  }
}

/** A file as a data: URL (the admin API takes uploads as JSON). */
export function dataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

const MEDIA = 'video, audio, iframe, object, embed';

/**
 * HTML the server already sanitised (the page content of /api/config), shown in the dashboard.
 * Parsed inert; scripts and styles dropped, embedded media replaced by a note (this page's CSP
 * loads none), style and event attributes removed, then imported as nodes.
 */
export function sanitisedHtml(html) {
  // Style attributes go before parsing: parsing one counts as applying it under this page's CSP
  // (style-src 'self'), even in an inert document. The sanitiser's output quotes every attribute.
  const unstyled = String(html ?? '').replace(/\sstyle\s*=\s*("[^"]*"|'[^']*')/gi, '');
  const doc = new DOMParser().parseFromString(unstyled, 'text/html');
  for (const el of doc.body.querySelectorAll('script, style, link, meta')) el.remove();
  for (const el of doc.body.querySelectorAll(MEDIA)) {
    el.replaceWith(doc.createTextNode(`[${el.tagName.toLowerCase()}: shown on the viewer page]`));
  }
  for (const el of doc.body.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      // Only absolute http(s) links and images: a relative one would resolve under /admin/.
      const url = attr.name === 'href' || attr.name === 'src' || attr.name === 'srcset';
      const absolute = /^https?:\/\//i.test(attr.value);
      if (attr.name === 'style' || attr.name.startsWith('on') || (url && !absolute)) el.removeAttribute(attr.name);
    }
    if (el.tagName === 'A') { el.setAttribute('target', '_blank'); el.setAttribute('rel', 'noopener noreferrer'); }
  }
  const fragment = document.createDocumentFragment();
  for (const node of [...doc.body.childNodes]) fragment.append(document.importNode(node, true));
  return fragment;
}
