import { describe, it, expect } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import Applications from './Applications.svelte';
import { mockFetch } from '../test/fetch-mock.js';
import { position, resetAfterEach, stage, workspace } from '../test/fixtures.js';
import { navigate } from '../lib/location.svelte.js';

const ws = workspace('viewer');
const positions = [
  position({ applications: 2, stages: [stage('S1', 'Applied', 0, 1), stage('S2', 'Phone screen', 1, 1)] }),
  position({ id: 22, ext_id: 'J2', title: 'Designer', department: '', location: '', stages: [stage('S9', 'Portfolio', 0, 0)] }),
];
/** @param {number} id @param {Partial<import('../lib/api.js').Application>} [over] */
const app = (id, over = {}) => ({
  id,
  connection_id: 7,
  ext_id: `A${id}`,
  candidate_ext_id: `C${id}`,
  first_name: 'Cand',
  last_name: `#${id}`,
  email: `c${id}@mail.test`,
  tags: ['referral'],
  job_ext_id: 'J1',
  job_title: 'Backend Engineer',
  stage_ext_id: 'S1',
  stage_name: 'Applied',
  status: 'active',
  rejection_reason_name: '',
  applied_at: null,
  updated_at: '2026-03-01T10:00:00Z',
  ...over,
});

/** Query parameters of the application list requests, in order. */
function appQueries(/** @type {{url: string}[]} */ calls) {
  return calls
    .filter((c) => c.url.startsWith('/api/workspaces/3/applications'))
    .map((c) => Object.fromEntries(new URL(c.url, 'http://x').searchParams));
}

function routes(extra = {}) {
  return {
    'GET /api/workspaces/3/positions?limit=500': { body: { positions, total: 2 } },
    'GET /api/workspaces/3/connections': { body: { connections: [{ id: 7, name: 'GH' }] } },
    'GET /api/workspaces/3/connections/7/tags': { body: { tags: [{ ext_id: 't1', name: 'referral' }, { ext_id: 't2', name: 'senior' }] } },
    ...extra,
  };
}

