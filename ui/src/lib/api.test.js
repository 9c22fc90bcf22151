import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import * as api from './api.js';
import { mockFetch, apiError } from '../test/fetch-mock.js';

describe('api', () => {
  beforeEach(() => api.setCsrfToken(''));
  afterEach(() => {
    vi.unstubAllGlobals();
    api.onUnauthenticated(null);
  });

  it('sends the CSRF token and JSON content type on writes, not on reads', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces': { body: { workspaces: [] } },
      'POST /api/workspaces': { status: 201, body: { workspace: { id: 7, name: 'Acme', role: 'admin' } } },
      'DELETE /api/me/tokens/3': { status: 204 },
    });
    api.setCsrfToken('tok-123');
    await api.listWorkspaces();
    const res = await api.createWorkspace('Acme');
    const del = await api.revokeToken(3);

    expect(res.workspace.id).toBe(7);
    expect(del).toBeNull();
    expect(calls[0].headers['X-CSRF-Token']).toBeUndefined();
    expect(calls[1].headers['X-CSRF-Token']).toBe('tok-123');
    expect(calls[1].headers['Content-Type']).toBe('application/json');
    expect(calls[1].body).toEqual({ name: 'Acme' });
    expect(calls[2].method).toBe('DELETE');
    expect(calls[2].headers['X-CSRF-Token']).toBe('tok-123');
  });

  it('keeps the csrf_token from login and uses it for the next write', async () => {
    const { calls } = mockFetch({
      'POST /api/auth/login': { body: { user: { id: 1 }, csrf_token: 'fresh-token' } },
      'PATCH /api/me': { body: { user: { id: 1, name: 'Ann' } } },
    });
    await api.login('a@b.co', 'secret-password');
    expect(api.getCsrfToken()).toBe('fresh-token');
    await api.updateMe('Ann');
    expect(calls[0].body).toEqual({ email: 'a@b.co', password: 'secret-password' });
    expect(calls[1].headers['X-CSRF-Token']).toBe('fresh-token');
  });

  it('turns an error body into ApiError with code, message and fields', async () => {
    mockFetch({
      'POST /api/setup': apiError(422, 'invalid_input', 'Please fix the errors', {
        email: 'must be a valid email address',
      }),
    });
    const err = await api
      .setup({ name: 'A', email: 'x', password: 'p', workspace_name: 'W' })
      .catch((/** @type {unknown} */ e) => e);
    expect(err).toBeInstanceOf(api.ApiError);
    const e = /** @type {api.ApiError} */ (err);
    expect(e.status).toBe(422);
    expect(e.code).toBe('invalid_input');
    expect(e.message).toBe('Please fix the errors');
    expect(e.fields).toEqual({ email: 'must be a valid email address' });
    expect(e.retryAfter).toBeNull();
  });

  it('reads Retry-After seconds on 429', async () => {
    mockFetch({
      'POST /api/auth/login': {
        ...apiError(429, 'rate_limited', 'Too many sign-in attempts'),
        headers: { 'Retry-After': '42' },
      },
    });
    const e = await api.login('a@b.co', 'x').catch((/** @type {any} */ e) => e);
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limited');
    expect(e.message).toBe('Too many sign-in attempts');
    expect(e.retryAfter).toBe(42);
  });

  it('parses Retry-After as seconds or HTTP date', () => {
    expect(api.parseRetryAfter('5')).toBe(5);
    expect(api.parseRetryAfter(null)).toBeNull();
    expect(api.parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(api.parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
  });

  it('falls back to a readable message for non-JSON errors', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502 })),
    );
    const e = await api.me().catch((/** @type {any} */ e) => e);
    expect(e.status).toBe(502);
    expect(e.code).toBe('http_502');
    expect(e.message).toMatch(/HTTP 502/);
  });

  it('reports network failures as status 0', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    const e = await api.getSetup().catch((/** @type {any} */ e) => e);
    expect(e.status).toBe(0);
    expect(e.code).toBe('network_error');
  });

  it('calls the unauthenticated handler only for 401 unauthenticated', async () => {
    const handler = vi.fn();
    api.onUnauthenticated(handler);
    mockFetch({
      'GET /api/me': apiError(401, 'unauthenticated', 'Sign in first'),
      'POST /api/auth/login': apiError(401, 'invalid_credentials', 'Wrong'),
    });
    await api.login('a@b.co', 'x').catch(() => {});
    expect(handler).not.toHaveBeenCalled();
    await api.me().catch(() => {});
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('encodes path parameters and sends member bodies as given', async () => {
    const { calls } = mockFetch({
      'POST /api/workspaces/5/members': { status: 201, body: { member: { user_id: 9 } } },
      'PATCH /api/workspaces/5/members/9': { body: { member: { user_id: 9, role: 'viewer' } } },
    });
    await api.addMember(5, { email: 'n@x.io', role: 'recruiter', name: 'N', password: 'longpassword' });
    await api.updateMemberRole(5, 9, 'viewer');
    expect(calls[0].body).toEqual({ email: 'n@x.io', role: 'recruiter', name: 'N', password: 'longpassword' });
    expect(calls[1].body).toEqual({ role: 'viewer' });
  });
});

describe('queryString', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(api.queryString({ a: '', b: null, c: undefined, d: false, job: 'J 1&x', after: 0, limit: 50 })).toBe(
      '?job=J+1%26x&after=0&limit=50',
    );
    expect(api.queryString({})).toBe('');
  });
});
