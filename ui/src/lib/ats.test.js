import { describe, it, expect } from 'vitest';
import { providerMark } from './ats.js';

describe('providerMark', () => {
  it('gives every connector in the gallery its own mark', () => {
    const names = [
      'greenhouse', 'lever', 'ashby', 'workable', 'smartrecruiters', 'teamtailor',
      'recruitee', 'bamboohr', 'personio', 'kombo', 'merge', 'sandbox',
    ];
    const marks = names.map((n) => providerMark(n));
    expect(new Set(marks.map((m) => m.letters)).size).toBe(names.length);
    expect(new Set(marks.map((m) => m.color)).size).toBe(names.length);
    expect(providerMark('smartrecruiters').letters).toBe('SR');
  });

  it('letters an unknown provider from its title with a stable color', () => {
    const a = providerMark('jazzhr', 'Jazz HR');
    expect(a.letters).toBe('Jh');
    expect(providerMark('jazzhr', 'Jazz HR')).toEqual(a);
    expect(providerMark('zoho', 'Zoho (Recruit)').letters).toBe('Zo');
  });
});
