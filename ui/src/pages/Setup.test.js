import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import Setup from './Setup.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { session, clearSession } from '../lib/session.svelte.js';

/** @param {Record<string, string>} values */
async function fill(values) {
  for (const [testid, value] of Object.entries(values)) {
    await fireEvent.input(screen.getByTestId(testid), { target: { value } });
  }
}

const valid = {
  'setup-name': 'Ann Admin',
  'setup-email': 'ann@agency.test',
  'setup-password': 'correct-horse-battery',
  'setup-password-confirm': 'correct-horse-battery',
  'setup-workspace': 'Acme Corp',
};

describe('Setup', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    clearSession();
    localStorage.clear();
  });

  it('rejects mismatched passwords without calling the API', async () => {
    const { calls } = mockFetch({});
    render(Setup);
    await fill({ ...valid, 'setup-password-confirm': 'correct-horse-battery!' });
    await fireEvent.click(screen.getByTestId('setup-submit'));
    expect(screen.getByTestId('setup-password-confirm-error').textContent).toBe('Passwords do not match.');
    expect(screen.queryByTestId('setup-password-error')).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it('rejects passwords shorter than 10 characters', async () => {
    const { calls } = mockFetch({});
    render(Setup);
    await fill({ ...valid, 'setup-password': 'short1234', 'setup-password-confirm': 'short1234' });
    await fireEvent.click(screen.getByTestId('setup-submit'));
    expect(screen.getByTestId('setup-password-error').textContent).toBe('Use at least 10 characters.');
    expect(calls).toHaveLength(0);

    // fixing the field clears the message live
    await fill({ 'setup-password': 'long-enough-pw', 'setup-password-confirm': 'long-enough-pw' });
    expect(screen.queryByTestId('setup-password-error')).toBeNull();
  });

  it('requires every field', async () => {
    mockFetch({});
    render(Setup);
    await fireEvent.click(screen.getByTestId('setup-submit'));
    for (const id of ['setup-name', 'setup-email', 'setup-password', 'setup-password-confirm', 'setup-workspace']) {
      expect(screen.getByTestId(`${id}-error`)).toBeTruthy();
    }
  });

  it('shows server field errors inline under the matching input', async () => {
    mockFetch({
      'POST /api/setup': apiError(422, 'invalid_input', 'Please correct the highlighted fields.', {
        email: 'must be a valid email address',
        workspace_name: 'is too long',
      }),
    });
    render(Setup);
    await fill(valid);
    await fireEvent.click(screen.getByTestId('setup-submit'));
    expect((await screen.findByTestId('setup-email-error')).textContent).toBe('must be a valid email address');
    expect(screen.getByTestId('setup-workspace-error').textContent).toBe('is too long');
    expect(screen.getByTestId('setup-error').textContent).toContain('Please correct the highlighted fields.');
  });

  it('creates the admin and workspace, then goes to the workspace', async () => {
    const { calls } = mockFetch({
      'POST /api/setup': {
        status: 201,
        body: {
          user: { id: 1, email: 'ann@agency.test', name: 'Ann Admin', is_admin: true },
          workspace: { id: 4, name: 'Acme Corp', role: 'admin' },
          csrf_token: 'csrf-1',
        },
      },
      'GET /api/me': {
        body: {
          user: { id: 1, email: 'ann@agency.test', name: 'Ann Admin', is_admin: true },
          workspaces: [{ id: 4, name: 'Acme Corp', role: 'admin' }],
          csrf_token: 'csrf-1',
        },
      },
    });
    render(Setup);
    await fill(valid);
    await fireEvent.click(screen.getByTestId('setup-submit'));
    await waitFor(() => expect(window.location.pathname).toBe('/w/4'));
    expect(calls[0].body).toEqual({
      name: 'Ann Admin',
      email: 'ann@agency.test',
      password: 'correct-horse-battery',
      workspace_name: 'Acme Corp',
    });
    expect(session.user?.email).toBe('ann@agency.test');
    expect(session.setupNeeded).toBe(false);
    expect(localStorage.getItem('hireloop.lastWorkspace')).toBe('4');
  });
});
