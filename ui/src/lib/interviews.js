// Helpers for interviews: question types, the editor's draft model and its payload,
// client-side checks that mirror the server's, and display labels.

/** @typedef {import('./api.js').Question} Question */
/** @typedef {import('./api.js').QuestionType} QuestionType */

/** Question types in the order the editor offers them. */
export const QUESTION_KINDS = /** @type {const} */ ([
  { value: 'text', label: 'Text answer', hint: 'An open written answer, scored against a rubric.' },
  { value: 'single_choice', label: 'Single choice', hint: 'Pick one of the options.' },
  { value: 'multi_choice', label: 'Multiple choice', hint: 'Pick any of the options.' },
  { value: 'yes_no', label: 'Yes / no', hint: 'A yes or no answer.' },
  { value: 'number', label: 'Number', hint: 'A number, such as years of experience.' },
  { value: 'audio', label: 'Audio answer', hint: 'The candidate records a spoken answer.' },
  { value: 'video', label: 'Video answer', hint: 'The candidate records a video answer.' },
]);

/** @param {string} type */
export function questionTypeLabel(type) {
  return QUESTION_KINDS.find((k) => k.value === type)?.label || type;
}

/** Closed questions have answers a knockout rule can check. @param {string} type */
export const isClosed = (type) => ['single_choice', 'multi_choice', 'yes_no', 'number'].includes(type);
/** @param {string} type */
export const hasOptions = (type) => type === 'single_choice' || type === 'multi_choice';
/** @param {string} type */
export const isMedia = (type) => type === 'audio' || type === 'video';
/** Open answers (text, audio, video) are scored against a rubric. @param {string} type */
export const hasRubric = (type) => type === 'text' || isMedia(type);

/**
 * One question as the editor holds it: every field present, plus a stable client key.
 * @typedef {{
 *   key: number, id: number, type: QuestionType, prompt: string, help: string, options: string[], required: boolean,
 *   rubric: {name: string, weight: number|string, strong: string}[],
 *   knockoutOn: boolean, knockout: {values: string[], min: string, max: string, reason: string},
 *   scoring: DraftScoring,
 *   timeLimit: string, retakes: number|string, maxMedia: number|string, source_ext_id: string,
 * }} DraftQuestion
 */

/**
 * A closed question's scoring rule as the editor holds it: points per answer ('' = none) and
 * number ranges, as strings from the inputs.
 * @typedef {{points: Record<string, string>, ranges: {min: string, max: string, points: string}[], suggested: boolean}} DraftScoring
 */

/** The point values the editor offers, with their names. */
export const POINT_CHOICES = [
  { value: '', label: 'Not scored' },
  { value: '5', label: '5 · preferred' },
  { value: '4', label: '4' },
  { value: '3', label: '3 · acceptable' },
  { value: '2', label: '2' },
  { value: '1', label: '1' },
  { value: '0', label: '0 · not acceptable' },
];

/**
 * The answers a closed question's rule gives points to.
 * @param {{type: string, options: string[]}} d
 */
export function scoredAnswers(d) {
  if (d.type === 'yes_no') return [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }];
  return d.options.map((o) => o.trim()).filter(Boolean).map((o) => ({ value: o, label: o }));
}

/** @param {import('./api.js').ScoringRule|null|undefined} r @returns {DraftScoring} */
function toDraftScoring(r) {
  /** @type {Record<string, string>} */
  const points = {};
  for (const [k, v] of Object.entries(r?.points || {})) points[k] = String(v);
  return {
    points,
    ranges: (r?.ranges || []).map((g) => ({ min: g.min != null ? String(g.min) : '', max: g.max != null ? String(g.max) : '', points: String(g.points) })),
    suggested: !!r?.suggested,
  };
}

/**
 * The rule as the API takes it, or null when the question is not scored (and nothing awaits confirmation).
 * @param {{type: string, options: string[], scoring: DraftScoring}} d
 * @returns {import('./api.js').ScoringRule|null}
 */
