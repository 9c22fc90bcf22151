// Date and text helpers for display.

/** @param {string | null | undefined} iso */
function parse(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Mar 4, 2026" @param {string | null | undefined} iso */
export function formatDate(iso) {
  const d = parse(iso);
  if (!d) return '—';
  return d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "Mar 4, 2026, 14:05" @param {string | null | undefined} iso */
export function formatDateTime(iso) {
  const d = parse(iso);
  if (!d) return '—';
  return d.toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/**
 * "just now", "5 min ago", "3 h ago", "2 days ago", else a date.
 * @param {string | null | undefined} iso
 * @param {number} [now]
 */
export function timeAgo(iso, now = Date.now()) {
  const d = parse(iso);
  if (!d) return '—';
  const s = Math.round((now - d.getTime()) / 1000);
  // A minute "ahead" is the page's clock lagging behind an event it just
  // caused (now is refreshed every few seconds) or the server's clock.
  if (s < -60) return formatDate(iso);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 86400 * 14) {
    const days = Math.floor(s / 86400);
    return days === 1 ? 'yesterday' : `${days} days ago`;
  }
  return formatDate(iso);
}

/** Up to two initials for an avatar. @param {string} name @param {string} [fallback] */
export function initials(name, fallback = '') {
  const parts = (name || fallback || '?').trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || '?').slice(0, 2);
  return s.toUpperCase();
}

/** Makes a user agent string readable: "Chrome on Linux". @param {string} ua */
export function describeUserAgent(ua) {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : /curl\//.test(ua)
            ? 'curl'
            : /Go-http-client/.test(ua)
              ? 'Go HTTP client'
              : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Android/.test(ua)
        ? 'Android'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  return ua.length > 60 ? ua.slice(0, 57) + '…' : ua;
}

export const ROLES = /** @type {const} */ ([
  { value: 'admin', label: 'Admin', hint: 'Manages workspace settings and members' },
  { value: 'recruiter', label: 'Recruiter', hint: 'Works with candidates and screenings' },
  { value: 'viewer', label: 'Viewer', hint: 'Read-only access' },
]);

/** @param {string} role */
export function roleLabel(role) {
  return ROLES.find((r) => r.value === role)?.label || role;
}

/** Simple client-side email sanity check (the server validates for real). @param {string} v */
export function looksLikeEmail(v) {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim());
}

export const MIN_PASSWORD = 10;
