import { describe, it, expect } from 'vitest';
import {
  sortResults,
  filterResults,
  distributionSummary,
  scorerLabel,
  choiceValues,
  effectiveScore,
  formatTimeTaken,
  overridesFor,
  hasActiveFilters,
} from './results.js';

/** @param {number} id @param {Record<string, any>} over @returns {any} */
const row = (id, over = {}) => ({
  id,
  status: 'scored',
  overall: 50,
  overall_override: null,
  decision: '',
  flags: [],
  first_name: `F${id}`,
  last_name: 'L',
  email: `c${id}@x.test`,
  submitted_at: `2026-03-0${id}T10:00:00Z`,
  ...over,
});

describe('results helpers', () => {
  it('sorts by the effective score, unscored last in both directions', () => {
    const rows = [
      row(1, { overall: 40 }),
      row(2, { overall: 90, overall_override: 30 }),
      row(3, { status: 'scoring', overall: null }),
      row(4, { overall: 70 }),
    ];
    expect(sortResults(rows, { key: 'score', dir: 'desc' }).map((r) => r.id)).toEqual([4, 1, 2, 3]);
    expect(sortResults(rows, { key: 'score', dir: 'asc' }).map((r) => r.id)).toEqual([2, 1, 4, 3]);
    expect(effectiveScore(rows[1])).toBe(30);
  });

  it('sorts by name and submission time', () => {
    const rows = [row(1, { first_name: 'zoe' }), row(2, { first_name: 'Adam' }), row(3, { submitted_at: null, first_name: 'Mia' })];
    expect(sortResults(rows, { key: 'name', dir: 'asc' }).map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortResults(rows, { key: 'submitted', dir: 'desc' }).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(sortResults(rows, { key: 'submitted', dir: 'asc' }).map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('filters by decision, flags and score range (unscored never match a range)', () => {
    const rows = [
      row(1, { overall: 85, decision: 'accepted' }),
      row(2, { overall: 60, flags: [{ kind: 'knockout', message: 'x' }] }),
      row(3, { status: 'scoring', overall: null }),
      row(4, { overall: 20, overall_override: 75, decision: 'rejected' }),
    ];
    const none = { decision: /** @type {const} */ (''), flagged: false, min: '', max: '' };
    expect(hasActiveFilters(none)).toBe(false);
    expect(filterResults(rows, none).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(filterResults(rows, { ...none, decision: 'undecided' }).map((r) => r.id)).toEqual([2, 3]);
    expect(filterResults(rows, { ...none, decision: 'rejected' }).map((r) => r.id)).toEqual([4]);
    expect(filterResults(rows, { ...none, flagged: true }).map((r) => r.id)).toEqual([2]);
    expect(filterResults(rows, { ...none, min: '70' }).map((r) => r.id)).toEqual([1, 4]);
    expect(filterResults(rows, { ...none, min: 50, max: 79 }).map((r) => r.id)).toEqual([2, 4]);
    expect(hasActiveFilters({ ...none, max: null })).toBe(false);
  });

  it('summarizes a distribution in words', () => {
    expect(distributionSummary([0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe('No scored results yet.');
    expect(distributionSummary([0, 0, 0, 1, 0, 0, 2, 4, 1, 0])).toBe('8 scored results, ranging from 30 to 89, most in 70–79 (4).');
    expect(distributionSummary([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toBe('1 scored result, all between 90 and 100.');
    expect(distributionSummary([0, 1, 1, 0, 0, 0, 0, 0, 0, 0])).toBe('2 scored results, ranging from 10 to 29.');
  });

  it('labels the scorer', () => {
    expect(scorerLabel({ scorer: 'builtin' })).toBe("Closed questions scored by the recruiter's rules, open answers by a person's checklist (no AI)");
    expect(scorerLabel({ scorer: 'llm', model: 'gpt-4o-mini', prompt_version: '2026-11-28.1' })).toBe(
      'AI-assisted score (model gpt-4o-mini, prompt version 2026-11-28.1)',
    );
    expect(scorerLabel({ scorer: '', status: 'scoring' })).toBe('Not scored yet');
  });

  it('reads answers, times and override history', () => {
    expect(choiceValues('["Go","SQL"]')).toEqual(['Go', 'SQL']);
    expect(choiceValues('Go')).toEqual(['Go']);
    expect(choiceValues('')).toEqual([]);
    expect(formatTimeTaken(725)).toBe('12 min 5 s');
    expect(formatTimeTaken(null)).toBe('—');
    const o = (/** @type {number} */ id, /** @type {number} */ q) => ({ id, question_id: q, original: 3, score: 4, reason: 'r', user_id: 1, user_email: '', created_at: '' });
    const h = overridesFor([o(1, 0), o(2, 5), o(3, 0)], 0);
    expect(h.list.map((x) => x.id)).toEqual([1, 3]);
    expect(h.latest?.id).toBe(3);
    expect(overridesFor(null, 0).latest).toBeNull();
  });
});
