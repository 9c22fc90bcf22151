import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import ConnectionCard from './ConnectionCard.svelte';
import { mockFetch } from '../test/fetch-mock.js';
import { streams } from '../test/fake-sse.js';

vi.mock('../lib/sse.js', async () => (await import('../test/fake-sse.js')).sseModule);

const provider = {
  name: 'greenhouse',
  title: 'Greenhouse',
  fields: /** @type {import('../lib/api.js').ConnectionField[]} */ (['api_key', 'acting_user_id', 'base_url', 'webhook_secret']),
  key_help: 'Create a Harvest key.',
  webhook_setup: 'Configure → Dev Center → Web Hooks.',
  capabilities: {},
};

/** @param {Partial<import('../lib/api.js').SyncRun>} over */
function run(over = {}) {
  return {
    id: 11,
    connection_id: 5,
    mode: /** @type {const} */ ('full'),
    trigger: 'create',
    status: /** @type {const} */ ('running'),
    phase: 'users',
    counts: {},
    requests: 1,
    retries: 0,
    error: '',
    started_at: new Date(Date.now() - 5000).toISOString(),
    heartbeat_at: new Date().toISOString(),
    finished_at: null,
    ...over,
  };
}

/** @param {Partial<import('../lib/api.js').Connection>} over */
function conn(over = {}) {
  return {
    id: 5,
    provider: 'greenhouse',
    name: 'Acme Greenhouse',
    base_url: '',
    integration_id: '',
    acting_user_id: '42',
    has_api_key: true,
    has_webhook_secret: true,
    webhook_url: 'http://hl.test/webhooks/ats/tok123',
    sync_interval_minutes: 180,
    paused: false,
    capabilities: {},
    last_run: /** @type {import('../lib/api.js').SyncRun | null} */ (null),
    next_sync_at: new Date(Date.now() + 3 * 3600e3).toISOString(),
    created_at: '2026-03-01T10:00:00Z',
    ...over,
  };
}

function setup(props = {}) {
  const onchange = vi.fn();
  const ondelete = vi.fn();
  const r = render(ConnectionCard, {
    wid: 3,
    connection: conn(),
    provider,
    role: /** @type {import('../lib/api.js').Role} */ ('admin'),
    onchange,
    ondelete,
    ...props,
  });
  return { ...r, onchange, ondelete };
}

