import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import { mockFetch, apiError } from './test/fetch-mock.js';
import { clearSession, session } from './lib/session.svelte.js';

const me = {
  user: { id: 1, email: 'ann@agency.test', name: 'Ann Admin', is_admin: true, created_at: '2026-01-01T00:00:00Z' },
  workspaces: [
    { id: 3, name: 'Acme', role: 'admin' },
    { id: 8, name: 'Globex', role: 'viewer' },
  ],
  csrf_token: 'csrf-x',
};
const members = { members: [{ user_id: 1, email: 'ann@agency.test', name: 'Ann Admin', role: 'admin', created_at: '2026-01-01T00:00:00Z' }] };

/** @param {string} path */
function visit(path) {
  window.history.replaceState(null, '', path);
}

describe('App boot', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    clearSession();
    session.setupNeeded = null;
    localStorage.clear();
    sessionStorage.clear();
  });

  it('sends everyone to /setup while setup is needed', async () => {
    const { calls } = mockFetch({ 'GET /api/setup': { body: { needed: true } } });
    visit('/account');
    render(App);
    await screen.findByTestId('setup-form');
    expect(window.location.pathname).toBe('/setup');
    expect(calls.map((c) => c.url)).toEqual(['/api/setup']);
  });

  it('sends signed-out users to /login and returns them to the page they wanted', async () => {
    mockFetch({
      'GET /api/setup': { body: { needed: false } },
      'GET /api/me': [apiError(401, 'unauthenticated', 'Sign in to continue.'), { body: me }],
      'POST /api/auth/login': { body: { user: me.user, csrf_token: 'csrf-x' } },
      'GET /api/me/tokens': { body: { tokens: [] } },
    });
    visit('/account/tokens');
    render(App);
    await screen.findByTestId('login-form');
    expect(window.location.pathname).toBe('/login');
    expect(sessionStorage.getItem('hireloop.nextPath')).toBe('/account/tokens');
  });

  it('opens the remembered workspace for a signed-in user at /', async () => {
    localStorage.setItem('hireloop.lastWorkspace', '8');
    mockFetch({
      'GET /api/setup': { body: { needed: false } },
      'GET /api/me': { body: me },
      'GET /api/workspaces/8': { body: { workspace: { id: 8, name: 'Globex', role: 'viewer' } } },
      'GET /api/workspaces/8/members': { body: members },
    });
    visit('/');
    render(App);
    const heading = await screen.findByTestId('workspace-heading');
    expect(heading.textContent).toBe('Globex');
    expect(window.location.pathname).toBe('/w/8');
    expect(screen.getByTestId('workspace-switcher-current').textContent).toBe('Globex');
  });

  it('falls back to the first workspace when the remembered one is gone', async () => {
    localStorage.setItem('hireloop.lastWorkspace', '99');
    mockFetch({
      'GET /api/setup': { body: { needed: false } },
      'GET /api/me': { body: me },
      'GET /api/workspaces/3': { body: { workspace: { id: 3, name: 'Acme', role: 'admin' } } },
      'GET /api/workspaces/3/members': { body: members },
    });
    visit('/');
    render(App);
    await waitFor(() => expect(window.location.pathname).toBe('/w/3'));
    expect((await screen.findByTestId('workspace-heading')).textContent).toBe('Acme');
    expect(localStorage.getItem('hireloop.lastWorkspace')).toBe('3');
  });

  it('sends a user without workspaces to /workspaces/new', async () => {
    mockFetch({
      'GET /api/setup': { body: { needed: false } },
      'GET /api/me': { body: { ...me, workspaces: [] } },
    });
    visit('/');
    render(App);
    await screen.findByTestId('workspace-new-form');
    expect(window.location.pathname).toBe('/workspaces/new');
  });

  it('shows the 404 page for unknown routes', async () => {
    mockFetch({
      'GET /api/setup': { body: { needed: false } },
      'GET /api/me': { body: me },
    });
    visit('/does/not/exist');
    render(App);
    await screen.findByTestId('not-found');
    expect(window.location.pathname).toBe('/does/not/exist');
    expect(screen.getByTestId('sidebar')).toBeTruthy();
  });

  it('shows an error with a retry when the server is unreachable', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    visit('/');
    render(App);
    const banner = await screen.findByTestId('boot-error');
    expect(banner.textContent).toContain('Could not reach the hireloop server');
  });
});
