import { describe, it, expect, vi, afterEach } from 'vitest';
import { createMeter, createPresence, createSignals, seedFigures, BURST_WINDOW_MS } from './signals.js';

/**
 * Types `text` one character at a time, `gap` ms apart, starting at `t0`; returns the time after.
 * @param {ReturnType<typeof createMeter>} m @param {number} length field length before
 * @param {number} n characters @param {number} t0 @param {number} gap
 */
function type(m, length, n, t0, gap) {
  let t = t0;
  for (let i = 0; i < n; i++) {
    m.input({ inputType: 'insertText', before: length + i, after: length + i + 1 }, t);
    t += gap;
  }
  return t;
}

describe('createMeter', () => {
  it('counts pastes and their characters, and keeps pasted text out of typing', () => {
    const m = createMeter();
    expect(m.paste(412, 1000)).toBe(true);
    m.input({ inputType: 'insertFromPaste', before: 0, after: 412 }, 1001);
    m.paste(30, 5000);
    m.input({ inputType: 'insertFromPaste', before: 412, after: 442 }, 5002);
    expect(m.paste(0, 6000)).toBe(false); // an image: nothing pasted into the text
    const f = m.figures();
    expect(f).toMatchObject({ paste_count: 2, paste_chars: 442, typed_chars: 0, burst_chars: 0 });
  });

  it('takes an input right after a paste event as the paste, also without an inputType', () => {
    const m = createMeter();
    m.paste(500, 100);
    m.input({ before: 0, after: 500 }, 110);
    expect(m.figures()).toMatchObject({ paste_count: 1, paste_chars: 500, typed_chars: 0, burst_chars: 0 });
  });

  it('counts dropped text as a paste', () => {
    const m = createMeter();
    m.input({ inputType: 'insertFromDrop', before: 10, after: 260 }, 100);
    expect(m.figures()).toMatchObject({ paste_count: 1, paste_chars: 250, burst_chars: 0 });
  });

  it('measures typing: characters over active time, pauses left out', () => {
    const m = createMeter();
    let t = type(m, 0, 50, 0, 200); // 50 characters, 200 ms apart: 49 gaps
    t += 60_000; // a minute of thinking
    type(m, 50, 10, t, 300);
    m.input({ inputType: 'deleteContentBackward', before: 60, after: 59 }, t + 3000);
    const f = m.figures();
    expect(f.typed_chars).toBe(60);
    expect(f.typing_ms).toBe(49 * 200 + 9 * 300 + 300);
    expect(f.burst_chars).toBe(0);
  });

  it('flags text that appears faster than anyone types, without a paste, with its size and time', () => {
    const m = createMeter();
    type(m, 0, 20, 0, 150); // typing first
    // A tool writes 412 characters in 8 steps over 0.7 s, dispatching plain input events.
    let len = 20;
    for (let i = 0; i < 8; i++) {
      const step = i < 7 ? 52 : 48;
      m.input({ before: len, after: len + step }, 10_000 + i * 100);
      len += step;
    }
    const f = m.figures();
    expect(f.burst_chars).toBe(412);
    expect(f.burst_ms).toBe(700);
    expect(f.paste_count).toBe(0);
  });

  it('catches text injected at once, and keeps the largest burst', () => {
    const m = createMeter();
    m.input({ before: 0, after: 300 }, 1000);
    m.input({ before: 300, after: 1200 }, 60_000);
    m.input({ before: 1200, after: 1450 }, 120_000);
    expect(m.figures()).toMatchObject({ burst_chars: 900, burst_ms: 0 });
  });

  it('does not flag 200 characters typed at a human pace, nor text undone back', () => {
    const m = createMeter();
    type(m, 0, 400, 0, 40); // 25 characters a second: very fast, but typing
    m.input({ inputType: 'deleteContentBackward', before: 400, after: 0 }, 20_000);
    m.input({ inputType: 'historyUndo', before: 0, after: 400 }, 21_000);
    const f = m.figures();
    expect(f.burst_chars).toBe(0);
    expect(f.typed_chars).toBe(400);
  });

  it('counts a burst only inside the window', () => {
    const m = createMeter();
    m.input({ before: 0, after: 150 }, 0);
    m.input({ before: 150, after: 300 }, BURST_WINDOW_MS + 1);
    expect(m.figures().burst_chars).toBe(0);
    m.input({ before: 300, after: 360 }, BURST_WINDOW_MS + 500);
    expect(m.figures()).toMatchObject({ burst_chars: 210, burst_ms: 499 });
  });

  it('adds absences, and carries on from stored figures after a reload', () => {
    const m = createMeter({ paste_count: 1, paste_chars: 40, away_count: 2, away_ms: 5000, burst_chars: 300, burst_ms: 400 });
    m.away(1500);
    m.paste(10, 0);
    expect(m.figures()).toMatchObject({ paste_count: 2, paste_chars: 50, away_count: 3, away_ms: 6500, burst_chars: 300, burst_ms: 400 });
  });
});

