// Home: live state with inbound and outbound details, or, offline, what to put into OBS.
import {h, table, when, duration, copy, messageLine} from '../dom.js';
import {get, serverConfig} from '../api.js';
import {variantName} from '../video.js';

function stat(label, value) {
  return h('div', {class: 'stat', 'data-stat': label}, h('span', {class: 'stat-label', text: label}), h('strong', {class: 'stat-value', text: value}));
}

function copyRow(label, value) {
  const input = h('input', {readonly: true, value, 'aria-label': label});
  const said = messageLine();
  return h('div', {class: 'copy-row'}, h('span', {class: 'copy-label', text: label}),
    h('div', {class: 'control'}, input, h('button', {type: 'button', text: 'Copy', onclick: async () => {
      said.show((await copy(value, input)) ? 'Copied.' : 'Selected: press Ctrl+C to copy.');
    }})), said);
}

function live(status) {
  const d = (status.broadcaster && status.broadcaster.streamDetails) || {};
  const since = status.broadcaster && Date.parse(status.broadcaster.time);
  const health = status.health;
  const inbound = [
    ['Encoder', d.encoder || 'unknown'],
    ['From', (status.broadcaster && status.broadcaster.remoteAddr) || ''],
    ['Resolution', d.width && d.height ? `${d.width} × ${d.height}` : 'unknown'],
    ['Frame rate', d.framerate ? `${d.framerate} fps` : 'unknown'],
    ['Video', [d.videoCodec, d.videoBitrate ? `${d.videoBitrate} kbps` : ''].filter(Boolean).join(', ') || 'unknown'],
    ['Audio', [d.audioCodec, d.audioBitrate ? `${d.audioBitrate} kbps` : ''].filter(Boolean).join(', ') || 'none'],
  ];
  const variants = (status.currentBroadcast && status.currentBroadcast.outputSettings) || [];
  return [
    h('div', {class: 'stats'},
      stat('Live for', since ? duration((Date.now() - since) / 1000) : '—'),
      stat('Started at', since ? new Date(since).toLocaleTimeString() : '—'),
      stat('Viewers', String(status.viewerCount)),
      stat('Peak this stream', String(status.sessionPeakViewerCount)),
      stat('Stream health', health ? `${health.healthPercentage}%` : '—')),
    health && health.message ? h('p', {class: 'message warn', text: health.message}) : null,
    h('section', {class: 'card', id: 'inbound'}, h('h2', {text: 'Inbound stream'}),
      h('dl', {class: 'details'}, inbound.map(([k, v]) => [h('dt', {text: k}), h('dd', {text: v})]))),
    h('section', {class: 'card'}, h('h2', {text: 'Outbound variants'}),
      table([
        {label: 'Name', cell: (v) => variantName(v)},
        {label: 'Video', cell: (v) => (v.videoPassthrough ? 'passthrough' : `${v.videoBitrate} kbps, ${v.framerate} fps`)},
        {label: 'Size', cell: (v) => (v.scaledWidth || v.scaledHeight ? `${v.scaledWidth || 'auto'} × ${v.scaledHeight || 'auto'}` : 'as sent')},
        {label: 'Audio', cell: (v) => (v.audioPassthrough !== false ? 'passthrough' : `${v.audioBitrate} kbps`)},
      ], variants)),
  ];
}

/** The RTMP port ingest listens on (it may differ from the config under --rtmpport). */
async function rtmpPort(config) {
  const daemons = await get('/api/admin/daemons').catch(() => []);
  const ingest = daemons.find((d) => d.name === 'ingest' && d.running);
  const match = ingest && /^rtmp:\/\/[^,\s]*:(\d+)/.exec(ingest.detail); // "rtmp://0.0.0.0:1935, unix:…"
  return match ? Number(match[1]) : config.rtmpServerPort;
}

