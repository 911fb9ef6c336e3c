// The dashboard shell: the router (Owncast's admin paths), the header, status polling, the banner.
import {h, duration} from './dom.js';
import {get, setConfig} from './api.js';

const STATUS_EVERY_MS = 5000;
const main = document.getElementById('screen');
const nav = document.getElementById('nav');
const links = [...nav.querySelectorAll('a[data-screen]')];
const normal = (path) => (path.replace(/\/+$/, '') || '/admin');

let status = null;
const statusListeners = new Set();
let current = {cleanups: [], id: 0};

function screenFor(pathname) {
  const wanted = normal(pathname);
  const link = links.find((a) => normal(new URL(a.href).pathname) === wanted);
  return link || links[0];
}

/** What a screen gets: status updates, timers and cleanups that end when the admin leaves it. */
function context(run) {
  return {
    get status() { return status; },
    onStatus(fn) {
      statusListeners.add(fn);
      run.cleanups.push(() => statusListeners.delete(fn));
      if (status) fn(status);
    },
    every(ms, fn) {
      const timer = setInterval(() => { if (!document.hidden) fn(); }, ms);
      run.cleanups.push(() => clearInterval(timer));
    },
    onLeave(fn) { run.cleanups.push(fn); },
    refreshStatus,
  };
}

async function show(pathname, focus) {
  const link = screenFor(pathname);
  const name = link.dataset.screen;
  for (const fn of current.cleanups) fn();
  const run = {cleanups: [], id: current.id + 1};
  current = run;
  for (const a of links) {
    if (a === link) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  closeMenu();
  const title = link.textContent;
  document.title = `${title} · Owncast admin`;
  const root = h('div', {class: `screen screen-${name}`, 'data-screen': name});
  main.replaceChildren(h('h1', {text: title}), root);
  main.dataset.screen = name;
  delete main.dataset.ready;
  if (focus) main.focus();
  try {
    const module = await import(`./screens/${name}.js`);
    if (run !== current) return;
    await module.render(root, context(run));
  } catch (error) {
    if (run !== current) return;
    root.append(h('p', {class: 'message error', role: 'alert', text: `This screen could not load: ${error.message}`}));
  }
  if (run === current) main.dataset.ready = name;
}

// --- header: stream title, online state, unreachable banner -------------------------------------

const titleForm = document.getElementById('title-form');
const titleInput = document.getElementById('stream-title');
const titleButton = titleForm.querySelector('button');
const titleMessage = document.getElementById('title-message');
const onlineState = document.getElementById('online');
let savedTitle = null;

titleInput.addEventListener('input', () => { titleButton.disabled = titleInput.value === savedTitle; });
titleForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  titleButton.disabled = true;
  titleMessage.textContent = 'Saving…';
  titleMessage.className = 'message pending';
  try {
    await setConfig('streamtitle', titleInput.value.trim());
    savedTitle = null;
    await refreshStatus();
    titleMessage.textContent = 'Title updated.';
    titleMessage.className = 'message ok';
    setTimeout(() => { if (titleMessage.textContent === 'Title updated.') titleMessage.textContent = ''; }, 5000);
  } catch (error) {
    titleMessage.textContent = error.message;
    titleMessage.className = 'message error';
    titleButton.disabled = false;
  }
});

function showStatus(next) {
  status = next;
  if (savedTitle === null || (document.activeElement !== titleInput && titleInput.value === savedTitle)) {
    titleInput.value = next.streamTitle || '';
    savedTitle = titleInput.value;
    titleButton.disabled = true;
  }
  const since = next.broadcaster && next.broadcaster.time ? Date.parse(next.broadcaster.time) : NaN;
  onlineState.textContent = next.online
    ? `Online${Number.isNaN(since) ? '' : ` ${duration((Date.now() - since) / 1000)}`}`
    : 'Offline';
  onlineState.className = `online-state ${next.online ? 'is-online' : 'is-offline'}`;
  document.getElementById('version').textContent = next.versionNumber ? `Owncast (Python) v${next.versionNumber}` : '';
  for (const fn of statusListeners) fn(next);
}

async function refreshStatus() {
  const signedOut = document.getElementById('signed-out');
  try {
    showStatus(await get('/api/admin/status'));
    signedOut.hidden = true;
  } catch (error) {
    // Network failures have their own banner (api.js raises the event).
    signedOut.hidden = error.status !== 401;
  }
}

document.addEventListener('oc-reachable', (event) => {
  document.getElementById('unreachable').hidden = event.detail;
});

// --- navigation ----------------------------------------------------------------------------------

const menu = document.getElementById('menu');
function closeMenu() {
  nav.classList.remove('open');
  menu.setAttribute('aria-expanded', 'false');
}
menu.addEventListener('click', () => {
  const open = !nav.classList.contains('open');
  nav.classList.toggle('open', open);
  menu.setAttribute('aria-expanded', String(open));
  if (open) links[0].focus();
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && nav.classList.contains('open')) { closeMenu(); menu.focus(); }
});

document.addEventListener('click', (event) => {
  const a = event.target.closest('a[href]');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/admin/') || a.target) return;
  if (url.pathname.startsWith('/admin/assets/')) return;
  event.preventDefault();
  if (url.pathname !== location.pathname) history.pushState(null, '', url.pathname);
  show(url.pathname, true);
});
window.addEventListener('popstate', () => show(location.pathname, true));

refreshStatus();
document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshStatus(); });
setInterval(() => { if (!document.hidden) refreshStatus(); }, STATUS_EVERY_MS);
show(location.pathname, false);
