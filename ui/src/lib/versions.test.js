import { describe, it, expect } from 'vitest';
import { answeredLabel, questionsChanged, savedMessage, versionChoice, wordingOnly } from './versions.js';

/** @param {Record<string, any>} over @returns {import('./api.js').Question} */
const q = (over = {}) => ({
  type: 'single_choice',
  prompt: 'Preferred team?',
  help: '',
  options: ['Core', 'Platform'],
  required: true,
  rubric: [],
  knockout: null,
  time_limit_seconds: 0,
  retakes: 0,
  max_media_seconds: 180,
  source_ext_id: '',
  ...over,
});

/** @param {Record<string, any>} over */
const version = (over = {}) => ({
  version: 2,
  created_at: '2026-03-01T10:00:00Z',
  created_by: null,
  created_by_email: '',
  summary: 'Published',
  invitations: 4,
  answered: 0,
  submitted: 0,
  ...over,
});

const saved = [q({ id: 1 }), q({ id: 2, type: 'text', prompt: 'Tell us about a project.', options: [] })];

describe('versions', () => {
  it('compares questions without their ids and position numbers', () => {
    const resent = saved.map((x, i) => ({ ...x, id: undefined, position: 10 + i }));
    expect(questionsChanged(saved, resent)).toBe(false);
    expect(questionsChanged(saved, [saved[1], saved[0]])).toBe(true);
    expect(wordingOnly(saved, [q({ id: 1, prompt: 'Preferred team? (pick one)', help: 'Either is fine.' }), saved[1]])).toBe(true);
    expect(wordingOnly(saved, [q({ id: 1, options: ['Core', 'Platform', 'Data'] }), saved[1]])).toBe(false);
    expect(wordingOnly(saved, saved.slice(1))).toBe(false);
  });

  it('asks nothing for a draft, a closed interview or unchanged questions', () => {
    const edited = [q({ id: 1, prompt: 'Team?' }), saved[1]];
    expect(versionChoice({ status: 'draft', version: 1 }, [], saved, edited)).toBeNull();
    expect(versionChoice({ status: 'closed', version: 1 }, [], saved, edited)).toBeNull();
    expect(versionChoice({ status: 'active', version: 2 }, [version()], saved, structuredClone(saved))).toBeNull();
  });

  it('offers a wording fix only while nobody answered the current version', () => {
    const typo = [q({ id: 1, prompt: 'Preferred team' }), saved[1]];
    const open = versionChoice({ status: 'active', version: 2 }, [version(), version({ version: 1, answered: 3 })], saved, typo);
    expect(open).toMatchObject({ version: 2, next: 3, answered: 0, invited: 4, wording: true, canFix: true });
    expect(open?.fixNote).toContain('Nobody has started version 2');

    const started = versionChoice({ status: 'paused', version: 2 }, [version({ answered: 1 })], saved, typo);
    expect(started).toMatchObject({ version: 2, next: 3, answered: 1, canFix: false });
    expect(started?.fixNote).toBe('1 candidate has already started version 2: its questions stay as they were asked.');
  });

  it('offers no wording fix for a change that is more than wording', () => {
    const removed = versionChoice({ status: 'active', version: 1 }, [version({ version: 1 })], saved, saved.slice(0, 1));
    expect(removed).toMatchObject({ version: 1, next: 2, answered: 0, wording: false, canFix: false });
    expect(removed?.fixNote).toContain('Only question texts and help texts');
  });

  it('words the counts and the outcome of a save', () => {
    expect(answeredLabel(1)).toBe('1 candidate answered');
    expect(answeredLabel(0)).toBe('0 candidates answered');
    expect(savedMessage('version', 3)).toBe('Saved as version 3: invitations sent from now on get it.');
    expect(savedMessage('fix', 2)).toBe('Wording fixed in version 2.');
    expect(savedMessage('none', 2)).toBe('Interview saved.');
    expect(savedMessage(undefined, undefined)).toBe('Interview saved.');
  });
});