export function toScoringPayload(d) {
  if (!isClosed(d.type)) return null;
  /** @type {import('./api.js').ScoringRule} */
  const r = {};
  if (d.type === 'number') {
    const ranges = d.scoring.ranges
      .filter((g) => String(g.points).trim() !== '')
      .map((g) => ({ min: Number.isFinite(num(g.min)) ? num(g.min) : null, max: Number.isFinite(num(g.max)) ? num(g.max) : null, points: num(g.points) }));
    if (ranges.length) r.ranges = ranges;
  } else {
    const allowed = scoredAnswers(d).map((a) => a.value);
    /** @type {Record<string, number>} */
    const points = {};
    for (const [k, v] of Object.entries(d.scoring.points)) if (allowed.includes(k) && String(v).trim() !== '') points[k] = Number(v);
    if (Object.keys(points).length) r.points = points;
  }
  if (d.scoring.suggested) r.suggested = true;
  return Object.keys(r).length ? r : null;
}

/**
 * What the rule means, in a sentence for the editor.
 * @param {{type: string, options: string[], scoring: DraftScoring}} d
 */
export function scoringSummary(d) {
  const rule = toScoringPayload(d);
  if (!rule?.points && !rule?.ranges) return 'Not scored: reviewers see the answer, but it is not part of the score.';
  if (d.type === 'multi_choice') return 'The points of the chosen answers add up, to at most 5. Answers without points count 0.';
  if (d.type === 'number') return 'A number in a range gets its points (bounds included); a number in no range gets 0.';
  return 'The chosen answer gets its points out of 5; answers without points count 0.';
}

let nextKey = 1;

/**
 * @param {Partial<Question>} [q]
 * @returns {DraftQuestion}
 */
export function toDraftQuestion(q = {}) {
  const type = /** @type {QuestionType} */ (q.type || 'text');
  const k = q.knockout && typeof q.knockout === 'object' ? q.knockout : null;
  return {
    key: nextKey++,
    id: q.id || 0,
    type,
    prompt: q.prompt || '',
    help: q.help || '',
    options: hasOptions(type) ? [...(q.options || [])] : [],
    required: q.required ?? true,
    rubric: Array.isArray(q.rubric) ? q.rubric.map((c) => ({ name: c.name || '', weight: c.weight ?? 1, strong: c.strong || '' })) : [],
    knockoutOn: !!k,
    knockout: {
      values: [...(k?.values || [])],
      min: k?.min != null ? String(k.min) : '',
      max: k?.max != null ? String(k.max) : '',
      reason: k?.reason || '',
    },
    scoring: toDraftScoring(q.scoring),
    timeLimit: q.time_limit_seconds ? String(q.time_limit_seconds) : '',
    retakes: q.retakes ?? 1,
    maxMedia: q.max_media_seconds || 180,
    source_ext_id: q.source_ext_id || '',
  };
}

/** A new empty question of a type, with sensible defaults. @param {QuestionType} type */
export function newQuestion(type) {
  const d = toDraftQuestion({ type, required: true });
  if (hasOptions(type)) d.options = ['', ''];
  if (type === 'text') d.rubric = [{ name: '', weight: 1, strong: '' }];
  return d;
}

/** @param {string|number} v */
const num = (v) => (String(v ?? '').trim() === '' ? NaN : Number(v));

/**
 * The question as the API takes it.
 * @param {DraftQuestion} d
 * @returns {Question}
 */
