// Results screens: API calls (through the shared request helper in ./api.js, so requests carry the
// session cookie, the X-CSRF-Token header on writes, and fail with ApiError) and the pure helpers
// the results, result detail, AI settings and audit log pages share.
import { request, ApiError } from './api.js';

const id = encodeURIComponent;

/**
 * @typedef {'open'|'closed'|'media_unscored'|'review'} QuestionKind
 * @typedef {{kind:string, question_id?:number, message:string}} Flag
 * @typedef {{criterion_id:string, name:string, met:boolean|null, evidence:string, suggestion?:string}} CriterionResult
 * @typedef {{
 *   question_id:number, kind:QuestionKind, score:number|null, criteria:CriterionResult[]|null, rationale:string,
 *   flags:Flag[]|null,
 * }} QuestionResult
 * @typedef {{
 *   id:number, invitation_id:number, interview_id:number, status:'scoring'|'scored', attempts:number, last_error:string,
 *   overall:number|null, scorer:''|'llm'|'builtin', model:string, prompt_version:string, rubric_version:string,
 *   details:QuestionResult[]|null, flags:Flag[]|null, has_report:boolean, decision:''|'accepted'|'rejected',
 *   decided_by:number|null, decided_at:string|null, created_at:string, scored_at:string|null, review_pending?:number,
 *   followup_at?:string|null,
 * }} Result
 * @typedef {Result & {
 *   first_name:string, last_name:string, email:string, submitted_at:string|null, started_at:string|null,
 *   overall_override:number|null, version?:number,
 * }} ResultRow
 * @typedef {{
 *   question_id:number, value:string, media_url?:string, media_type?:string, media_bytes?:number, transcript?:string,
 *   attempts?:number, updated_at?:string, late_seconds?:number, media_ms?:number,
 * }} Answer
 * @typedef {{
 *   question_id:number, paste_count:number, paste_chars:number, away_count:number, away_ms:number,
 *   typed_chars:number, typing_ms:number, burst_chars:number, burst_ms:number, updated_at?:string,
 * }} Signals integrity signals of one question: context for the reviewer, never scored (./signalFlags.js)
 * @typedef {{
 *   id:number, question_id:number, original:number|null, score:number, reason:string, user_id:number,
 *   user_email:string, created_at:string,
 * }} Override
 * @typedef {'queued'|'running'|'done'|'failed'|'unknown'|'skipped'} WriteStatus
 * @typedef {{
 *   id:number, connection_id:number, result_id:number|null, action:string, idempotency_key?:string,
 *   status:WriteStatus, attempts:number, last_error:string, remote_id:string, next_attempt_at?:string,
 *   created_at:string, done_at:string|null,
 * }} ATSWrite
 * @typedef {{
 *   id:number, type:string, prompt:string, help?:string, options?:string[]|null, required:boolean, position?:number,
 *   time_limit_seconds?:number,
 * }} ResultQuestion
 * @typedef {{
 *   id:number, name:string, connection_id:number|null, job_ext_id:string, sync_results:boolean,
 *   accept_stage_ext_id:string, reject_reason_ext_id:string, tag_accepted_name?:string, questions:ResultQuestion[]|null,
 * }} ResultInterview
 * @typedef {{
 *   result:Result, interview:ResultInterview, answers:Answer[]|null, signals?:Signals[]|null, overrides:Override[]|null,
 *   ats_writes:ATSWrite[]|null, candidate:{first_name:string, last_name:string, email:string, application_ext_id?:string},
 *   submitted_at:string|null, time_taken_seconds:number|null, adjustment_request:string, results_url:string,
 *   report_url:string, version?:number,
 * }} ResultView
 * @typedef {{
 *   llm_base_url:string, llm_model:string, has_llm_key:boolean, transcribe_base_url:string, transcribe_model:string,
 *   has_transcribe_key:boolean, scorer:'llm'|'builtin',
 * }} AISettings
 * @typedef {{
 *   llm_base_url:string, llm_model:string, llm_key?:string, transcribe_base_url:string, transcribe_model:string,
 *   transcribe_key?:string, clear_llm_key?:boolean, clear_transcribe_key?:boolean,
 * }} AISettingsInput
 * @typedef {{result_link:boolean, note:boolean, attachment:boolean}} WriteOptions
 * @typedef {{
 *   id:number, user_id:number|null, actor:string, action:string, subject:string, detail:string, outcome:string,
 *   created_at:string,
 * }} AuditEntry
 */

