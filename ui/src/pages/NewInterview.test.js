import { describe, it, expect } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import NewInterview from './NewInterview.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { position, resetAfterEach, stage, workspace } from '../test/fixtures.js';
import { navigate } from '../lib/location.svelte.js';

const ws = workspace('recruiter');
const positions = [
  position({ applications: 4, stages: [stage('S1', 'Applied', 0, 1), stage('S2', 'Phone screen', 1, 3)] }),
  position({ id: 22, ext_id: 'J2', title: 'Designer', department: '', location: '' }),
];

describe('NewInterview', () => {
  resetAfterEach();

  it('imports a searched position by posting only its position_id, then opens the ATS settings', async () => {
    navigate('/w/3/interviews/new?from=ats', { replace: true });
    const { calls } = mockFetch({
      'GET /api/workspaces/3/positions?limit=50': { body: { positions, total: 2 } },
      'GET /api/workspaces/3/positions?q=backend&limit=50': { body: { positions: [positions[0]], total: 1 } },
      'GET /api/workspaces/3/connections': { body: { connections: [{ id: 7, name: 'Sandbox' }] } },
      'POST /api/workspaces/3/interviews': { status: 201, body: { interview: { id: 55, name: 'Backend Engineer' } } },
    });
    render(NewInterview, { workspace: ws });

    expect(await screen.findAllByTestId('import-position')).toHaveLength(2);
    await fireEvent.input(screen.getByTestId('import-search'), { target: { value: 'backend' } });
    await waitFor(() => expect(screen.getAllByTestId('import-position')).toHaveLength(1), { timeout: 2000 });
    expect(calls.some((c) => c.url === '/api/workspaces/3/positions?q=backend&limit=50')).toBe(true);

    expect(screen.queryByTestId('import-chosen')).toBeNull();
    await fireEvent.click(screen.getByTestId('import-position'));
    const chosen = await screen.findByTestId('import-chosen');
    // the position's pipeline is shown before importing
    expect(Array.from(chosen.querySelectorAll('[data-testid="stage-chip"]')).map((c) => c.getAttribute('data-stage'))).toEqual(['S1', 'S2']);

    await fireEvent.click(screen.getByTestId('import-create'));
    await waitFor(() => expect(window.location.pathname).toBe('/w/3/interviews/55'));
    expect(window.location.search).toBe('?tab=ats');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({ position_id: 21 });
  });

  it('drafts questions from a job description, shows the generator note and creates with them', async () => {
    navigate('/w/3/interviews/new?from=jd', { replace: true });
    const generated = [
      { type: 'text', prompt: 'What draws you to the Backend Engineer position?', required: true, rubric: [{ name: 'Motivation', weight: 1, strong: 'Concrete' }] },
      { type: 'text', prompt: 'The role asks for: 5 years of Go. Describe a time…', required: true, rubric: [{ name: '5 years of Go', weight: 1, strong: 'Concrete' }] },
    ];
    const note = "Drafted by hireloop's built-in generator from the lines of the job description (no AI).";
    const { calls } = mockFetch({
      'POST /api/workspaces/3/interviews/generate-questions': { body: { questions: generated, generator: 'built-in', note } },
      'POST /api/workspaces/3/interviews': { status: 201, body: { interview: { id: 56, name: 'Backend Engineer' } } },
    });
    render(NewInterview, { workspace: ws });

    // the description is required before anything is sent
    await fireEvent.click(await screen.findByTestId('jd-generate'));
    expect((await screen.findByTestId('jd-text-error')).textContent).toMatch(/Paste the job description/);
    expect(calls).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('jd-title'), { target: { value: 'Backend Engineer' } });
    await fireEvent.input(screen.getByTestId('jd-text'), { target: { value: 'We need:\n- 5 years of Go' } });
    await fireEvent.click(screen.getByTestId('jd-generate'));

    expect((await screen.findByTestId('generator-note')).textContent).toContain('built-in generator');
    expect(screen.getByTestId('generator-note').textContent).toContain('no AI');
    expect(screen.getAllByTestId('generated-question')).toHaveLength(2);
    expect(calls[0].body).toEqual({ title: 'Backend Engineer', job_description: 'We need:\n- 5 years of Go' });

    await fireEvent.click(screen.getByTestId('jd-create'));
    await waitFor(() => expect(window.location.pathname).toBe('/w/3/interviews/56'));
    expect(calls[1].method).toBe('POST');
    expect(calls[1].body).toEqual({ name: 'Backend Engineer', job_description: 'We need:\n- 5 years of Go', questions: generated });
  });

  it('creates a blank interview and shows the server field error inline', async () => {
    navigate('/w/3/interviews/new?from=blank', { replace: true });
    mockFetch({
      'POST /api/workspaces/3/interviews': apiError(422, 'invalid_input', 'Check the fields.', { name: 'must be at most 200 characters' }),
    });
    render(NewInterview, { workspace: ws });
    await fireEvent.input(await screen.findByTestId('blank-name'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('blank-create'));
    expect((await screen.findByTestId('blank-name-error')).textContent).toBe('must be at most 200 characters');
    expect(window.location.pathname).toBe('/w/3/interviews/new');
  });
});
