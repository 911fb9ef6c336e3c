// Video variant helpers shared by Home and the video config screen.

/** The name a variant shows in the player's quality menu (Owncast falls back to its bitrate). */
export function variantName(variant) {
  if (variant.name) return variant.name;
  return variant.videoPassthrough ? 'Passthrough' : `${variant.videoBitrate} kbps`;
}

/** Owncast's CPU usage levels (config-constants.tsx), mapped to x264 presets. */
export const CPU_LEVELS = [
  [1, 'lowest (ultrafast)'], [2, 'low (superfast)'], [3, 'medium (veryfast)'], [4, 'high (faster)'], [5, 'highest (fast)'],
];

/** Owncast's latency levels (VideoLatency.tsx). */
export const LATENCY_LEVELS = [
  'Lowest latency, lowest error tolerance (not recommended)',
  'Low latency, low error tolerance',
  'Medium latency, medium error tolerance (default)',
  'High latency, high error tolerance',
  'Highest latency, highest error tolerance',
];
