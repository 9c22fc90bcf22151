import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import AISettings from './AISettings.svelte';
import { mockFetch } from '../test/fetch-mock.js';

const admin = { id: 3, name: 'Acme', role: /** @type {const} */ ('admin') };
const stored = {
  llm_base_url: 'http://localhost:11434/v1',
  llm_model: 'llama3.1:8b',
  has_llm_key: true,
  transcribe_base_url: '',
  transcribe_model: '',
  has_transcribe_key: false,
  scorer: 'llm',
  // a server bug must still never put a key on the screen
  llm_key: 'sk-live-SECRET',
};
const connections = [
  {
    id: 5,
    provider: 'greenhouse',
    name: 'Greenhouse EU',
    capabilities: {
      writes: {
        result_link: { supported: false, reason: 'this ATS has no result links; the note carries the link' },
        note: { supported: true, target: 'candidate', transport: 'activity_feed' },
        attachment: { supported: true, target: 'application' },
      },
    },
  },
  { id: 6, provider: 'sandbox', name: 'Sandbox', capabilities: { writes: { result_link: { supported: true, target: 'application' } } } },
];

/** @param {Record<string, any>} extra */
function routes(extra = {}) {
  return {
    'GET /api/workspaces/3/ai': { body: { ai: stored } },
    'GET /api/workspaces/3/write-options': { body: { write_options: { result_link: true, note: true, attachment: false } } },
    'GET /api/workspaces/3/connections': { body: { connections } },
    ...extra,
  };
}