// --- API ---------------------------------------------------------------------

/**
 * All results, or (version > 0) those answered under one version of the questions.
 * @param {number|string} wid @param {number|string} iid @param {number} [version]
 * @returns {Promise<{results:ResultRow[], distribution:number[]}>}
 */
export const listResults = (wid, iid, version = 0) =>
  request('GET', `/workspaces/${id(wid)}/interviews/${id(iid)}/results${version ? `?version=${id(version)}` : ''}`);

/**
 * The interview's name and settings, for the results page header, and its versions.
 * @param {number|string} wid @param {number|string} iid
 * @returns {Promise<{interview:ResultInterview, versions?:import('./api.js').InterviewVersion[]}>}
 */
export const getInterviewForResults = (wid, iid) => request('GET', `/workspaces/${id(wid)}/interviews/${id(iid)}`);

/** @param {number|string} wid @param {number|string} rid @returns {Promise<ResultView>} */
export const getResult = (wid, rid) => request('GET', `/workspaces/${id(wid)}/results/${id(rid)}`);
/**
 * Creates an expiring read-only share link; the URL is returned only once.
 * @param {number|string} wid @param {number|string} rid @param {number} hours
 * @returns {Promise<{share:{id:number, expires_at:string}, url:string}>}
 */
export const createShare = (wid, rid, hours) => request('POST', `/workspaces/${id(wid)}/results/${id(rid)}/shares`, { hours });
/**
 * The public view behind a share link.
 * @param {string} token
 * @returns {Promise<any>}
 */
export const getShared = (token) => request('GET', `/shared/results/${id(token)}`);

/**
 * A person's score with a reason; question 0 is the overall score (0–100), questions take 1–5.
 * @param {number|string} wid @param {number|string} rid
 * @param {{question_id:number, score:number, reason:string}} input
 * @returns {Promise<ResultView>}
 */
export const overrideScore = (wid, rid, input) =>
  request('POST', `/workspaces/${id(wid)}/results/${id(rid)}/override`, input);

/**
 * A person's rubric checklist for an open answer that waits for them: every criterion met or not
 * (or a score 1–5 for a question without a rubric). 409 already_reviewed when it was reviewed.
 * @param {number|string} wid @param {number|string} rid
 * @param {{question_id:number, criteria:Record<string, boolean>, score:number|null, note:string}} input
 * @returns {Promise<{result: Result}>}
 */
export const reviewAnswer = (wid, rid, input) => request('POST', `/workspaces/${id(wid)}/results/${id(rid)}/review`, input);

/**
 * The score a checklist gives (1 + 4 × the share of criteria met), or null while it is incomplete.
 * A preview with equal weights: the server applies the rubric's weights.
 * @param {CriterionResult[]} criteria @param {Record<string, boolean|undefined>} verdicts @param {string} whole
 * @returns {number|null}
 */
export function reviewScore(criteria, verdicts, whole) {
  if (!criteria.length) return whole === '' ? null : Number(whole);
  if (criteria.some((c) => verdicts[c.criterion_id] === undefined)) return null;
  const met = criteria.filter((c) => verdicts[c.criterion_id]).length;
  return Math.round((1 + (4 * met) / criteria.length) * 100) / 100;
}

/**
 * What a recorded answer is, as the report and the ATS note say it: "Recording (0:47)".
 * @param {number|undefined} ms
 */
export function recordingLabel(ms) {
  if (!ms || ms <= 0) return 'Recording';
  const s = Math.round(ms / 1000);
  return `Recording (${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')})`;
}

/** Whether a result has a knockout answer. @param {{flags?: Flag[]|null}} r */
export const hasKnockout = (r) => (r.flags || []).some((f) => f.kind === 'knockout');

/**
 * 409 already_decided when someone decided first.
 * @param {number|string} wid @param {number|string} rid @param {'accept'|'reject'} decision
 * @returns {Promise<ResultView>}
 */
export const decideResult = (wid, rid, decision) =>
  request('POST', `/workspaces/${id(wid)}/results/${id(rid)}/${decision}`);

/**
 * Only failed writes can be retried (409 not_failed otherwise).
 * @param {number|string} wid @param {number|string} writeId @returns {Promise<{ats_write:ATSWrite}>}
 */
export const retryAtsWrite = (wid, writeId) => request('POST', `/workspaces/${id(wid)}/ats-writes/${id(writeId)}/retry`);

