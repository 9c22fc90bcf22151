import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import SharedResult from './SharedResult.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const view = {
  company: { company_name: 'Acme' },
  interview: { name: 'Backend Engineer' },
  candidate: { first_name: 'Zoë', last_name: 'Łukasz' },
  submitted_at: '2026-11-20T10:00:00Z',
  status: 'scored',
  overall: 82,
  scorer: 'builtin',
  model: 'builtin-coverage-v1',
  prompt_version: '2026-11-28.1',
  details: [{ question_id: 1, kind: 'open', score: 4, criteria: [{ name: 'Ownership', met: true, evidence: 'I owned the rollout.' }], rationale: 'ok' }],
  flags: [{ kind: 'knockout', message: 'No work permit' }],
  overrides: [],
  decision: '',
  questions: [{ id: 1, position: 1, type: 'text', prompt: 'Tell us about a project.', options: [] }],
  answers: [{ question_id: 1, value: 'I owned the rollout.', recorded: false }],
  expires_at: '2026-12-01T10:00:00Z',
};

describe('SharedResult', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the result read-only with the scorer label, evidence and flags', async () => {
    const { calls } = mockFetch({ 'GET /api/shared/results/tok123': { body: view } });
    render(SharedResult, { token: 'tok123' });
    expect((await screen.findByTestId('shared-candidate')).textContent).toContain('Zoë Łukasz');
    expect((screen.getByTestId('shared-overall')).textContent).toContain('82');
    expect((screen.getByTestId('shared-scorer')).textContent).toContain("open answers by a person's checklist (no AI)");
    expect(screen.getByText('I owned the rollout.', { selector: 'q' })).toBeTruthy();
    expect(screen.getByText('No work permit')).toBeTruthy();
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says when the link has expired', async () => {
    mockFetch({ 'GET /api/shared/results/old': { status: 410, body: { error: { code: 'link_expired', message: 'This share link has expired.' } } } });
    render(SharedResult, { token: 'old' });
    expect((await screen.findByTestId('shared-expired')).textContent).toContain('expired');
  });
});