describe('AISettings', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('states the active scorer, never shows keys, and sends a key only when one is typed', async () => {
    const { calls } = mockFetch(
      routes({
        'PUT /api/workspaces/3/ai': (/** @type {any} */ call) => ({
          body: {
            ai: {
              ...stored,
              ...call.body,
              llm_key: undefined,
              has_llm_key: true,
              scorer: call.body.llm_base_url && call.body.llm_model ? 'llm' : 'builtin',
            },
          },
        }),
      }),
    );
    render(AISettings, { workspace: admin });

    const banner = await screen.findByTestId('active-scorer');
    expect(banner.dataset.scorer).toBe('llm');
    expect(banner.textContent).toContain('llama3.1:8b');
    expect(banner.textContent).toContain('AI-assisted');
    const key = /** @type {HTMLInputElement} */ (screen.getByTestId('ai-llm-key'));
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(document.body.innerHTML).not.toContain('sk-live-SECRET');
    expect(screen.getByText('A key is stored. Leave empty to keep it.')).toBeTruthy();
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('ai-llm-base-url')).placeholder).toBe('https://api.openai.com/v1');

    // save without typing keys: they are left out so the stored ones are kept
    await fireEvent.input(screen.getByTestId('ai-transcribe-base-url'), { target: { value: 'https://api.openai.com/v1' } });
    await fireEvent.input(screen.getByTestId('ai-transcribe-model'), { target: { value: 'whisper-1' } });
    await fireEvent.click(screen.getByTestId('ai-save'));
    const puts = () => calls.filter((c) => c.method === 'PUT' && c.url.endsWith('/ai'));
    await waitFor(() => expect(puts()).toHaveLength(1));
    expect(puts()[0].body).toEqual({
      llm_base_url: 'http://localhost:11434/v1',
      llm_model: 'llama3.1:8b',
      transcribe_base_url: 'https://api.openai.com/v1',
      transcribe_model: 'whisper-1',
    });
    await waitFor(() => expect(/** @type {HTMLButtonElement} */ (screen.getByTestId('ai-save')).disabled).toBe(false));

    // typed keys are sent once, then the fields are empty again
    await fireEvent.input(screen.getByTestId('ai-llm-key'), { target: { value: 'sk-new' } });
    await fireEvent.input(screen.getByTestId('ai-transcribe-key'), { target: { value: 'sk-stt' } });
    await fireEvent.click(screen.getByTestId('ai-save'));
    await waitFor(() => expect(puts()).toHaveLength(2));
    expect(puts()[1].body.llm_key).toBe('sk-new');
    expect(puts()[1].body.transcribe_key).toBe('sk-stt');
    await waitFor(() => expect(/** @type {HTMLInputElement} */ (screen.getByTestId('ai-llm-key')).value).toBe(''));
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('ai-transcribe-key')).value).toBe('');

    // clearing the endpoint switches back to the built-in scorer
    await fireEvent.input(screen.getByTestId('ai-llm-base-url'), { target: { value: '' } });
    await fireEvent.input(screen.getByTestId('ai-llm-model'), { target: { value: '' } });
    expect(screen.getByTestId('ai-switch-note')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('ai-save'));
    await waitFor(() => expect(puts()).toHaveLength(3));
    await waitFor(() => expect(screen.getByTestId('active-scorer').dataset.scorer).toBe('builtin'));
    expect(screen.getByTestId('active-scorer').textContent).toContain("Open answers go to a person");
  });

  it('removes a stored key only when asked', async () => {
    const { calls } = mockFetch(
      routes({
        'PUT /api/workspaces/3/ai': (/** @type {any} */ call) => ({
          body: { ai: { ...stored, llm_key: undefined, has_llm_key: !call.body.clear_llm_key } },
        }),
      }),
    );
    render(AISettings, { workspace: admin });
    const clear = /** @type {HTMLInputElement} */ (await screen.findByTestId('ai-llm-key-clear'));
    expect(screen.queryByTestId('ai-transcribe-key-clear')).toBeNull(); // nothing stored to remove
    // typing a new key replaces the stored one; removal is then not offered
    await fireEvent.input(screen.getByTestId('ai-llm-key'), { target: { value: 'sk-typed' } });
    expect(clear.disabled).toBe(true);
    await fireEvent.input(screen.getByTestId('ai-llm-key'), { target: { value: '' } });
    expect(clear.disabled).toBe(false);
    await fireEvent.click(clear);
    await fireEvent.click(screen.getByTestId('ai-save'));
    const puts = () => calls.filter((c) => c.method === 'PUT' && c.url.endsWith('/ai'));
    await waitFor(() => expect(puts()).toHaveLength(1));
    expect(puts()[0].body.clear_llm_key).toBe(true);
    expect(puts()[0].body.llm_key).toBeUndefined();
    // the key is gone: no removal box, the field says none is stored
    await waitFor(() => expect(screen.queryByTestId('ai-llm-key-clear')).toBeNull());
  });

  it('checks the endpoint before saving and shows server field errors', async () => {
    const { calls } = mockFetch(
      routes({
        'PUT /api/workspaces/3/ai': {
          status: 422,
          body: { error: { code: 'invalid_input', message: 'Check the fields.', fields: { llm_base_url: 'must be an http(s) URL' } } },
        },
      }),
    );
    render(AISettings, { workspace: admin });
    await screen.findByTestId('ai-form');
    await fireEvent.input(screen.getByTestId('ai-llm-model'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('ai-save'));
    expect(screen.getByTestId('ai-llm-model-error').textContent).toContain('Enter the model name');
    await fireEvent.input(screen.getByTestId('ai-llm-base-url'), { target: { value: 'ftp://x' } });
    expect(screen.getByTestId('ai-llm-base-url-error').textContent).toContain('http(s) URL');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    await fireEvent.input(screen.getByTestId('ai-llm-base-url'), { target: { value: 'https://llm.internal/v1' } });
    await fireEvent.input(screen.getByTestId('ai-llm-model'), { target: { value: 'qwen2.5' } });
    await fireEvent.click(screen.getByTestId('ai-save'));
    expect((await screen.findByTestId('ai-llm-base-url-error')).textContent).toBe('Must be an http(s) URL.');
  });

  it("shows per connection whether each write option is supported, with the connector's reason", async () => {
    const { calls } = mockFetch(
      routes({ 'PUT /api/workspaces/3/write-options': (/** @type {any} */ call) => ({ body: { write_options: call.body } }) }),
    );
    render(AISettings, { workspace: admin });
    await screen.findByTestId('write-options');
    const options = await screen.findAllByTestId('write-option');
    expect(options.map((o) => o.dataset.key)).toEqual(['result_link', 'note', 'attachment']);

    const link = await waitFor(() => within(options[0]).getAllByTestId('write-support'));
    expect(link.map((r) => [r.dataset.connectionId, r.dataset.supported])).toEqual([
      ['5', 'false'],
      ['6', 'true'],
    ]);
    expect(link[0].textContent).toContain('Greenhouse EU');
    expect(within(link[0]).getByTestId('write-support-text').textContent).toBe(
      'this ATS has no result links; the note carries the link',
    );
    expect(within(options[1]).getAllByTestId('write-support')[0].textContent).toContain('on the candidate, as activity feed');
    // a connector that says nothing about an action is not presented as supporting it
    expect(within(options[2]).getAllByTestId('write-support')[1].dataset.supported).toBe('false');

    const attachment = /** @type {HTMLInputElement} */ (screen.getByTestId('write-option-attachment'));
    expect(attachment.checked).toBe(false);
    await fireEvent.click(attachment);
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ result_link: true, note: true, attachment: true });
  });

  it('is read-only for recruiters, without key fields', async () => {
    mockFetch(routes());
    render(AISettings, { workspace: { ...admin, role: 'recruiter' } });
    expect((await screen.findByTestId('ai-llm-key-state')).textContent).toBe('Stored');
    expect(screen.queryByTestId('ai-llm-key')).toBeNull();
    expect(screen.queryByTestId('ai-save')).toBeNull();
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('write-option-note')).disabled).toBe(true);
  });
});