/** @param {number|string} wid @returns {Promise<{ai:AISettings}>} */
export const getAISettings = (wid) => request('GET', `/workspaces/${id(wid)}/ai`);

/**
 * Leave a key out (or empty) to keep the stored one.
 * @param {number|string} wid @param {AISettingsInput} input @returns {Promise<{ai:AISettings}>}
 */
export const saveAISettings = (wid, input) => request('PUT', `/workspaces/${id(wid)}/ai`, input);

/** @param {number|string} wid @returns {Promise<{write_options:WriteOptions}>} */
export const getWriteOptions = (wid) => request('GET', `/workspaces/${id(wid)}/write-options`);

/** @param {number|string} wid @param {WriteOptions} input @returns {Promise<{write_options:WriteOptions}>} */
export const saveWriteOptions = (wid, input) => request('PUT', `/workspaces/${id(wid)}/write-options`, input);

/**
 * @param {number|string} wid
 * @returns {Promise<{connections:import('./api.js').Connection[]}>}
 */
export const listConnectionsForResults = (wid) => request('GET', `/workspaces/${id(wid)}/connections`);

/** @param {number|string} wid @returns {Promise<{members:import('./api.js').Member[]}>} */
export const listMembersForResults = (wid) => request('GET', `/workspaces/${id(wid)}/members`);

/**
 * @param {number|string} wid @param {number|string} cid
 * @returns {Promise<{rejection_reasons:{ext_id:string, name:string}[]}>}
 */
export const listRejectionReasonsForResults = (wid, cid) =>
  request('GET', `/workspaces/${id(wid)}/connections/${id(cid)}/rejection-reasons`);

/**
 * @param {number|string} wid @param {number|string} cid
 * @returns {Promise<{positions:import('./api.js').Position[], total:number}>}
 */
export const listPositionsForResults = (wid, cid) =>
  request('GET', `/workspaces/${id(wid)}/positions?connection_id=${id(cid)}&limit=500`);

/**
 * 100 entries per page, newest first; pass the last entry's id as `before` for the next page.
 * @param {number|string} wid @param {number|null} [before] @returns {Promise<{entries:AuditEntry[]}>}
 */
export const listAudit = (wid, before = null) =>
  request('GET', `/workspaces/${id(wid)}/audit${before ? `?before=${id(before)}` : ''}`);

export const AUDIT_PAGE = 100;

/** @param {number|string} wid */
export const auditCsvUrl = (wid) => `/api/workspaces/${id(wid)}/audit?format=csv`;

/** @param {number|string} wid @param {number|string} rid */
export const reportUrl = (wid, rid) => `/api/workspaces/${id(wid)}/results/${id(rid)}/report.pdf`;

/** @param {number|string} wid @param {number|string} rid */
export const resultPath = (wid, rid) => `/w/${id(wid)}/results/${id(rid)}`;

/** @param {number|string} wid @param {number|string} iid */
export const resultsPath = (wid, iid) => `/w/${id(wid)}/interviews/${id(iid)}/results`;

// asApiError lives with the form helper; re-exported for the results pages.
export { asApiError } from './form.svelte.js';

/** "must be between 1 and 5" → "Must be between 1 and 5." @param {string} msg */
export function sentenceCase(msg) {
  const t = (msg || '').trim();
  if (!t) return '';
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : s + '.';
}

// --- scores --------------------------------------------------------------------

/** The score a person sees: their override when there is one. @param {{overall:number|null, overall_override?:number|null}} r */
export function effectiveScore(r) {
  if (r.overall_override !== null && r.overall_override !== undefined) return r.overall_override;
  return r.overall ?? null;
}

/** "82", "82.5" → rounded for display. @param {number|null|undefined} v */
export function formatScore(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return String(Math.round(v));
}

