import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import Tokens from './Tokens.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const SECRET = 'hl_ab12_s3cr3t-value-0123456789';

describe('Tokens', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows an empty state, then the new secret exactly once', async () => {
    const created = {
      id: 5,
      name: 'ATS sync',
      prefix: 'hl_ab12',
      created_at: '2026-03-01T10:00:00Z',
      last_used_at: null,
    };
    const { calls } = mockFetch({
      'GET /api/me/tokens': [{ body: { tokens: [] } }, { body: { tokens: [created] } }],
      'POST /api/me/tokens': { status: 201, body: { token: created, secret: SECRET } },
    });

    const first = render(Tokens);
    expect(await screen.findByTestId('tokens-empty')).toBeTruthy();
    expect(screen.queryByTestId('token-secret-box')).toBeNull();

    await fireEvent.input(screen.getByTestId('token-name'), { target: { value: 'ATS sync' } });
    await fireEvent.click(screen.getByTestId('token-create'));

    const secret = await screen.findByTestId('token-secret');
    expect(secret.textContent).toBe(SECRET);
    expect(screen.getByTestId('token-secret-box').textContent).toMatch(/will not be shown again/);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'ATS sync' });

    // the list shows the prefix, never the secret
    const row = screen.getByTestId('token-row');
    expect(row.textContent).toContain('ATS sync');
    expect(row.textContent).toContain('hl_ab12');
    expect(row.textContent).toContain('Never');
    expect(row.textContent).not.toContain(SECRET);

    // dismissing hides it for good
    await fireEvent.click(screen.getByTestId('token-secret-dismiss'));
    expect(screen.queryByTestId('token-secret-box')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);

    // coming back to the page (a fresh list from the API) does not show it either
    first.unmount();
    render(Tokens);
    await screen.findByTestId('token-row');
    expect(screen.queryByTestId('token-secret-box')).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('revokes a token after confirmation', async () => {
    const tok = { id: 9, name: 'old', prefix: 'hl_zz99', created_at: '2026-01-01T00:00:00Z', last_used_at: null };
    const { calls } = mockFetch({
      'GET /api/me/tokens': { body: { tokens: [tok] } },
      'DELETE /api/me/tokens/9': { status: 204 },
    });
    render(Tokens);
    await fireEvent.click(await screen.findByTestId('token-revoke'));
    expect(screen.getByTestId('confirm-dialog').textContent).toContain('old');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('token-row')).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/me/tokens/9')).toBe(true);
    expect(screen.getByTestId('tokens-empty')).toBeTruthy();
  });
});