describe('ConnectionCard', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    streams.length = 0;
  });

  it('follows a running run over server-sent events and refreshes the card on done', async () => {
    const finished = run({
      status: 'succeeded',
      phase: 'applications',
      counts: { jobs: 6, candidates: 300, applications: 350, stages: 42 },
      finished_at: new Date().toISOString(),
    });
    const { calls } = mockFetch({
      'GET /api/workspaces/3/connections/5': { body: { connection: conn({ last_run: finished }) } },
    });
    const { onchange, rerender } = setup({ connection: conn({ last_run: run() }) });

    // a stream is opened for the running run as soon as the card shows it
    await waitFor(() => expect(streams).toHaveLength(1));
    const es = streams[0];
    expect(es.url).toBe('/api/workspaces/3/sync-runs/11/events');
    expect(screen.getByTestId('sync-progress')).toBeTruthy();
    expect(screen.getByTestId('connection-status').textContent).toContain('Syncing');
    expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('sync-now')).disabled).toBe(true);

    es.emit('progress', run({ phase: 'jobs', counts: { users: 3, tags: 2, jobs: 4 } }));
    await waitFor(() => expect(screen.getByTestId('sync-phase').textContent).toBe('positions'));
    expect(screen.getByTestId('sync-progress-counts').textContent).toContain('4 positions');
    const bar = screen.getByTestId('sync-progress-bar');
    const atJobs = Number(bar.getAttribute('aria-valuenow'));
    expect(atJobs).toBeGreaterThan(0);

    es.emit('progress', run({ phase: 'applications', counts: { jobs: 6, applications: 120 } }));
    await waitFor(() => expect(screen.getByTestId('sync-phase').textContent).toBe('applications'));
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeGreaterThan(atJobs);
    expect(screen.getByTestId('sync-progress-counts').textContent).toContain('120 applications');

    // "done": the stream is closed and the card reloads its connection
    es.emit('done', finished);
    expect(es.closed).toBe(true);
    await waitFor(() => expect(onchange).toHaveBeenCalledTimes(1));
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/workspaces/3/connections/5']);
    expect(onchange.mock.calls[0][0].last_run.status).toBe('succeeded');

    await rerender({ connection: onchange.mock.calls[0][0] });
    expect(screen.queryByTestId('sync-progress')).toBeNull();
    expect(screen.getByTestId('last-run-counts').textContent).toBe('6 positions · 350 applications · 300 candidates');
    expect(screen.getByTestId('connection-status').textContent).toContain('Synced');
    expect(streams).toHaveLength(1);
  });

  it('starts a full resync and follows the new run', async () => {
    const { calls } = mockFetch({
      'POST /api/workspaces/3/connections/5/sync': { status: 202, body: { run: run({ id: 12, trigger: 'manual' }) } },
    });
    setup({ connection: conn({ last_run: run({ status: 'succeeded', finished_at: new Date().toISOString() }) }) });
    expect(streams).toHaveLength(0);
    expect(screen.queryByTestId('sync-progress')).toBeNull();

    await fireEvent.click(screen.getByTestId('sync-full'));
    await fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(streams).toHaveLength(1));
    expect(calls[0].body).toEqual({ full: true });
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(streams[0].url).toBe('/api/workspaces/3/sync-runs/12/events');
    expect(screen.getByTestId('sync-progress')).toBeTruthy();
    // the option resets after use
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('sync-full')).checked).toBe(false);
  });

  it('falls back to polling the run when the stream fails', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { calls } = mockFetch({
        'GET /api/workspaces/3/sync-runs/11': [
          { body: { run: run({ phase: 'candidates', counts: { candidates: 50 } }) } },
          { body: { run: run({ status: 'failed', error: 'boom', finished_at: new Date().toISOString() }) } },
        ],
        'GET /api/workspaces/3/connections/5': { body: { connection: conn() } },
      });
      const { onchange } = setup({ connection: conn({ last_run: run() }) });
      await waitFor(() => expect(streams).toHaveLength(1));
      streams[0].fail();
      await vi.advanceTimersByTimeAsync(2100);
      await waitFor(() => expect(screen.getByTestId('sync-phase').textContent).toBe('candidates'));
      await vi.advanceTimersByTimeAsync(2100);
      await waitFor(() => expect(onchange).toHaveBeenCalled());
      expect(calls.filter((c) => c.url.endsWith('/sync-runs/11'))).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the message returned by the connection test', async () => {
    mockFetch({
      'POST /api/workspaces/3/connections/5/test': {
        body: { ok: false, message: 'The ATS refused the connection: 401 Unauthorized: Invalid Basic Auth credentials' },
      },
    });
    setup();
    await fireEvent.click(screen.getByTestId('connection-test'));
    const result = await screen.findByTestId('connection-test-result');
    expect(result.textContent).toContain('Invalid Basic Auth credentials');
    expect(result.dataset.ok).toBe('false');
  });

  it('asks before deleting and says synced data goes too', async () => {
    const { calls } = mockFetch({ 'DELETE /api/workspaces/3/connections/5': { status: 204 } });
    const { ondelete } = setup();
    await fireEvent.click(screen.getByTestId('connection-delete'));
    const dialog = screen.getByTestId('confirm-dialog');
    expect(dialog.textContent).toMatch(/all data synced through this connection is deleted too/);
    expect(calls).toHaveLength(0);
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    await waitFor(() => expect(ondelete).toHaveBeenCalledWith(5));
    expect(calls.map((c) => c.method)).toEqual(['DELETE']);
  });

  it('pauses with PATCH {paused:true}', async () => {
    const { calls } = mockFetch({
      'PATCH /api/workspaces/3/connections/5': { body: { connection: conn({ paused: true }) } },
    });
    const { onchange } = setup();
    await fireEvent.click(screen.getByTestId('connection-pause'));
    await waitFor(() => expect(onchange).toHaveBeenCalled());
    expect(calls[0].body).toEqual({ paused: true });
    expect(onchange.mock.calls[0][0].paused).toBe(true);
  });

  it('limits actions by role', async () => {
    mockFetch({});
    const r = setup({ role: 'recruiter' });
    expect(screen.getByTestId('sync-now')).toBeTruthy();
    expect(screen.queryByTestId('connection-edit')).toBeNull();
    expect(screen.queryByTestId('connection-delete')).toBeNull();
    expect(screen.queryByTestId('connection-test')).toBeNull();
    r.unmount();
    setup({ role: 'viewer' });
    expect(screen.queryByTestId('sync-now')).toBeNull();
    expect(screen.queryByTestId('connection-pause')).toBeNull();
    expect(screen.getByTestId('connection-history')).toBeTruthy();
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('webhook-url')).value).toBe('http://hl.test/webhooks/ats/tok123');
  });
  it('registers webhooks through the ATS API, shows them and removes them', async () => {
    const registered = {
      available: true,
      registered: true,
      events: ['applicationCreated', 'candidateStageChange'],
      registered_at: new Date().toISOString(),
    };
    const { calls } = mockFetch({
      'POST /api/workspaces/3/connections/5/webhooks': {
        body: { connection: conn({ provider: 'lever', webhook_registration: registered }) },
      },
      'DELETE /api/workspaces/3/connections/5/webhooks': {
        body: { connection: conn({ provider: 'lever', webhook_registration: { available: true, registered: false } }) },
      },
    });
    const lever = { ...provider, name: 'lever', title: 'Lever' };
    const { onchange, rerender } = setup({
      provider: lever,
      connection: conn({ provider: 'lever', webhook_registration: { available: true, registered: false } }),
    });
    const box = screen.getByTestId('webhook-registration');
    expect(box.dataset.registered).toBe('false');
    expect(screen.queryByTestId('webhook-unregister')).toBeNull();
    await fireEvent.click(screen.getByTestId('webhook-register'));
    await waitFor(() => expect(onchange).toHaveBeenCalled());
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/workspaces/3/connections/5/webhooks']);

    await rerender({ connection: onchange.mock.calls[0][0] });
    expect(screen.getByTestId('webhook-registration').dataset.registered).toBe('true');
    expect(screen.getByTestId('webhook-registration').textContent?.replace(/\s+/g, ' ')).toContain(
      'Webhooks registered in Lever for 2 events, just now.',
    );
    expect(screen.getByTestId('webhook-events').textContent).toBe('applicationCreated, candidateStageChange');
    expect(screen.getByTestId('webhook-register').textContent).toContain('Register again');

    await fireEvent.click(screen.getByTestId('webhook-unregister'));
    await waitFor(() => expect(onchange).toHaveBeenCalledTimes(2));
    expect(calls[1].method).toBe('DELETE');
    expect(onchange.mock.calls[1][0].webhook_registration.registered).toBe(false);
  });

  it('shows a pending handshake and hides registration where the ATS has no webhook API', async () => {
    mockFetch({});
    const r = setup({
      role: 'viewer',
      connection: conn({
        provider: 'smartrecruiters',
        webhook_registration: { available: true, registered: true, pending_handshake: true, events: ['application.created'] },
      }),
    });
    expect(screen.getByTestId('webhook-registration').textContent).toMatch(/waiting for .* to confirm them/);
    expect(screen.queryByTestId('webhook-register')).toBeNull();
    r.unmount();
    setup({ connection: conn({ webhook_registration: { available: false, registered: false } }) });
    expect(screen.queryByTestId('webhook-registration')).toBeNull();
  });
});
