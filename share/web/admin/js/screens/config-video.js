// Config → Video: output variants (add, edit, delete), latency buffer, codec.
import {h, uid, table, messageLine} from '../dom.js';
import {serverConfig, setConfig} from '../api.js';
import {configField, section} from '../fields.js';
import {variantName, CPU_LEVELS, LATENCY_LEVELS} from '../video.js';

const DEFAULT_VARIANT = {name: '', videoBitrate: 1200, framerate: 24, cpuUsageLevel: 2, scaledWidth: 0, scaledHeight: 0,
  videoPassthrough: false, audioPassthrough: true, audioBitrate: 128};

function labelled(label, control, help) {
  return h('label', {}, label, control, help ? h('span', {class: 'help', text: help}) : null);
}

function variantEditor(variant, onSave, onCancel) {
  const v = {...DEFAULT_VARIANT, ...variant};
  const name = h('input', {value: v.name || '', maxlength: 40, placeholder: 'e.g. HD'});
  const bitrate = h('input', {type: 'number', min: 100, max: 20000, step: 50, value: v.videoBitrate});
  const framerate = h('input', {type: 'number', min: 1, max: 120, value: v.framerate});
  const cpu = h('select', {}, CPU_LEVELS.map(([value, label]) => h('option', {value, text: label})));
  cpu.value = String(v.cpuUsageLevel);
  const width = h('input', {type: 'number', min: 0, max: 7680, value: v.scaledWidth || 0});
  const height = h('input', {type: 'number', min: 0, max: 4320, value: v.scaledHeight || 0});
  const passthrough = h('input', {type: 'checkbox', checked: v.videoPassthrough});
  const audioPassthrough = h('input', {type: 'checkbox', checked: v.audioPassthrough !== false});
  const audioBitrate = h('input', {type: 'number', min: 32, max: 512, value: v.audioBitrate || 128});
  return h('form', {class: 'card variant-editor', onsubmit: (event) => {
    event.preventDefault();
    onSave({
      name: name.value.trim(), videoBitrate: Number(bitrate.value), framerate: Number(framerate.value),
      cpuUsageLevel: Number(cpu.value), scaledWidth: Number(width.value) || 0, scaledHeight: Number(height.value) || 0,
      videoPassthrough: passthrough.checked, audioPassthrough: audioPassthrough.checked, audioBitrate: Number(audioBitrate.value),
    });
  }},
  h('div', {class: 'form-grid'},
    labelled('Name', name, 'Shown in the player\'s quality menu.'),
    labelled('Video bitrate (kbps)', bitrate, '400 to 6000 is usual.'),
    labelled('Frame rate', framerate, '24 is the default; 30 or 60 for motion.'),
    labelled('CPU usage', cpu, 'Higher looks better and costs more CPU.'),
    labelled('Width (0: keep)', width, 'Set only one of width and height to keep the aspect ratio.'),
    labelled('Height (0: keep)', height),
    labelled('Audio bitrate (kbps)', audioBitrate, 'Used when audio is not passed through.')),
  h('div', {class: 'checks'},
    h('label', {}, passthrough, 'Video passthrough (no re-encoding: may make the stream unplayable)'),
    h('label', {}, audioPassthrough, 'Audio passthrough')),
  h('div', {class: 'toolbar'}, h('button', {type: 'submit', text: 'Save variant'}),
    h('button', {type: 'button', class: 'secondary', text: 'Cancel', onclick: onCancel})));
}

function variants(config) {
  let list = config.videoSettings.videoQualityVariants.map((v) => ({...v}));
  const body = h('div');
  const editorSlot = h('div');
  const said = messageLine();
  const warning = h('p', {class: 'message warn', hidden: true});

  async function save(next) {
    said.show('Saving…', 'pending');
    try {
      await setConfig('video/streamoutputvariants', next);
      list = (await serverConfig()).videoSettings.videoQualityVariants.map((v) => ({...v}));
      editorSlot.replaceChildren();
      draw();
      said.show('Saved. Takes effect at the next stream.', 'ok');
    } catch (error) {
      said.show(error.message, 'error');
    }
  }
  function edit(index) {
    editorSlot.replaceChildren(variantEditor(index === null ? {} : list[index], (value) => {
      const next = list.slice();
      if (index === null) next.push(value); else next[index] = value;
      save(next);
    }, () => editorSlot.replaceChildren()));
    editorSlot.querySelector('input').focus();
  }
  function draw() {
    body.replaceChildren(table([
      {label: 'Name', cell: (v) => variantName(v)},
      {label: 'Video', cell: (v) => (v.videoPassthrough ? 'passthrough' : `${v.videoBitrate} kbps · ${v.framerate} fps`)},
      {label: 'CPU usage', cell: (v) => (CPU_LEVELS.find(([n]) => n === v.cpuUsageLevel) || [0, String(v.cpuUsageLevel)])[1]},
      {label: 'Size', cell: (v) => (v.scaledWidth || v.scaledHeight ? `${v.scaledWidth || 'auto'} × ${v.scaledHeight || 'auto'}` : 'as sent')},
      {label: 'Actions', cell: (v) => {
        const i = list.indexOf(v);
        return h('div', {class: 'row-actions'},
          h('button', {type: 'button', class: 'secondary small', text: 'Edit', 'aria-label': `Edit ${variantName(v)}`, onclick: () => edit(i)}),
          h('button', {type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete ${variantName(v)}`,
            disabled: list.length < 2, onclick: () => save(list.filter((_, j) => j !== i))}));
      }},
    ], list));
    const high = list.length === 1 && !list[0].videoPassthrough && list[0].videoBitrate > 3000;
    warning.hidden = !high;
    warning.textContent = high ? 'You have one high-bitrate variant only: viewers on slow connections will buffer. Add a lower one.' : '';
  }
  draw();
  return section('Output variants', h('p', {class: 'intro', text: 'Each variant is one quality viewers can pick. More variants use more CPU.'}),
    warning, body, h('div', {class: 'toolbar'}, h('button', {type: 'button', text: 'Add a variant', onclick: () => edit(null)})),
    editorSlot, said);
}

function latency(config) {
  const id = uid('lat');
  const slider = h('input', {id, type: 'range', min: 0, max: 4, step: 1, value: config.videoSettings.latencyLevel});
  const label = h('output', {for: id});
  const said = messageLine();
  const show = () => { label.textContent = LATENCY_LEVELS[Number(slider.value)] || ''; };
  show();
  slider.addEventListener('input', show);
  slider.addEventListener('change', async () => {
    said.show('Saving…', 'pending');
    try {
      await setConfig('video/streamlatencylevel', Number(slider.value));
      slider.value = (await serverConfig()).videoSettings.latencyLevel;
      show();
      said.show('Saved. Takes effect at the next stream.', 'ok');
    } catch (error) {
      said.show(error.message, 'error');
    }
  });
  return section('Latency buffer', h('p', {class: 'intro', text: 'Less buffer means viewers see you sooner, but more of them will stall on a weak connection.'}),
    h('div', {class: 'range-row'}, h('label', {for: id, text: 'Buffer'}), slider, label), said);
}

export async function render(root) {
  const config = await serverConfig();
  const codecs = (config.supportedCodecs && config.supportedCodecs.length ? config.supportedCodecs : [config.videoCodec]);
  root.append(
    variants(config),
    latency(config),
    section('Codec', configField({path: 'video/codec', label: 'Video codec', kind: 'select', get: (c) => c.videoCodec,
      options: codecs.map((c) => [c, c]),
      help: 'libx264 works everywhere. A hardware codec in this list is not necessarily present on this machine.'}, config)));
}
