// Allowlist HTML sanitizer for job descriptions synced from an ATS.
//
// The input is parsed with DOMParser (an inert document: no scripts run, nothing loads) and
// copied node by node into a fresh tree. Only these elements survive, with no attributes:
//   p ul ol li strong em b i br h1 h2 h3 h4
// plus <a>, which keeps only an absolute http(s) href (and gets rel/target set by us).
// Elements that carry code or foreign content (script, style, iframe, svg, …) are dropped with
// everything inside them; any other element (div, span, table, font, …) is unwrapped: its
// children are kept, the element itself is not. Comments are dropped.

const KEEP = new Set(['P', 'UL', 'OL', 'LI', 'STRONG', 'EM', 'B', 'I', 'BR', 'H1', 'H2', 'H3', 'H4', 'A']);
const DROP = new Set([
  'SCRIPT', 'STYLE', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'TEMPLATE', 'NOSCRIPT', 'SVG', 'MATH',
  'HEAD', 'TITLE', 'META', 'LINK', 'BASE', 'FORM', 'INPUT', 'BUTTON', 'SELECT', 'TEXTAREA', 'OPTION', 'IMG', 'VIDEO',
  'AUDIO', 'SOURCE', 'TRACK', 'CANVAS', 'PICTURE', 'MAP', 'AREA', 'PORTAL', 'DIALOG', 'XMP', 'PLAINTEXT', 'NOEMBED',
  'NOFRAMES',
]);
const MAX_DEPTH = 100;

/**
 * Returns the href when it is an absolute http(s) URL, else null.
 * @param {string | null} href
 */
export function safeHref(href) {
  if (!href) return null;
  // The scheme must be literally http(s) right at the start: browsers would also accept
  // "java\tscript:" or a leading control character, and those never match this test.
  const v = href.trim();
  if (!/^https?:\/\//i.test(v)) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * @param {Node} from source node whose children are copied
 * @param {Node} to clean parent
 * @param {Document} doc document that owns the clean tree
 * @param {number} depth
 */
function copyChildren(from, to, doc, depth) {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === 3) {
      to.appendChild(doc.createTextNode(node.textContent || ''));
      continue;
    }
    if (node.nodeType !== 1) continue; // comments, processing instructions, …
    const el = /** @type {Element} */ (node);
    const tag = el.tagName.toUpperCase();
    if (DROP.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
    if (depth >= MAX_DEPTH) {
      to.appendChild(doc.createTextNode(el.textContent || ''));
      continue;
    }
    if (!KEEP.has(tag)) {
      copyChildren(el, to, doc, depth + 1);
      continue;
    }
    const clean = doc.createElement(tag.toLowerCase());
    if (tag === 'A') {
      const href = safeHref(el.getAttribute('href'));
      if (href) {
        clean.setAttribute('href', href);
        clean.setAttribute('target', '_blank');
        clean.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
    if (tag !== 'BR') copyChildren(el, clean, doc, depth + 1);
    to.appendChild(clean);
  }
}

/**
 * Sanitizes untrusted HTML down to a small set of formatting elements.
 * @param {string | null | undefined} html
 * @returns {string} safe HTML for {@html}
 */
export function sanitizeHtml(html) {
  if (!html) return '';
  const src = new DOMParser().parseFromString(String(html), 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const root = out.createElement('div');
  copyChildren(src.body, root, out, 0);
  return root.innerHTML.trim();
}
