import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { createAutosaver } from './autosave.js';
import { CandidateError } from './api.js';

const offline = () => new CandidateError({ status: 0, code: 'network', message: 'offline' });

describe('createAutosaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('debounces typing: one save of the newest value 600 ms after the last change', async () => {
    const save = vi.fn(async () => {});
    const states = /** @type {string[]} */ ([]);
    const a = createAutosaver({ save, onState: (_k, s) => states.push(s.state) });
    a.change(1, 'H');
    await vi.advanceTimersByTimeAsync(300);
    a.change(1, 'He');
    await vi.advanceTimersByTimeAsync(300);
    a.change(1, 'Hey');
    await vi.advanceTimersByTimeAsync(599);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith(1, 'Hey');
    expect(states.at(-1)).toBe('saved');
    expect(states).toContain('saving');
  });

  it('saves choices immediately and keeps questions apart', async () => {
    const save = vi.fn(async () => {});
    const a = createAutosaver({ save });
    a.change(1, 'yes', { immediate: true });
    a.change(2, ['A', 'B'], { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(save.mock.calls).toEqual([
      [1, 'yes'],
      [2, ['A', 'B']],
    ]);
  });

  it('sends the newest value after the request in flight, never two at once', async () => {
    /** @type {(() => void)[]} */
    const pending = [];
    const save = vi.fn(() => new Promise((r) => pending.push(() => r(undefined))));
    const a = createAutosaver({ save });
    a.change(1, 'a', { immediate: true });
    a.change(1, 'ab', { immediate: true });
    a.change(1, 'abc', { immediate: true });
    expect(save).toHaveBeenCalledTimes(1);
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    expect(save).toHaveBeenLastCalledWith(1, 'abc');
  });

  it('retries failed saves with backoff and says so, then recovers', async () => {
    let fail = 2;
    const save = vi.fn(async () => {
      if (fail-- > 0) throw offline();
    });
    /** @type {string[]} */
    const states = [];
    const a = createAutosaver({ save, onState: (_k, s) => states.push(s.state) });
    a.change(1, 'x', { immediate: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(a.state(1)).toBe('retrying');
    expect(save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(save).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // 1 s backoff
    expect(save).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(save).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1); // 2 s backoff
    expect(save).toHaveBeenCalledTimes(3);
    expect(a.state(1)).toBe('saved');
    expect(states.at(-1)).toBe('saved');
    expect(a.hasUnsaved()).toBe(false);
  });

  it('does not retry a refused value and reports it', async () => {
    const err = new CandidateError({ status: 422, code: 'invalid_input', message: 'must be a number' });
    const save = vi.fn(async () => {
      throw err;
    });
    const onFatal = vi.fn();
    /** @type {import('./autosave.js').SaveStatus[]} */
    const states = [];
    const a = createAutosaver({ save, onFatal, onState: (_k, s) => states.push(s) });
    a.change(1, 'many', { immediate: true });
    await vi.advanceTimersByTimeAsync(20000);
    expect(save).toHaveBeenCalledTimes(1);
    expect(states.at(-1)).toEqual({ state: 'error', message: 'must be a number' });
    expect(onFatal).toHaveBeenCalledWith(1, err);
  });

  it('flush saves what waits at once and tells whether everything is saved', async () => {
    const save = vi.fn(async () => {});
    const a = createAutosaver({ save });
    a.change(1, 'typed');
    expect(a.hasUnsaved()).toBe(true);
    const ok = a.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(await ok).toBe(true);
    expect(save).toHaveBeenCalledWith(1, 'typed');

    save.mockImplementation(async () => {
      throw offline();
    });
    a.change(2, 'offline', { immediate: true });
    const ok2 = a.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(await ok2).toBe(false);
  });
});
