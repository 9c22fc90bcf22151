import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import ResultsPage from './ResultsPage.svelte';
import { mockFetch } from '../test/fetch-mock.js';

// Once an interview's questions have more than one version, results name the version they were
// answered under and can be compared within one version (the server filters: ?version=N).

const ws = { id: 3, name: 'Acme', role: /** @type {const} */ ('recruiter') };

/** @param {number} id @param {number} version @param {number} overall @param {string} first */
const row = (id, version, overall, first) => ({
  id,
  invitation_id: id,
  interview_id: 9,
  status: 'scored',
  attempts: 0,
  last_error: '',
  overall,
  scorer: 'builtin',
  model: '',
  prompt_version: 'p',
  rubric_version: 'r',
  details: [],
  flags: [],
  has_report: true,
  decision: '',
  decided_by: null,
  decided_at: null,
  created_at: '2026-03-01T10:00:00Z',
  scored_at: '2026-03-01T10:01:00Z',
  first_name: first,
  last_name: 'Test',
  email: `${first.toLowerCase()}@mail.test`,
  submitted_at: '2026-03-02T10:00:00Z',
  started_at: '2026-03-02T09:40:00Z',
  overall_override: null,
  version,
});

const v1 = [row(1, 1, 70, 'Ann'), row(2, 1, 40, 'Ben')];
const v2 = [row(3, 2, 90, 'Cy')];
const versions = [
  { version: 2, created_at: '2026-03-05T10:00:00Z', created_by: 1, created_by_email: '', summary: '1 question added', invitations: 2, answered: 1, submitted: 1 },
  { version: 1, created_at: '2026-03-01T10:00:00Z', created_by: null, created_by_email: '', summary: 'Published', invitations: 5, answered: 2, submitted: 2 },
];
const dist = (/** @type {number[]} */ scores) => Array.from({ length: 10 }, (_, i) => scores.filter((s) => Math.min(Math.floor(s / 10), 9) === i).length);

const names = () => screen.getAllByTestId('result-link').map((a) => a.textContent?.trim());

describe('ResultsPage versions', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the version of each result and compares within one version', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/interviews/9/results': { body: { results: [...v2, ...v1], distribution: dist([90, 70, 40]) } },
      'GET /api/workspaces/3/interviews/9/results?version=1': { body: { results: v1, distribution: dist([70, 40]) } },
      'GET /api/workspaces/3/interviews/9/results?version=2': { body: { results: [], distribution: dist([]) } },
      'GET /api/workspaces/3/interviews/9': { body: { interview: { id: 9, name: 'Backend', questions: [] }, versions } },
    });
    render(ResultsPage, { workspace: ws, iid: 9 });
    await screen.findByTestId('results-table');
    const select = /** @type {HTMLSelectElement} */ (await screen.findByTestId('filter-version'));
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual(['All versions', 'Version 2 (current)', 'Version 1']);
    expect(screen.getAllByTestId('result-row').map((r) => within(r).getByTestId('result-version').textContent)).toEqual(['2', '1', '1']);

    await fireEvent.change(select, { target: { value: '1' } });
    await waitFor(() => expect(names()).toEqual(['Ann Test', 'Ben Test']));
    expect(calls.some((c) => c.url.endsWith('/results?version=1'))).toBe(true);
    expect(screen.getByTestId('results-total').textContent).toContain('2 results in version 1');

    // a version nobody answered yet keeps the filters, so it can be changed back
    await fireEvent.change(screen.getByTestId('filter-version'), { target: { value: '2' } });
    expect((await screen.findByTestId('results-no-match')).textContent).toContain('Nobody has submitted version 2 yet.');
    await fireEvent.click(screen.getByTestId('filters-clear'));
    await waitFor(() => expect(names()).toEqual(['Cy Test', 'Ann Test', 'Ben Test']));
  });

  it('leaves the version out while there is only one', async () => {
    mockFetch({
      'GET /api/workspaces/3/interviews/9/results': { body: { results: v1, distribution: dist([70, 40]) } },
      'GET /api/workspaces/3/interviews/9': { body: { interview: { id: 9, name: 'Backend', questions: [] }, versions: versions.slice(1) } },
    });
    render(ResultsPage, { workspace: ws, iid: 9 });
    await screen.findByTestId('results-table');
    await screen.findByText('Results: Backend');
    expect(screen.queryByTestId('filter-version')).toBeNull();
    expect(screen.queryByTestId('result-version')).toBeNull();
  });
});
