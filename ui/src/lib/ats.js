// Display helpers for ATS connections, sync runs, positions and applications.

/** The write actions hireloop can perform in an ATS, in display order. */
export const WRITE_ACTIONS = /** @type {const} */ ([
  { key: 'result_link', label: 'Result link', hint: 'Link to the interview result' },
  { key: 'note', label: 'Note', hint: 'Interview summary as a note' },
  { key: 'attachment', label: 'Attachment', hint: 'Report file on the candidate' },
  { key: 'move_stage', label: 'Move stage', hint: 'Advance the application' },
  { key: 'reject', label: 'Reject', hint: 'Reject with a reason' },
  { key: 'add_tag', label: 'Add tag', hint: 'Tag the candidate' },
]);

/** Models in the order a sync reads them (see app/sync.go syncOrder). */
export const SYNC_PHASES = /** @type {const} */ ([
  { key: 'users', label: 'users' },
  { key: 'tags', label: 'tags' },
  { key: 'rejection_reasons', label: 'rejection reasons' },
  { key: 'jobs', label: 'positions' },
  { key: 'stages', label: 'stages' },
  { key: 'candidates', label: 'candidates' },
  { key: 'applications', label: 'applications' },
]);

/** @param {string | null | undefined} phase */
export function phaseLabel(phase) {
  return SYNC_PHASES.find((p) => p.key === phase)?.label || (phase ? phase.replace(/_/g, ' ') : 'starting');
}

/**
 * Progress of a running sync as a fraction 0..1, by the phase being read.
 * @param {string | null | undefined} phase
 */
export function phaseProgress(phase) {
  const i = SYNC_PHASES.findIndex((p) => p.key === phase);
  if (i < 0) return 0.02;
  return (i + 0.5) / SYNC_PHASES.length;
}

/** Labels for run counts, most interesting first. */
const COUNT_LABELS = /** @type {const} */ ([
  ['jobs', 'position', 'positions'],
  ['applications', 'application', 'applications'],
  ['candidates', 'candidate', 'candidates'],
  ['stages', 'stage', 'stages'],
  ['users', 'user', 'users'],
  ['tags', 'tag', 'tags'],
  ['rejection_reasons', 'rejection reason', 'rejection reasons'],
]);

/**
 * "6 positions · 350 applications · 300 candidates · 2 removed" (zero counts left out).
 * @param {Record<string, number> | null | undefined} counts
 * @param {{short?: boolean}} [opts] short: only positions, applications and candidates
 */
export function countsSummary(counts, opts = {}) {
  if (!counts) return '';
  const parts = [];
  const labels = opts.short ? COUNT_LABELS.slice(0, 3) : COUNT_LABELS;
  for (const [key, one, many] of labels) {
    const n = counts[key] || 0;
    if (n > 0) parts.push(`${n.toLocaleString('en-US')} ${n === 1 ? one : many}`);
  }
  const removed = Object.entries(counts)
    .filter(([k]) => k.endsWith('_deleted'))
    .reduce((sum, [, n]) => sum + (n || 0), 0);
  if (removed > 0) parts.push(`${removed.toLocaleString('en-US')} removed`);
  return parts.join(' · ');
}

/**
 * "45 s", "3 min 5 s", "1 h 2 min".
 * @param {number} ms
 */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 1) return '< 1 s';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/**
 * How long a run took (or has been running).
 * @param {{started_at: string, finished_at: string | null}} run
 * @param {number} [now]
 */
export function runDuration(run, now = Date.now()) {
  const start = Date.parse(run.started_at);
  const end = run.finished_at ? Date.parse(run.finished_at) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return '—';
  return formatDuration(end - start);
}

/**
 * "in 5 min", "in 2 h", "in 3 days", "now".
 * @param {string | null | undefined} iso
 * @param {number} [now]
 */
export function timeUntil(iso, now = Date.now()) {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.round((t - now) / 1000);
  if (s < 60) return 'in a moment';
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86400) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m && h < 6 ? `in ${h} h ${m} min` : `in ${h} h`;
  }
  const d = Math.round(s / 86400);
  return d === 1 ? 'tomorrow' : `in ${d} days`;
}

/** "every 3 h", "every 45 min", "every day". @param {number} minutes */
export function intervalLabel(minutes) {
  if (!minutes) return '';
  if (minutes % 1440 === 0) return minutes === 1440 ? 'every day' : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} h`;
  if (minutes > 60) return `every ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return `every ${minutes} min`;
}

/** Mode and trigger of a run in words. */
export const MODE_LABELS = /** @type {Record<string, string>} */ ({
  full: 'Full',
  incremental: 'Incremental',
  targeted: 'Targeted',
});
export const TRIGGER_LABELS = /** @type {Record<string, string>} */ ({
  schedule: 'Schedule',
  manual: 'Manual',
  cli: 'Command line',
  webhook: 'Webhook',
  create: 'First sync',
});

