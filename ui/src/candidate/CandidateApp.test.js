import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import CandidateApp from './CandidateApp.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';

const TOKEN = 'tok_abcdefghijklmnopqrstuvwx';
const BASE = `/api/candidate/${TOKEN}`;

/** @param {Partial<import('./api.js').Question> & {id:number, type:import('./api.js').QuestionType}} q */
function question(q) {
  return {
    position: q.id,
    prompt: `Prompt ${q.id}`,
    help: '',
    options: [],
    required: false,
    time_limit_seconds: 0,
    retakes: 0,
    max_media_seconds: 0,
    ...q,
  };
}

const QUESTIONS = [
  question({ id: 11, type: 'text', prompt: 'Tell us about a project you led.', required: true, help: 'A few sentences.' }),
  question({ id: 12, type: 'yes_no', prompt: 'Do you have a work permit?', options: ['yes', 'no'], required: true }),
  question({ id: 13, type: 'single_choice', prompt: 'Which shift?', options: ['Early', 'Late'] }),
  question({ id: 14, type: 'multi_choice', prompt: 'Languages?', options: ['English', 'German', 'French'] }),
  question({ id: 15, type: 'number', prompt: 'Years of experience?', required: true }),
];

/** @param {Partial<import('./api.js').View>} [over] @returns {import('./api.js').View} */
function view(over = {}) {
  return {
    status: 'opened',
    candidate: { first_name: 'Ann' },
    company: {
      company_name: 'Acme Logistics',
      brand_color: '#0f766e',
      logo_url: 'https://acme.test/logo.png',
      privacy_url: 'https://acme.test/privacy',
    },
    interview: { name: 'Support Engineer', intro: 'Thanks for applying!', language: 'en', kind: 'screening' },
    expires_at: '2030-01-31T17:00:00Z',
    consent_at: null,
    started_at: null,
    submitted_at: null,
    ai_disclosure: 'An AI system helps assess your answers. A person makes every decision.',
    adjustment: '',
    questions: QUESTIONS,
    answers: [],
    ...over,
  };
}

/** @param {number} qid @param {string} value */
function stored(qid, value) {
  return { question_id: qid, value, attempts: 1, updated_at: '2026-01-01T00:00:00Z' };
}

const started = (/** @type {Partial<import('./api.js').View>} */ over = {}) => view({ status: 'started', ...over });
const saved = (/** @type {any} */ call) => ({ body: { answer: { question_id: Number(call.url.split('/').pop()), value: '' } } });

function question$() {
  return screen.getByTestId('cand-question');
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
  localStorage.clear();
  document.documentElement.lang = 'en';
});

