// Config → Chat: on or off, join messages, welcome message, names, spam and slur filters.
import {serverConfig} from '../api.js';
import {fieldSection} from '../fields.js';

const CHAT = [
  {path: 'chat/disable', label: 'Turn chat off', kind: 'toggle', get: (c) => c.chatDisabled},
  {path: 'chat/joinmessagesenabled', label: 'Show when someone joins the chat', kind: 'toggle', get: (c) => c.chatJoinMessagesEnabled},
  {path: 'welcomemessage', label: 'Welcome message', kind: 'textarea', get: (c) => c.instanceDetails.welcomeMessage,
    help: 'A system message each new chatter sees.'},
  {path: 'chat/forbiddenusernames', label: 'Forbidden words in names', kind: 'list', get: (c) => c.forbiddenUsernames,
    help: 'One per line. Nobody can take a name containing them.'},
  {path: 'chat/suggestedusernames', label: 'Default names', kind: 'list', get: (c) => c.suggestedUsernames,
    help: 'Used for new chatters when you give at least 10; otherwise names are made up.'},
];
const MODERATION = [
  {path: 'chat/spamprotectionenabled', label: 'Spam protection (slow down fast senders)', kind: 'toggle', get: (c) => c.chatSpamProtectionEnabled},
  {path: 'chat/establishedusermode', label: 'Established users only (newcomers wait before they can chat)', kind: 'toggle',
    get: (c) => c.chatEstablishedUserMode},
  {path: 'chat/slurfilterenabled', label: 'Filter slurs and profanity', kind: 'toggle', get: (c) => c.chatSlurFilterEnabled},
  {path: 'chat/requireauthentication', label: 'Only signed-in users can chat', kind: 'toggle', get: (c) => c.chatRequireAuthentication},
];

export async function render(root) {
  const config = await serverConfig();
  root.append(fieldSection('Chat', config, CHAT), fieldSection('Moderation', config, MODERATION));
}