/** 1–5 question scores keep one decimal when they have one. @param {number|null|undefined} v */
export function formatQuestionScore(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** @param {{first_name?:string, last_name?:string, email?:string}} c */
export function personName(c) {
  return `${c.first_name || ''} ${c.last_name || ''}`.trim() || c.email || 'Unnamed candidate';
}

/** @param {{flags?:Flag[]|null}} r */
export const flagCount = (r) => (Array.isArray(r.flags) ? r.flags.length : 0);

export const BUCKET_LABELS = ['0–9', '10–19', '20–29', '30–39', '40–49', '50–59', '60–69', '70–79', '80–89', '90–100'];

/** Range [min, max] of the i-th distribution bucket. @param {number} i */
export const bucketRange = (i) => /** @type {[number, number]} */ ([i * 10, i === 9 ? 100 : i * 10 + 9]);

/**
 * One sentence describing a score distribution (the chart's text alternative).
 * @param {number[]|null|undefined} buckets ten counts
 */
export function distributionSummary(buckets) {
  const b = Array.isArray(buckets) ? buckets.slice(0, 10) : [];
  const total = b.reduce((s, n) => s + (n || 0), 0);
  if (total === 0) return 'No scored results yet.';
  const first = b.findIndex((n) => n > 0);
  let last = 0;
  b.forEach((n, i) => {
    if (n > 0) last = i;
  });
  let top = 0;
  b.forEach((n, i) => {
    if (n > b[top]) top = i;
  });
  const ties = b.filter((n) => n === b[top]).length;
  const lo = bucketRange(first)[0];
  const hi = bucketRange(last)[1];
  const parts = [`${total} scored ${total === 1 ? 'result' : 'results'}`];
  parts.push(first === last ? `all between ${lo} and ${hi}` : `ranging from ${lo} to ${hi}`);
  if (total > 1 && ties === 1) parts.push(`most in ${BUCKET_LABELS[top]} (${b[top]})`);
  return parts.join(', ') + '.';
}

/**
 * @typedef {'score'|'name'|'submitted'} SortKey
 * @typedef {{key:SortKey, dir:'asc'|'desc'}} Sort
 * @typedef {{decision:''|'undecided'|'accepted'|'rejected', flagged:boolean, min:string|number|null, max:string|number|null}} ResultFilters
 */

/** Default direction when a column is first chosen. @type {Record<SortKey, 'asc'|'desc'>} */
export const SORT_DEFAULT_DIR = { score: 'desc', name: 'asc', submitted: 'desc' };

/**
 * Sorts rows; results without a score (still being scored) and without a date always go last.
 * @param {ResultRow[]} rows @param {Sort} sort
 */
export function sortResults(rows, sort) {
  const sign = sort.dir === 'asc' ? 1 : -1;
  /** @param {ResultRow} r */
  const key = (r) => {
    if (sort.key === 'score') return effectiveScore(r);
    if (sort.key === 'submitted') {
      const t = r.submitted_at ? Date.parse(r.submitted_at) : NaN;
      return Number.isNaN(t) ? null : t;
    }
    return personName(r).toLocaleLowerCase();
  };
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      if (a.k === null && b.k === null) return a.i - b.i;
      if (a.k === null) return 1;
      if (b.k === null) return -1;
      const c = typeof a.k === 'string' ? a.k.localeCompare(/** @type {string} */ (b.k)) : a.k - /** @type {number} */ (b.k);
      return c !== 0 ? c * sign : a.i - b.i;
    })
    .map((x) => x.r);
}

