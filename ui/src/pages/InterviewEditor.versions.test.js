import { describe, it, expect } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import InterviewEditor from './InterviewEditor.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { position, resetAfterEach, stage, workspace } from '../test/fixtures.js';
import { navigate } from '../lib/location.svelte.js';

// Saving a live interview whose questions changed asks first: a new version, or a wording fix of
// the current one while nobody has answered it.

const ws = workspace('recruiter');

/** @param {Record<string, any>} over */
function interview(over = {}) {
  return {
    id: 9,
    name: 'Backend screen',
    kind: /** @type {const} */ ('interview'),
    language: 'en',
    intro: '',
    job_description: '',
    deadline_days: 7,
    reminder_hours: 48,
    status: /** @type {const} */ ('active'),
    version: 2,
    connection_id: 7,
    job_ext_id: 'J1',
    stage_ext_id: 'S2',
    sync_results: true,
    completed_stage_ext_id: '',
    accept_stage_ext_id: '',
    reject_reason_ext_id: '',
    watch_interval_seconds: 300,
    publish_pending: false,
    last_tick_at: null,
    last_tick_result: '',
    published_at: '2026-03-02T10:00:00Z',
    created_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    tag_score_threshold: 0,
    tag_score_name: '',
    tag_accepted_name: '',
    questions: [
      { id: 11, type: /** @type {const} */ ('text'), prompt: 'Tell us about a project.', required: true, rubric: [{ name: 'Ownership', weight: 2, strong: 'Names results' }], knockout: null },
      { id: 12, type: /** @type {const} */ ('yes_no'), prompt: 'Work permit?', required: true, options: ['yes', 'no'], knockout: null },
    ],
    ...over,
  };
}

/** @param {number} answered answered the current version (2) */
const versions = (answered) => [
  { version: 2, created_at: '2026-03-05T10:00:00Z', created_by: 1, created_by_email: 'ann@acme.test', summary: '1 question edited', invitations: 3, answered, submitted: 0 },
  { version: 1, created_at: '2026-03-02T10:00:00Z', created_by: null, created_by_email: '', summary: 'Published', invitations: 8, answered: 5, submitted: 4 },
];

const stats = { invited: 11, sent: 11, opened: 6, started: 5, submitted: 4, expired: 0, failed: 0 };

/** @param {number} answered @param {Record<string, any>} extra */
function routes(answered, extra = {}) {
  return {
    'GET /api/workspaces/3/interviews/9': { body: { interview: interview(), stats, watchdog: { scheduled: true, last_tick_at: null, last_result: '', next_tick_at: null }, versions: versions(answered) } },
    'GET /api/workspaces/3/connections': { body: { connections: [{ id: 7, name: 'Sandbox' }] } },
    'GET /api/workspaces/3/positions?connection_id=7&limit=500&include_deleted=true': {
      body: { positions: [position({ stages: [stage('S2', 'Phone screen', 1, 3)] })], total: 1 },
    },
    'GET /api/workspaces/3/connections/7/rejection-reasons': { body: { rejection_reasons: [] } },
    ...extra,
  };
}

/** Types into the first question's prompt. @param {string} value */
async function editFirstPrompt(value) {
  const cards = await screen.findAllByTestId('question-card');
  await fireEvent.input(within(cards[0]).getByTestId('q-prompt'), { target: { value } });
}