describe('welcome', () => {
  it('shows who asks and why, and Start stays disabled until consent is given', async () => {
    const { calls } = mockFetch({ [`GET ${BASE}`]: { body: view() }, [`POST ${BASE}/start`]: { status: 204 } });
    render(CandidateApp, { props: { token: TOKEN } });
    const welcome = await screen.findByTestId('cand-welcome');
    expect(screen.getByTestId('cand-company').textContent).toBe('Acme Logistics');
    expect(screen.getByTestId('cand-position').textContent).toBe('Support Engineer');
    expect(screen.getByTestId('cand-ai-notice').textContent).toContain('A person makes every decision.');
    expect(within(welcome).getByText('5')).toBeTruthy(); // number of questions
    expect(within(welcome).getByRole('link', { name: /privacy notice/i }).getAttribute('href')).toBe('https://acme.test/privacy');

    const start = /** @type {HTMLButtonElement} */ (screen.getByTestId('cand-start'));
    expect(start.disabled).toBe(true);
    await fireEvent.click(start);
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('cand-consent'));
    expect(start.disabled).toBe(false);
    await fireEvent.click(start);

    const q = await screen.findByTestId('cand-question');
    expect(q.dataset.questionId).toBe('11');
    expect(q.dataset.type).toBe('text');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.url).toBe(`${BASE}/start`);
    expect(post?.body).toEqual({ consent: true });
    expect(post?.headers['Content-Type']).toBe('application/json');
    expect(screen.getByTestId('cand-progress').textContent).toContain('Question 1 of 5');
    // Focus moves to the question, and a candidate never touches the console API.
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Tell us about a project you led.'));
    expect(calls.every((c) => c.url.startsWith(BASE))).toBe(true);
  });

  it('sets the page language from the interview and ignores an unsafe logo URL', async () => {
    mockFetch({
      [`GET ${BASE}`]: {
        body: view({
          interview: { name: 'Lagerist', intro: '', language: 'de', kind: 'screening' },
          company: { company_name: 'Acme', brand_color: '', logo_url: 'javascript:alert(1)', privacy_url: '' },
        }),
      },
    });
    const { container } = render(CandidateApp, { props: { token: TOKEN } });
    await screen.findByTestId('cand-welcome');
    expect(document.documentElement.lang).toBe('de');
    expect(container.querySelector('img')).toBeNull();
    expect(screen.queryByRole('link', { name: /privacy/i })).toBeNull();
  });

  it('sends an adjustment request and shows it as stored', async () => {
    const { calls } = mockFetch({ [`GET ${BASE}`]: { body: view() }, [`POST ${BASE}/adjustment`]: { status: 204 } });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.click(await screen.findByTestId('cand-adjust-open'));
    await fireEvent.input(screen.getByTestId('cand-adjust-text'), { target: { value: 'I need more time, please.' } });
    await fireEvent.click(screen.getByTestId('cand-adjust-send'));
    const done = await screen.findByTestId('cand-adjust-done');
    expect(done.textContent).toContain('I need more time, please.');
    expect(calls.find((c) => c.url === `${BASE}/adjustment`)?.body).toEqual({ text: 'I need more time, please.' });
  });

  it('shows a request made earlier', async () => {
    mockFetch({ [`GET ${BASE}`]: { body: view({ adjustment: 'Larger text' }) } });
    render(CandidateApp, { props: { token: TOKEN } });
    expect((await screen.findByTestId('cand-adjust-done')).textContent).toContain('Larger text');
  });
});

