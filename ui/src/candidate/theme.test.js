import { describe, it, expect } from 'vitest';
import { brandPalette, contrast, DEFAULT_ACCENT } from './theme.js';

describe('brandPalette', () => {
  it('keeps a dark brand colour and puts white text on it', () => {
    const p = brandPalette('#1D4ED8');
    expect(p.accent).toBe('#1d4ed8');
    expect(p.onAccent).toBe('#ffffff');
    expect(contrast(p.accentText, '#f6f7fb')).toBeGreaterThanOrEqual(4.5);
  });

  it('puts dark text on a light brand colour and darkens it for links', () => {
    const p = brandPalette('#ffd400');
    expect(p.onAccent).toBe('#111111');
    expect(contrast(p.accent, p.onAccent)).toBeGreaterThanOrEqual(4.5);
    expect(p.accentText).not.toBe('#ffd400');
    expect(contrast(p.accentText, '#f6f7fb')).toBeGreaterThanOrEqual(4.5);
  });

  it('falls back to the default for missing or invalid colours', () => {
    expect(brandPalette('').accent).toBe(DEFAULT_ACCENT);
    expect(brandPalette('red; background: url(x)').accent).toBe(DEFAULT_ACCENT);
  });
});