export function toQuestionPayload(d) {
  /** @type {Question} */
  const q = {
    type: d.type,
    prompt: d.prompt.trim(),
    help: d.help.trim(),
    options: hasOptions(d.type) ? d.options.map((o) => o.trim()).filter(Boolean) : [],
    required: d.required,
    rubric: hasRubric(d.type)
      ? d.rubric
          .filter((c) => c.name.trim() || c.strong.trim())
          .map((c) => ({ name: c.name.trim(), weight: Number(c.weight), strong: c.strong.trim() }))
      : [],
    knockout: null,
    scoring: toScoringPayload(d),
    time_limit_seconds: Number.isFinite(num(d.timeLimit)) ? Math.round(num(d.timeLimit)) : 0,
    retakes: isMedia(d.type) ? Number(d.retakes) || 0 : 0,
    max_media_seconds: isMedia(d.type) ? Number(d.maxMedia) || 180 : 180,
    source_ext_id: d.source_ext_id,
  };
  if (d.id) q.id = d.id;
  if (isClosed(d.type) && d.knockoutOn) {
    /** @type {import('./api.js').KnockoutRule} */
    const k = { reason: d.knockout.reason.trim() };
    if (d.type === 'number') {
      if (Number.isFinite(num(d.knockout.min))) k.min = num(d.knockout.min);
      if (Number.isFinite(num(d.knockout.max))) k.max = num(d.knockout.max);
    } else {
      const allowed = d.type === 'yes_no' ? ['yes', 'no'] : q.options || [];
      k.values = d.knockout.values.filter((v) => allowed.includes(v));
    }
    q.knockout = k;
  }
  return q;
}

/**
 * Client-side checks, keyed like the server's field errors ("prompt", "options", ...).
 * @param {DraftQuestion} d
 * @returns {Record<string, string>}
 */
export function validateQuestion(d) {
  /** @type {Record<string, string>} */
  const e = {};
  if (!d.prompt.trim()) e.prompt = 'Enter the question.';
  else if (d.prompt.trim().length > 2000) e.prompt = 'Use at most 2000 characters.';
  if (hasOptions(d.type) && d.options.filter((o) => o.trim()).length < 2) e.options = 'Add at least two choices.';
  if (hasRubric(d.type)) {
    const used = d.rubric.filter((c) => c.name.trim() || c.strong.trim());
    if (used.some((c) => !c.name.trim() || !(Number(c.weight) > 0)))
      e.rubric = 'Every criterion needs a name and a weight above 0.';
  }
  if (isClosed(d.type) && d.knockoutOn) {
    if (d.type === 'number') {
      const min = num(d.knockout.min);
      const max = num(d.knockout.max);
      if (!Number.isFinite(min) && !Number.isFinite(max)) e.knockout = 'Enter a minimum, a maximum or both.';
      else if (Number.isFinite(min) && Number.isFinite(max) && min > max) e.knockout = 'The minimum is above the maximum.';
    } else if (d.knockout.values.length === 0) {
      e.knockout = 'Choose at least one answer that flags the candidate.';
    }
  }
  if (d.type === 'number') {
    for (const g of d.scoring.ranges) {
      if (String(g.points).trim() === '') continue;
      const min = num(g.min);
      const max = num(g.max);
      if (!Number.isFinite(min) && !Number.isFinite(max)) e.scoring = 'Give every scored range a minimum, a maximum or both.';
      else if (Number.isFinite(min) && Number.isFinite(max) && min > max) e.scoring = "A range's minimum is above its maximum.";
    }
  }
  const tl = String(d.timeLimit ?? '').trim();
  if (tl && (!/^\d+$/.test(tl) || Number(tl) > 3600)) e.time_limit_seconds = 'Enter 0–3600 seconds, or leave it empty.';
  if (isMedia(d.type)) {
    const r = String(d.retakes ?? '').trim();
    if (!/^\d+$/.test(r) || Number(r) > 5) e.retakes = 'Enter 0 to 5.';
    const m = String(d.maxMedia ?? '').trim();
    if (!/^\d+$/.test(m) || Number(m) < 10 || Number(m) > 600) e.max_media_seconds = 'Enter 10 to 600 seconds.';
  }
  return e;
}

/**
 * Splits the API's field errors into interview-level ones and per-question ones
 * ("questions.2.options" → questions[2].options).
 * @param {Record<string, string>} fields
 * @returns {{top: Record<string, string>, questions: Record<number, Record<string, string>>}}
 */
