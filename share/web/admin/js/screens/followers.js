// Followers: fediverse followers, pending requests (approve or reject), blocked, and composing a post.
import {h, when, table, messageLine, safeUrl} from '../dom.js';
import {get, post} from '../api.js';
import {daemonNotice, daemonMissing, notRunning} from '../daemons.js';

const NOT_RUNNING = 'Followers, follow requests and posts are handled by it.';

function who(f) {
  const link = safeUrl(f.link);
  const label = f.name || f.username || f.link;
  return h('div', {}, link ? h('a', {href: link, rel: 'noopener noreferrer', target: '_blank', text: label}) : h('span', {text: label}),
    f.username && f.name ? h('div', {class: 'help', text: f.username}) : null);
}

export async function render(root) {
  const said = messageLine();
  const sections = h('div');
  const text = h('textarea', {id: 'compose-text', rows: 3, maxlength: 500, placeholder: 'What do you want to tell your followers?'});

  async function approve(f, approved) {
    try {
      await post('/api/admin/followers/approve', {actorIRI: f.link, approved});
      said.show(approved ? `${f.name || f.link} can now follow you.` : `Request from ${f.name || f.link} rejected.`, 'ok');
      await load();
    } catch (error) {
      said.show(error.message, 'error');
    }
  }
  async function load() {
    let followers, pending, blocked;
    try {
      [followers, pending, blocked] = await Promise.all([
        get('/api/admin/followers?limit=100'), get('/api/admin/followers/pending'), get('/api/admin/followers/blocked')]);
    } catch (error) {
      sections.replaceChildren(daemonMissing(error) ? notRunning('federate', NOT_RUNNING) : h('p', {class: 'message error', text: error.message}));
      return;
    }
    const list = Array.isArray(followers) ? followers : followers.results || [];
    const total = Array.isArray(followers) ? list.length : followers.total;
    const base = [{label: 'Who', cell: who}, {label: 'Since', cell: (f) => when(f.timestamp)}];
    sections.replaceChildren(
      h('section', {class: 'card'}, h('h2', {text: `Pending requests (${pending.length})`}), table([...base,
        {label: 'Actions', cell: (f) => h('div', {class: 'row-actions'},
          h('button', {type: 'button', class: 'small', text: 'Approve', onclick: () => approve(f, true)}),
          h('button', {type: 'button', class: 'danger small', text: 'Reject', onclick: () => approve(f, false)}))}],
      pending, 'No requests waiting. (Requests appear here in private mode.)')),
      h('section', {class: 'card'}, h('h2', {text: `Followers (${total})`}), table(base, list, 'Nobody follows this server yet.')),
      h('section', {class: 'card'}, h('h2', {text: `Blocked (${blocked.length})`}), table([...base,
        {label: 'Blocked', cell: (f) => when(f.disabledAt)},
        {label: 'Actions', cell: (f) => h('button', {type: 'button', class: 'secondary small', text: 'Approve', onclick: () => approve(f, true)})}],
      blocked, 'Nobody is blocked.')));
  }
  const compose = h('form', {class: 'card', onsubmit: async (event) => {
    event.preventDefault();
    said.show('Sending…', 'pending');
    try {
      await post('/api/admin/federation/send', {value: text.value.trim()});
      said.show('Sent to your followers.', 'ok');
      text.value = '';
    } catch (error) {
      said.show(daemonMissing(error) ? `The federate daemon is not running: start it with owncast federate. (${error.message})` : error.message, 'error');
    }
  }}, h('h2', {text: 'Compose a post'}), h('label', {for: 'compose-text', class: 'visually-hidden', text: 'Post text'}), text,
  h('div', {class: 'toolbar'}, h('button', {type: 'submit', text: 'Send to followers'})));
  // Without the daemon its routes answer 503: say so once instead of asking each of them.
  const notice = await daemonNotice('federate', NOT_RUNNING);
  if (notice) { root.append(notice); return; }
  root.append(compose, said, sections);
  await load();
}
