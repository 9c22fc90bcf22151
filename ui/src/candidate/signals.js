// Integrity signals of the candidate page, measured per question: text pasted into the answer,
// time away from the page while the question is open, and how fast text appears in the answer
// field. The reviewer sees them as figures beside the answer; they are never scored and never
// decide anything (the AI notice says so before consent). The server keeps the largest value of
// each figure, so the page always sends running totals, never deltas: a retried save counts once.
//
// No DOM here: the page feeds in what happened and when (timestamps in ms from one clock, e.g.
// performance.now()), and signals.test.js feeds in fake events.

import { createAutosaver } from './autosave.js';

/** Text that appears faster than this, without a paste, is more than anyone types... */
export const BURST_CHARS = 200;
/** ...within this window. The fastest typists manage about 25 characters a second. */
export const BURST_WINDOW_MS = 2000;
/** A gap between two inputs longer than this is a pause, not typing time. */
export const TYPING_PAUSE_MS = 5000;
/** Absences shorter than this (focus flickering to the browser's own UI) are not counted. */
export const MIN_AWAY_MS = 1000;

/**
 * @typedef {{
 *   paste_count:number, paste_chars:number, away_count:number, away_ms:number,
 *   typed_chars:number, typing_ms:number, burst_chars:number, burst_ms:number,
 * }} Figures
 */

/**
 * What an answer field reports (QuestionStep.svelte): a paste with the pasted text's length, or an
 * input with its inputType and the field's length before and after it.
 * @typedef {{kind:'paste', chars:number} | {kind:'input', inputType?:string, before:number, after:number}} FieldEvent
 */

/** @returns {Figures} */
export function emptyFigures() {
  return {
    paste_count: 0,
    paste_chars: 0,
    away_count: 0,
    away_ms: 0,
    typed_chars: 0,
    typing_ms: 0,
    burst_chars: 0,
    burst_ms: 0,
  };
}

/**
 * The stored figures of a question (from the page data), as a starting point after a reload.
 * @param {Partial<Figures> | null | undefined} stored
 * @returns {Figures}
 */
export function seedFigures(stored) {
  const f = emptyFigures();
  if (!stored) return f;
  for (const k of /** @type {(keyof Figures)[]} */ (Object.keys(f))) {
    const v = stored[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) f[k] = Math.floor(v);
  }
  return f;
}

// Input types that bring in text the candidate did not type now: a paste (counted from the paste
// event), or undo/redo bringing back text that was there before.
const NOT_TYPED = new Set(['insertFromPaste', 'insertFromPasteAsQuotation', 'historyUndo', 'historyRedo']);

/**
 * Measures one question: pastes, typing and bursts in its answer field, and absences.
 * @param {Partial<Figures> | null} [stored] figures saved earlier, to carry on from
 */
export function createMeter(stored) {
  const f = seedFigures(stored);
  /** Non-paste inputs of the last BURST_WINDOW_MS. @type {{at:number, chars:number}[]} */
  let recent = [];
  /** @type {number | null} */
  let lastInput = null;
  /** @type {number | null} when a paste event came, so its input event is not taken for typing */
  let pasteAt = null;

  return {
    /**
     * A paste event with the pasted text's length. Empty pastes (an image) are not counted.
     * @param {number} chars @param {number} at
     */
    paste(chars, at) {
      pasteAt = at;
      lastInput = null; // the time around a paste is not typing
      if (!(chars > 0)) return false;
      f.paste_count += 1;
      f.paste_chars += Math.floor(chars);
      return true;
    },

    /**
     * An input event: its inputType (undefined for events a script made) and the field's length
     * before and after. Dropped text counts as a paste. Returns whether a figure changed.
     * @param {{inputType?: string, before: number, after: number}} e @param {number} at
     */
    input({ inputType, before, after }, at) {
      const added = Math.max(0, after - before);
      const pasted = pasteAt !== null && at - pasteAt < 1000;
      pasteAt = null;
      if (inputType === 'insertFromDrop') {
        lastInput = null;
        if (added === 0) return false;
        f.paste_count += 1;
        f.paste_chars += added;
        return true;
      }
      if (pasted || (inputType && NOT_TYPED.has(inputType))) {
        lastInput = null;
        return false;
      }
      if (lastInput !== null && at - lastInput <= TYPING_PAUSE_MS) f.typing_ms += Math.round(at - lastInput);
      lastInput = at;
      if (added === 0) return false;
      f.typed_chars += added;
      recent.push({ at, chars: added });
      recent = recent.filter((r) => at - r.at <= BURST_WINDOW_MS);
      const chars = recent.reduce((n, r) => n + r.chars, 0);
      if (chars > BURST_CHARS && chars > f.burst_chars) {
        f.burst_chars = chars;
        f.burst_ms = Math.round(at - recent[0].at);
      }
      return true;
    },

    /** Time away from the page while this question was open. @param {number} ms */
    away(ms) {
      f.away_count += 1;
      f.away_ms += Math.round(ms);
    },

    /** The running totals, for the server. @returns {Figures} */
    figures() {
      return { ...f };
    },
  };
}

