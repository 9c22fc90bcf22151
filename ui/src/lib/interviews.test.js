import { describe, it, expect } from 'vitest';
import {
  newQuestion,
  scoredAnswers,
  scoringSummary,
  splitFieldErrors,
  toDraftQuestion,
  toInterviewDraft,
  toInterviewPayload,
  toQuestionPayload,
  validateInterviewDraft,
  validateQuestion,
} from './interviews.js';

describe('interviews helpers', () => {
  it('splits question field errors by index', () => {
    expect(splitFieldErrors({ name: 'is required', 'questions.2.options': 'needs two', 'questions.10.prompt': 'is required' })).toEqual({
      top: { name: 'is required' },
      questions: { 2: { options: 'needs two' }, 10: { prompt: 'is required' } },
    });
  });

  it('sends knockout rules only for closed questions, with the right shape', () => {
    const yn = toDraftQuestion({ type: 'yes_no', prompt: 'Permit?', required: true, knockout: { values: ['no'], reason: 'Needs a permit' } });
    expect(toQuestionPayload(yn).knockout).toEqual({ values: ['no'], reason: 'Needs a permit' });

    const n = newQuestion('number');
    n.prompt = 'Years?';
    n.knockoutOn = true;
    n.knockout.min = '2';
    n.knockout.reason = 'Too junior';
    expect(toQuestionPayload(n).knockout).toEqual({ min: 2, reason: 'Too junior' });

    const t = toDraftQuestion({ type: 'text', prompt: 'Permit?', knockout: { values: ['no'], reason: 'x' } });
    t.knockoutOn = true;
    expect(toQuestionPayload(t).knockout).toBeNull();
  });

  it('keeps rubric criteria for open answers and checks them', () => {
    const q = newQuestion('text');
    q.prompt = 'Tell us';
    q.rubric = [{ name: 'Ownership', weight: '2', strong: 'Results' }, { name: '', weight: 1, strong: '' }];
    expect(toQuestionPayload(q).rubric).toEqual([{ name: 'Ownership', weight: 2, strong: 'Results' }]);
    expect(validateQuestion(q)).toEqual({});
    q.rubric = [{ name: '', weight: 1, strong: 'Something' }];
    expect(validateQuestion(q).rubric).toBeTruthy();
    const a = newQuestion('audio');
    a.prompt = 'Say hi';
    a.retakes = 2;
    expect(toQuestionPayload(a)).toMatchObject({ type: 'audio', retakes: 2, max_media_seconds: 180, knockout: null });
  });
});

describe('interview draft', () => {
  it('round-trips an interview through the draft and back to a PUT body', () => {
    const d = toInterviewDraft({ name: ' Backend ', connection_id: 7, job_ext_id: 'J1', tag_score_name: 'Strong', tag_score_threshold: 75, reminder_hours: 0 });
    expect(d.connection_id).toBe('7');
    expect(d.reminder_hours).toBe(0);
    expect(d.deadline_days).toBe(7);
    const body = toInterviewPayload({ ...d, deadline_days: '10', watch_interval_seconds: '' }, []);
    expect(body).toMatchObject({ name: 'Backend', connection_id: 7, deadline_days: 10, watch_interval_seconds: 0, tag_score_threshold: 75, questions: [] });
    expect(toInterviewPayload({ ...d, tag_score_name: '' }, []).tag_score_threshold).toBe(0);
    expect(toInterviewDraft({ tag_score_threshold: 50 }).tag_score_threshold).toBe('');
  });

  it('checks the settings like the server does', () => {
    expect(validateInterviewDraft(toInterviewDraft({ name: 'x' }))).toEqual({});
    const e = validateInterviewDraft({ ...toInterviewDraft(), deadline_days: '2', reminder_hours: '48', stage_ext_id: 'S1' });
    expect(e).toEqual({
      name: 'Enter a name.',
      reminder_hours: 'Enter fewer hours than the deadline (48 h), or 0 for no reminder.',
      connection_id: 'Choose the ATS connection.',
      job_ext_id: 'Choose the position.',
    });
    expect(validateInterviewDraft({ ...toInterviewDraft({ name: 'x' }), deadline_days: '91' }).deadline_days).toBe('Enter 1 to 90 days.');
  });
});

describe('closed question scoring', () => {
  it('sends option points for the current answers only, and nothing when none are set', () => {
    const q = toDraftQuestion({ type: 'single_choice', options: ['Go', 'Rust', 'PHP'] });
    expect(toQuestionPayload(q).scoring).toBeNull();
    expect(scoringSummary(q)).toMatch(/^Not scored/);
    q.scoring.points = { Go: '5', Rust: '3', PHP: '', Gone: '4' };
    expect(toQuestionPayload(q).scoring).toEqual({ points: { Go: 5, Rust: 3 } });
    expect(scoringSummary(q)).toMatch(/chosen answer gets its points/);
  });

  it('scores yes/no by the answer values, and keeps an unconfirmed suggestion', () => {
    const q = toDraftQuestion({ type: 'yes_no', scoring: { points: { yes: 5, no: 0 }, suggested: true } });
    expect(scoredAnswers(q).map((a) => a.value)).toEqual(['yes', 'no']);
    expect(toQuestionPayload(q).scoring).toEqual({ points: { yes: 5, no: 0 }, suggested: true });
    q.scoring.suggested = false;
    expect(toQuestionPayload(q).scoring).toEqual({ points: { yes: 5, no: 0 } });
  });

  it('sends number ranges with open bounds, and checks them', () => {
    const q = toDraftQuestion({ type: 'number', scoring: { ranges: [{ min: 5, max: null, points: 5 }] } });
    expect(q.scoring.ranges).toEqual([{ min: '5', max: '', points: '5' }]);
    q.scoring.ranges.push({ min: '2', max: '4', points: '3' });
    expect(toQuestionPayload(q).scoring).toEqual({ ranges: [{ min: 5, max: null, points: 5 }, { min: 2, max: 4, points: 3 }] });
    expect(validateQuestion({ ...q, prompt: 'Years?' }).scoring).toBeUndefined();
    q.scoring.ranges.push({ min: '', max: '', points: '1' });
    expect(validateQuestion({ ...q, prompt: 'Years?' }).scoring).toMatch(/minimum, a maximum or both/);
    q.scoring.ranges[2] = { min: '9', max: '1', points: '1' };
    expect(validateQuestion({ ...q, prompt: 'Years?' }).scoring).toMatch(/above its maximum/);
    expect(scoringSummary(q)).toMatch(/bounds included/);
  });

  it('never scores open questions by rule', () => {
    const q = toDraftQuestion({ type: 'text', scoring: { points: { a: 5 } } });
    expect(toQuestionPayload(q).scoring).toBeNull();
  });

  it('explains that several choices add up', () => {
    const q = toDraftQuestion({ type: 'multi_choice', options: ['A', 'B'], scoring: { points: { A: 3, B: 3 } } });
    expect(scoringSummary(q)).toMatch(/add up, to at most 5/);
  });
});
