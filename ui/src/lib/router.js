// Tiny path matcher for the history-API router (no dependencies).
// Patterns are literal segments plus `:name` parameters, e.g. "/w/:wid".

/**
 * @template T
 * @typedef {{path: string} & T} RouteDef
 */

/**
 * @param {string} pattern
 * @returns {{regex: RegExp, keys: string[]}}
 */
export function compilePattern(pattern) {
  /** @type {string[]} */
  const keys = [];
  const source = pattern
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        keys.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), keys };
}

/**
 * Removes a trailing slash (except for "/") and any query string or hash.
 * @param {string} path
 */
export function normalizePath(path) {
  let p = (path || '/').split(/[?#]/)[0] || '/';
  if (!p.startsWith('/')) p = '/' + p;
  if (p.length > 1 && p.endsWith('/')) p = p.replace(/\/+$/, '') || '/';
  return p;
}

/**
 * Finds the first route whose pattern matches `path`.
 * @template {{path: string}} R
 * @param {R[]} routes
 * @param {string} path
 * @returns {{route: R, params: Record<string, string>} | null} null means 404
 */
export function matchRoute(routes, path) {
  const p = normalizePath(path);
  for (const route of routes) {
    const { regex, keys } = compilePattern(route.path);
    const m = regex.exec(p);
    if (!m) continue;
    /** @type {Record<string, string>} */
    const params = {};
    let ok = true;
    keys.forEach((k, i) => {
      try {
        params[k] = decodeURIComponent(m[i + 1]);
      } catch {
        ok = false;
      }
    });
    if (ok) return { route, params };
  }
  return null;
}

/**
 * True when an in-app path is safe to redirect to after sign-in.
 * @param {unknown} path
 */
export function isSafeNextPath(path) {
  return (
    typeof path === 'string' &&
    path.startsWith('/') &&
    !path.startsWith('//') &&
    !path.startsWith('/api') &&
    !['/login', '/setup'].includes(normalizePath(path))
  );
}