describe('questions', () => {
  it('saves each type with the right JSON value', async () => {
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: started() },
      [`PUT ${BASE}/answers/11`]: saved,
      [`PUT ${BASE}/answers/12`]: saved,
      [`PUT ${BASE}/answers/13`]: saved,
      [`PUT ${BASE}/answers/14`]: saved,
      [`PUT ${BASE}/answers/15`]: saved,
    });
    render(CandidateApp, { props: { token: TOKEN } });
    const puts = (/** @type {number} */ qid) => calls.filter((c) => c.method === 'PUT' && c.url.endsWith(`/answers/${qid}`));

    // text: Next saves what was typed without waiting for the debounce
    await fireEvent.input(await screen.findByTestId('cand-answer-text'), { target: { value: 'I led our billing migration.' } });
    expect(screen.getByText('28 / 20,000 characters')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('cand-next'));
    await waitFor(() => expect(puts(11)).toHaveLength(1));
    expect(puts(11)[0].body).toEqual({ value: 'I led our billing migration.' });

    // yes_no: two radios "Yes"/"No" sending "yes"/"no", immediately
    await waitFor(() => expect(question$().dataset.type).toBe('yes_no'));
    const yn = screen.getAllByTestId('cand-option');
    expect(yn.map((o) => o.dataset.value)).toEqual(['yes', 'no']);
    expect(screen.getByLabelText('No')).toBe(yn[1]);
    await fireEvent.click(yn[1]);
    await waitFor(() => expect(puts(12)).toHaveLength(1));
    expect(puts(12)[0].body).toEqual({ value: 'no' });
    await waitFor(() => expect(screen.getByTestId('cand-save-state').textContent).toContain('Saved'));
    await fireEvent.click(screen.getByTestId('cand-next'));

    // single_choice
    await waitFor(() => expect(question$().dataset.type).toBe('single_choice'));
    await fireEvent.click(screen.getByLabelText('Late'));
    await waitFor(() => expect(puts(13)[0]?.body).toEqual({ value: 'Late' }));
    await fireEvent.click(screen.getByTestId('cand-next'));

    // multi_choice sends an array, in option order
    await waitFor(() => expect(question$().dataset.type).toBe('multi_choice'));
    await fireEvent.click(screen.getByLabelText('French'));
    await fireEvent.click(screen.getByLabelText('English'));
    await waitFor(() => expect(puts(14).at(-1)?.body).toEqual({ value: ['English', 'French'] }));
    expect(puts(14).every((c) => Array.isArray(c.body.value))).toBe(true);
    await fireEvent.click(screen.getByTestId('cand-next'));

    // number sends the string as typed; inputmode decimal for mobile keyboards
    await waitFor(() => expect(question$().dataset.type).toBe('number'));
    const num = /** @type {HTMLInputElement} */ (screen.getByTestId('cand-answer-number'));
    expect(num.getAttribute('inputmode')).toBe('decimal');
    await fireEvent.input(num, { target: { value: '7,5' } });
    await fireEvent.click(screen.getByTestId('cand-next'));
    await waitFor(() => expect(puts(15)[0]?.body).toEqual({ value: '7,5' }));
    // the last Next goes to the review
    expect(await screen.findByTestId('cand-review')).toBeTruthy();
  });

  it('does not save a number that is not one', async () => {
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: started({ answers: [stored(11, 'x'), stored(12, 'yes'), stored(13, 'Late'), stored(14, '["German"]')] }) },
    });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.input(await screen.findByTestId('cand-answer-number'), { target: { value: 'many' } });
    await fireEvent.click(screen.getByTestId('cand-next'));
    expect(screen.getByText(/Enter a number/)).toBeTruthy();
    expect(screen.getByTestId('cand-save-state').textContent).toContain('Not saved');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('sends the integrity signals of a question, carrying on from the stored ones, when the candidate moves on', async () => {
    const before = { question_id: 11, paste_count: 1, paste_chars: 40, away_count: 0, away_ms: 0, typed_chars: 0, typing_ms: 0 };
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: started({ signals: [{ ...before, burst_chars: 0, burst_ms: 0 }] }) },
      [`PUT ${BASE}/answers/11`]: saved,
      [`PUT ${BASE}/answers/11/signals`]: { body: { signals: {} } },
    });
    render(CandidateApp, { props: { token: TOKEN } });
    const text = await screen.findByTestId('cand-answer-text');
    const clip = 'x'.repeat(412);
    await fireEvent.paste(text, { clipboardData: { getData: () => clip } });
    await fireEvent.input(text, { target: { value: clip }, inputType: 'insertFromPaste' });
    await fireEvent.click(screen.getByTestId('cand-next'));
    const sent = () => calls.filter((c) => c.method === 'PUT' && c.url.endsWith('/answers/11/signals'));
    await waitFor(() => expect(sent()).toHaveLength(1));
    expect(sent()[0].body).toMatchObject({ paste_count: 2, paste_chars: 452, typed_chars: 0, burst_chars: 0 });
    await waitFor(() => expect(calls.filter((c) => c.url.endsWith('/answers/11'))[0]?.body).toEqual({ value: clip }));
  });

  it('autosaves text after a pause, shows "Not saved — retrying" on failure and recovers', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: started() },
      [`PUT ${BASE}/answers/11`]: [apiError(503, 'unavailable', 'down'), saved],
    });
    render(CandidateApp, { props: { token: TOKEN } });
    const text = await screen.findByTestId('cand-answer-text');
    await fireEvent.input(text, { target: { value: 'Hel' } });
    await fireEvent.input(text, { target: { value: 'Hello' } });
    const state = screen.getByTestId('cand-save-state');
    expect(state.textContent).toContain('Saving…');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(650);
    await waitFor(() => expect(state.textContent).toContain('Not saved — retrying'));
    const puts = calls.filter((c) => c.method === 'PUT');
    expect(puts).toHaveLength(1); // debounced: one request for two keystrokes
    expect(puts[0].body).toEqual({ value: 'Hello' });

    await vi.advanceTimersByTimeAsync(1100); // first backoff step
    await waitFor(() => expect(state.textContent).toContain('Saved'));
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
    expect(state.dataset.state).toBe('saved');
  });

  it('resumes at the first unanswered question with saved answers prefilled', async () => {
    mockFetch({
      [`GET ${BASE}`]: {
        body: started({ answers: [stored(11, 'Earlier answer'), stored(12, 'yes'), stored(14, '["German"]')] }),
      },
    });
    render(CandidateApp, { props: { token: TOKEN } });
    const q = await screen.findByTestId('cand-question');
    expect(q.dataset.questionId).toBe('13');
    expect(screen.getByTestId('cand-progress').textContent).toContain('Question 3 of 5');

    await fireEvent.click(screen.getByTestId('cand-back'));
    await waitFor(() => expect(question$().dataset.questionId).toBe('12'));
    const yes = /** @type {HTMLInputElement} */ (screen.getAllByTestId('cand-option')[0]);
    expect(yes.checked).toBe(true);
    await fireEvent.click(screen.getByTestId('cand-back'));
    await waitFor(() => expect(question$().dataset.questionId).toBe('11'));
    expect(/** @type {HTMLTextAreaElement} */ (screen.getByTestId('cand-answer-text')).value).toBe('Earlier answer');
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('cand-back')).disabled).toBe(true);
  });

  it('shows a countdown for a timed question and moves on when time is up', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const qs = [question({ id: 21, type: 'text', time_limit_seconds: 5 }), question({ id: 22, type: 'text' })];
    const { calls } = mockFetch({ [`GET ${BASE}`]: { body: started({ questions: qs }) }, [`PUT ${BASE}/answers/21`]: saved });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.input(await screen.findByTestId('cand-answer-text'), { target: { value: 'partial' } });
    expect(screen.getByRole('timer').textContent).toBe('0:05');
    await vi.advanceTimersByTimeAsync(5300);
    await waitFor(() => expect(question$().dataset.questionId).toBe('22'));
    expect(screen.getByRole('alert').textContent).toContain('Time was up');
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ value: 'partial' });
    // Going back shows it closed.
    await fireEvent.click(screen.getByTestId('cand-back'));
    await waitFor(() => expect(question$().dataset.questionId).toBe('21'));
    expect(/** @type {HTMLTextAreaElement} */ (screen.getByTestId('cand-answer-text')).disabled).toBe(true);
  });

  it("counts down from the server's deadline, so a reload does not restart the clock", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const qs = [question({ id: 21, type: 'text', time_limit_seconds: 60 }), question({ id: 22, type: 'text' })];
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: started({ questions: qs }) },
      // opened 45 s ago in another tab: 15 s are left, not 60
      [`POST ${BASE}/answers/21/open`]: { body: { opened_at: '2026-11-28T10:00:00Z', time_limit_seconds: 60, remaining_seconds: 15 } },
    });
    render(CandidateApp, { props: { token: TOKEN } });
    await screen.findByTestId('cand-answer-text');
    await waitFor(() => expect(screen.getByRole('timer').textContent).toBe('0:15'));
    expect(calls.filter((c) => c.method === 'POST' && c.url.endsWith('/answers/21/open'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(15300);
    await waitFor(() => expect(question$().dataset.questionId).toBe('22'));
    // the untimed question asks for no deadline
    expect(calls.some((c) => c.url.endsWith('/answers/22/open'))).toBe(false);
  });
});

