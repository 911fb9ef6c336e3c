// "Not running" notices for screens whose work another daemon does (federate, notify).
import {h} from './dom.js';
import {daemonRunning} from './api.js';

/** The notice for a daemon that does not run, or null when it runs. */
export async function daemonNotice(name, what) {
  const running = await daemonRunning(name).catch(() => false);
  return running ? null : notRunning(name, what);
}

export function notRunning(name, what) {
  return h('div', {class: 'notice', role: 'note', 'data-daemon': name},
    h('strong', {text: `The ${name} daemon is not running. `}),
    `${what} Start it with `, h('code', {text: `owncast ${name}`}), ' (or ', h('code', {text: 'owncast run-all'}),
    ', which starts every daemon).');
}

/** Whether an API error means "this daemon does not answer" (503 from serve, or 404 before it exists). */
export const daemonMissing = (error) => error && (error.status === 503 || error.status === 404);
