import { describe, it, expect } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import ConnectAts from './ConnectAts.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';
import { resetAfterEach, workspace } from '../test/fixtures.js';
import { navigate } from '../lib/location.svelte.js';

const ws = workspace('admin');
const writes = {
  result_link: { supported: true, target: 'application' },
  note: { supported: true, target: 'candidate' },
  attachment: { supported: true, target: 'candidate', transport: 'base64' },
  move_stage: { supported: true, target: 'application' },
  reject: { supported: true, target: 'application' },
  add_tag: { supported: true, target: 'candidate' },
};
const providers = [
  {
    name: 'greenhouse',
    title: 'Greenhouse',
    fields: ['api_key', 'acting_user_id', 'base_url', 'webhook_secret'],
    key_help: 'Configure → Dev Center → API Credential Management.',
    acting_user_help: 'The Greenhouse user id notes are recorded as.',
    default_base_url: 'https://harvest.greenhouse.io/v1',
    capabilities: { writes },
    webhook_setup: 'Configure → Dev Center → Web Hooks.',
    documentation: 'https://developers.greenhouse.io/harvest.html',
  },
  {
    name: 'kombo',
    title: 'Kombo (100+ ATS)',
    fields: ['api_key', 'integration_id', 'base_url', 'webhook_secret'],
    labels: { integration_id: 'Integration ID (from the Kombo dashboard)' },
    key_help: 'Kombo dashboard → Secrets.',
    default_base_url: 'https://api.kombo.dev/v1',
    capabilities: { writes: { ...writes, add_tag: { supported: false, reason: 'Kombo has no tag endpoint' } } },
    webhook_setup: 'Kombo dashboard → Webhooks.',
  },
  {
    name: 'sandbox',
    title: 'Sandbox ATS (demo)',
    fields: [],
    key_help: 'A built-in ATS with sample data.',
    capabilities: { writes },
    webhook_setup: 'Nothing to do.',
    sandbox: true,
  },
];

/** @param {string} name */
async function pick(name) {
  const tile = (await screen.findAllByTestId('provider-tile')).find((t) => t.dataset.provider === name);
  if (!tile) throw new Error(`no tile for ${name}`);
  await fireEvent.click(tile);
  return screen.findByTestId('connection-form');
}

/** @param {HTMLElement} form */
const fieldIds = (form) =>
  Array.from(form.querySelectorAll('input')).map((i) => /** @type {HTMLInputElement} */ (i).id.replace(/^conn-/, ''));

