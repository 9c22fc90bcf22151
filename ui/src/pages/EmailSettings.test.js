import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import EmailSettings from './EmailSettings.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const admin = { id: 3, name: 'Acme', role: /** @type {const} */ ('admin') };
const stored = {
  configured: true,
  host: 'smtp.acme.test',
  port: 587,
  tls: 'starttls',
  username: 'mailer',
  has_password: true,
  // a server bug must still never put a password on the screen
  password: 'hunter2-secret',
  from_name: 'Acme Jobs',
  from_address: 'jobs@acme.test',
  reply_to: '',
  outbox: { queued: 2, sent: 40, failed: 1 },
};

describe('EmailSettings', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('never shows the password and sends it only when a new one is typed', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/email': { body: { email: stored } },
      'PUT /api/workspaces/3/email': (call) => ({ body: { email: { ...stored, ...call.body, password: undefined } } }),
    });
    render(EmailSettings, { workspace: admin });

    const pw = /** @type {HTMLInputElement} */ (await screen.findByTestId('email-password'));
    expect(pw.type).toBe('password');
    expect(pw.value).toBe('');
    expect(document.body.innerHTML).not.toContain('hunter2');
    expect(screen.getByText(/A password is stored\. Leave empty to keep it\./)).toBeTruthy();
    expect(screen.getByTestId('outbox-queued').textContent).toBe('2');
    expect(screen.getByTestId('outbox-sent').textContent).toBe('40');
    expect(screen.getByTestId('outbox-failed').textContent).toBe('1');

    // save without typing a password: the field is left out, so the stored one is kept
    await fireEvent.input(screen.getByTestId('email-host'), { target: { value: 'smtp2.acme.test' } });
    await fireEvent.click(screen.getByTestId('email-save'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1));
    const first = calls.filter((c) => c.method === 'PUT')[0].body;
    expect(first).not.toHaveProperty('password');
    expect(first).toMatchObject({ host: 'smtp2.acme.test', port: 587, tls: 'starttls', from_address: 'jobs@acme.test' });
    await waitFor(() => expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('email-save')).disabled).toBe(false));

    // type one: it is sent once, then the field is empty again
    await fireEvent.input(screen.getByTestId('email-password'), { target: { value: 'n3w-pass' } });
    await fireEvent.click(screen.getByTestId('email-save'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PUT')[1].body.password).toBe('n3w-pass');
    await waitFor(() => expect(/** @type {HTMLInputElement} */ (screen.getByTestId('email-password')).value).toBe(''));
  });

  it('shows server field errors inline and the test email answer', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/email': { body: { email: stored } },
      'PUT /api/workspaces/3/email': {
        status: 422,
        body: { error: { code: 'invalid_input', message: 'Check the fields.', fields: { host: 'must not include a port; use the port field' } } },
      },
      'POST /api/workspaces/3/email/test': { body: { ok: false, message: 'The mail server said: 535 authentication failed' } },
    });
    render(EmailSettings, { workspace: admin });
    await fireEvent.click(await screen.findByTestId('email-save'));
    expect((await screen.findByTestId('email-host-error')).textContent).toBe('Must not include a port; use the port field.');

    await fireEvent.input(screen.getByTestId('email-test-to'), { target: { value: 'me@acme.test' } });
    await fireEvent.click(screen.getByTestId('email-test-send'));
    const res = await screen.findByTestId('email-test-result');
    expect(res.textContent).toContain('535 authentication failed');
    expect(res.dataset.ok).toBe('false');
    expect(calls.find((c) => c.url.endsWith('/email/test'))?.body).toEqual({ to: 'me@acme.test' });
  });

  it('is read-only for recruiters, without a password field', async () => {
    mockFetch({ 'GET /api/workspaces/3/email': { body: { email: stored } } });
    render(EmailSettings, { workspace: { ...admin, role: 'recruiter' } });
    expect(await screen.findByTestId('email-password-state')).toBeTruthy();
    expect(screen.queryByTestId('email-password')).toBeNull();
    expect(screen.queryByTestId('email-save')).toBeNull();
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('email-host')).closest('fieldset')?.disabled).toBe(true);
  });
});
