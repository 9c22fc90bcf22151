// Signed-in user, their workspaces and the remembered workspace selection.
import { ApiError, getWorkspace, setCsrfToken } from './api.js';

const LAST_WORKSPACE_KEY = 'hireloop.lastWorkspace';
const NEXT_PATH_KEY = 'hireloop.nextPath';

export const session = $state({
  /** null until GET /api/setup answers; true sends everyone to /setup. @type {boolean|null} */
  setupNeeded: null,
  /** @type {import('./api.js').User | null} */
  user: null,
  /** @type {import('./api.js').Workspace[]} */
  workspaces: [],
});

/** @param {{user: import('./api.js').User, workspaces?: import('./api.js').Workspace[], csrf_token?: string}} data */
export function setSignedIn(data) {
  if (data.csrf_token) setCsrfToken(data.csrf_token);
  session.user = data.user;
  if (data.workspaces) session.workspaces = data.workspaces;
}

export function clearSession() {
  setCsrfToken('');
  session.user = null;
  session.workspaces = [];
}

/** @param {import('./api.js').Workspace} ws */
export function upsertWorkspace(ws) {
  const i = session.workspaces.findIndex((w) => w.id === ws.id);
  if (i >= 0) session.workspaces[i] = { ...session.workspaces[i], ...ws };
  else session.workspaces.push(ws);
}

/** @param {number} wid */
export function dropWorkspace(wid) {
  const i = session.workspaces.findIndex((w) => w.id === wid);
  if (i >= 0) session.workspaces.splice(i, 1);
  if (lastWorkspaceId() === wid) forgetLastWorkspace();
}

/**
 * The workspace with this id, remembered as the last one used; null when there is no such
 * workspace or the caller is no longer a member of it (it is then dropped from the list).
 * @param {number | null} wid
 * @returns {Promise<import('./api.js').Workspace | null>}
 */
export async function fetchWorkspace(wid) {
  if (wid === null) return null;
  try {
    const res = await getWorkspace(wid);
    upsertWorkspace(res.workspace);
    rememberWorkspace(res.workspace.id);
    return res.workspace;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      dropWorkspace(wid);
      return null;
    }
    throw e;
  }
}

/** @returns {number | null} */
export function lastWorkspaceId() {
  try {
    const v = Number(localStorage.getItem(LAST_WORKSPACE_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

/** @param {number} wid */
export function rememberWorkspace(wid) {
  try {
    localStorage.setItem(LAST_WORKSPACE_KEY, String(wid));
  } catch {
    /* storage disabled: selection is just not remembered */
  }
}

export function forgetLastWorkspace() {
  try {
    localStorage.removeItem(LAST_WORKSPACE_KEY);
  } catch {
    /* ignore */
  }
}

/** Where a signed-in user lands: last workspace, else the first one, else "create workspace". */
export function homePath() {
  const last = lastWorkspaceId();
  if (last && session.workspaces.some((w) => w.id === last)) return `/w/${last}`;
  if (session.workspaces.length > 0) return `/w/${session.workspaces[0].id}`;
  return '/workspaces/new';
}

/** @param {string} path */
export function rememberNextPath(path) {
  try {
    sessionStorage.setItem(NEXT_PATH_KEY, path);
  } catch {
    /* ignore */
  }
}

/** Returns and clears the path the user wanted before being sent to sign in. */
export function takeNextPath() {
  try {
    const v = sessionStorage.getItem(NEXT_PATH_KEY);
    sessionStorage.removeItem(NEXT_PATH_KEY);
    return v;
  } catch {
    return null;
  }
}
