// Response bodies of the two API clients (console and candidate pages).

/**
 * The JSON in a response body; null for an empty body or one that is not JSON (a proxy's HTML
 * error page, for example), so the caller falls back to its own message.
 * @param {string} text
 * @returns {any}
 */
export function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
