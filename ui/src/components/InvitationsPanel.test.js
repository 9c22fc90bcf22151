import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import InvitationsPanel from './InvitationsPanel.svelte';
import { mockFetch } from '../test/fetch-mock.js';

/** @param {number} id @param {Partial<import('../lib/api.js').Invitation>} over */
const inv = (id, over = {}) => ({
  id,
  interview_id: 9,
  connection_id: 7,
  application_ext_id: `A${id}`,
  candidate_ext_id: `C${id}`,
  email: `c${id}@mail.test`,
  first_name: 'Cand',
  last_name: `#${id}`,
  status: /** @type {const} */ ('sent'),
  source: /** @type {const} */ ('publish'),
  expires_at: '2026-03-09T10:00:00Z',
  sent_at: '2026-03-02T10:00:00Z',
  opened_at: null,
  consent_at: null,
  started_at: null,
  submitted_at: null,
  reminded_at: null,
  adjustment_request: '',
  failure: '',
  created_at: '2026-03-02T10:00:00Z',
  ...over,
});

describe('InvitationsPanel', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists invitations and resends or extends them', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/interviews/9/invitations': {
        body: {
          invitations: [
            inv(1, { adjustment_request: 'I need captions for the video question.' }),
            inv(2, { status: 'submitted', source: 'watchdog', submitted_at: '2026-03-03T10:00:00Z' }),
          ],
        },
      },
      'POST /api/workspaces/3/interviews/9/invitations/1/resend': { status: 202, body: { status: 'queued' } },
      'POST /api/workspaces/3/interviews/9/invitations/1/extend': { status: 204 },
    });
    render(InvitationsPanel, { wid: 3, iid: 9, canEdit: true, status: 'active' });

    const rows = await screen.findAllByTestId('invitation-row');
    expect(rows.map((r) => r.dataset.status)).toEqual(['sent', 'submitted']);
    expect(within(rows[1]).getByTestId('invitation-status').textContent).toBe('Submitted');
    expect(rows[1].textContent).toContain('via Watchdog');
    expect(within(rows[0]).getByTestId('invitation-adjustment').textContent).toContain('I need captions');
    // a submitted invitation can be neither resent nor extended
    expect(/** @type {HTMLButtonElement} */ (within(rows[1]).getByTestId('invitation-resend')).disabled).toBe(true);
    expect(/** @type {HTMLButtonElement} */ (within(rows[1]).getByTestId('invitation-extend')).disabled).toBe(true);

    await fireEvent.click(within(rows[0]).getByTestId('invitation-resend'));
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/invitations/1/resend') && c.method === 'POST')).toBe(true));

    await fireEvent.click(within(rows[0]).getByTestId('invitation-extend'));
    const days = /** @type {HTMLInputElement} */ (await screen.findByTestId('extend-days'));
    await fireEvent.input(days, { target: { value: '99' } });
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    expect((await screen.findByTestId('extend-days-error')).textContent).toBe('Enter 1 to 60 days.');
    expect(calls.some((c) => c.url.endsWith('/extend'))).toBe(false);

    await fireEvent.input(days, { target: { value: '5' } });
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(calls.find((c) => c.url.endsWith('/invitations/1/extend'))?.body).toEqual({ days: 5 });
  });

  it('hides the actions for viewers', async () => {
    mockFetch({ 'GET /api/workspaces/3/interviews/9/invitations': { body: { invitations: [inv(1)] } } });
    render(InvitationsPanel, { wid: 3, iid: 9, canEdit: false, status: 'active' });
    await screen.findAllByTestId('invitation-row');
    expect(screen.queryByTestId('invitation-resend')).toBeNull();
  });
});