export function splitFieldErrors(fields) {
  /** @type {Record<string, string>} */
  const top = {};
  /** @type {Record<number, Record<string, string>>} */
  const questions = {};
  for (const [k, v] of Object.entries(fields || {})) {
    const m = /^questions\.(\d+)\.(.+)$/.exec(k);
    if (m) {
      const i = Number(m[1]);
      (questions[i] ||= {})[m[2]] = v;
    } else {
      top[k] = v;
    }
  }
  return { top, questions };
}

/** Server field messages are phrases ("needs at least two choices"); make them sentences. @param {string} msg */
export function sentence(msg) {
  const s = (msg || '').trim();
  if (!s) return '';
  const t = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : t + '.';
}

export const INTERVIEW_STATUSES = /** @type {Record<string, {label: string, tone: string}>} */ ({
  draft: { label: 'Draft', tone: 'warn' },
  active: { label: 'Active', tone: 'success' },
  paused: { label: 'Paused', tone: 'info' },
  closed: { label: 'Closed', tone: 'muted' },
});

export const INVITATION_STATUSES = /** @type {Record<string, {label: string, tone: string}>} */ ({
  queued: { label: 'Queued', tone: 'muted' },
  sent: { label: 'Sent', tone: 'info' },
  opened: { label: 'Opened', tone: 'info' },
  started: { label: 'Started', tone: 'warn' },
  submitted: { label: 'Submitted', tone: 'success' },
  expired: { label: 'Expired', tone: 'muted' },
  failed: { label: 'Failed', tone: 'danger' },
});

export const INVITATION_SOURCES = /** @type {Record<string, string>} */ ({
  publish: 'Publish',
  watchdog: 'Watchdog',
  webhook: 'Webhook',
});

/** The funnel steps, in order. */
export const FUNNEL_STEPS = /** @type {const} */ ([
  { key: 'invited', label: 'Invited' },
  { key: 'sent', label: 'Sent' },
  { key: 'opened', label: 'Opened' },
  { key: 'started', label: 'Started' },
  { key: 'submitted', label: 'Submitted' },
]);

