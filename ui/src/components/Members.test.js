import { describe, it, expect, afterEach, vi } from 'vitest';
import { render, screen, fireEvent, waitFor, within } from '@testing-library/svelte';
import Members from './Members.svelte';
import { mockFetch, apiError } from '../test/fetch-mock.js';

const ws = { id: 3, name: 'Acme', role: /** @type {const} */ ('admin') };
const ann = { user_id: 1, email: 'ann@agency.test', name: 'Ann Admin', role: 'admin', created_at: '2026-01-02T03:04:05Z' };

describe('Members', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reveals name + initial password on user_not_found, then creates the account', async () => {
    const newMember = { user_id: 2, email: 'bo@client.test', name: 'Bo Recruiter', role: 'viewer', created_at: '2026-02-01T00:00:00Z' };
    const { calls } = mockFetch({
      'GET /api/workspaces/3/members': { body: { members: [ann] } },
      'POST /api/workspaces/3/members': (call) =>
        call.body.password
          ? { status: 201, body: { member: newMember } }
          : apiError(422, 'user_not_found', 'No user with that email exists.'),
    });
    render(Members, { workspace: ws, currentUserId: 1 });
    await screen.findByTestId('members-table');
    expect(screen.queryByTestId('member-name')).toBeNull();

    await fireEvent.input(screen.getByTestId('member-email'), { target: { value: 'bo@client.test' } });
    await fireEvent.change(screen.getByTestId('member-role'), { target: { value: 'viewer' } });
    await fireEvent.click(screen.getByTestId('member-add-submit'));

    // the API said the account does not exist: extra fields appear, nothing added yet
    expect(await screen.findByTestId('member-name')).toBeTruthy();
    expect(screen.getByTestId('member-password')).toBeTruthy();
    expect(screen.getByTestId('member-new-account').textContent).toContain('bo@client.test');
    expect(screen.getAllByTestId('member-row')).toHaveLength(1);

    // resubmitting without them is caught client-side
    await fireEvent.click(screen.getByTestId('member-add-submit'));
    expect(screen.getByTestId('member-name-error')).toBeTruthy();
    expect(screen.getByTestId('member-password-error')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);

    await fireEvent.input(screen.getByTestId('member-name'), { target: { value: 'Bo Recruiter' } });
    await fireEvent.input(screen.getByTestId('member-password'), { target: { value: 'initial-pass-123' } });
    await fireEvent.click(screen.getByTestId('member-add-submit'));

    await waitFor(() => expect(screen.getAllByTestId('member-row')).toHaveLength(2));
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts[0].body).toEqual({ email: 'bo@client.test', role: 'viewer' });
    expect(posts[1].body).toEqual({
      email: 'bo@client.test',
      role: 'viewer',
      name: 'Bo Recruiter',
      password: 'initial-pass-123',
    });
    expect(screen.getByTestId('members-table').textContent).toContain('Bo Recruiter');
    // form resets and hides the new-account fields again
    expect(screen.queryByTestId('member-name')).toBeNull();
    expect(/** @type {HTMLInputElement} */ (screen.getByTestId('member-email')).value).toBe('');
  });

  it('hides the new-account fields when the email is changed', async () => {
    mockFetch({
      'GET /api/workspaces/3/members': { body: { members: [ann] } },
      'POST /api/workspaces/3/members': apiError(422, 'user_not_found', 'No user with that email exists.'),
    });
    render(Members, { workspace: ws, currentUserId: 1 });
    await screen.findByTestId('members-table');
    await fireEvent.input(screen.getByTestId('member-email'), { target: { value: 'x@y.test' } });
    await fireEvent.click(screen.getByTestId('member-add-submit'));
    await screen.findByTestId('member-name');
    await fireEvent.input(screen.getByTestId('member-email'), { target: { value: 'z@y.test' } });
    expect(screen.queryByTestId('member-name')).toBeNull();
  });

  it('shows already_member under the email field', async () => {
    mockFetch({
      'GET /api/workspaces/3/members': { body: { members: [ann] } },
      'POST /api/workspaces/3/members': apiError(409, 'already_member', 'That person is already a member.'),
    });
    render(Members, { workspace: ws, currentUserId: 1 });
    await screen.findByTestId('members-table');
    await fireEvent.input(screen.getByTestId('member-email'), { target: { value: 'ann@agency.test' } });
    await fireEvent.click(screen.getByTestId('member-add-submit'));
    expect((await screen.findByTestId('member-email-error')).textContent).toBe('That person is already a member.');
  });

  it('shows the last_admin message when removing the last admin fails', async () => {
    mockFetch({
      'GET /api/workspaces/3/members': { body: { members: [ann] } },
      'DELETE /api/workspaces/3/members/1': apiError(409, 'last_admin', 'A workspace needs at least one admin.'),
    });
    render(Members, { workspace: ws, currentUserId: 1 });
    await fireEvent.click(await screen.findByTestId('member-remove'));
    const dialog = screen.getByTestId('confirm-dialog');
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    expect((await screen.findByTestId('confirm-error')).textContent).toContain('A workspace needs at least one admin.');
    expect(screen.getAllByTestId('member-row')).toHaveLength(1);
  });

  it('is read-only for non-admins', async () => {
    const { calls } = mockFetch({
      'GET /api/workspaces/3/members': { body: { members: [ann, { ...ann, user_id: 5, name: 'Vic', role: 'viewer' }] } },
    });
    render(Members, { workspace: { ...ws, role: 'viewer' }, currentUserId: 5 });
    const table = await screen.findByTestId('members-table');
    expect(within(table).getAllByTestId('member-row')).toHaveLength(2);
    expect(screen.queryByTestId('member-add-form')).toBeNull();
    expect(screen.queryByTestId('member-role-select')).toBeNull();
    expect(screen.queryByTestId('member-remove')).toBeNull();
    expect(table.textContent).toContain('Viewer');
    expect(calls).toHaveLength(1);
  });
});
