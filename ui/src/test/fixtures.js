// Test helper: the data the page tests share (the workspace they run in, ATS positions as the API
// lists them) and the clean-up after each test that drives the router.
import { afterEach, vi } from 'vitest';
import { navigate } from '../lib/location.svelte.js';

/** Workspace 3, "Acme", with the caller's role. @param {import('../lib/api.js').Role} role */
export const workspace = (role) => ({ id: 3, name: 'Acme', role });

/**
 * A pipeline stage of a position.
 * @param {string} ext_id @param {string} name @param {number} position @param {number} applications
 */
export const stage = (ext_id, name, position, applications) => ({ ext_id, name, position, kind: '', applications });

/**
 * A position of connection 7 as GET /positions lists it: "Backend Engineer" (J1) unless overridden.
 * @param {Record<string, any>} [over]
 */
export const position = (over = {}) => ({
  id: 21,
  connection_id: 7,
  ext_id: 'J1',
  title: 'Backend Engineer',
  status: 'open',
  department: 'Engineering',
  location: 'Berlin',
  updated_at: null,
  deleted: false,
  applications: 0,
  stages: /** @type {ReturnType<typeof stage>[]} */ ([]),
  ...over,
});

/** Removes the fetch mock and puts the router back on / after every test of the file. */
export function resetAfterEach() {
  afterEach(() => {
    vi.unstubAllGlobals();
    navigate('/', { replace: true });
  });
}
