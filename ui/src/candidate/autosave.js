// Autosave of answers, one queue per question: debounced typing, immediate choices, one
// request in flight per question (the newest value wins), retries with backoff while the
// connection is down. No DOM; tested with fake timers in autosave.test.js.

import { isRetryable } from './api.js';

/**
 * @typedef {'idle'|'pending'|'saving'|'saved'|'retrying'|'error'} SaveState
 * @typedef {{state: SaveState, message?: string}} SaveStatus
 * @typedef {{
 *   save: (key:number, value:any) => Promise<unknown>,
 *   onState?: (key:number, status:SaveStatus) => void,
 *   onFatal?: (key:number, err:unknown) => void,
 *   delay?: number,
 *   backoff?: (attempt:number) => number,
 * }} AutosaveOptions
 */

/** 1 s, 2 s, 4 s, 8 s, then every 15 s. @param {number} attempt 1-based */
export function saveBackoff(attempt) {
  return Math.min(15000, 1000 * 2 ** (attempt - 1));
}

/** @param {AutosaveOptions} opts */
export function createAutosaver(opts) {
  const { save, onState = () => {}, onFatal = () => {}, delay = 600, backoff = saveBackoff } = opts;

  /**
   * @typedef {{value:any, dirty:boolean, inFlight:Promise<void>|null, timer:ReturnType<typeof setTimeout>|null,
   *   attempt:number, state:SaveState, waiters:((ok:boolean) => void)[]}} Entry
   */
  /** @type {Map<number, Entry>} */
  const entries = new Map();
  let disposed = false;

  /** @param {number} key */
  function entry(key) {
    let e = entries.get(key);
    if (!e) {
      e = { value: undefined, dirty: false, inFlight: null, timer: null, attempt: 0, state: 'idle', waiters: [] };
      entries.set(key, e);
    }
    return e;
  }

  /** @param {number} key @param {Entry} e @param {SaveState} state @param {string} [message] */
  function setState(key, e, state, message) {
    e.state = state;
    onState(key, message ? { state, message } : { state });
  }

  /** @param {Entry} e @param {boolean} ok */
  function settle(e, ok) {
    const w = e.waiters;
    e.waiters = [];
    for (const fn of w) fn(ok);
  }

  /** @param {number} key */
  function run(key) {
    const e = entry(key);
    if (e.timer) {
      clearTimeout(e.timer);
      e.timer = null;
    }
    if (disposed || e.inFlight || !e.dirty) return;
    e.dirty = false;
    const value = e.value;
    setState(key, e, e.attempt > 0 ? 'retrying' : 'saving');
    e.inFlight = (async () => {
      try {
        await save(key, value);
        e.inFlight = null;
        e.attempt = 0;
        if (e.dirty) {
          run(key); // typed on while the request was out
        } else {
          setState(key, e, 'saved');
          settle(e, true);
        }
      } catch (err) {
        e.inFlight = null;
        if (disposed) return;
        if (isRetryable(err)) {
          e.dirty = true; // the newest value is still unsaved
          e.attempt++;
          setState(key, e, 'retrying');
          settle(e, false);
          e.timer = setTimeout(() => run(key), backoff(e.attempt));
        } else {
          e.attempt = 0;
          const message = err instanceof Error ? err.message : 'Not saved.';
          setState(key, e, 'error', message);
          settle(e, false);
          onFatal(key, err);
        }
      }
    })();
  }

  return {
    /**
     * Records a new value; saves it after the debounce delay, or at once.
     * @param {number} key
     * @param {any} value
     * @param {{immediate?: boolean}} [o]
     */
    change(key, value, o = {}) {
      if (disposed) return;
      const e = entry(key);
      e.value = value;
      e.dirty = true;
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
      if (e.attempt > 0) {
        // Offline: keep the retry rhythm, but show the newest value is waiting.
        e.timer = setTimeout(() => run(key), backoff(e.attempt));
        return;
      }
      if (e.state !== 'saving') setState(key, e, 'pending');
      if (o.immediate) run(key);
      else e.timer = setTimeout(() => run(key), delay);
    },

    /**
     * Saves now what is waiting. Resolves true when everything is saved, false if a save
     * failed (it keeps retrying in the background if it can).
     * @param {number} [key] one question, or all when omitted
     * @returns {Promise<boolean>}
     */
    flush(key) {
      const keys = key === undefined ? [...entries.keys()] : [key];
      return Promise.all(
        keys.map((k) => {
          const e = entries.get(k);
          if (!e || (!e.dirty && !e.inFlight)) return Promise.resolve(!e || e.state !== 'error');
          return new Promise((resolve) => {
            e.waiters.push(resolve);
            if (!e.inFlight) run(k);
          });
        }),
      ).then((oks) => oks.every(Boolean));
    },

    /** Whether anything is not saved yet (for the leave-page warning). */
    hasUnsaved() {
      for (const e of entries.values()) if (e.dirty || e.inFlight) return true;
      return false;
    },

    /** @param {number} key @returns {SaveState} */
    state(key) {
      return entries.get(key)?.state ?? 'idle';
    },

    dispose() {
      disposed = true;
      for (const e of entries.values()) {
        if (e.timer) clearTimeout(e.timer);
        e.timer = null;
        settle(e, false);
      }
    },
  };
}