describe('review and submit', () => {
  const nearlyDone = () =>
    started({ answers: [stored(11, 'Text answer'), stored(12, 'no'), stored(13, ''), stored(14, '["English","French"]')] });

  it('lists answers, highlights required questions without one, and jumps there on 422 incomplete', async () => {
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: nearlyDone() },
      [`POST ${BASE}/submit`]: apiError(422, 'incomplete', '1 required question still needs an answer.', {
        'questions.15': 'needs an answer',
      }),
    });
    render(CandidateApp, { props: { token: TOKEN } });
    // Opens at the first unanswered (13, optional); Next twice leads to the review.
    await waitFor(() => expect(question$().dataset.questionId).toBe('13'));
    await fireEvent.click(screen.getByTestId('cand-next'));
    await waitFor(() => expect(question$().dataset.questionId).toBe('14'));
    await fireEvent.click(screen.getByTestId('cand-next'));
    await waitFor(() => expect(question$().dataset.questionId).toBe('15'));
    await fireEvent.click(screen.getByTestId('cand-next'));

    const review = await screen.findByTestId('cand-review');
    const items = within(review).getAllByTestId('cand-review-item');
    expect(items).toHaveLength(5);
    expect(items[0].textContent).toContain('Text answer');
    expect(items[1].textContent).toContain('No');
    expect(items[2].textContent).toContain('Not answered');
    expect(items[2].classList.contains('cand-review-missing')).toBe(false); // optional
    expect(items[3].textContent).toContain('English, French');
    expect(items[4].textContent).toContain('Not answered');
    expect(items[4].classList.contains('cand-review-missing')).toBe(true);
    expect(items[4].textContent).toContain('Required');
    expect(review.textContent).toContain('1 required question still needs an answer.');

    await fireEvent.click(screen.getByTestId('cand-submit'));
    const q = await screen.findByTestId('cand-question');
    expect(q.dataset.questionId).toBe('15');
    expect(screen.getByRole('alert').textContent).toContain('needs an answer before you can submit');
    expect(screen.getByTestId('cand-next').textContent).toContain('Back to review');
    expect(calls.filter((c) => c.url === `${BASE}/submit`)).toHaveLength(1);
  });

  it('edits an answer from the review and comes back to it', async () => {
    mockFetch({
      [`GET ${BASE}`]: { body: started({ answers: QUESTIONS.map((q) => stored(q.id, q.type === 'multi_choice' ? '["German"]' : q.type === 'yes_no' ? 'yes' : q.type === 'single_choice' ? 'Early' : '3')) }) },
      [`PUT ${BASE}/answers/13`]: saved,
    });
    render(CandidateApp, { props: { token: TOKEN } });
    const review = await screen.findByTestId('cand-review'); // all answered: opens at the review
    await fireEvent.click(within(review).getByRole('button', { name: 'Change question 3' }));
    await waitFor(() => expect(question$().dataset.questionId).toBe('13'));
    await fireEvent.click(screen.getByLabelText('Late'));
    await fireEvent.click(screen.getByTestId('cand-next'));
    const again = await screen.findByTestId('cand-review');
    expect(within(again).getAllByTestId('cand-review-item')[2].textContent).toContain('Late');
  });

  it('submits and thanks the candidate', async () => {
    const all = QUESTIONS.map((q) => stored(q.id, q.type === 'multi_choice' ? '["German"]' : q.type === 'yes_no' ? 'yes' : 'Early'));
    const { calls } = mockFetch({ [`GET ${BASE}`]: { body: started({ answers: all }) }, [`POST ${BASE}/submit`]: { status: 204 } });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.click(await screen.findByTestId('cand-submit'));
    const thanks = await screen.findByTestId('cand-thanks');
    expect(thanks.textContent).toContain('Thank you, Ann!');
    expect(thanks.textContent).toContain('Acme Logistics');
    expect(calls.find((c) => c.method === 'POST')?.url).toBe(`${BASE}/submit`);
  });

  it('shows the thank-you page when a submitted link is opened again', async () => {
    mockFetch({ [`GET ${BASE}`]: { body: view({ status: 'submitted', questions: undefined, answers: undefined }) } });
    render(CandidateApp, { props: { token: TOKEN } });
    expect(await screen.findByTestId('cand-thanks')).toBeTruthy();
  });
});