/** A number from a filter input, or null when empty / not a number. @param {string|number|null|undefined} v */
function bound(v) {
  const t = String(v ?? '').trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** @param {ResultFilters} f */
export const hasActiveFilters = (f) => !!(f.decision || f.flagged || bound(f.min) !== null || bound(f.max) !== null);

/**
 * Applies the table filters. A score range leaves out results without a score.
 * @param {ResultRow[]} rows @param {ResultFilters} f
 */
export function filterResults(rows, f) {
  const min = bound(f.min);
  const max = bound(f.max);
  return rows.filter((r) => {
    if (f.decision === 'undecided' && r.decision) return false;
    if ((f.decision === 'accepted' || f.decision === 'rejected') && r.decision !== f.decision) return false;
    if (f.flagged && flagCount(r) === 0) return false;
    if (min !== null || max !== null) {
      const s = effectiveScore(r);
      if (s === null) return false;
      if (min !== null && s < min) return false;
      if (max !== null && s > max) return false;
    }
    return true;
  });
}

// --- labels --------------------------------------------------------------------

/**
 * The always-visible statement of what produced a score.
 * @param {{scorer?:string, model?:string, prompt_version?:string, status?:string}} r
 */
export function scorerLabel(r) {
  if (r.scorer === 'llm') {
    return `AI-assisted score (model ${r.model || 'unknown'}, prompt version ${r.prompt_version || 'unknown'})`;
  }
  if (r.scorer === 'builtin') return "Closed questions scored by the recruiter's rules, open answers by a person's checklist (no AI)";
  return r.status === 'scoring' ? 'Not scored yet' : 'Scorer not recorded';
}

export const FAIRNESS_NOTE =
  'A person makes every decision. Nothing is scored on tone, accent, fluency, emotion or appearance — only on what the answers say.';

/** @type {Record<string, string>} */
export const FLAG_KINDS = {
  knockout: 'Knockout',
  unanswered_required: 'Required question unanswered',
  media_not_transcribed: 'Recording not transcribed',
  invalid_output: 'Scorer output unusable',
  prompt_injection: 'Possible prompt injection',
};

/** @param {string} kind */
export const flagKindLabel = (kind) =>
  FLAG_KINDS[kind] || (kind ? kind[0].toUpperCase() + kind.slice(1).replace(/_/g, ' ') : 'Flag');

/** @type {Record<string, {label:string, tone:string, hint:string}>} */
export const WRITE_STATUSES = {
  queued: { label: 'Queued', tone: 'muted', hint: 'Waiting to be sent; retried automatically when the ATS is busy.' },
  running: { label: 'Sending', tone: 'info', hint: 'Being written to the ATS now.' },
  done: { label: 'Done', tone: 'success', hint: 'Written to the ATS.' },
  failed: { label: 'Failed', tone: 'danger', hint: 'The ATS refused it. Fix the cause, then retry.' },
  unknown: {
    label: 'Checking',
    tone: 'warn',
    hint: 'An attempt may have reached the ATS; hireloop checks before trying again, so nothing is written twice.',
  },
  skipped: { label: 'Skipped', tone: 'muted', hint: 'This ATS cannot do this; nothing was written.' },
};

/** @param {string} status */
export const writeStatus = (status) =>
  WRITE_STATUSES[status] || { label: status ? status[0].toUpperCase() + status.slice(1) : 'Unknown', tone: 'muted', hint: '' };

/** @type {Record<string, string>} */
export const WRITE_ACTION_LABELS = {
  result_link: 'Result link',
  note: 'Note with the summary',
  attachment: 'PDF report attachment',
  move_stage: 'Move to stage',
  reject: 'Reject',
  add_tag: 'Add tag',
};

/** @param {string} action */
export const writeActionLabel = (action) =>
  WRITE_ACTION_LABELS[action] || (action ? action[0].toUpperCase() + action.slice(1).replace(/_/g, ' ') : 'Write');

/** "12 min 5 s", "45 s", "1 h 3 min". @param {number|null|undefined} seconds */
export function formatTimeTaken(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** @param {string} type */
export const isMediaQuestion = (type) => type === 'audio' || type === 'video';

/**
 * The chosen options of a multiple-choice answer (stored as a JSON array string).
 * @param {string} value
 */
export function choiceValues(value) {
  const v = (value || '').trim();
  if (!v) return [];
  try {
    const parsed = JSON.parse(v);
    if (Array.isArray(parsed)) return parsed.map((x) => String(x).trim()).filter(Boolean);
  } catch {
    /* not JSON: a single value */
  }
  return [v];
}

/**
 * Overrides of one question (0 = overall), oldest first, and the latest one.
 * @param {Override[]|null|undefined} overrides @param {number} questionId
 */
export function overridesFor(overrides, questionId) {
  const list = (overrides || []).filter((o) => o.question_id === questionId);
  return { list, latest: list.length ? list[list.length - 1] : null };
}

/** @param {string} action "decision.accept" → "Decision · accept" */
export function auditActionLabel(action) {
  const known = /** @type {Record<string, string>} */ ({
    'decision.accept': 'Accepted a candidate',
    'decision.reject': 'Rejected a candidate',
    'score.override': 'Overrode a score',
    'ats_write.retry': 'Retried an ATS write',
  });
  if (known[action]) return known[action];
  if (action.startsWith('ats_write.')) return `ATS write: ${writeActionLabel(action.slice('ats_write.'.length))}`;
  return action.replace(/[._]/g, ' ');
}

/** Badge tone for an audit outcome such as "done", "accepted", "failed: 422 …". @param {string} outcome */
export function auditOutcomeTone(outcome) {
  const o = (outcome || '').toLowerCase();
  if (o.startsWith('done') || o.startsWith('accepted')) return 'success';
  if (o.startsWith('failed') || o.startsWith('rejected')) return 'danger';
  if (o.startsWith('unknown')) return 'warn';
  if (o.startsWith('running')) return 'info';
  return 'muted';
}
