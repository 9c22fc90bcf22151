// Answer values as the page holds them, and small display helpers.
//
// The API stores every answer as text; multiple choice is a JSON array. On the page a
// multiple-choice value is a string[], everything else a string (for audio/video: the note).

/**
 * @typedef {import('./api.js').Question} Question
 * @typedef {import('./api.js').Answer} Answer
 * @typedef {{bytes:number, type:string, attempts:number}} Media
 * @typedef {{value: string | string[], media: Media | null}} Held
 * @typedef {{state:'uploading'|'retrying'|'done'|'error', sent:number, total:number, message?:string,
 *   canRetry?:boolean}} UploadView
 */

/** @param {Question} q */
export function emptyValue(q) {
  return q.type === 'multi_choice' ? [] : '';
}

/**
 * A stored answer as the page holds it.
 * @param {Question} q
 * @param {Answer | undefined} a
 * @returns {Held}
 */
export function fromStored(q, a) {
  /** @type {string | string[]} */
  let value = emptyValue(q);
  if (a && q.type === 'multi_choice') {
    try {
      const v = JSON.parse(a.value || '[]');
      if (Array.isArray(v)) value = v.filter((x) => typeof x === 'string');
    } catch {
      value = [];
    }
  } else if (a) {
    value = a.value || '';
  }
  const media = a && (a.media_bytes || 0) > 0 ? { bytes: a.media_bytes || 0, type: a.media_type || '', attempts: a.attempts || 1 } : null;
  return { value, media };
}

/**
 * Whether a question counts as answered (as the server decides at submit).
 * @param {Held | undefined} h
 */
export function isAnswered(h) {
  if (!h) return false;
  if (h.media) return true;
  if (Array.isArray(h.value)) return h.value.length > 0;
  return h.value.trim() !== '';
}

/**
 * Index of the first question without an answer, or -1.
 * @param {Question[]} qs
 * @param {Record<number, Held>} held
 */
export function firstUnanswered(qs, held) {
  return qs.findIndex((q) => !isAnswered(held[q.id]));
}

/** A number the server accepts: "7", "-3", "7.5", "7,5". */
export const NUMBER_RE = /^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)\s*$/;

/** @param {string} v */
export function isValidNumber(v) {
  return v.trim() === '' || NUMBER_RE.test(v);
}

/** @param {string} v yes_no value */
export function yesNoLabel(v) {
  return v === 'yes' ? 'Yes' : v === 'no' ? 'No' : v;
}

/** @param {number} n */
export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "2:05" @param {number} s */
export function formatClock(s) {
  const t = Math.max(0, Math.ceil(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/**
 * Rough time to answer everything, in minutes.
 * @param {Question[]} qs
 */
export function estimateMinutes(qs) {
  let s = 0;
  for (const q of qs) {
    const media = q.type === 'audio' || q.type === 'video';
    let per = media ? (q.max_media_seconds || 180) + 60 : q.type === 'text' ? 180 : 20;
    if (!media && q.time_limit_seconds > 0) per = Math.min(per, q.time_limit_seconds);
    s += per;
  }
  return Math.max(1, Math.round(s / 60));
}

/**
 * The question ids from an `incomplete` error, in the order of the questions.
 * @param {Record<string, string>} fields
 * @param {Question[]} qs
 */
export function missingFromFields(fields, qs) {
  const ids = new Set(
    Object.keys(fields || {})
      .map((k) => /^questions\.(\d+)$/.exec(k))
      .filter((m) => m !== null)
      .map((m) => Number(/** @type {RegExpExecArray} */ (m)[1])),
  );
  return qs.filter((q) => ids.has(q.id)).map((q) => q.id);
}

/** @param {string} s only http(s) URLs are linked or shown as images */
export function safeUrl(s) {
  if (!s) return '';
  try {
    const u = new URL(s, window.location.origin);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : '';
  } catch {
    return '';
  }
}