describe('InterviewEditor versions', () => {
  resetAfterEach();

  it('asks before saving changed questions of a live interview, and saves a wording fix when nobody answered', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    const { calls } = mockFetch(
      routes(0, {
        'PUT /api/workspaces/3/interviews/9': (/** @type {any} */ call) => ({
          body: { interview: { ...interview(), questions: call.body.questions.map((/** @type {any} */ q, /** @type {number} */ i) => ({ ...q, id: 11 + i })) }, versions: versions(0), question_change: 'fix' },
        }),
      }),
    );
    render(InterviewEditor, { workspace: ws, iid: '9' });
    expect((await screen.findByTestId('interview-version')).textContent).toBe('Version 2');
    const panel = screen.getByTestId('interview-versions');
    expect(within(panel).getAllByTestId('version-row').map((r) => r.dataset.version)).toEqual(['2', '1']);

    await editFirstPrompt('Tell us about a project you led.');
    await fireEvent.click(screen.getByTestId('interview-save'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(within(dialog).getByTestId('version-message').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'This interview is live (version 2, 0 candidates answered). Saving makes version 3: invitations sent from now on get it; candidates already invited keep version 2.',
    );
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    const fix = /** @type {HTMLInputElement} */ (within(dialog).getByTestId('version-fix'));
    expect(fix.disabled).toBe(false);
    await fireEvent.click(fix);
    expect(within(dialog).getByTestId('confirm-ok').textContent?.trim()).toBe('Fix version 2');
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toMatchObject({ question_change: 'fix' });
    expect(put?.body.questions[0].prompt).toBe('Tell us about a project you led.');
  });

  it('offers only a new version once candidates answered, and keeps the dialog open on a conflict', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    const { calls } = mockFetch(
      routes(2, {
        'PUT /api/workspaces/3/interviews/9': [
          apiError(409, 'version_changed', 'Someone saved a new version of this interview meanwhile.'),
          { body: { interview: interview({ version: 3 }), versions: versions(2), question_change: 'version' } },
        ],
      }),
    );
    render(InterviewEditor, { workspace: ws, iid: '9' });
    await editFirstPrompt('Tell us about a project you led.');
    await fireEvent.click(screen.getByTestId('interview-save'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(within(dialog).getByTestId('version-message').textContent).toContain('2 candidates answered');
    expect(/** @type {HTMLInputElement} */ (within(dialog).getByTestId('version-fix')).disabled).toBe(true);
    expect(within(dialog).getByTestId('version-fix-note').textContent).toBe('2 candidates have already started version 2: its questions stay as they were asked.');

    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    expect((await within(dialog).findByTestId('confirm-error')).textContent).toContain('Someone saved a new version');
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body.question_change)).toEqual(['version', 'version']);
    expect((await screen.findByTestId('interview-version')).textContent).toBe('Version 3');
  });

  it('saves settings of a live interview without asking', async () => {
    navigate('/w/3/interviews/9', { replace: true });
    const { calls } = mockFetch(
      routes(2, { 'PUT /api/workspaces/3/interviews/9': { body: { interview: interview({ name: 'Backend screen (EU)' }), versions: versions(2), question_change: 'none' } } }),
    );
    render(InterviewEditor, { workspace: ws, iid: '9' });
    const name = await screen.findByTestId('iv-name');
    await fireEvent.input(name, { target: { value: 'Backend screen (EU)' } });
    await fireEvent.click(screen.getByTestId('interview-save'));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(calls.find((c) => c.method === 'PUT')?.body.question_change).toBeUndefined();
  });

  it('shows a past version read-only', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    mockFetch(
      routes(2, {
        'GET /api/workspaces/3/interviews/9/versions/1': {
          body: { version: 1, current: false, published: versions(2)[1], questions: [{ id: 1, type: 'single_choice', prompt: 'Preferred team?', required: false, options: ['Core', 'Platform'] }] },
        },
      }),
    );
    render(InterviewEditor, { workspace: ws, iid: '9' });
    const rows = await screen.findAllByTestId('version-row');
    expect(within(rows[0]).getByTestId('version-made').textContent).toMatch(/^\s*1 question edited · .+ · ann@acme\.test\s*$/);
    expect(within(rows[1]).getByTestId('version-counts').textContent?.replace(/\s+/g, ' ').trim()).toBe('8 invited · 5 answered · 4 submitted');
    await fireEvent.click(within(rows[1]).getByTestId('version-view'));
    const list = await within(rows[1]).findByTestId('version-questions');
    expect(list.textContent?.replace(/\s+/g, ' ')).toContain('Preferred team? Single choice: Core, Platform · optional');
  });
});