/** @param {string} status badge class for a sync run / position / application status */
export function statusTone(status) {
  switch ((status || '').toLowerCase()) {
    case 'succeeded':
    case 'open':
    case 'active':
    case 'hired':
      return 'success';
    case 'failed':
    case 'rejected':
      return 'danger';
    case 'running':
      return 'info';
    case 'paused':
    case 'draft':
      return 'warn';
    default:
      return 'muted';
  }
}

/** @param {string} s "rejection_reasons" → "Rejection reasons" */
export function humanize(s) {
  const t = (s || '').replace(/_/g, ' ').trim();
  return t ? t[0].toUpperCase() + t.slice(1) : '';
}

// --- provider marks: our own lettered logos -------------------------------

const MARK_COLORS = ['#0f766e', '#7c3aed', '#b45309', '#be185d', '#1d4ed8', '#15803d', '#9333ea', '#c2410c'];
const KNOWN_MARKS = /** @type {Record<string, {letters: string, color: string}>} */ ({
  greenhouse: { letters: 'Gh', color: '#15803d' },
  kombo: { letters: 'Ko', color: '#4338ca' },
  sandbox: { letters: 'Sb', color: '#b45309' },
  lever: { letters: 'Lv', color: '#1f2937' },
  ashby: { letters: 'As', color: '#6d28d9' },
  workable: { letters: 'Wk', color: '#0e7490' },
  smartrecruiters: { letters: 'SR', color: '#1d4ed8' },
  teamtailor: { letters: 'Tt', color: '#be185d' },
  recruitee: { letters: 'Rc', color: '#0f766e' },
  bamboohr: { letters: 'Bh', color: '#4d7c0f' },
  personio: { letters: 'Pe', color: '#374151' },
  merge: { letters: 'Me', color: '#c2410c' },
});

/**
 * Initials and a stable color for a provider's logo mark.
 * @param {string} name provider key
 * @param {string} [title]
 */
export function providerMark(name, title = '') {
  const known = KNOWN_MARKS[name];
  if (known) return known;
  const words = (title || name || '?').replace(/\(.*?\)/g, '').trim().split(/\s+/).filter(Boolean);
  const letters =
    words.length > 1 ? words[0][0].toUpperCase() + words[1][0].toUpperCase() : (words[0] || '?').slice(0, 2);
  let h = 0;
  for (const ch of name || title) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return { letters: letters[0].toUpperCase() + letters.slice(1).toLowerCase(), color: MARK_COLORS[h % MARK_COLORS.length] };
}

/**
 * A screening question as the API stores it, normalized (the keys come from the Go struct,
 * so they may be capitalized: "Label", "Type", "Options", "Required").
 * @param {Record<string, any>} q
 * @returns {{id: string, label: string, type: string, options: string[], required: boolean}}
 */
export function normalizeQuestion(q) {
  /** @param {string} k */
  const get = (k) => (q[k] !== undefined ? q[k] : q[k[0].toUpperCase() + k.slice(1)]);
  const opts = Array.isArray(get('options')) ? get('options') : [];
  return {
    id: String(get('id') ?? ''),
    label: String(get('label') ?? ''),
    type: String(get('type') ?? 'unknown'),
    options: opts
      .map((/** @type {any} */ o) => (typeof o === 'string' ? o : String(o?.label ?? o?.Label ?? o?.name ?? '')))
      .filter(Boolean),
    required: !!get('required'),
  };
}

export const QUESTION_TYPES = /** @type {Record<string, string>} */ ({
  text: 'Short text',
  long_text: 'Long text',
  single_choice: 'Single choice',
  multi_choice: 'Multiple choice',
  yes_no: 'Yes / no',
  number: 'Number',
  date: 'Date',
  file: 'File upload',
  unknown: 'Other',
});

/** @param {{first_name: string, last_name: string, email: string}} a */
export function candidateName(a) {
  return `${a.first_name || ''} ${a.last_name || ''}`.trim() || a.email || 'Unnamed candidate';
}

/**
 * Link to the applications page with filters (the same names as the API's query parameters).
 * @param {number|string} wid
 * @param {{connection_id?: number|string, job?: string, stage?: string, tag?: string, status?: string, q?: string}} filters
 */
export function applicationsHref(wid, filters = {}) {
  const sp = new URLSearchParams();
  for (const k of ['connection_id', 'job', 'stage', 'tag', 'status', 'q']) {
    const v = /** @type {Record<string, unknown>} */ (filters)[k];
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return `/w/${wid}/applications${s ? '?' + s : ''}`;
}
