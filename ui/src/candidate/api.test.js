import { describe, it, expect, afterEach, vi } from 'vitest';
import * as api from './api.js';
import { mockFetch, apiError } from '../test/fetch-mock.js';

describe('candidate api', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends JSON writes without CSRF header or cookies, and the token escaped in the path', async () => {
    const { calls, fn } = mockFetch({ 'PUT /api/candidate/t%2Fk/answers/5': { body: { answer: { question_id: 5 } } } });
    await api.saveAnswer('t/k', 5, ['A']);
    expect(calls[0].body).toEqual({ value: ['A'] });
    expect(calls[0].headers).toEqual({ 'Content-Type': 'application/json' });
    expect(fn.mock.calls[0][1]?.credentials).toBe('omit');
  });

  it('posts recording chunks as raw bytes with their type, offset and final flag', async () => {
    const { fn } = mockFetch({
      'POST /api/candidate/tok/answers/7/media?offset=1024': { body: { received: 2048 } },
      'POST /api/candidate/tok/answers/7/media?offset=2048&final=1': { body: { received: 2100 } },
    });
    const chunk = new Blob(['x'.repeat(1024)], { type: 'audio/webm' });
    expect(await api.uploadChunk('tok', 7, 1024, chunk, 'audio/webm', false)).toEqual({ received: 2048 });
    expect(await api.uploadChunk('tok', 7, 2048, chunk, 'audio/webm', true)).toEqual({ received: 2100 });
    const init = fn.mock.calls[0][1];
    expect(init?.headers).toEqual({ 'Content-Type': 'audio/webm' });
    expect(init?.body).toBe(chunk);
  });

  it("sends the recording's measured length with the final chunk only", async () => {
    const { fn } = mockFetch({
      'POST /api/candidate/tok/answers/7/media?offset=0': { body: { received: 10 } },
      'POST /api/candidate/tok/answers/7/media?offset=10&final=1&duration_ms=47200': { body: { received: 20 } },
    });
    const chunk = new Blob(['x'.repeat(10)], { type: 'audio/webm' });
    expect(await api.uploadChunk('tok', 7, 0, chunk, 'audio/webm', false, 47200.4)).toEqual({ received: 10 });
    expect(await api.uploadChunk('tok', 7, 10, chunk, 'audio/webm', true, 47200.4)).toEqual({ received: 20 });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('turns API errors into CandidateError with code and fields, and classifies them', async () => {
    mockFetch({
      'POST /api/candidate/tok/submit': apiError(422, 'incomplete', '1 required question still needs an answer.', {
        'questions.3': 'needs an answer',
      }),
      'GET /api/candidate/gone': apiError(410, 'link_expired', 'expired'),
    });
    const err = await api.submit('tok').catch((e) => e);
    expect(err).toBeInstanceOf(api.CandidateError);
    expect(err.code).toBe('incomplete');
    expect(err.fields).toEqual({ 'questions.3': 'needs an answer' });
    expect(api.isRetryable(err)).toBe(false);
    const gone = await api.getInterview('gone').catch((e) => e);
    expect(api.closedKind(gone)).toBe('expired');
  });

  it('reports a network failure as status 0, retryable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = await api.start('tok').catch((e) => e);
    expect(err.status).toBe(0);
    expect(err.code).toBe('network');
    expect(api.isRetryable(err)).toBe(true);
  });
});
