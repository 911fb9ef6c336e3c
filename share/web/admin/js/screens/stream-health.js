// Utilities → Stream health: what the viewers' players report, with Owncast's advice.
import {h} from '../dom.js';
import {get} from '../api.js';
import {timeChart} from '../chart.js';

const last = (points) => (points && points.length ? Number(points[points.length - 1].value) : null);
const round = (v, digits = 1) => (v === null ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits));

function advice(m) {
  const out = [];
  const download = last(m.maximumSegmentDownloadDuration);
  const bandwidth = last(m.medianPlayerBitrate);
  const lowest = m.availableBitrates.length ? Math.min(...m.availableBitrates) : null;
  if (download !== null && download > m.segmentLength * 0.8) {
    out.push('Some viewers take almost as long to download a segment as it plays: they will buffer. Add a lower quality or raise the latency buffer (Video).');
  }
  if (bandwidth !== null && lowest !== null && bandwidth < lowest) {
    out.push('Some viewers\' connections are slower than your lowest quality: add a lower-bitrate variant (Video).');
  }
  if (last(m.errors) > 0) out.push('Players reported playback errors recently: check the encoder\'s settings and your upload speed.');
  if (last(m.medianLatency) > m.segmentLength * 6) out.push('Viewers are far behind live: lower the latency buffer if they rarely stall.');
  return out;
}

export async function render(root, ctx) {
  const m = await get('/api/admin/metrics/video');
  const stat = (label, value) => h('div', {class: 'stat'}, h('span', {class: 'stat-label', text: label}), h('strong', {class: 'stat-value', text: value}));
  const tips = advice(m);
  const reported = m.medianPlayerBitrate.length || m.medianLatency.length || m.errors.length;
  root.append(
    h('p', {class: 'intro', text: `Only Owncast's web player reports these (not VLC or TVs). ${m.representation}% of current viewers are reporting.`}),
    h('div', {class: 'stats'},
      stat('Viewer playback speed', `${round(last(m.medianPlayerBitrate), 0)} kbps`),
      stat('Viewer latency', `${round(last(m.medianLatency))} s`),
      stat('Recent playback errors', round(last(m.errors), 0))),
    h('section', {class: 'card'}, h('h2', {text: 'Advice'}), tips.length
      ? h('ul', {class: 'advice'}, tips.map((t) => h('li', {text: t})))
      : h('p', {text: reported ? 'Nothing to fix: viewers play your stream smoothly, as far as their players report.'
        : 'No player has reported yet: this fills in while people watch in the web player.'})));
  const card = h('section', {class: 'card'});
  root.append(card);
  const flat = (value) => m.maximumSegmentDownloadDuration.map((p) => ({time: p.time, value}));
  const charts = [
    await timeChart(card, `Segment download time vs segment length (${m.segmentLength} s)`, [
      {label: 'Slowest download', points: m.maximumSegmentDownloadDuration},
      {label: 'Median download', points: m.medianSegmentDownloadDuration},
      {label: 'Segment length', points: flat(m.segmentLength)}], {unit: ' s', min: 0}),
    await timeChart(card, 'Player network speed vs variant bitrates', [
      {label: 'Slowest player', points: m.minPlayerBitrate},
      {label: 'Median player', points: m.medianPlayerBitrate},
      ...m.availableBitrates.map((b) => ({label: `Variant ${b} kbps`, points: flat(b)}))], {unit: ' kbps', min: 0}),
    await timeChart(card, 'Errors and quality changes', [
      {label: 'Errors', points: m.errors}, {label: 'Quality changes', points: m.qualityVariantChanges}], {min: 0}),
    await timeChart(card, 'Viewer latency', [
      {label: 'Lowest', points: m.lowestLatency}, {label: 'Median', points: m.medianLatency},
      {label: 'Highest', points: m.highestLatency}], {unit: ' s', min: 0}),
  ];
  ctx.onLeave(() => charts.forEach((c) => c.destroy()));
}