/**
 * Follows whether the candidate is on the page: the tab visible and the window focused. An
 * absence of at least minMs is reported once it ends, with the tag (the open question) of when it
 * began, so a question that changed meanwhile (its time ran out) still gets it.
 * @template T
 * @param {{onAway: (tag: T, ms: number) => void, minMs?: number}} o
 */
export function createPresence({ onAway, minMs = MIN_AWAY_MS }) {
  let hidden = false;
  let focused = true;
  /** @type {{at:number, tag:T} | null} */
  let gone = null;

  /** @param {number} at @param {T} tag */
  function settle(at, tag) {
    const away = hidden || !focused;
    if (away && !gone) gone = { at, tag };
    else if (!away && gone) {
      const ms = at - gone.at;
      const t = gone.tag;
      gone = null;
      if (ms >= minMs) onAway(t, ms);
    }
  }

  return {
    /**
     * The page's state changed (visibilitychange, blur, focus), or is known at the start.
     * @param {{hidden?: boolean, focused?: boolean}} state @param {number} at @param {T} tag
     */
    update(state, at, tag) {
      if (state.hidden !== undefined) hidden = state.hidden;
      if (state.focused !== undefined) focused = state.focused;
      settle(at, tag);
    },
    /** Whether the candidate is away right now. */
    isAway() {
      return gone !== null;
    },
  };
}

/**
 * The page's integrity signals: a meter per question (seeded from the stored figures), absences
 * attributed to the question open when they began, and a saver that sends a question's running
 * totals a few seconds after they change (or at once on flush).
 * @param {{
 *   save: (qid:number, figures:Figures) => Promise<unknown>,
 *   stored?: (qid:number) => Partial<Figures> | null | undefined,
 *   delay?: number,
 * }} o
 */
export function createSignals({ save, stored = () => null, delay = 3000 }) {
  /** @type {Map<number, ReturnType<typeof createMeter>>} */
  const meters = new Map();
  const saver = createAutosaver({ save, delay });

  /** @param {number} qid */
  function meter(qid) {
    let m = meters.get(qid);
    if (!m) {
      m = createMeter(stored(qid));
      meters.set(qid, m);
    }
    return m;
  }

  /** @param {number} qid */
  function changed(qid) {
    saver.change(qid, meter(qid).figures());
  }

  const presence = createPresence({
    /** @param {number | null} qid @param {number} ms */
    onAway: (qid, ms) => {
      if (qid === null) return;
      meter(qid).away(ms);
      changed(qid);
    },
  });

  return {
    /**
     * A paste or an input in question qid's answer field.
     * @param {number} qid @param {FieldEvent} e @param {number} at
     */
    field(qid, e, at) {
      if (e.kind === 'paste' ? meter(qid).paste(e.chars, at) : meter(qid).input(e, at)) changed(qid);
    },
    /**
     * The page became hidden or visible, lost or got focus; qid is the open question (null when
     * none is). A hidden page may be closing, so what there is gets saved.
     * @param {{hidden?: boolean, focused?: boolean}} state @param {number} at @param {number | null} qid
     */
    presence(state, at, qid) {
      presence.update(state, at, qid);
      if (state.hidden) saver.flush();
    },
    /** Saves now (one question, or all); resolves false when a save failed. */
    flush: saver.flush,
    dispose: saver.dispose,
  };
}