describe('closed pages', () => {
  it('unknown link (404 unknown_link)', async () => {
    mockFetch({ [`GET ${BASE}`]: apiError(404, 'unknown_link', 'This interview link is not valid.') });
    render(CandidateApp, { props: { token: TOKEN } });
    expect((await screen.findByTestId('cand-unknown')).textContent).toContain('can’t find this interview');
  });

  it('a link without a token is unknown without asking the server', async () => {
    const { calls } = mockFetch({});
    render(CandidateApp, { props: { token: '' } });
    expect(await screen.findByTestId('cand-unknown')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it('expired link: 410 and status expired', async () => {
    mockFetch({ [`GET ${BASE}`]: apiError(410, 'link_expired', 'expired') });
    const first = render(CandidateApp, { props: { token: TOKEN } });
    expect(await screen.findByTestId('cand-expired')).toBeTruthy();
    first.unmount();
    mockFetch({ [`GET ${BASE}`]: { body: view({ status: 'expired', questions: undefined, answers: undefined }) } });
    render(CandidateApp, { props: { token: TOKEN } });
    expect(await screen.findByTestId('cand-expired')).toBeTruthy();
  });

  it('a link that expires while answering shows the expired page', async () => {
    mockFetch({
      [`GET ${BASE}`]: { body: started() },
      [`PUT ${BASE}/answers/11`]: apiError(410, 'link_expired', 'expired'),
    });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.input(await screen.findByTestId('cand-answer-text'), { target: { value: 'late' } });
    await fireEvent.click(screen.getByTestId('cand-next'));
    expect(await screen.findByTestId('cand-expired')).toBeTruthy();
  });

  it('already submitted (409) from another tab', async () => {
    mockFetch({
      [`GET ${BASE}`]: { body: view() },
      [`POST ${BASE}/start`]: apiError(409, 'already_submitted', 'You have already submitted this interview.'),
    });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.click(await screen.findByTestId('cand-consent'));
    await fireEvent.click(screen.getByTestId('cand-start'));
    expect(await screen.findByTestId('cand-submitted')).toBeTruthy();
  });

  it('server or network trouble: friendly error with Retry', async () => {
    const { calls } = mockFetch({
      [`GET ${BASE}`]: [{ status: 502, body: 'Bad gateway' }, { body: view() }],
    });
    render(CandidateApp, { props: { token: TOKEN } });
    const err = await screen.findByTestId('cand-error');
    expect(err.textContent).toContain('Something went wrong');
    expect(err.textContent).not.toMatch(/undefined|stack|Error:/);
    await fireEvent.click(within(err).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('cand-welcome')).toBeTruthy();
    expect(calls).toHaveLength(2);
  });
});

describe('recordings', () => {
  const audioOnly = () =>
    started({ questions: [question({ id: 31, type: 'audio', prompt: 'Introduce yourself', retakes: 1, max_media_seconds: 60 })] });

  it('explains when the browser cannot record', async () => {
    vi.stubGlobal('MediaRecorder', undefined);
    mockFetch({ [`GET ${BASE}`]: { body: audioOnly() } });
    render(CandidateApp, { props: { token: TOKEN } });
    await screen.findByTestId('cand-question');
    expect(screen.getByRole('alert').textContent).toContain('This browser cannot record here');
    expect(screen.queryByTestId('cand-record')).toBeNull();
    // The written note still works.
    expect(screen.getByLabelText(/Add a short written note/)).toBeTruthy();
  });

  /** @param {() => Promise<any>} getUserMedia */
  function fakeMedia(getUserMedia) {
    class FakeRecorder {
      /** @param {string} t */
      static isTypeSupported(t) {
        return t.startsWith('audio/webm');
      }
      /** @param {any} _stream @param {{mimeType?: string}} [o] */
      constructor(_stream, o) {
        this.mimeType = o?.mimeType || 'audio/webm';
        this.state = 'inactive';
        /** @type {((e: {data: Blob}) => void) | null} */
        this.ondataavailable = null;
        /** @type {(() => void) | null} */
        this.onstop = null;
      }
      start() {
        this.state = 'recording';
      }
      stop() {
        this.state = 'inactive';
        this.ondataavailable?.({ data: new Blob(['recorded-bytes'], { type: this.mimeType }) });
        this.onstop?.();
      }
    }
    vi.stubGlobal('MediaRecorder', FakeRecorder);
    vi.stubGlobal('navigator', { ...navigator, mediaDevices: { getUserMedia } });
    URL.createObjectURL = vi.fn(() => 'blob:take-1');
    URL.revokeObjectURL = vi.fn();
  }

  it('records, plays back, uploads with progress, and allows the permitted retake', async () => {
    const track = { stop: vi.fn() };
    const gum = vi.fn(async () => ({ getTracks: () => [track] }));
    fakeMedia(gum);
    // The page's clock, so the length sent with each recording is known: 4.2 s, then 3 s.
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const uploaded = {
      body: { received: 14, answer: { question_id: 31, value: '', media_bytes: 14, media_type: 'audio/webm', attempts: 1 } },
    };
    const { calls } = mockFetch({
      [`GET ${BASE}`]: { body: audioOnly() },
      [`PUT ${BASE}/answers/31`]: saved,
      [`POST ${BASE}/answers/31/media?offset=0&final=1&duration_ms=4200`]: uploaded,
      [`POST ${BASE}/answers/31/media?offset=0&final=1&duration_ms=3000`]: uploaded,
    });
    const { container } = render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.input(await screen.findByLabelText(/Add a short written note/), { target: { value: 'Recorded outside' } });
    await fireEvent.click(await screen.findByTestId('cand-record'));
    const stop = await screen.findByTestId('cand-stop');
    expect(gum).toHaveBeenCalledWith({ audio: true });
    expect(screen.getByText('1:00 left')).toBeTruthy();
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('cand-next')).disabled).toBe(true);
    now += 4200;
    await fireEvent.click(stop);

    await waitFor(() => expect(screen.getByTestId('cand-upload-state').textContent).toContain('Recording saved'));
    const up = calls.find((c) => c.url.includes('/media'));
    expect(up?.headers['Content-Type']).toBe('audio/webm');
    expect(track.stop).toHaveBeenCalled();
    expect(container.querySelector('audio')?.getAttribute('src')).toBe('blob:take-1');
    expect(screen.getByTestId('cand-rerecord')).toBeTruthy();
    // Storing a recording clears the answer's text on the server, so the note is saved again after it.
    await waitFor(() => {
      const media = calls.findIndex((c) => c.url.includes('/media'));
      const notes = calls.map((c, i) => ({ c, i })).filter(({ c }) => c.method === 'PUT' && c.url.endsWith('/answers/31'));
      expect(notes.at(-1)?.i).toBeGreaterThan(media);
      expect(notes.at(-1)?.c.body).toEqual({ value: 'Recorded outside' });
    });

    // One retake allowed; after it, no more.
    await fireEvent.click(screen.getByTestId('cand-rerecord'));
    const stop2 = await screen.findByTestId('cand-stop');
    now += 3000;
    await fireEvent.click(stop2);
    await waitFor(() => expect(calls.filter((c) => c.url.includes('/media'))).toHaveLength(2));
    await waitFor(() => expect(screen.queryByTestId('cand-rerecord')).toBeNull());
    expect(screen.getByText(/used all your tries/)).toBeTruthy();
  });

  it('explains a denied permission', async () => {
    fakeMedia(async () => {
      throw Object.assign(new Error('denied'), { name: 'NotAllowedError' });
    });
    mockFetch({ [`GET ${BASE}`]: { body: audioOnly() } });
    render(CandidateApp, { props: { token: TOKEN } });
    await fireEvent.click(await screen.findByTestId('cand-record'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('access was not allowed');
    expect(screen.getByTestId('cand-record')).toBeTruthy();
  });
});
