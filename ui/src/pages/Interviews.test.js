import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import Interviews from './Interviews.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const ws = { id: 3, name: 'Acme', role: /** @type {const} */ ('admin') };
const position = {
  id: 21, connection_id: 7, ext_id: 'J1', title: 'Backend Engineer', status: 'open', department: '', location: '',
  updated_at: null, deleted: false, applications: 3,
  stages: [{ ext_id: 'S2', name: 'Phone screen', position: 1, kind: '', applications: 3 }],
};

describe('Interviews', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists interviews with status, position and funnel, and warns when email is not set up', async () => {
    mockFetch({
      'GET /api/workspaces/3/interviews': {
        body: {
          interviews: [
            { id: 9, name: 'Backend screen', kind: 'interview', status: 'active', connection_id: 7, job_ext_id: 'J1', stage_ext_id: 'S2', updated_at: '2026-03-01T10:00:00Z', questions: [],
              stats: { invited: 10, sent: 9, opened: 6, started: 4, submitted: 3, expired: 1, failed: 1 } },
            { id: 10, name: 'Draft', kind: 'prescreen', status: 'draft', connection_id: null, job_ext_id: '', stage_ext_id: '', updated_at: '2026-03-01T10:00:00Z', questions: [],
              stats: { invited: 0, sent: 0, opened: 0, started: 0, submitted: 0, expired: 0, failed: 0 } },
          ],
        },
      },
      'GET /api/workspaces/3/positions?limit=500&include_deleted=true': { body: { positions: [position], total: 1 } },
      'GET /api/workspaces/3/email': { body: { email: { configured: false, outbox: { queued: 10 } } } },
    });
    render(Interviews, { workspace: ws });

    const rows = await screen.findAllByTestId('interview-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByTestId('interview-status').textContent).toBe('Active');
    expect(within(rows[1]).getByTestId('interview-status').textContent).toBe('Draft');
    expect(
      ['invited', 'sent', 'opened', 'started', 'submitted'].map((k) => within(rows[0]).getByTestId(`funnel-${k}`).textContent),
    ).toEqual(['10', '9', '6', '4', '3']);
    expect(within(rows[0]).getByTestId('funnel-failed').textContent).toContain('1 failed');
    expect(await within(rows[0]).findByText(/Backend Engineer · Phone screen/)).toBeTruthy();
    expect((await screen.findByTestId('email-not-configured')).textContent).toContain('Invitations are queued until email is set up');
    expect(screen.getByTestId('create-interview').getAttribute('href')).toBe('/w/3/interviews/new');
  });
});
