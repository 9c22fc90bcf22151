import { describe, it, expect } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import InterviewEditor from './InterviewEditor.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { position, resetAfterEach, stage, workspace } from '../test/fixtures.js';
import { navigate } from '../lib/location.svelte.js';

const ws = workspace('recruiter');
const backend = position({ department: '', applications: 4, stages: [stage('S1', 'Applied', 0, 1), stage('S2', 'Phone screen', 1, 3)] });

/** @param {Partial<import('../lib/api.js').Interview>} over */
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
    status: /** @type {const} */ ('draft'),
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
    published_at: null,
    created_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    questions: [
      { id: 1, type: /** @type {const} */ ('text'), prompt: 'Tell us about a project.', required: true, rubric: [{ name: 'Ownership', weight: 2, strong: 'Names results' }], knockout: null },
      { id: 2, type: /** @type {const} */ ('single_choice'), prompt: 'Preferred team?', required: true, options: ['Core', 'Platform'], knockout: null },
      { id: 3, type: /** @type {const} */ ('yes_no'), prompt: 'Work permit?', required: true, options: ['yes', 'no'], knockout: { values: ['no'], reason: 'Needs a permit' } },
    ],
    ...over,
  };
}

/** @param {Record<string, any>} extra */
function routes(extra = {}, iv = interview()) {
  return {
    'GET /api/workspaces/3/interviews/9': { body: { interview: iv, stats: { invited: 0, sent: 0, opened: 0, started: 0, submitted: 0, expired: 0, failed: 0 }, watchdog: { scheduled: false, last_tick_at: null, last_result: '', next_tick_at: null } } },
    'GET /api/workspaces/3/connections': { body: { connections: [{ id: 7, name: 'Sandbox' }] } },
    'GET /api/workspaces/3/positions?connection_id=7&limit=500&include_deleted=true': { body: { positions: [backend], total: 1 } },
    'GET /api/workspaces/3/connections/7/rejection-reasons': { body: { rejection_reasons: [{ ext_id: 'R1', name: 'Not a fit' }] } },
    ...extra,
  };
}

