import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import ResultsPage from './ResultsPage.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const ws = { id: 3, name: 'Acme', role: /** @type {const} */ ('recruiter') };

/** @param {number} id @param {Record<string, any>} over */
const row = (id, over = {}) => ({
  id,
  invitation_id: id,
  interview_id: 9,
  status: 'scored',
  attempts: 0,
  last_error: '',
  overall: 50,
  scorer: 'builtin',
  model: '',
  prompt_version: '2026-11-28.1',
  rubric_version: 'r1',
  details: [],
  flags: [],
  has_report: true,
  decision: '',
  decided_by: null,
  decided_at: null,
  created_at: '2026-03-01T10:00:00Z',
  scored_at: '2026-03-01T10:01:00Z',
  first_name: 'Cand',
  last_name: `${id}`,
  email: `c${id}@mail.test`,
  submitted_at: `2026-03-0${id}T10:00:00Z`,
  started_at: `2026-03-0${id}T09:40:00Z`,
  overall_override: null,
  ...over,
});

const results = [
  row(1, { first_name: 'Zoe', last_name: 'Adams', overall: 64 }),
  row(2, { first_name: 'Ben', last_name: 'Ito', overall: 82, overall_override: 75, decision: 'accepted' }),
  row(3, { first_name: 'Ann', last_name: 'Lee', overall: 91, flags: [{ kind: 'knockout', question_id: 4, message: 'No work permit' }] }),
  row(4, { first_name: 'Cy', last_name: 'Ng', status: 'scoring', overall: null, scorer: '', attempts: 1, last_error: 'timeout' }),
  row(5, { first_name: 'Di', last_name: 'Oz', overall: 35, decision: 'rejected' }),
];
const distribution = [0, 0, 0, 1, 0, 0, 1, 1, 0, 1];

function routes(extra = {}) {
  return {
    'GET /api/workspaces/3/interviews/9/results': { body: { results, distribution } },
    'GET /api/workspaces/3/interviews/9': { body: { interview: { id: 9, name: 'Backend engineer', questions: [] } } },
    ...extra,
  };
}

/** Candidate names in table order. */
const names = () => screen.getAllByTestId('result-link').map((a) => a.textContent?.trim());

describe('ResultsPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists results best first with overrides, scoring state and links; sorts by each column', async () => {
    mockFetch(routes());
    render(ResultsPage, { workspace: ws, iid: '9' });
    await screen.findByTestId('results-table');
    expect(await screen.findByText('Results: Backend engineer')).toBeTruthy();

    // default: best first, by the score a person sees (Ben's override 75 beats Zoe's 64), unscored last
    expect(names()).toEqual(['Ann Lee', 'Ben Ito', 'Zoe Adams', 'Di Oz', 'Cy Ng']);
    const rows = screen.getAllByTestId('result-row');
    expect(within(rows[1]).getByTestId('result-score').textContent).toBe('75');
    expect(within(rows[1]).getByTestId('result-override').textContent?.trim()).toBe('82 → 75 by a person');
    expect(within(rows[4]).getByTestId('result-scoring').textContent).toContain('Scoring…');
    expect(within(rows[4]).queryByTestId('result-score')).toBeNull();
    expect(within(rows[0]).getByTestId('result-flags').textContent).toContain('1');
    expect(within(rows[1]).getByTestId('result-decision').textContent).toBe('Accepted');
    expect(within(rows[0]).getByTestId('result-decision').textContent).toBe('Undecided');
    expect(/** @type {HTMLAnchorElement} */ (within(rows[0]).getByTestId('result-link')).getAttribute('href')).toBe('/w/3/results/3');

    // score again: worst first, still unscored last
    await fireEvent.click(screen.getByTestId('sort-score'));
    expect(names()).toEqual(['Di Oz', 'Zoe Adams', 'Ben Ito', 'Ann Lee', 'Cy Ng']);
    expect(screen.getByTestId('sort-score').closest('th')?.getAttribute('aria-sort')).toBe('ascending');

    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(names()).toEqual(['Ann Lee', 'Ben Ito', 'Cy Ng', 'Di Oz', 'Zoe Adams']);
    await fireEvent.click(screen.getByTestId('sort-name'));
    expect(names()).toEqual(['Zoe Adams', 'Di Oz', 'Cy Ng', 'Ben Ito', 'Ann Lee']);

    await fireEvent.click(screen.getByTestId('sort-submitted'));
    expect(names()).toEqual(['Di Oz', 'Cy Ng', 'Ann Lee', 'Ben Ito', 'Zoe Adams']);
  });

  it('filters by decision, flags and score range, and by a distribution bar', async () => {
    mockFetch(routes());
    render(ResultsPage, { workspace: ws, iid: 9 });
    await screen.findByTestId('results-table');

    expect(screen.getByTestId('distribution-summary').textContent).toBe(
      '4 scored results, ranging from 30 to 100.',
    );
    expect(screen.getAllByTestId('distribution-bar').map((b) => b.dataset.count)).toEqual(distribution.map(String));
    expect(screen.getByTestId('results-total').textContent).toBe('5 results · 3 undecided · 1 being scored');

    await fireEvent.change(screen.getByTestId('filter-decision'), { target: { value: 'undecided' } });
    expect(names()).toEqual(['Ann Lee', 'Zoe Adams', 'Cy Ng']);
    expect(screen.getByTestId('results-total').textContent).toContain('3 of 5 results');

    await fireEvent.click(screen.getByTestId('filter-flagged'));
    expect(names()).toEqual(['Ann Lee']);

    await fireEvent.click(screen.getByTestId('filters-clear'));
    expect(names()).toHaveLength(5);

    await fireEvent.input(screen.getByTestId('filter-min'), { target: { value: '60' } });
    await fireEvent.input(screen.getByTestId('filter-max'), { target: { value: '80' } });
    expect(names()).toEqual(['Ben Ito', 'Zoe Adams']);

    await fireEvent.change(screen.getByTestId('filter-decision'), { target: { value: 'rejected' } });
    expect(screen.getByTestId('results-no-match')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('filters-clear'));

    // a bar selects its range; pressing it again clears it
    const bar = screen.getAllByTestId('distribution-bar')[9];
    await fireEvent.click(bar);
    expect(bar.getAttribute('aria-pressed')).toBe('true');
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('filter-min')).value).toBe('90');
    expect(names()).toEqual(['Ann Lee']);
    await fireEvent.click(bar);
    expect(names()).toHaveLength(5);
  });

  it('shows the empty, missing and error states', async () => {
    mockFetch({ 'GET /api/workspaces/3/interviews/9/results': { body: { results: [], distribution: Array(10).fill(0) } } });
    const first = render(ResultsPage, { workspace: ws, iid: 9 });
    expect(await screen.findByTestId('results-empty')).toBeTruthy();
    first.unmount();

    mockFetch({});
    const second = render(ResultsPage, { workspace: ws, iid: 9 });
    expect(await screen.findByTestId('results-missing')).toBeTruthy();
    second.unmount();

    const { calls } = mockFetch({
      'GET /api/workspaces/3/interviews/9/results': [
        { status: 500, body: { error: { code: 'internal', message: 'Database is locked.' } } },
        { body: { results, distribution } },
      ],
    });
    render(ResultsPage, { workspace: ws, iid: 9 });
    expect((await screen.findByTestId('results-error')).textContent).toContain('Database is locked.');
    await fireEvent.click(screen.getByText('Try again'));
    await screen.findByTestId('results-table');
    await waitFor(() => expect(calls.filter((c) => c.url.endsWith('/results'))).toHaveLength(2));
  });
});
