// The workspace brand colour as accent, adjusted so text on it and in it keeps WCAG AA
// contrast (4.5:1) whatever colour the recruiter picked.

export const DEFAULT_ACCENT = '#4f46e5';
const HEX = /^#([0-9a-f]{6})$/i;

/** @param {string} hex @returns {[number, number, number]} */
function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** @param {[number, number, number]} c */
function toHex(c) {
  return '#' + c.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('');
}

/** WCAG relative luminance. @param {string} hex */
export function luminance(hex) {
  const [r, g, b] = rgb(hex).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** @param {string} a @param {string} b */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** Mixes `hex` towards black until it reaches `ratio` against `bg`. @param {string} hex @param {string} bg @param {number} ratio */
function darkenFor(hex, bg, ratio) {
  const c = rgb(hex);
  for (let f = 1; f >= 0; f -= 0.05) {
    const d = toHex([c[0] * f, c[1] * f, c[2] * f]);
    if (contrast(d, bg) >= ratio) return d;
  }
  return '#000000';
}

/**
 * @param {string | null | undefined} brand `#rrggbb`, anything else falls back to the default
 * @returns {{accent:string, onAccent:string, accentText:string}} button background, text on
 *   it, and the accent for text/links/focus on the light page background
 */
export function brandPalette(brand) {
  const accent = brand && HEX.test(brand) ? brand.toLowerCase() : DEFAULT_ACCENT;
  const onAccent = contrast(accent, '#ffffff') >= 4.5 ? '#ffffff' : '#111111';
  const accentText = darkenFor(accent, '#f6f7fb', 4.5);
  return { accent: contrast(accent, onAccent) >= 4.5 ? accent : darkenFor(accent, '#ffffff', 4.5), onAccent, accentText };
}
