// Config → Social: the fediverse account of this server.
import {serverConfig} from '../api.js';
import {fieldSection} from '../fields.js';
import {daemonNotice} from '../daemons.js';

const f = (c) => c.federation;
const SOCIAL = [
  {path: 'federation/enable', label: 'Enable social features (ActivityPub)', kind: 'toggle', get: (c) => f(c).enabled,
    help: 'Needs a Server URL on https and port 443 (General). People on Mastodon and others can then follow you.'},
  {path: 'federation/private', label: 'Private: approve each follower; posts only for followers', kind: 'toggle', get: (c) => f(c).isPrivate},
  {path: 'federation/username', label: 'Fediverse username', get: (c) => f(c).username,
    help: 'Changing it (or the Server URL) later loses your followers.'},
  {path: 'federation/livemessage', label: 'Go-live message', kind: 'textarea', rows: 3, get: (c) => f(c).goLiveMessage},
  {path: 'federation/showengagement', label: 'Show follows, likes and boosts in chat', kind: 'toggle', get: (c) => f(c).showEngagement},
  {path: 'federation/enablequotes', label: 'Allow quote posts', kind: 'toggle', get: (c) => f(c).enableQuotes},
  {path: 'federation/hidefollowers', label: 'Hide the followers tab from viewers', kind: 'toggle', get: (c) => f(c).hideFollowersTab},
  {path: 'federation/blockdomains', label: 'Blocked domains', kind: 'list', get: (c) => f(c).blockedDomains,
    help: 'One per line: nobody from these servers can follow or interact.'},
];

export async function render(root) {
  const [config, notice] = await Promise.all([serverConfig(), daemonNotice('federate', 'These settings are saved, but nothing is sent to the fediverse until it runs.')]);
  root.append(...[notice, fieldSection('Social', config, SOCIAL,
    'Your server becomes an account others can follow (like @name@your.server).')].filter(Boolean));
}
