// Test helper: replaces global fetch with a route table and records every call.
import { vi } from 'vitest';

/**
 * @typedef {{status?: number, body?: unknown, headers?: Record<string, string>}} MockResponse
 * @typedef {MockResponse | ((call: Call) => MockResponse)} Handler
 * @typedef {{method: string, url: string, headers: Record<string, string>, body: any}} Call
 */

/**
 * @param {Record<string, Handler | Handler[]>} routes keys like "POST /api/auth/login"; an array is
 *   consumed one response per call (the last one repeats).
 */
export function mockFetch(routes) {
  /** @type {Call[]} */
  const calls = [];
  /** @type {Record<string, number>} */
  const counters = {};
  const fn = vi.fn(async (/** @type {string} */ url, /** @type {RequestInit} */ init = {}) => {
    const method = (init.method || 'GET').toUpperCase();
    const headers = /** @type {Record<string, string>} */ ({ ...(init.headers || {}) });
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const call = { method, url, headers, body };
    calls.push(call);
    const key = `${method} ${url}`;
    let handler = routes[key];
    if (Array.isArray(handler)) {
      const i = counters[key] || 0;
      counters[key] = i + 1;
      handler = handler[Math.min(i, handler.length - 1)];
    }
    if (!handler) {
      return new Response(JSON.stringify({ error: { code: 'not_found', message: `no mock for ${key}` } }), {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    const r = typeof handler === 'function' ? handler(call) : handler;
    const status = r.status ?? 200;
    const payload = status === 204 || r.body === undefined ? null : JSON.stringify(r.body);
    return new Response(payload, {
      status,
      headers: { 'Content-Type': 'application/json', ...(r.headers || {}) },
    });
  });
  vi.stubGlobal('fetch', fn);
  return { fn, calls };
}

/**
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, string>} [fields]
 */
export function apiError(status, code, message, fields) {
  return { status, body: { error: { code, message, ...(fields ? { fields } : {}) } } };
}
