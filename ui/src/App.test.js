import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, waitFor, fireEvent } from '@testing-library/svelte';
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

  it('routes the ATS pages inside the workspace and marks their sidebar entry', async () => {
    mockFetch({
      'GET /api/setup': { body: { needed: false } },
      'GET /api/me': { body: me },
      'GET /api/workspaces/3': { body: { workspace: { id: 3, name: 'Acme', role: 'admin' } } },
      'GET /api/workspaces/3/connections': { body: { connections: [] } },
      'GET /api/providers': { body: { providers: [] } },
      'GET /api/workspaces/3/positions?limit=50': { body: { positions: [], total: 0 } },
    });
    visit('/w/3/positions');
    render(App);
    expect(await screen.findByTestId('positions-empty')).toBeTruthy();
    expect(screen.getByTestId('positions-empty').textContent).toContain('No ATS connected');
    const nav = ['nav-positions', 'nav-applications', 'nav-connections', 'nav-workspace'].map((id) => screen.getByTestId(id));
    expect(nav.map((a) => a.getAttribute('href'))).toEqual(['/w/3/positions', '/w/3/applications', '/w/3/connections', '/w/3']);
    expect(nav[0].getAttribute('aria-current')).toBe('page');
    expect(nav[2].classList.contains('active')).toBe(false);

    await fireEvent.click(nav[2]);
    expect(await screen.findByTestId('integrations-empty')).toBeTruthy();
    expect(window.location.pathname).toBe('/w/3/connections');
    expect(screen.getByTestId('nav-connections').classList.contains('active')).toBe(true);
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