/** "5 min", "2 h", "1 day" for a number of seconds. @param {number} s */
export function secondsLabel(s) {
  if (!s) return '';
  if (s % 86400 === 0) return s === 86400 ? '1 day' : `${s / 86400} days`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

export const LANGUAGES = /** @type {const} */ ([
  { value: 'en', label: 'English' },
  { value: 'de', label: 'German' },
  { value: 'fr', label: 'French' },
  { value: 'es', label: 'Spanish' },
  { value: 'it', label: 'Italian' },
  { value: 'nl', label: 'Dutch' },
  { value: 'pt', label: 'Portuguese' },
  { value: 'pl', label: 'Polish' },
  { value: 'sv', label: 'Swedish' },
]);

/** Watchdog intervals the editor offers, in seconds. */
export const WATCH_INTERVALS = /** @type {const} */ ([60, 300, 900, 1800, 3600, 21600, 86400]);

// --- the editor's interview draft ------------------------------------------------------

/** The interview settings the Basics tab edits; the rest of InterviewDraft is the ATS tab's. */
export const BASIC_FIELDS = ['name', 'kind', 'language', 'intro', 'job_description', 'deadline_days', 'reminder_hours', 'watch_interval_seconds'];
export const ATS_FIELDS = ['connection_id', 'job_ext_id', 'stage_ext_id', 'sync_results', 'completed_stage_ext_id', 'accept_stage_ext_id', 'reject_reason_ext_id', 'position_id', 'tag_score_threshold', 'tag_score_name', 'tag_accepted_name'];

/**
 * An interview's settings as the editor's inputs hold them (numbers may be strings while typed).
 * @typedef {{
 *   name: string, kind: string, language: string, intro: string, job_description: string,
 *   deadline_days: any, reminder_hours: any, watch_interval_seconds: number|string,
 *   connection_id: string, job_ext_id: string, stage_ext_id: string, sync_results: boolean,
 *   completed_stage_ext_id: string, accept_stage_ext_id: string, reject_reason_ext_id: string,
 *   tag_score_threshold: number|string, tag_score_name: string, tag_accepted_name: string,
 * }} InterviewDraft
 */

/**
 * The draft of an interview, or of a new one with the server's defaults.
 * @param {Partial<import('./api.js').Interview>} [x]
 * @returns {InterviewDraft}
 */
export function toInterviewDraft(x = {}) {
  return {
    name: x.name || '',
    kind: x.kind || 'interview',
    language: x.language || 'en',
    intro: x.intro || '',
    job_description: x.job_description || '',
    deadline_days: x.deadline_days || 7,
    reminder_hours: x.reminder_hours ?? 48,
    watch_interval_seconds: x.watch_interval_seconds || 300,
    connection_id: x.connection_id ? String(x.connection_id) : '',
    job_ext_id: x.job_ext_id || '',
    stage_ext_id: x.stage_ext_id || '',
    sync_results: x.sync_results ?? true,
    completed_stage_ext_id: x.completed_stage_ext_id || '',
    accept_stage_ext_id: x.accept_stage_ext_id || '',
    reject_reason_ext_id: x.reject_reason_ext_id || '',
    tag_score_threshold: x.tag_score_name ? x.tag_score_threshold ?? '' : '',
    tag_score_name: x.tag_score_name || '',
    tag_accepted_name: x.tag_accepted_name || '',
  };
}

/** A typed whole number; an empty input is 0. @param {number|string} v */
export const toInt = (v) => (String(v ?? '').trim() === '' ? 0 : Math.round(Number(v)));

/**
 * The PUT body for a draft and its questions.
 * @param {InterviewDraft} form
 * @param {DraftQuestion[]} questions
 * @returns {import('./api.js').InterviewInput}
 */
export function toInterviewPayload(form, questions) {
  return {
    name: form.name.trim(),
    kind: form.kind,
    language: form.language,
    intro: form.intro.trim(),
    job_description: form.job_description,
    deadline_days: toInt(form.deadline_days),
    reminder_hours: toInt(form.reminder_hours),
    watch_interval_seconds: toInt(form.watch_interval_seconds),
    connection_id: form.connection_id ? Number(form.connection_id) : null,
    job_ext_id: form.job_ext_id,
    stage_ext_id: form.stage_ext_id,
    sync_results: form.sync_results,
    completed_stage_ext_id: form.completed_stage_ext_id,
    accept_stage_ext_id: form.accept_stage_ext_id,
    reject_reason_ext_id: form.reject_reason_ext_id,
    tag_score_threshold: form.tag_score_name && form.tag_score_threshold !== '' ? Number(form.tag_score_threshold) : 0,
    tag_score_name: form.tag_score_name.trim(),
    tag_accepted_name: form.tag_accepted_name.trim(),
    questions: questions.map(toQuestionPayload),
  };
}

/**
 * The browser-side checks of a draft's settings (questions have validateQuestion).
 * @param {InterviewDraft} form
 * @returns {Record<string, string>}
 */
export function validateInterviewDraft(form) {
  /** @type {Record<string, string>} */
  const e = {};
  if (!form.name.trim()) e.name = 'Enter a name.';
  else if (form.name.trim().length > 200) e.name = 'Use at most 200 characters.';
  const dd = String(form.deadline_days ?? '').trim();
  if (!/^\d+$/.test(dd) || Number(dd) < 1 || Number(dd) > 90) e.deadline_days = 'Enter 1 to 90 days.';
  const rh = String(form.reminder_hours ?? '').trim();
  if (!/^\d+$/.test(rh)) e.reminder_hours = 'Enter a whole number of hours, or 0 for no reminder.';
  else if (!e.deadline_days && Number(rh) >= Number(dd) * 24)
    e.reminder_hours = `Enter fewer hours than the deadline (${Number(dd) * 24} h), or 0 for no reminder.`;
  if (form.intro.length > 5000) e.intro = 'Use at most 5000 characters.';
  if ((form.job_ext_id || form.stage_ext_id) && !form.connection_id) e.connection_id = 'Choose the ATS connection.';
  if (form.stage_ext_id && !form.job_ext_id) e.job_ext_id = 'Choose the position.';
  return e;
}
