import { describe, it, expect } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import ResultSignals from './ResultSignals.svelte';
import ResultQuestion from './ResultQuestion.svelte';

const signals = {
  question_id: 7,
  paste_count: 1,
  paste_chars: 412,
  away_count: 2,
  away_ms: 65_000,
  typed_chars: 120,
  typing_ms: 60_000,
  burst_chars: 0,
  burst_ms: 0,
};

describe('ResultSignals', () => {
  it('shows each signal as a neutral flag with its figures, and says what they are', () => {
    render(ResultSignals, { signals });
    const flags = screen.getAllByTestId('answer-signal');
    expect(flags.map((f) => f.dataset.kind)).toEqual(['paste', 'away']);
    expect(flags.map((f) => f.textContent)).toEqual(['Pasted 1 time (412 characters)', 'Away from the page 2 times, 1 min 5 s in total']);
    expect(screen.getByTestId('answer-typing').textContent).toBe('Typed 120 characters in 1 min 0 s of active typing (about 120 a minute)');
    const box = screen.getByTestId('answer-signals').textContent ?? '';
    expect(box).toContain('not evidence of cheating');
    expect(box).toContain('never part of the score');
  });

  it('shows nothing when the page noticed nothing', () => {
    render(ResultSignals, { signals: { ...signals, paste_count: 0, paste_chars: 0, away_count: 0, away_ms: 0 } });
    expect(screen.queryByTestId('answer-signals')).toBeNull();
  });

  it('sits under the answer of its question, apart from the score flags', () => {
    render(ResultQuestion, {
      index: 0,
      question: { id: 7, type: 'text', prompt: 'Why this role?', required: true },
      answer: { question_id: 7, value: 'Because of the team.' },
      detail: undefined,
      overrides: [],
      canOverride: false,
      onoverride: async () => {},
      signals: { ...signals, burst_chars: 412, burst_ms: 800 },
    });
    const answer = screen.getByTestId('question-answer');
    expect(answer.querySelector('[data-testid="answer-signals"]')).toBeTruthy();
    expect(screen.getAllByTestId('answer-signal').at(-1)?.textContent).toBe('412 characters appeared in 0.8 s without typing');
    expect(screen.queryByTestId('question-flag')).toBeNull();
  });
});
