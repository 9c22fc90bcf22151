import { describe, it, expect } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import ResultQuestion from './ResultQuestion.svelte';

const question = { id: 7, type: 'text', prompt: 'In one minute: why this role?', required: true, time_limit_seconds: 60 };
/** @param {Record<string, any>} answer */
const show = (answer) =>
  render(ResultQuestion, {
    index: 0,
    question,
    answer: { question_id: 7, value: 'Because of the team.', ...answer },
    detail: undefined,
    overrides: [],
    canOverride: false,
    onoverride: async () => {},
  });

describe('ResultQuestion', () => {
  it('tells the reviewer an answer was saved after its time limit, and keeps it', () => {
    show({ late_seconds: 95 });
    expect(screen.getByTestId('answer-text').textContent).toBe('Because of the team.');
    const note = screen.getByTestId('answer-late').textContent?.replace(/\s+/g, ' ');
    expect(note).toContain('Last saved 1 min 35 s after the 1-minute time limit');
  });

  it('says nothing about time for an answer on time', () => {
    show({});
    expect(screen.queryByTestId('answer-late')).toBeNull();
  });
});
