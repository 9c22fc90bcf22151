// Reactive browser location for the SPA, driven by the History API.
import { normalizePath } from './router.js';

export const loc = $state({
  path: normalizePath(window.location.pathname),
  search: window.location.search,
});

function sync() {
  loc.path = normalizePath(window.location.pathname);
  loc.search = window.location.search;
}

/**
 * Goes to an in-app path without reloading the page.
 * @param {string} to
 * @param {{replace?: boolean}} [opts]
 */
export function navigate(to, opts = {}) {
  const current = window.location.pathname + window.location.search;
  if (to !== current) {
    if (opts.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
  }
  sync();
  if (!opts.replace) window.scrollTo?.(0, 0);
}

/** @param {MouseEvent} e */
function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const target = /** @type {Element|null} */ (e.target);
  const a = target && target.closest ? target.closest('a') : null;
  if (!a || !a.href || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (url.pathname.startsWith('/api/') || /\.[a-z0-9]+$/i.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}

let started = false;

/** Intercepts same-origin link clicks and back/forward navigation. Returns a stop function. */
export function startRouter() {
  if (started) return () => {};
  started = true;
  window.addEventListener('popstate', sync);
  document.addEventListener('click', onClick);
  sync();
  return () => {
    started = false;
    window.removeEventListener('popstate', sync);
    document.removeEventListener('click', onClick);
  };
}
