import { describe, it, expect } from 'vitest';
import { timeAgo } from './format.js';

describe('timeAgo', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it('reads recent times, and a few seconds ahead, as just now', () => {
    expect(timeAgo('2026-11-28T11:59:30Z', now)).toBe('just now');
    expect(timeAgo('2026-11-28T12:00:20Z', now)).toBe('just now');
    expect(timeAgo('2026-11-28T11:55:00Z', now)).toBe('5 min ago');
    expect(timeAgo('2026-11-27T11:00:00Z', now)).toBe('yesterday');
  });
  it('shows a date for times well ahead or long ago', () => {
    expect(timeAgo('2026-11-28T12:05:00Z', now)).not.toMatch(/ago|just now/);
    expect(timeAgo('2026-10-01T12:00:00Z', now)).not.toMatch(/ago|just now/);
    expect(timeAgo(null, now)).toBe('—');
  });
});