describe('Applications', () => {
  resetAfterEach();

  it('sends the filters from the URL and keeps the URL in step with the filter controls', async () => {
    navigate('/w/3/applications?connection_id=7&job=J1', { replace: true });
    /** @param {{url: string}} call */
    const list = (call) => {
      const sp = new URL(call.url, 'http://x').searchParams;
      return { body: { applications: sp.get('status') === 'hired' ? [] : [app(1), app(2)], total: 2, next_after: null } };
    };
    const { calls } = mockFetch(
      routes({
        'GET /api/workspaces/3/applications?connection_id=7&job=J1&limit=50': list,
        'GET /api/workspaces/3/applications?connection_id=7&job=J1&stage=S2&limit=50': list,
        'GET /api/workspaces/3/applications?connection_id=7&job=J1&stage=S2&tag=senior&limit=50': list,
        'GET /api/workspaces/3/applications?connection_id=7&job=J1&stage=S2&tag=senior&status=hired&limit=50': list,
        'GET /api/workspaces/3/applications?connection_id=7&job=J1&stage=S2&tag=senior&status=hired&q=ann+lee&limit=50': list,
      }),
    );
    render(Applications, { workspace: ws });

    await screen.findByTestId('applications-table');
    expect(appQueries(calls)).toEqual([{ connection_id: '7', job: 'J1', limit: '50' }]);
    expect(screen.getByTestId('applications-total').textContent?.trim()).toBe('2 applications match');

    // the position select shows the URL's position; its pipeline feeds the stage select
    const position = /** @type {HTMLSelectElement} */ (screen.getByTestId('filter-position'));
    await waitFor(() => expect(position.value).toBe('7:J1'));
    const stage = /** @type {HTMLSelectElement} */ (screen.getByTestId('filter-stage'));
    expect(stage.disabled).toBe(false);
    expect(Array.from(stage.options).map((o) => o.value)).toEqual(['', 'S1', 'S2']);

    await fireEvent.change(stage, { target: { value: 'S2' } });
    await waitFor(() => expect(appQueries(calls)).toHaveLength(2));
    expect(appQueries(calls)[1]).toEqual({ connection_id: '7', job: 'J1', stage: 'S2', limit: '50' });
    expect(window.location.search).toBe('?connection_id=7&job=J1&stage=S2');

    const tag = /** @type {HTMLSelectElement} */ (screen.getByTestId('filter-tag'));
    await waitFor(() => expect(Array.from(tag.options).map((o) => o.value)).toEqual(['', 'referral', 'senior']));
    await fireEvent.change(tag, { target: { value: 'senior' } });
    await fireEvent.change(screen.getByTestId('filter-status'), { target: { value: 'hired' } });
    await waitFor(() => expect(appQueries(calls)).toHaveLength(4));
    expect(appQueries(calls)[3]).toEqual({
      connection_id: '7',
      job: 'J1',
      stage: 'S2',
      tag: 'senior',
      status: 'hired',
      limit: '50',
    });
    expect(await screen.findByTestId('applications-no-match')).toBeTruthy();

    // search is debounced: one request for the whole word, not one per keystroke
    const search = screen.getByTestId('applications-search');
    for (const v of ['a', 'an', 'ann', 'ann ', 'ann l', 'ann lee']) await fireEvent.input(search, { target: { value: v } });
    expect(appQueries(calls)).toHaveLength(4);
    await waitFor(() => expect(appQueries(calls)).toHaveLength(5), { timeout: 2000 });
    expect(appQueries(calls)[4].q).toBe('ann lee');
    expect(new URLSearchParams(window.location.search).get('q')).toBe('ann lee');
    await new Promise((r) => setTimeout(r, 400));
    expect(appQueries(calls)).toHaveLength(5);
  });

  it('choosing another position resets the stage; clearing removes every filter', async () => {
    navigate('/w/3/applications?connection_id=7&job=J1&stage=S1', { replace: true });
    const one = { body: { applications: [app(1)], total: 1, next_after: null } };
    const { calls } = mockFetch(
      routes({
        'GET /api/workspaces/3/applications?connection_id=7&job=J1&stage=S1&limit=50': one,
        'GET /api/workspaces/3/applications?connection_id=7&job=J2&limit=50': one,
        'GET /api/workspaces/3/applications?limit=50': one,
      }),
    );
    render(Applications, { workspace: ws });
    await screen.findByTestId('applications-table');
    await waitFor(() => expect(/** @type {HTMLSelectElement} */ (screen.getByTestId('filter-position')).value).toBe('7:J1'));

    await fireEvent.change(screen.getByTestId('filter-position'), { target: { value: '7:J2' } });
    await waitFor(() => expect(appQueries(calls)).toHaveLength(2));
    expect(appQueries(calls)[1]).toEqual({ connection_id: '7', job: 'J2', limit: '50' });
    expect(window.location.search).toBe('?connection_id=7&job=J2');

    await fireEvent.click(screen.getByTestId('filters-clear'));
    await waitFor(() => expect(appQueries(calls)).toHaveLength(3));
    expect(appQueries(calls)[2]).toEqual({ limit: '50' });
    expect(window.location.search).toBe('');
    expect(/** @type {HTMLSelectElement} */ (screen.getByTestId('filter-stage')).disabled).toBe(true);
  });

  it('loads the next page with after=next_after and shows the total', async () => {
    navigate('/w/3/applications', { replace: true });
    const { calls } = mockFetch(
      routes({
        'GET /api/workspaces/3/applications?limit=50': {
          body: { applications: [app(90), app(80)], total: 3, next_after: 80 },
        },
        'GET /api/workspaces/3/applications?after=80&limit=50': {
          body: { applications: [app(70, { first_name: 'Last', last_name: 'One', status: 'rejected' })], total: 3, next_after: null },
        },
      }),
    );
    render(Applications, { workspace: ws });
    await screen.findByTestId('applications-table');
    expect(screen.getByTestId('applications-total').textContent?.trim()).toBe('3 applications');
    expect(screen.getAllByTestId('application-row')).toHaveLength(2);
    await fireEvent.click(screen.getByTestId('applications-more'));
    await waitFor(() => expect(screen.getAllByTestId('application-row')).toHaveLength(3));
    expect(appQueries(calls)[1]).toEqual({ after: '80', limit: '50' });
    expect(screen.queryByTestId('applications-more')).toBeNull();
    expect(screen.getAllByTestId('application-row')[2].textContent).toContain('Last One');
  });
});