describe('Connect an ATS', () => {
  resetAfterEach();

  it('shows each provider with a lettered mark and the form fields it needs', async () => {
    navigate('/w/3/connections/new', { replace: true });
    mockFetch({ 'GET /api/providers': { body: { providers } } });
    render(ConnectAts, { workspace: ws });

    const tiles = await screen.findAllByTestId('provider-tile');
    expect(tiles.map((t) => within(t).getByTestId('provider-title').textContent)).toEqual([
      'Greenhouse',
      'Kombo (100+ ATS)',
      'Sandbox ATS (demo)',
    ]);
    expect(tiles.map((t) => within(t).getByTestId('provider-mark').textContent)).toEqual(['Gh', 'Ko', 'Sb']);
    expect(screen.queryByTestId('connection-form')).toBeNull();

    let form = await pick('greenhouse');
    expect(fieldIds(form)).toEqual(['name', 'api_key', 'acting_user_id', 'base_url', 'webhook_secret', 'sync_interval_minutes']);
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('conn-api_key')).type).toBe('password');
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('conn-webhook_secret')).type).toBe('password');
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('conn-base_url')).placeholder).toBe(
      'https://harvest.greenhouse.io/v1',
    );
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('conn-interval')).value).toBe('180');
    expect(screen.getByTestId('guide-key-help').textContent).toContain('API Credential Management');
    expect(screen.getByTestId('guide-acting-user-help')).toBeTruthy();
    expect(screen.getByTestId('guide-docs').getAttribute('href')).toBe('https://developers.greenhouse.io/harvest.html');
    expect(window.location.search).toBe('?provider=greenhouse');

    form = await pick('kombo');
    expect(fieldIds(form)).toEqual(['name', 'api_key', 'integration_id', 'base_url', 'webhook_secret', 'sync_interval_minutes']);
    expect(screen.queryByTestId('guide-acting-user-help')).toBeNull();
    // the provider's own words for a field replace the generic label
    expect(form.querySelector('label[for="conn-integration_id"]')?.textContent).toContain(
      'Integration ID (from the Kombo dashboard)',
    );
    expect(form.querySelector('label[for="conn-api_key"]')?.textContent).toContain('API key');

    form = await pick('sandbox');
    expect(fieldIds(form)).toEqual(['name', 'sync_interval_minutes']);
    expect(screen.getByTestId('connection-submit').textContent?.trim()).toBe('Connect');

    // capability matrix: ✗ with the reason as title
    const kombo = screen.getAllByTestId('capability-row').find((r) => r.dataset.provider === 'kombo');
    const tag = /** @type {HTMLElement} */ (kombo?.querySelector('[data-action="add_tag"]'));
    expect(tag.dataset.supported).toBe('false');
    expect(tag.title).toBe('Kombo has no tag endpoint');
    expect(tag.textContent).toContain('✗');
    const note = /** @type {HTMLElement} */ (kombo?.querySelector('[data-action="note"]'));
    expect(note.textContent).toContain('✓');
    expect(note.title).toBe('On the candidate');
  });

  it('shows the vendor message in a banner when the ATS refuses the credentials', async () => {
    navigate('/w/3/connections/new?provider=greenhouse', { replace: true });
    const { calls } = mockFetch({
      'GET /api/providers': { body: { providers } },
      'POST /api/workspaces/3/connections': apiError(
        422,
        'connection_failed',
        'The ATS refused the connection: unauthorized (401): Invalid Basic Auth credentials',
      ),
    });
    render(ConnectAts, { workspace: ws });
    await screen.findByTestId('connection-form');

    // client-side: the key is required
    await fireEvent.click(screen.getByTestId('connection-submit'));
    expect(screen.getByTestId('conn-api_key-error').textContent).toBe('Enter the API key.');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('conn-api_key'), { target: { value: 'wrong-key' } });
    await fireEvent.click(screen.getByTestId('connection-submit'));
    const banner = await screen.findByTestId('connect-failed');
    expect(screen.getByTestId('connect-failed-message').textContent).toBe(
      'The ATS refused the connection: unauthorized (401): Invalid Basic Auth credentials',
    );
    expect(banner.textContent).toContain('Greenhouse refused the connection');
    expect(window.location.pathname).toBe('/w/3/connections/new');
  });

  it('shows field errors from the API inline', async () => {
    navigate('/w/3/connections/new?provider=kombo', { replace: true });
    mockFetch({
      'GET /api/providers': { body: { providers } },
      'POST /api/workspaces/3/connections': apiError(422, 'invalid_input', 'Check the highlighted fields.', {
        integration_id: 'is required for Kombo',
      }),
    });
    render(ConnectAts, { workspace: ws });
    await screen.findByTestId('connection-form');
    await fireEvent.input(screen.getByTestId('conn-api_key'), { target: { value: 'k' } });
    await fireEvent.click(screen.getByTestId('connection-submit'));
    expect((await screen.findByTestId('conn-integration_id-error')).textContent).toBe('is required for Kombo');
    expect(screen.queryByTestId('connect-failed')).toBeNull();
  });

  it('creates the connection and goes to the integrations page', async () => {
    navigate('/w/3/connections/new', { replace: true });
    const created = { id: 9, name: 'Acme GH', provider: 'greenhouse' };
    const { calls } = mockFetch({
      'GET /api/providers': { body: { providers } },
      'POST /api/workspaces/3/connections': { status: 201, body: { connection: created } },
    });
    render(ConnectAts, { workspace: ws });
    await pick('greenhouse');
    await fireEvent.input(screen.getByTestId('conn-name'), { target: { value: ' Acme GH ' } });
    await fireEvent.input(screen.getByTestId('conn-api_key'), { target: { value: ' harvest-key ' } });
    await fireEvent.input(screen.getByTestId('conn-acting_user_id'), { target: { value: '4711' } });
    await fireEvent.input(screen.getByTestId('conn-interval'), { target: { value: '60' } });
    await fireEvent.click(screen.getByTestId('connection-submit'));

    await waitFor(() => expect(window.location.pathname).toBe('/w/3/connections'));
    expect(window.location.search).toBe('?created=9');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      provider: 'greenhouse',
      name: 'Acme GH',
      api_key: 'harvest-key',
      acting_user_id: '4711',
      sync_interval_minutes: 60,
    });
  });

  it('connects the sandbox with just a name', async () => {
    navigate('/w/3/connections/new?provider=sandbox', { replace: true });
    const { calls } = mockFetch({
      'GET /api/providers': { body: { providers } },
      'POST /api/workspaces/3/connections': { status: 201, body: { connection: { id: 2, name: 'Demo' } } },
    });
    render(ConnectAts, { workspace: ws });
    await screen.findByTestId('connection-form');
    await fireEvent.click(screen.getByTestId('connection-submit'));
    await waitFor(() => expect(window.location.pathname).toBe('/w/3/connections'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ provider: 'sandbox', sync_interval_minutes: 180 });
  });

  it('does not offer the form to non-admins', async () => {
    navigate('/w/3/connections/new?provider=greenhouse', { replace: true });
    mockFetch({ 'GET /api/providers': { body: { providers } } });
    render(ConnectAts, { workspace: { ...ws, role: 'recruiter' } });
    await screen.findByTestId('connect-panel');
    expect(screen.getByTestId('connect-not-admin')).toBeTruthy();
    expect(screen.queryByTestId('connection-form')).toBeNull();
  });
});
