import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import ResultDetail from './ResultDetail.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const ws = { id: 3, name: 'Acme', role: /** @type {const} */ ('recruiter') };
const BASE = '/api/workspaces/3/results/42';

const questions = [
  { id: 11, position: 1, type: 'text', prompt: 'Tell us about a production incident.', required: true, options: null },
  { id: 12, position: 2, type: 'audio', prompt: 'Introduce yourself.', required: false, options: null },
  { id: 13, position: 3, type: 'video', prompt: 'Walk us through a design.', required: false, options: null },
  { id: 14, position: 4, type: 'yes_no', prompt: 'Do you have a work permit?', required: true, options: ['Yes', 'No'] },
  { id: 15, position: 5, type: 'multi_choice', prompt: 'Languages?', required: false, options: ['Go', 'SQL', 'Rust'] },
  { id: 16, position: 6, type: 'video', prompt: 'Show your setup.', required: false, options: null },
];

/** @param {Record<string, any>} over */
function view(over = {}) {
  const { result: r = {}, ...rest } = over;
  return {
    result: {
      id: 42,
      invitation_id: 7,
      interview_id: 9,
      status: 'scored',
      attempts: 1,
      last_error: '',
      overall: 82,
      scorer: 'builtin',
      model: '',
      prompt_version: '2026-11-28.1',
      rubric_version: 'r1',
      has_report: true,
      decision: '',
      decided_by: null,
      decided_at: null,
      created_at: '2026-03-02T10:00:00Z',
      scored_at: '2026-03-02T10:01:00Z',
      flags: [{ kind: 'knockout', question_id: 14, message: 'Needs a work permit (answered "No")' }],
      details: [
        {
          question_id: 11,
          kind: 'open',
          score: 4,
          rationale: 'Covers detection and the fix, not the follow-up.',
          flags: [],
          criteria: [
            { name: 'Detection', met: true, evidence: 'our alerts paged me within two minutes' },
            { name: 'Postmortem', met: false, evidence: '' },
            { name: 'Communication', met: null, evidence: '' },
          ],
        },
        { question_id: 12, kind: 'open', score: 3, rationale: 'Brief.', flags: [], criteria: [] },
        { question_id: 13, kind: 'open', score: null, rationale: 'Not answered (optional question).', flags: [], criteria: [] },
        {
          question_id: 14,
          kind: 'closed',
          score: 5,
          rationale: 'Answered: No.',
          criteria: [],
          flags: [{ kind: 'knockout', question_id: 14, message: 'Needs a work permit (answered "No")' }],
        },
        { question_id: 15, kind: 'closed', score: 5, rationale: 'Answered: Go, SQL.', flags: [], criteria: [] },
        {
          question_id: 16,
          kind: 'media_unscored',
          score: null,
          rationale: 'Recording not transcribed.',
          criteria: [],
          flags: [{ kind: 'media_not_transcribed', question_id: 16, message: 'A person reviews this recording.' }],
        },
      ],
      ...r,
    },
    interview: {
      id: 9,
      name: 'Backend engineer',
      connection_id: 5,
      job_ext_id: 'J1',
      sync_results: true,
      accept_stage_ext_id: 'S9',
      reject_reason_ext_id: 'R2',
      tag_accepted_name: '',
      questions,
    },
    answers: [
      { question_id: 11, value: 'Once our alerts paged me within two minutes and I rolled back.' },
      { question_id: 12, value: '', media_url: `${BASE}/media/12`, media_type: 'audio/webm', transcript: 'Hi, I am Ann.' },
      { question_id: 14, value: 'No' },
      { question_id: 15, value: '["Go","SQL"]' },
      { question_id: 16, value: '', media_url: `${BASE}/media/16`, media_type: 'video/webm', transcript: '' },
    ],
    overrides: [],
    ats_writes: [
      { id: 70, connection_id: 5, result_id: 42, action: 'result_link', status: 'done', attempts: 1, last_error: '', remote_id: 'L1', created_at: '2026-03-02T10:02:00Z', done_at: '2026-03-02T10:02:05Z' },
      { id: 71, connection_id: 5, result_id: 42, action: 'attachment', status: 'failed', attempts: 3, last_error: '422 Unprocessable: file type not allowed', remote_id: '', created_at: '2026-03-02T10:02:00Z', done_at: null },
    ],
    candidate: { first_name: 'Ann', last_name: 'Lee', email: 'ann@mail.test', application_ext_id: 'A77' },
    submitted_at: '2026-03-02T10:00:00Z',
    time_taken_seconds: 725,
    adjustment_request: '',
    results_url: 'https://hire.example/w/3/results/42',
    report_url: `${BASE}/report.pdf`,
    ...rest,
  };
}

