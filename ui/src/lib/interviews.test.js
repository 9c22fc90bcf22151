import { describe, it, expect } from 'vitest';
import { newQuestion, splitFieldErrors, toDraftQuestion, toQuestionPayload, validateQuestion } from './interviews.js';

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
