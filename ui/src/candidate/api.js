// Every HTTP call of the candidate interview page (/i/<token>) lives here.
//
// The link token in the URL is the only credential: no cookie, no CSRF header. JSON writes
// carry `Content-Type: application/json`; recording chunks are raw bytes with their media
// type (audio/webm, video/mp4, ...). Errors (`{"error":{"code","message","fields"}}`) are
// thrown as CandidateError; a network failure has status 0 and code `network`.

import { parseJson } from '../lib/json.js';

/**
 * @typedef {{company_name:string, brand_color:string, logo_url:string, privacy_url:string}} Company
 * @typedef {'text'|'single_choice'|'multi_choice'|'yes_no'|'number'|'audio'|'video'} QuestionType
 * @typedef {{id:number, position:number, type:QuestionType, prompt:string, help:string, options:string[]|null,
 *   required:boolean, time_limit_seconds:number, retakes:number, max_media_seconds:number}} Question
 * @typedef {{question_id:number, value:string, media_type?:string, media_bytes?:number, attempts:number,
 *   updated_at:string}} Answer
 * @typedef {{status:'queued'|'sent'|'opened'|'started'|'submitted'|'expired', candidate:{first_name:string},
 *   company:Company, interview:{name:string, intro:string, language:string, kind:string}, expires_at:string,
 *   consent_at:string|null, started_at:string|null, submitted_at:string|null, ai_disclosure:string,
 *   adjustment:string, questions?:Question[], answers?:Answer[],
 *   signals?:(import('./signals.js').Figures & {question_id:number})[]}} View
 */

export class CandidateError extends Error {
  /** @param {{status:number, code:string, message:string, fields?:Record<string,string>}} init */
  constructor({ status, code, message, fields = {} }) {
    super(message);
    this.name = 'CandidateError';
    /** HTTP status; 0 when the server could not be reached. */
    this.status = status;
    /** Machine-readable code, e.g. `link_expired`. */
    this.code = code;
    /** Details, e.g. `questions.12` for `incomplete` or `offset` for `offset_mismatch`. */
    this.fields = fields;
  }
}

/**
 * Worth trying again later: no connection, timeouts, rate limits and server errors.
 * @param {unknown} err
 */
export function isRetryable(err) {
  if (!(err instanceof CandidateError)) return true; // unexpected (e.g. aborted body read)
  return err.status === 0 || err.status === 408 || err.status === 429 || err.status >= 500;
}

/**
 * The closed page an error leads to, or null when the page can carry on.
 * @param {unknown} err
 * @returns {'unknown'|'expired'|'submitted'|null}
 */
export function closedKind(err) {
  if (!(err instanceof CandidateError)) return null;
  if (err.code === 'unknown_link') return 'unknown';
  if (err.code === 'link_expired' || err.status === 410) return 'expired';
  if (err.code === 'already_submitted') return 'submitted';
  return null;
}

/** @param {string} token */
function base(token) {
  return `/api/candidate/${encodeURIComponent(token)}`;
}

/**
 * @param {string} url
 * @param {RequestInit} init
 * @returns {Promise<any>}
 */
async function request(url, init = {}) {
  let res;
  try {
    res = await fetch(url, { credentials: 'omit', cache: 'no-store', ...init });
  } catch {
    throw new CandidateError({
      status: 0,
      code: 'network',
      message: 'We could not reach the server. Check your internet connection.',
    });
  }
  if (res.status === 204) return null;
  const data = parseJson(await res.text().catch(() => ''));
  if (!res.ok) {
    const e = data && typeof data === 'object' && data.error ? data.error : {};
    throw new CandidateError({
      status: res.status,
      code: typeof e.code === 'string' ? e.code : `http_${res.status}`,
      message: typeof e.message === 'string' && e.message ? e.message : `Request failed (HTTP ${res.status}).`,
      fields: e.fields && typeof e.fields === 'object' ? e.fields : {},
    });
  }
  return data;
}

/**
 * @param {string} url
 * @param {string} method
 * @param {unknown} body
 */
function sendJSON(url, method, body) {
  return request(url, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

/**
 * The page data; marks the link opened.
 * @param {string} token
 * @returns {Promise<View>}
 */
export function getInterview(token) {
  return request(base(token));
}

/**
 * Gives consent and starts the interview.
 * @param {string} token
 */
export function start(token) {
  return sendJSON(`${base(token)}/start`, 'POST', { consent: true });
}

/**
 * Autosaves one answer: a string, or a list of strings for multiple choice.
 * @param {string} token
 * @param {number} qid
 * @param {string | string[]} value
 * @returns {Promise<{answer: Answer}>}
 */
export function saveAnswer(token, qid, value) {
  return sendJSON(`${base(token)}/answers/${qid}`, 'PUT', { value });
}

/**
 * Saves a question's integrity signals: the running totals since it was first opened (the server
 * keeps the largest of each figure, so a retry counts once).
 * @param {string} token
 * @param {number} qid
 * @param {import('./signals.js').Figures} figures
 */
export function saveSignals(token, qid, figures) {
  return sendJSON(`${base(token)}/answers/${qid}/signals`, 'PUT', figures);
}

/**
 * Tells the server the candidate sees a question; for a timed one it
 * answers with the seconds left, counted from the first opening, so a
 * reload or another device does not restart the clock.
 * @param {string} token
 * @param {number} qid
 * @returns {Promise<{opened_at: string, time_limit_seconds: number, remaining_seconds?: number}>}
 */
export function openQuestion(token, qid) {
  return sendJSON(`${base(token)}/answers/${qid}/open`, 'POST', {});
}

/**
 * Sends one chunk of a recording, appended at `offset`.
 * @param {string} token
 * @param {number} qid
 * @param {number} offset
 * @param {Blob} chunk
 * @param {string} type media type, e.g. `audio/webm;codecs=opus`
 * @param {boolean} final
 * @param {number} [durationMs] the recording's length, sent with the final chunk
 * @returns {Promise<{received:number, answer?:Answer}>}
 */
export function uploadChunk(token, qid, offset, chunk, type, final, durationMs) {
  const len = final && durationMs && durationMs > 0 ? `&duration_ms=${Math.round(durationMs)}` : '';
  const q = `offset=${offset}${final ? '&final=1' : ''}${len}`;
  return request(`${base(token)}/answers/${qid}/media?${q}`, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body: chunk,
  });
}

/**
 * Submits the interview.
 * @param {string} token
 */
export function submit(token) {
  return request(`${base(token)}/submit`, { method: 'POST' });
}

/**
 * Asks the recruiter for an adjustment.
 * @param {string} token
 * @param {string} text
 */
export function requestAdjustment(token, text) {
  return sendJSON(`${base(token)}/adjustment`, 'POST', { text });
}