function offline(config, port) {
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  const url = `rtmp://${host}:${port}/live`;
  const key = (config.streamKeys[0] && config.streamKeys[0].key) || '';
  return [
    h('section', {class: 'card offline'},
      h('h2', {text: 'No stream is active'}),
      h('p', {text: 'Start streaming from OBS or any RTMP encoder with these settings:'}),
      copyRow('Server (RTMP URL)', url),
      config.streamKeyOverridden
        ? h('p', {text: 'The stream key was set on the command line (--streamkey) and is not shown here.'})
        : copyRow('Stream key', key),
      h('p', {}, 'Manage keys under ', h('a', {href: '/admin/config/server/', text: 'Server setup'}), '.')),
    h('section', {class: 'card'}, h('h2', {text: 'Next steps'}),
      h('ul', {class: 'steps'},
        h('li', {}, 'Give your stream a name, a logo and a description under ', h('a', {href: '/admin/config/general/', text: 'General'}), '.'),
        h('li', {}, 'Embed the player on another site with ', h('code', {text: `${location.origin}/embed/video`}), '.'),
        h('li', {}, 'List your server in the Owncast Directory (General → Directory).'),
        h('li', {}, 'Let people follow you from the fediverse under ', h('a', {href: '/admin/config-federation/', text: 'Social'}), '.'))),
  ];
}

const ORDER = {failed: 0, warning: 1, passed: 2, skipped: 3};

/** The doctor's checks (GET /api/admin/doctor), run when the admin asks: they take a while. */
function checks() {
  const said = messageLine();
  const results = h('div', {id: 'doctor-results'});
  const button = h('button', {type: 'button', class: 'secondary', text: 'Run server checks'});
  button.addEventListener('click', async () => {
    button.disabled = true;
    said.show('Checking ports, ffmpeg, disk, storage, TLS… (up to 30 s)', 'pending');
    try {
      const report = await get('/api/admin/doctor');
      const s = report.summary;
      said.show(`${s.failed} failed, ${s.warning} warnings, ${s.passed} passed (${report.seconds} s).`, report.ok ? 'ok' : 'error');
      const rows = report.checks.filter((c) => c.status !== 'skipped').sort((a, b) => ORDER[a.status] - ORDER[b.status]);
      results.replaceChildren(table([
        {label: 'Check', cell: (c) => c.check},
        {label: 'Result', cell: (c) => h('span', {class: `check-${c.status}`, text: c.status})},
        {label: 'Seen', cell: (c) => c.seen},
        {label: 'Fix', cell: (c) => c.fix},
      ], rows, 'No check applies to this configuration.'));
    } catch (error) {
      said.show(error.message, 'error');
    }
    button.disabled = false;
  });
  return h('section', {class: 'card'}, h('h2', {text: 'Server checks'}),
    h('p', {class: 'intro', text: 'The same checks as the owncast doctor command: what is wrong, and how to fix it.'}),
    button, said, results);
}

export async function render(root, ctx) {
  const body = h('div', {class: 'home-body'});
  const warnings = h('section', {class: 'card'}, h('h2', {text: 'Recent warnings'}));
  const alerts = h('div', {class: 'alerts'});
  root.append(alerts, body, warnings, checks());
  let config = await serverConfig();
  const port = await rtmpPort(config);
  let shown = null;

  function draw(status) {
    alerts.replaceChildren(...(status.warnings || []).map((w) => h('p', {class: 'message warn', role: 'note', text: w})));
    const state = status.online ? 'online' : 'offline';
    if (state === 'offline' && shown === 'offline') return; // keep what the admin may be copying
    body.replaceChildren(...[status.online ? live(status) : offline(config, port)].flat().filter(Boolean));
    body.dataset.state = state;
    shown = state;
  }

  async function loadWarnings() {
    const logs = await get('/api/admin/logs/warnings').catch((e) => e);
    const content = logs instanceof Error ? h('p', {class: 'message error', text: logs.message})
      : table([{label: 'Time', cell: (l) => when(l.time)}, {label: 'Level', cell: (l) => l.level},
        {label: 'Message', cell: (l) => l.message}], logs.slice(-10).reverse(), 'No warnings. All good.');
    warnings.replaceChildren(h('h2', {text: 'Recent warnings'}), content);
  }

  ctx.onStatus(draw);
  await ctx.refreshStatus();
  await loadWarnings();
  ctx.every(30000, async () => { config = await serverConfig().catch(() => config); loadWarnings(); });
}