describe('ResultDetail', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows answers with evidence, the built-in scorer label, flags, and media only for recordings', async () => {
    mockFetch({ [`GET ${BASE}`]: { body: view() } });
    render(ResultDetail, { workspace: ws, rid: '42' });
    await screen.findByTestId('result-header');

    expect(screen.getByTestId('candidate-name').textContent).toBe('Ann Lee');
    expect(screen.getByTestId('time-taken').textContent).toBe('12 min 5 s');
    expect(screen.getByTestId('overall-score').textContent).toBe('82');
    expect(screen.getByTestId('scorer-label').textContent?.trim()).toBe(
      "Closed questions scored by the recruiter's rules, open answers by a person's checklist (no AI)",
    );
    expect(screen.getByTestId('fairness-note').textContent).toContain('tone, accent, fluency, emotion or appearance');
    expect(screen.getByTestId('download-pdf').getAttribute('href')).toBe(`${BASE}/report.pdf`);

    const flagsBox = screen.getByTestId('result-flags');
    expect(flagsBox.textContent).toContain('never reject anyone');
    expect(within(flagsBox).getByTestId('result-flag').textContent).toContain('Needs a work permit');

    const qs = screen.getAllByTestId('result-question');
    expect(qs).toHaveLength(6);
    // criteria with evidence quotes
    const crit = within(qs[0]).getAllByTestId('criterion');
    expect(crit.map((c) => c.dataset.state)).toEqual(['met', 'not-met', 'not-discussed']);
    expect(crit.map((c) => c.textContent)).toEqual([
      expect.stringContaining('Met'),
      expect.stringContaining('Not met'),
      expect.stringContaining('Not discussed'),
    ]);
    const quote = within(crit[0]).getByTestId('criterion-evidence');
    expect(quote.tagName).toBe('BLOCKQUOTE');
    expect(quote.textContent).toBe('our alerts paged me within two minutes');
    expect(within(crit[1]).queryByTestId('criterion-evidence')).toBeNull();
    expect(within(qs[0]).getByTestId('question-rationale').textContent).toContain('not the follow-up');
    expect(within(qs[0]).getByTestId('question-score').textContent).toContain('4');

    // audio with transcript; video without a recording has no player; video not transcribed says so
    const audio = /** @type {HTMLAudioElement} */ (within(qs[1]).getByTestId('answer-audio'));
    expect(audio.getAttribute('src')).toBe(`${BASE}/media/12`);
    expect(audio.hasAttribute('controls')).toBe(true);
    expect(within(qs[1]).getByTestId('answer-transcript').textContent).toContain('Hi, I am Ann.');
    expect(within(qs[2]).queryByTestId('answer-video')).toBeNull();
    expect(within(qs[2]).queryByTestId('answer-audio')).toBeNull();
    expect(within(qs[2]).getByTestId('answer-empty').textContent).toBe('No recording.');
    const video = within(qs[5]).getByTestId('answer-video');
    expect(video.getAttribute('src')).toBe(`${BASE}/media/16`);
    expect(within(qs[5]).getByTestId('answer-not-transcribed').textContent).toContain('not part of the score');
    expect(document.querySelectorAll('audio, video')).toHaveLength(2);
    // text questions never get a player
    expect(qs[0].querySelector('audio, video')).toBeNull();

    // closed answers
    expect(within(qs[3]).getByTestId('answer-choices').textContent).toContain('No');
    expect(within(qs[3]).getByTestId('question-flag').textContent).toContain('Knockout');
    expect(within(qs[4]).getAllByRole('listitem').map((li) => li.textContent?.trim())).toEqual(['Go', 'SQL']);
  });

  it('labels an AI-assisted score with the model and prompt version, and shows the scoring state', async () => {
    mockFetch({
      [`GET ${BASE}`]: [
        { body: view({ result: { scorer: 'llm', model: 'llama3.1:8b', prompt_version: '2026-11-28.1' } }) },
      ],
    });
    const first = render(ResultDetail, { workspace: ws, rid: 42 });
    expect((await screen.findByTestId('scorer-label')).textContent?.trim()).toBe(
      'AI-assisted score (model llama3.1:8b, prompt version 2026-11-28.1)',
    );
    expect(screen.getByTestId('scorer-label').dataset.scorer).toBe('llm');
    first.unmount();

    mockFetch({
      [`GET ${BASE}`]: {
        body: view({ result: { status: 'scoring', overall: null, scorer: '', details: [], flags: [], attempts: 2, last_error: 'model timed out' } }),
      },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    expect((await screen.findByTestId('scoring-banner')).textContent).toContain('model timed out');
    expect(screen.getByTestId('overall-scoring')).toBeTruthy();
    expect(screen.getByTestId('scorer-label').textContent?.trim()).toBe('Not scored yet');
    expect(screen.queryByTestId('override-open')).toBeNull();
  });

  it('overrides a score only with a reason, posting {question_id, score, reason}', async () => {
    const overridden = view({
      overrides: [
        { id: 1, question_id: 11, original: 4, score: 2, reason: 'Missed the rollback risk', user_id: 8, user_email: 'rec@acme.test', created_at: '2026-03-03T09:00:00Z' },
      ],
    });
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: view() },
      [`POST ${BASE}/override`]: { body: overridden },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    const q1 = (await screen.findAllByTestId('result-question'))[0];

    await fireEvent.click(within(q1).getByTestId('override-open'));
    await fireEvent.input(within(q1).getByTestId('override-score'), { target: { value: '2' } });
    await fireEvent.click(within(q1).getByTestId('override-save'));
    expect(within(q1).getByTestId('override-reason-error').textContent).toContain('Give a reason');
    // whitespace is not a reason
    await fireEvent.input(within(q1).getByTestId('override-reason'), { target: { value: '   ' } });
    await fireEvent.click(within(q1).getByTestId('override-save'));
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await fireEvent.input(within(q1).getByTestId('override-score'), { target: { value: '7' } });
    await fireEvent.input(within(q1).getByTestId('override-reason'), { target: { value: ' Missed the rollback risk ' } });
    await fireEvent.click(within(q1).getByTestId('override-save'));
    expect(within(q1).getByTestId('override-score-error').textContent).toContain('from 1 to 5');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await fireEvent.input(within(q1).getByTestId('override-score'), { target: { value: '2' } });
    await fireEvent.click(within(q1).getByTestId('override-save'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    const post = calls.filter((c) => c.method === 'POST')[0];
    expect(post.url).toBe(`${BASE}/override`);
    expect(post.body).toEqual({ question_id: 11, score: 2, reason: 'Missed the rollback risk' });

    // the history keeps the assessment's score beside the person's
    const history = await within(q1).findByTestId('override-history');
    expect(history.textContent).toContain('Assessment: 4');
    expect(history.textContent).toContain('rec@acme.test');
    expect(history.textContent).toContain('Missed the rollback risk');
    expect(within(q1).getByTestId('question-overridden')).toBeTruthy();
    expect(within(q1).queryByTestId('override-form')).toBeNull();
  });

  it('overrides the overall score (question 0) and shows "82 → 75 by a person"', async () => {
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: view() },
      [`POST ${BASE}/override`]: {
        body: view({
          overrides: [{ id: 2, question_id: 0, original: 82, score: 75, reason: 'Weak on testing', user_id: 8, user_email: 'rec@acme.test', created_at: '2026-03-03T09:00:00Z' }],
        }),
      },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    const overall = await screen.findByTestId('overall');
    await fireEvent.click(within(overall).getByTestId('override-open'));
    await fireEvent.input(within(overall).getByTestId('override-score'), { target: { value: '75' } });
    await fireEvent.input(within(overall).getByTestId('override-reason'), { target: { value: 'Weak on testing' } });
    await fireEvent.click(within(overall).getByTestId('override-save'));
    await waitFor(() => expect(screen.getByTestId('overall-override').textContent?.trim()).toBe('82 → 75 by a person'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ question_id: 0, score: 75, reason: 'Weak on testing' });
    expect(screen.getByTestId('overall-score').textContent).toBe('75');
  });

  it('accepts only after confirmation, explains the ATS effects, then disables both decisions', async () => {
    const accepted = view({ result: { decision: 'accepted', decided_by: 8, decided_at: '2026-03-03T09:30:00Z' } });
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: view() },
      [`POST ${BASE}/accept`]: { body: accepted },
      'GET /api/workspaces/3/positions?connection_id=5&limit=500': {
        body: { positions: [{ id: 1, ext_id: 'J1', stages: [{ ext_id: 'S9', name: 'Onsite interview' }] }], total: 1 },
      },
      'GET /api/workspaces/3/connections/5/rejection-reasons': { body: { rejection_reasons: [{ ext_id: 'R2', name: 'Not a fit' }] } },
      'GET /api/workspaces/3/members': {
        body: { members: [{ user_id: 8, email: 'rec@acme.test', name: 'Rita Recruiter', role: 'recruiter', created_at: '' }] },
      },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    await screen.findByTestId('decision');
    const posts = () => calls.filter((c) => c.method === 'POST');

    // cancel: nothing is sent
    await fireEvent.click(screen.getByTestId('decision-reject'));
    const dialog = await screen.findByTestId('confirm-dialog');
    await waitFor(() => expect(within(dialog).getByTestId('decision-explain').textContent).toContain('Not a fit'));
    expect(within(dialog).getByTestId('decision-explain').textContent).toContain('Rejects the application in the ATS');
    await fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(posts()).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('decision-accept'));
    const explain = await screen.findByTestId('decision-explain');
    await waitFor(() => expect(explain.textContent).toContain('Onsite interview'));
    expect(explain.textContent).toContain('acceptance message');
    expect(posts()).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0].url).toBe(`${BASE}/accept`);

    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('decision-accept')).disabled).toBe(true);
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('decision-reject')).disabled).toBe(true);
    const state = screen.getByTestId('decision-state');
    expect(state.dataset.decision).toBe('accepted');
    await waitFor(() => expect(state.textContent).toContain('Rita Recruiter'));
  });

  it('says a rejection stays out of the ATS when the interview has no rejection reason', async () => {
    const v = view();
    mockFetch({
      [`GET ${BASE}`]: { body: { ...v, interview: { ...v.interview, reject_reason_ext_id: '' } } },
      'GET /api/workspaces/3/positions?connection_id=5&limit=500': { body: { positions: [], total: 0 } },
      'GET /api/workspaces/3/members': { body: { members: [] } },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    await fireEvent.click(await screen.findByTestId('decision-reject'));
    const dialog = await screen.findByTestId('confirm-dialog');
    const line = within(dialog).getByTestId('decision-ats-reject').textContent ?? '';
    expect(line).toContain('Leaves the application as it is in the ATS');
    expect(line).not.toContain('Rejects the application');
  });

  it('shows a conflict when someone else decided first', async () => {
    mockFetch({
      [`GET ${BASE}`]: [{ body: view() }, { body: view({ result: { decision: 'rejected', decided_by: 9, decided_at: '2026-03-03T09:00:00Z' } }) }],
      [`POST ${BASE}/reject`]: { status: 409, body: { error: { code: 'already_decided', message: 'This candidate was already rejected.' } } },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    await fireEvent.click(await screen.findByTestId('decision-reject'));
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    expect((await screen.findByTestId('confirm-error')).textContent).toContain('already rejected');
    await waitFor(() => expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('decision-accept')).disabled).toBe(true));
  });

  it("shows each ATS write with the vendor's message and retries a failed one by its id", async () => {
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: view() },
      'POST /api/workspaces/3/ats-writes/71/retry': {
        body: { ats_write: { ...view().ats_writes[1], status: 'queued', last_error: '' } },
      },
    });
    render(ResultDetail, { workspace: ws, rid: 42 });
    const writes = await screen.findAllByTestId('ats-write');
    expect(writes.map((w) => w.dataset.status)).toEqual(['done', 'failed']);
    expect(within(writes[0]).getByTestId('ats-write-status').textContent).toBe('Done');
    expect(within(writes[0]).queryByTestId('ats-write-retry')).toBeNull();
    expect(writes[0].textContent).toContain('Result link');
    expect(within(writes[1]).getByTestId('ats-write-error').textContent).toContain('422 Unprocessable: file type not allowed');

    await fireEvent.click(within(writes[1]).getByTestId('ats-write-retry'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')?.url).toBe('/api/workspaces/3/ats-writes/71/retry');
    await waitFor(() => expect(screen.getAllByTestId('ats-write')[1].dataset.status).toBe('queued'));
    expect(screen.getAllByTestId('ats-write')[1].querySelector('[data-testid="ats-write-retry"]')).toBeNull();
  });

  it('copies the results link, made absolute when the server has no base URL', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    mockFetch({ [`GET ${BASE}`]: { body: view({ results_url: '/w/3/results/42' }) } });
    render(ResultDetail, { workspace: ws, rid: 42 });
    await fireEvent.click(await screen.findByTestId('copy-link'));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/w/3/results/42`));
  });

  it('is read-only for viewers and says when a result is missing', async () => {
    mockFetch({ [`GET ${BASE}`]: { body: view() } });
    const first = render(ResultDetail, { workspace: { ...ws, role: 'viewer' }, rid: 42 });
    await screen.findByTestId('result-header');
    expect(screen.queryByTestId('override-open')).toBeNull();
    expect(screen.queryByTestId('ats-write-retry')).toBeNull();
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('decision-accept')).disabled).toBe(true);
    first.unmount();

    mockFetch({});
    render(ResultDetail, { workspace: ws, rid: 43 });
    expect(await screen.findByTestId('result-missing')).toBeTruthy();
  });
});