describe('seedFigures', () => {
  it('keeps only sane figures', () => {
    expect(seedFigures({ paste_count: 2, away_ms: -4, typed_chars: NaN, burst_ms: 12.7 })).toEqual({
      paste_count: 2,
      paste_chars: 0,
      away_count: 0,
      away_ms: 0,
      typed_chars: 0,
      typing_ms: 0,
      burst_chars: 0,
      burst_ms: 12,
    });
    expect(seedFigures(null).paste_count).toBe(0);
  });
});

describe('createPresence', () => {
  it('reports an absence once it ends, for the question open when it began', () => {
    const onAway = vi.fn();
    const p = createPresence({ onAway });
    p.update({ hidden: true }, 1000, 7); // tab switched away on question 7
    expect(p.isAway()).toBe(true);
    p.update({ hidden: false }, 66_000, 8); // back after 65 s; the question moved on meanwhile
    expect(onAway).toHaveBeenCalledWith(7, 65_000);
    expect(p.isAway()).toBe(false);
  });

  it('counts blur and a hidden tab together as one absence', () => {
    const onAway = vi.fn();
    const p = createPresence({ onAway });
    p.update({ focused: false }, 0, 1); // window blur first...
    p.update({ hidden: true }, 5, 1); // ...then the tab hides
    p.update({ hidden: false }, 3000, 1);
    expect(onAway).not.toHaveBeenCalled(); // still unfocused
    p.update({ focused: true }, 3010, 1);
    expect(onAway).toHaveBeenCalledTimes(1);
    expect(onAway).toHaveBeenCalledWith(1, 3010);
  });

  it('ignores flickers shorter than a second', () => {
    const onAway = vi.fn();
    const p = createPresence({ onAway });
    p.update({ focused: false }, 0, 1);
    p.update({ focused: true }, 400, 1);
    expect(onAway).not.toHaveBeenCalled();
  });
});

describe('createSignals', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a question\'s running totals a few seconds after they change, carrying on from the stored ones', async () => {
    vi.useFakeTimers();
    const save = vi.fn(async () => {});
    const s = createSignals({ save, stored: (qid) => (qid === 7 ? { paste_count: 1, paste_chars: 20 } : null) });
    s.field(7, { kind: 'paste', chars: 412 }, 100);
    s.field(7, { kind: 'input', inputType: 'insertFromPaste', before: 0, after: 412 }, 101);
    await vi.advanceTimersByTimeAsync(2999);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0]).toEqual([7, expect.objectContaining({ paste_count: 2, paste_chars: 432, typed_chars: 0 })]);
    s.dispose();
  });

  it('gives an absence to the question open when it began, and saves when the page hides', async () => {
    const save = vi.fn(async () => {});
    const s = createSignals({ save });
    s.presence({ hidden: true }, 1000, 3);
    s.presence({ hidden: false }, 66_000, 4);
    expect(await s.flush()).toBe(true);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save.mock.calls[0]).toEqual([3, expect.objectContaining({ away_count: 1, away_ms: 65_000 })]);
    // Hiding the page saves what is waiting at once (the tab may be closing).
    s.field(4, { kind: 'paste', chars: 5 }, 70_000);
    s.presence({ hidden: true }, 70_100, 4);
    await Promise.resolve();
    expect(save).toHaveBeenCalledTimes(2);
    expect(save.mock.calls[1]).toEqual([4, expect.objectContaining({ paste_count: 1, paste_chars: 5 })]);
    s.presence({ hidden: false }, 71_000, 4); // back within a second: not counted
    // Away from the review page (no open question) is nobody's.
    s.presence({ focused: false }, 80_000, null);
    s.presence({ focused: true }, 95_000, null);
    await s.flush();
    expect(save).toHaveBeenCalledTimes(2);
    s.dispose();
  });
});
