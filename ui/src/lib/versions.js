// Versions of a published interview's questions. Publishing freezes version 1; saving a change to a
// live interview's questions makes a new version that invitations sent from then on get, while
// candidates already invited keep theirs. A wording fix (question text and help only) can be applied
// to the current version instead, but only while nobody has started it. The server enforces all of
// this (409 version_answered / not_wording_only); these helpers decide what the editor asks first.

/** @typedef {import('./api.js').Question} Question */
/** @typedef {import('./api.js').InterviewVersion} InterviewVersion */

/**
 * A question payload as saves compare it: without its row id and position number (the list order
 * is the order), and, for a wording comparison, without its text.
 * @param {Question} q @param {boolean} wording
 */
function canonical(q, wording) {
  const { id: _id, position: _position, prompt, help, ...rest } = q;
  return JSON.stringify(wording ? { ...rest, prompt, help } : rest);
}

/** @param {Question[]} a @param {Question[]} b @param {boolean} wording */
function equalBy(a, b, wording) {
  return a.length === b.length && a.every((q, i) => canonical(q, wording) === canonical(b[i], wording));
}

/** Whether two lists of question payloads ask different questions. @param {Question[] | undefined} before @param {Question[] | undefined} after */
export const questionsChanged = (before, after) => !equalBy(before || [], after || [], true);

/** Whether `after` differs from `before` in question texts and help texts only. @param {Question[] | undefined} before @param {Question[] | undefined} after */
export const wordingOnly = (before, after) => equalBy(before || [], after || [], false);

/**
 * @typedef {{
 *   version: number, next: number, answered: number, invited: number, wording: boolean, canFix: boolean, fixNote: string,
 * }} VersionChoice
 */

/**
 * What saving a published interview offers before it saves: null when nothing needs asking (a
 * draft, or the questions did not change), else the current and next version, how many candidates
 * answered the current one, and whether (and why not) a wording fix is possible.
 * @param {{status: string, version?: number}} iv
 * @param {InterviewVersion[] | null | undefined} versions
 * @param {Question[] | undefined} before the questions as saved
 * @param {Question[] | undefined} after the questions as edited
 * @returns {VersionChoice | null}
 */
export function versionChoice(iv, versions, before, after) {
  if (iv.status !== 'active' && iv.status !== 'paused') return null;
  if (!questionsChanged(before, after)) return null;
  const version = iv.version || 1;
  const cur = (versions || []).find((v) => v.version === version);
  const answered = cur?.answered ?? 0;
  const wording = wordingOnly(before, after);
  let fixNote = `Nobody has started version ${version} yet, so it can take the corrected wording: candidates already invited see it too.`;
  if (answered > 0) {
    fixNote = `${answered} ${answered === 1 ? 'candidate has' : 'candidates have'} already started version ${version}: its questions stay as they were asked.`;
  } else if (!wording) {
    fixNote = 'Only question texts and help texts can be fixed in place. This change also adds, removes, reorders or changes questions (type, choices, rubric, knockout or limits).';
  }
  return { version, next: version + 1, answered, invited: cur?.invitations ?? 0, wording, canFix: answered === 0 && wording, fixNote };
}

/** "1 candidate answered", "3 candidates answered". @param {number} n */
export const answeredLabel = (n) => `${n} ${n === 1 ? 'candidate' : 'candidates'} answered`;

/**
 * The toast after a save, by what it did to the questions.
 * @param {string | undefined} change 'none' | 'in_place' | 'fix' | 'version'
 * @param {number | undefined} version the current version after the save
 */
export function savedMessage(change, version) {
  if (change === 'version') return `Saved as version ${version}: invitations sent from now on get it.`;
  if (change === 'fix') return `Wording fixed in version ${version}.`;
  return 'Interview saved.';
}
