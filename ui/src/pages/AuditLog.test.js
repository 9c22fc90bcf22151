import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import AuditLog from './AuditLog.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const admin = { id: 3, name: 'Acme', role: /** @type {const} */ ('admin') };

/** @param {number} id @param {Record<string, any>} over */
const entry = (id, over = {}) => ({
  id,
  user_id: 8,
  actor: 'rec@acme.test',
  action: 'score.override',
  subject: `result ${id} question 0`,
  detail: '82 → 75: weak on testing',
  outcome: 'done',
  created_at: '2026-03-03T09:00:00Z',
  ...over,
});

describe('AuditLog', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lists entries, pages back with before=<last id>, and links the CSV export', async () => {
    const first = Array.from({ length: 100 }, (_, i) => entry(300 - i));
    first[0] = entry(300, { action: 'ats_write.attachment', actor: 'hireloop', outcome: 'failed: 422 file type not allowed', user_id: null });
    const { calls } = mockFetch({
      'GET /api/workspaces/3/audit': { body: { entries: first } },
      'GET /api/workspaces/3/audit?before=201': { body: { entries: [entry(200, { action: 'decision.accept', outcome: 'accepted' })] } },
    });
    render(AuditLog, { workspace: admin });
    const rows = await screen.findAllByTestId('audit-row');
    expect(rows).toHaveLength(100);
    expect(rows[0].textContent).toContain('ATS write: PDF report attachment');
    expect(rows[0].textContent).toContain('failed: 422 file type not allowed');
    expect(rows[1].textContent).toContain('Overrode a score');
    expect(screen.getByTestId('audit-export').getAttribute('href')).toBe('/api/workspaces/3/audit?format=csv');
    expect(screen.getByTestId('audit-export').hasAttribute('download')).toBe(true);

    await fireEvent.click(screen.getByTestId('audit-more'));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(101));
    expect(calls.map((c) => c.url)).toEqual(['/api/workspaces/3/audit', '/api/workspaces/3/audit?before=201']);
    expect(screen.getAllByTestId('audit-row')[100].textContent).toContain('Accepted a candidate');
    expect(screen.queryByTestId('audit-more')).toBeNull();
    expect(screen.getByTestId('audit-end')).toBeTruthy();
  });

  it('shows the empty state, and an admins-only notice without asking the server', async () => {
    mockFetch({ 'GET /api/workspaces/3/audit': { body: { entries: [] } } });
    const first = render(AuditLog, { workspace: admin });
    expect(await screen.findByTestId('audit-empty')).toBeTruthy();
    expect(screen.queryByTestId('audit-export')).toBeNull();
    first.unmount();

    const { calls } = mockFetch({});
    render(AuditLog, { workspace: { ...admin, role: 'recruiter' } });
    expect(await screen.findByTestId('audit-forbidden')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});