describe('InterviewEditor', () => {
  resetAfterEach();

  it('shows questions.N.field errors from the server at the right question and the tab', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    const { calls } = mockFetch(
      routes({
        'PUT /api/workspaces/3/interviews/9': apiError(422, 'invalid_input', 'Check the fields.', {
          'questions.1.options': 'needs at least two choices',
          'questions.2.knockout': 'must name values, or a min or max',
        }),
      }),
    );
    render(InterviewEditor, { workspace: ws, iid: '9' });

    const cards = await screen.findAllByTestId('question-card');
    expect(cards).toHaveLength(3);
    await fireEvent.input(within(cards[0]).getByTestId('q-prompt'), { target: { value: 'Tell us about a recent project.' } });
    await fireEvent.click(screen.getByTestId('interview-save'));

    await waitFor(() => expect(screen.getByTestId('save-error')).toBeTruthy());
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body.questions[0].prompt).toBe('Tell us about a recent project.');

    const after = screen.getAllByTestId('question-card');
    expect(within(after[1]).getByTestId('q-options-error').textContent).toBe('Needs at least two choices.');
    expect(within(after[2]).getByTestId('q-knockout-error').textContent).toBe('Must name values, or a min or max.');
    expect(within(after[0]).queryByTestId('q-options-error')).toBeNull();
    expect(screen.getByTestId('tab-questions').textContent).toContain('2');

    // the error follows its question when questions move
    await fireEvent.click(within(after[1]).getByTestId('q-up'));
    const moved = screen.getAllByTestId('question-card');
    expect(within(moved[0]).getByTestId('q-options-error')).toBeTruthy();
    expect(within(moved[1]).queryByTestId('q-options-error')).toBeNull();
  });

  it('checks questions before saving and sends nothing while they are invalid', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    const { calls } = mockFetch(routes());
    render(InterviewEditor, { workspace: ws, iid: '9' });
    await screen.findAllByTestId('question-card');

    const add = screen.getAllByTestId('add-question').find((b) => b.dataset.type === 'multi_choice');
    await fireEvent.click(/** @type {HTMLElement} */ (add));
    await fireEvent.click(screen.getByTestId('interview-save'));

    const cards = screen.getAllByTestId('question-card');
    expect(cards).toHaveLength(4);
    expect(within(cards[3]).getByTestId('q-prompt-error').textContent).toBe('Enter the question.');
    expect(within(cards[3]).getByTestId('q-options-error').textContent).toBe('Add at least two choices.');
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('offers the knockout editor only for closed question types', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    mockFetch(routes());
    render(InterviewEditor, { workspace: ws, iid: '9' });
    const cards = await screen.findAllByTestId('question-card');

    // text: rubric, no knockout; choice and yes/no: knockout, no rubric
    expect(within(cards[0]).queryByTestId('knockout')).toBeNull();
    expect(within(cards[0]).getByTestId('rubric-editor')).toBeTruthy();
    expect(within(cards[1]).getByTestId('knockout')).toBeTruthy();
    expect(within(cards[1]).queryByTestId('rubric-editor')).toBeNull();
    expect(within(cards[2]).getByTestId('knockout-editor')).toBeTruthy();
    const ko = within(cards[2]).getAllByTestId('knockout-value');
    expect(ko.map((c) => [c.dataset.value, /** @type {HTMLInputElement} */ (c).checked])).toEqual([
      ['yes', false],
      ['no', true],
    ]);
    expect(within(cards[2]).getByTestId('knockout').textContent).toMatch(/never rejects/);

    // number: min/max instead of values
    await fireEvent.change(within(cards[1]).getByTestId('q-type'), { target: { value: 'number' } });
    await fireEvent.click(within(cards[1]).getByTestId('knockout-toggle'));
    expect(within(cards[1]).getByTestId('knockout-min')).toBeTruthy();
    expect(within(cards[1]).queryByTestId('knockout-value')).toBeNull();

    // switching to an open type removes the knockout rule
    for (const type of ['text', 'audio', 'video']) {
      await fireEvent.change(within(cards[2]).getByTestId('q-type'), { target: { value: type } });
      expect(within(cards[2]).queryByTestId('knockout')).toBeNull();
    }
  });

  it('labels the question limits with their units', async () => {
    navigate('/w/3/interviews/9?tab=questions', { replace: true });
    mockFetch(routes());
    render(InterviewEditor, { workspace: ws, iid: '9' });
    const cards = await screen.findAllByTestId('question-card');
    expect(within(cards[0]).getByLabelText('Time limit (seconds, optional)')).toBeTruthy();
    await fireEvent.change(within(cards[0]).getByTestId('q-type'), { target: { value: 'audio' } });
    expect(within(cards[0]).getByLabelText('Longest recording (seconds)')).toBeTruthy();
    expect(within(cards[0]).getByLabelText('Retakes')).toBeTruthy();
  });

  it('publishes only after the preview dialog is confirmed', async () => {
    const preview = {
      stage_name: 'Phone screen',
      will_invite: 2,
      already_invited: 0,
      without_email: 1,
      message: '2 candidates in stage Phone screen will be invited.',
      candidates: [
        { application_ext_id: 'A1', candidate_ext_id: 'C1', email: 'ann@mail.test', first_name: 'Ann', last_name: 'Lee', invited: false },
        { application_ext_id: 'A2', candidate_ext_id: 'C2', email: 'bo@mail.test', first_name: 'Bo', last_name: 'Ek', invited: false },
        { application_ext_id: 'A3', candidate_ext_id: 'C3', email: '', first_name: 'Cy', last_name: 'No', invited: false },
      ],
    };
    const { calls } = mockFetch(
      routes({
        'GET /api/workspaces/3/interviews/9/publish-preview': { body: preview },
        'POST /api/workspaces/3/interviews/9/publish': { body: { interview: interview({ status: 'active', published_at: '2026-03-02T10:00:00Z' }), invited: 2 } },
      }),
    );
    navigate('/w/3/interviews/9', { replace: true });
    render(InterviewEditor, { workspace: ws, iid: '9' });

    await fireEvent.click(await screen.findByTestId('interview-publish'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(within(dialog).getByTestId('publish-message').textContent).toBe('2 candidates in stage Phone screen will be invited.');
    const rows = within(dialog).getAllByTestId('publish-candidate');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('Ann Lee'),
      expect.stringContaining('Bo Ek'),
      expect.stringContaining('No email'),
    ]);
    expect(calls.some((c) => c.url.endsWith('/publish') && c.method === 'POST')).toBe(false);

    // cancelling publishes nothing
    await fireEvent.click(within(dialog).getByTestId('confirm-cancel'));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(calls.some((c) => c.url.endsWith('/publish'))).toBe(false);

    await fireEvent.click(screen.getByTestId('interview-publish'));
    await fireEvent.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
    expect((await screen.findByTestId('publish-result')).textContent).toMatch(/2 invitations are on the way/);
    expect(calls.filter((c) => c.url.endsWith('/publish') && c.method === 'POST')).toHaveLength(1);
    await waitFor(() => expect(screen.getByTestId('interview-status').textContent).toBe('Active'));
    // position and stage are read-only once published
    expect(/** @type {HTMLSelectElement} */ (screen.getByTestId('iv-stage')).disabled).toBe(true);
    expect(screen.getByTestId('watchdog')).toBeTruthy();
  });

  it('offers the position pipeline for the feeding stage and saves the ATS settings', async () => {
    navigate('/w/3/interviews/9?tab=ats', { replace: true });
    const { calls } = mockFetch(
      routes(
        { 'PUT /api/workspaces/3/interviews/9': (/** @type {any} */ call) => ({ body: { interview: { ...interview(), ...call.body } } }) },
        interview({ stage_ext_id: '' }),
      ),
    );
    render(InterviewEditor, { workspace: ws, iid: '9' });
    const stage = /** @type {HTMLSelectElement} */ (await screen.findByTestId('iv-stage'));
    await waitFor(() => expect(Array.from(stage.options).map((o) => o.value)).toEqual(['', 'S1', 'S2']));
    expect(stage.options[2].textContent).toContain('Phone screen (3 candidates)');
    await fireEvent.change(stage, { target: { value: 'S2' } });
    const reason = /** @type {HTMLSelectElement} */ (screen.getByTestId('iv-reject-reason'));
    await waitFor(() => expect(Array.from(reason.options).map((o) => o.value)).toEqual(['', 'R1']));
    await fireEvent.change(reason, { target: { value: 'R1' } });
    await fireEvent.click(screen.getByTestId('iv-sync-results'));
    await fireEvent.click(screen.getByTestId('interview-save'));
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    const body = calls.find((c) => c.method === 'PUT')?.body;
    expect(body).toMatchObject({ connection_id: 7, job_ext_id: 'J1', stage_ext_id: 'S2', reject_reason_ext_id: 'R1', sync_results: false });
  });
});
