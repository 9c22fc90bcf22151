// How the result page words a question's integrity signals (pasted text, time away from the page,
// text that appeared faster than anyone types): neutral flags with their figures, in the same
// words as the PDF report (app/report/signals.go). They are context for a person; the score
// never uses them and nothing happens automatically because of them.

/** The one-line explanation shown with the flags. */
export const SIGNALS_NOTE =
  'Signals for a person to weigh, not evidence of cheating (notes, interruptions or dictation tools cause them too); never part of the score.';

/** @param {number} n */
const num = (n) => Math.round(n).toLocaleString('en-US');
/** @param {number} n */
const times = (n) => (n === 1 ? '1 time' : `${num(n)} times`);
/** @param {number} n */
const chars = (n) => (n === 1 ? '1 character' : `${num(n)} characters`);

/**
 * "5 s", "1 min 5 s", "2 min", "1 h 02 min"; "under 1 s" below a second.
 * @param {number} ms
 */
export function spanLabel(ms) {
  if (!(ms >= 1000)) return 'under 1 s';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

/**
 * The flags a question's signals raise, each with its figures; none when the page noticed nothing.
 * @param {import('./results.js').Signals | null | undefined} s
 * @returns {{kind: 'paste'|'away'|'burst', text: string}[]}
 */
export function signalFlags(s) {
  if (!s) return [];
  /** @type {{kind: 'paste'|'away'|'burst', text: string}[]} */
  const out = [];
  if (s.paste_count > 0) out.push({ kind: 'paste', text: `Pasted ${times(s.paste_count)} (${chars(s.paste_chars)})` });
  if (s.away_count > 0)
    out.push({ kind: 'away', text: `Away from the page ${times(s.away_count)}, ${spanLabel(s.away_ms)} in total` });
  if (s.burst_chars > 0) {
    const when = s.burst_ms < 100 ? 'at once' : `in ${(s.burst_ms / 1000).toFixed(1)} s`;
    out.push({ kind: 'burst', text: `${chars(s.burst_chars)} appeared ${when} without typing` });
  }
  return out;
}

/**
 * The typing figures as context: "Typed 1,240 characters in 6 min 10 s of active typing (about
 * 201 a minute)"; empty without typing.
 * @param {import('./results.js').Signals | null | undefined} s
 */
export function typingLine(s) {
  if (!s || !(s.typed_chars > 0) || !(s.typing_ms >= 1000)) return '';
  const perMinute = Math.round((s.typed_chars / s.typing_ms) * 60000);
  return `Typed ${chars(s.typed_chars)} in ${spanLabel(s.typing_ms)} of active typing (about ${num(perMinute)} a minute)`;
}
