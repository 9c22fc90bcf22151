// The one place that opens server-sent event streams, so tests can replace it (jsdom has no
// EventSource). Same-origin streams send the session cookie by themselves.

/**
 * @typedef {{
 *   addEventListener: (type: string, fn: (e: MessageEvent) => void) => void,
 *   close: () => void,
 *   onerror: ((e: Event) => void) | null,
 *   readonly readyState: number,
 * }} EventStream
 */

/** EventSource.CLOSED, also when EventSource does not exist. */
export const CLOSED = 2;

/**
 * @param {string} url
 * @returns {EventStream}
 */
export function openEventSource(url) {
  return new EventSource(url);
}
