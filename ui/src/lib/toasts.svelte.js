// Small success/info notifications shown bottom-right (bottom on phones).

/** @typedef {{id: number, kind: 'success'|'info'|'error', text: string}} Toast */

/** @type {Toast[]} */
export const toasts = $state([]);
let nextId = 1;

/**
 * @param {string} text
 * @param {{kind?: Toast['kind'], timeout?: number}} [opts]
 */
export function toast(text, opts = {}) {
  const t = { id: nextId++, kind: opts.kind || 'success', text };
  toasts.push(t);
  const timeout = opts.timeout ?? 4000;
  if (timeout > 0) setTimeout(() => dismissToast(t.id), timeout);
  return t.id;
}

/** @param {number} id */
export function dismissToast(id) {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}
