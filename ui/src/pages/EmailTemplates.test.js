import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor } from '@testing-library/svelte';
import EmailTemplates from './EmailTemplates.svelte';
import source from './EmailTemplates.svelte?raw';
import { mockFetch } from '../test/fetch-mock.js';

const ws = { id: 3, name: 'Acme', role: /** @type {const} */ ('admin') };
/** @param {string} kind */
const tpl = (kind) => ({
  kind,
  subject: `Your ${kind}`,
  html: `<p>Hi {{.CandidateFirstName}}</p>`,
  text: 'Hi {{.CandidateFirstName}}',
  enabled: kind !== 'rejection',
  is_default: true,
  optional: kind === 'rejection',
});
const templates = ['invitation', 'reminder', 'acceptance', 'rejection'].map(tpl);
const variables = [
  { name: 'CandidateFirstName', placeholder: '{{.CandidateFirstName}}', description: "The candidate's first name.", example: 'Zoë' },
  { name: 'Link', placeholder: '{{.Link}}', description: 'The personal link.', example: 'https://x' },
];

const previewCalls = (/** @type {{url: string, body: any}[]} */ calls) => calls.filter((c) => c.url.endsWith('/preview'));

describe('EmailTemplates', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('renders the preview in a sandboxed iframe, never in the page, and debounces it', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/email/templates': { body: { templates, variables } },
      'POST /api/workspaces/3/email/templates/invitation/preview': (call) => ({
        body: {
          subject: call.body.subject.replace('{{.CandidateFirstName}}', 'Zoë'),
          html: `<html><body><p id="pv-marker">Hi Zoë</p><img src=x onerror="window.__pwned=1"></body></html>`,
          text: 'Hi Zoë',
        },
      }),
    });
    render(EmailTemplates, { workspace: ws });

    const frame = /** @type {HTMLIFrameElement} */ (await screen.findByTestId('template-preview-frame'));
    expect(frame.tagName).toBe('IFRAME');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toContain('id="pv-marker"');
    // the email's HTML is not part of this document
    expect(document.getElementById('pv-marker')).toBeNull();
    expect(/** @type {any} */ (window).__pwned).toBeUndefined();
    expect(source).not.toContain('{@html');
    expect(screen.getByTestId('template-preview-text').textContent).toBe('Hi Zoë');
    expect(previewCalls(calls)).toHaveLength(1);

    // typing fires one preview after a pause, with the last value
    const subject = screen.getByTestId('template-subject');
    for (const v of ['H', 'He', 'Hel', 'Hello {{.CandidateFirstName}}']) await fireEvent.input(subject, { target: { value: v } });
    expect(previewCalls(calls)).toHaveLength(1);
    await waitFor(() => expect(previewCalls(calls)).toHaveLength(2), { timeout: 2000 });
    expect(previewCalls(calls)[1].body.subject).toBe('Hello {{.CandidateFirstName}}');
    await waitFor(() => expect(screen.getByTestId('template-preview-subject').textContent).toBe('Hello Zoë'));
    await new Promise((r) => setTimeout(r, 500));
    expect(previewCalls(calls)).toHaveLength(2);
  });

  it('inserts a variable at the cursor, saves, and shows a template mistake inline', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/email/templates': { body: { templates, variables } },
      'POST /api/workspaces/3/email/templates/invitation/preview': { body: { subject: 's', html: '<p>x</p>', text: 'x' } },
      'PUT /api/workspaces/3/email/templates/invitation': {
        status: 422,
        body: { error: { code: 'invalid_input', message: 'The template has a mistake: unknown variable .Nmae', fields: { template: 'unknown variable .Nmae' } } },
      },
    });
    render(EmailTemplates, { workspace: ws });
    const html = /** @type {HTMLTextAreaElement} */ (await screen.findByTestId('template-html'));
    await fireEvent.focus(html);
    html.setSelectionRange(3, 3); // after "<p>"
    await fireEvent.click(screen.getAllByTestId('template-variable').find((b) => b.dataset.name === 'Link') || html);
    expect(html.value).toBe('<p>{{.Link}}Hi {{.CandidateFirstName}}</p>');

    await fireEvent.click(screen.getByTestId('template-save'));
    expect((await screen.findByTestId('template-error')).textContent).toBe('The template has a mistake: unknown variable .Nmae');
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toMatchObject({ subject: 'Your invitation', html: '<p>{{.Link}}Hi {{.CandidateFirstName}}</p>', enabled: true });
  });

  it('asks for no preview when the role may not edit templates', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/email/templates': { body: { templates, variables } },
    });
    render(EmailTemplates, { workspace: { ...ws, role: 'viewer' } });
    expect((await screen.findByTestId('template-preview-admins')).textContent).toContain('Only workspace admins');
    await new Promise((r) => setTimeout(r, 500));
    expect(previewCalls(calls)).toHaveLength(0);
    expect(screen.queryByTestId('template-preview-error')).toBeNull();
  });

  it('restores the default after confirmation', async () => {
    const edited = templates.map((t) => (t.kind === 'reminder' ? { ...t, subject: 'Custom', is_default: false } : t));
    const { calls } = mockFetch({
      'GET /api/workspaces/3/email/templates': { body: { templates: edited, variables } },
      'POST /api/workspaces/3/email/templates/invitation/preview': { body: { subject: 's', html: '<p>x</p>', text: 'x' } },
      'POST /api/workspaces/3/email/templates/reminder/preview': { body: { subject: 's', html: '<p>x</p>', text: 'x' } },
      'DELETE /api/workspaces/3/email/templates/reminder': { body: { templates } },
    });
    render(EmailTemplates, { workspace: ws });
    const reminder = (await screen.findAllByTestId('template-kind')).find((b) => b.dataset.kind === 'reminder');
    await fireEvent.click(/** @type {HTMLElement} */ (reminder));
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('template-subject')).value).toBe('Custom');
    await fireEvent.click(screen.getByTestId('template-restore'));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(/** @type {HTMLInputElement} */ (screen.getByTestId('template-subject')).value).toBe('Your reminder'));
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });
});
