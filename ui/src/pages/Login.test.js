import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import Login from './Login.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { session, clearSession } from '../lib/session.svelte.js';

/** @param {string} email @param {string} password */
async function fillAndSubmit(email, password) {
  await fireEvent.input(screen.getByTestId('login-email'), { target: { value: email } });
  await fireEvent.input(screen.getByTestId('login-password'), { target: { value: password } });
  await fireEvent.click(screen.getByTestId('login-submit'));
}

describe('Login', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
    clearSession();
    localStorage.clear();
    sessionStorage.clear();
  });

  it('shows "Email or password is incorrect" on 401', async () => {
    const { calls } = mockFetch({
      'POST /api/auth/login': apiError(401, 'invalid_credentials', 'invalid credentials'),
    });
    render(Login);
    await fillAndSubmit('ann@agency.test', 'wrong-password');
    const banner = await screen.findByTestId('login-error');
    expect(banner.textContent).toContain('Email or password is incorrect');
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ email: 'ann@agency.test', password: 'wrong-password' });
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('login-password')).value).toBe('');
    expect(session.user).toBeNull();
  });

  it('shows the API message and Retry-After seconds on 429, and disables submit', async () => {
    mockFetch({
      'POST /api/auth/login': {
        ...apiError(429, 'rate_limited', 'Too many sign-in attempts.'),
        headers: { 'Retry-After': '30' },
      },
    });
    render(Login);
    await fillAndSubmit('ann@agency.test', 'whatever-password');
    const banner = await screen.findByTestId('login-error');
    expect(banner.textContent).toContain('Too many sign-in attempts.');
    expect(screen.getByTestId('login-retry').textContent).toContain('30 seconds');
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('login-submit')).disabled).toBe(true);
  });

  it('validates inputs before calling the API', async () => {
    const { calls } = mockFetch({});
    render(Login);
    await fillAndSubmit('not-an-email', '');
    expect(screen.getByTestId('login-email-error').textContent).toContain('valid email');
    expect(screen.getByTestId('login-password-error').textContent).toContain('Enter your password');
    expect(calls).toHaveLength(0);
  });

  it('signs in, loads the profile and goes to the remembered workspace', async () => {
    localStorage.setItem('hireloop.lastWorkspace', '8');
    const { calls } = mockFetch({
      'POST /api/auth/login': { body: { user: { id: 1, email: 'ann@agency.test', name: 'Ann' }, csrf_token: 'c1' } },
      'GET /api/me': {
        body: {
          user: { id: 1, email: 'ann@agency.test', name: 'Ann' },
          workspaces: [
            { id: 3, name: 'Acme', role: 'admin' },
            { id: 8, name: 'Globex', role: 'viewer' },
          ],
          csrf_token: 'c2',
        },
      },
    });
    render(Login);
    await fillAndSubmit('ann@agency.test', 'correct-password');
    await waitFor(() => expect(window.location.pathname).toBe('/w/8'));
    expect(session.user?.name).toBe('Ann');
    expect(session.workspaces).toHaveLength(2);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/auth/login', 'GET /api/me']);
  });
});
