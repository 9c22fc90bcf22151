import { describe, it, expect } from 'vitest';
import { signalFlags, spanLabel, typingLine } from './signalFlags.js';

/** @param {Partial<import('./results.js').Signals>} over @returns {import('./results.js').Signals} */
const sig = (over) => ({
  question_id: 7,
  paste_count: 0,
  paste_chars: 0,
  away_count: 0,
  away_ms: 0,
  typed_chars: 0,
  typing_ms: 0,
  burst_chars: 0,
  burst_ms: 0,
  ...over,
});

describe('signalFlags', () => {
  it('words each signal with its figures, as the PDF does', () => {
    const flags = signalFlags(sig({ paste_count: 1, paste_chars: 412, away_count: 2, away_ms: 65_000, burst_chars: 412, burst_ms: 800 }));
    expect(flags).toEqual([
      { kind: 'paste', text: 'Pasted 1 time (412 characters)' },
      { kind: 'away', text: 'Away from the page 2 times, 1 min 5 s in total' },
      { kind: 'burst', text: '412 characters appeared in 0.8 s without typing' },
    ]);
  });

  it('says "at once" for text that arrived in one go, and uses thousands separators', () => {
    expect(signalFlags(sig({ burst_chars: 1500, burst_ms: 0, paste_count: 12, paste_chars: 10_400 })).map((f) => f.text)).toEqual([
      'Pasted 12 times (10,400 characters)',
      '1,500 characters appeared at once without typing',
    ]);
  });

  it('raises nothing for typing alone, or without signals', () => {
    expect(signalFlags(sig({ typed_chars: 900, typing_ms: 300_000 }))).toEqual([]);
    expect(signalFlags(null)).toEqual([]);
    expect(signalFlags(undefined)).toEqual([]);
  });
});

describe('spanLabel and typingLine', () => {
  it('match the report', () => {
    expect(spanLabel(400)).toBe('under 1 s');
    expect(spanLabel(5_000)).toBe('5 s');
    expect(spanLabel(120_000)).toBe('2 min 0 s');
    expect(spanLabel(3_720_000)).toBe('1 h 02 min');
    expect(typingLine(sig({ typed_chars: 1240, typing_ms: 370_000 }))).toBe(
      'Typed 1,240 characters in 6 min 10 s of active typing (about 201 a minute)',
    );
    expect(typingLine(sig({ typed_chars: 3, typing_ms: 200 }))).toBe('');
  });
});
