// Test helper: a fake EventSource for lib/sse.js (jsdom has none). Use with
//   vi.mock('../lib/sse.js', async () => (await import('../test/fake-sse.js')).sseModule);
// and inspect `streams` to emit events.

/** @type {FakeEventSource[]} */
export const streams = [];

export class FakeEventSource {
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 1;
    this.closed = false;
    /** @type {((e: Event) => void) | null} */
    this.onerror = null;
    /** @type {Record<string, ((e: MessageEvent) => void)[]>} */
    this.listeners = {};
    streams.push(this);
  }
  /** @param {string} type @param {(e: MessageEvent) => void} fn */
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  /** Delivers a server-sent event with JSON data. @param {string} type @param {unknown} data */
  emit(type, data) {
    if (this.closed) throw new Error(`emit ${type} on a closed stream`);
    const e = new MessageEvent(type, { data: JSON.stringify(data) });
    for (const fn of this.listeners[type] || []) fn(e);
  }
  /** Simulates the browser giving up on the stream (HTTP error). */
  fail() {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

export const sseModule = {
  CLOSED: 2,
  /** @param {string} url */
  openEventSource: (url) => new FakeEventSource(url),
};
