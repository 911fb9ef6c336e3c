// Utilities → Social actions: follows, likes and boosts from the fediverse.
import {h, when, table, safeUrl} from '../dom.js';
import {get} from '../api.js';
import {daemonNotice, daemonMissing, notRunning} from '../daemons.js';

const NOT_RUNNING = 'It receives follows, likes and boosts from the fediverse.';
const KINDS = {FEDIVERSE_ENGAGEMENT_FOLLOW: 'Follow', FEDIVERSE_ENGAGEMENT_LIKE: 'Like', FEDIVERSE_ENGAGEMENT_REPOST: 'Boost'};

export async function render(root) {
  const body = h('section', {class: 'card'});
  const notice = await daemonNotice('federate', NOT_RUNNING);
  if (notice) { root.append(notice); return; }
  root.append(body);
  try {
    const page = await get('/api/admin/federation/actions?limit=100');
    const rows = Array.isArray(page) ? page : [page.results || []].flat();
    const link = (iri) => (safeUrl(iri) ? h('a', {href: safeUrl(iri), rel: 'noopener noreferrer', target: '_blank', text: iri}) : iri || '');
    body.replaceChildren(h('h2', {text: 'Recent engagement'}), table([
      {label: 'When', cell: (a) => when(a.timestamp)},
      {label: 'What', cell: (a) => KINDS[a.type] || a.type},
      {label: 'Who', cell: (a) => link(a.actorIRI)},
      {label: 'On', cell: (a) => link(a.iri)},
    ], rows, 'No engagement yet.'));
  } catch (error) {
    body.replaceChildren(daemonMissing(error) ? notRunning('federate', NOT_RUNNING) : h('p', {class: 'message error', text: error.message}));
  }
}
