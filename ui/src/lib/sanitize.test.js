import { describe, it, expect } from 'vitest';
import { sanitizeHtml, safeHref } from './sanitize.js';

/** Parses the sanitizer's output so assertions look at the resulting DOM, not at strings. */
/** @param {string} html */
function dom(html) {
  const div = document.createElement('div');
  div.innerHTML = sanitizeHtml(html);
  return div;
}

describe('sanitizeHtml', () => {
  it('keeps the allowed formatting elements and their text', () => {
    const html =
      '<h2>About</h2><p>We <strong>build</strong> <em>things</em>, <b>fast</b> and <i>well</i>.<br>Join us.</p>' +
      '<ul><li>one</li></ul><ol><li>two</li></ol><h1>a</h1><h3>b</h3><h4>c</h4>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it('removes script elements with their content', () => {
    const d = dom('<p>Hello</p><script>window.pwned = 1</script><p>World</p>');
    expect(d.querySelector('script')).toBeNull();
    expect(d.textContent).toBe('HelloWorld');
    expect(d.innerHTML).not.toContain('pwned');
  });

  it('removes event handler attributes and dangerous elements such as img onerror', () => {
    const d = dom('<p onclick="alert(1)" class="x" style="color:red">Hi <img src=x onerror="alert(2)"></p><svg onload="alert(3)"><circle/></svg>');
    expect(d.innerHTML).toBe('<p>Hi </p>');
    expect(d.innerHTML).not.toMatch(/onerror|onclick|onload|style|class/);
  });

  it('drops javascript:, data: and relative hrefs but keeps the link text', () => {
    const d = dom(
      '<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a><a href="java&#09;script:alert(1)">c</a>' +
        '<a href="data:text/html,&lt;script&gt;">d</a><a href="/relative">e</a><a href="//evil.test/x">f</a>',
    );
    const links = Array.from(d.querySelectorAll('a'));
    expect(links.map((a) => a.textContent)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    for (const a of links) expect(a.hasAttribute('href')).toBe(false);
  });

  it('keeps http(s) links and opens them safely in a new tab', () => {
    const d = dom('<a href="https://jobs.example.com/apply?x=1" title="t" onmouseover="x()">Apply</a>');
    const a = /** @type {HTMLAnchorElement} */ (d.querySelector('a'));
    expect(a.getAttribute('href')).toBe('https://jobs.example.com/apply?x=1');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttributeNames().sort()).toEqual(['href', 'rel', 'target']);
  });

  it('unwraps unknown elements but drops iframes, styles and forms entirely', () => {
    const d = dom(
      '<div class="x"><span>Keep <u>me</u></span></div><iframe src="https://evil.test">no</iframe>' +
        '<style>p{}</style><form><input value="x"><button>Go</button></form><table><tr><td>cell</td></tr></table>',
    );
    expect(d.innerHTML).toBe('Keep mecell');
  });

  it('escapes text so entities cannot turn into markup', () => {
    const d = dom('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(d.querySelector('script')).toBeNull();
    expect(d.querySelector('p')?.textContent).toBe('<script>alert(1)</script>');
  });

  it('returns an empty string for empty input', () => {
    expect(sanitizeHtml('')).toBe('');
    expect(sanitizeHtml(null)).toBe('');
  });
});

describe('safeHref', () => {
  it('accepts only absolute http(s) URLs', () => {
    expect(safeHref('http://a.test/')).toBe('http://a.test/');
    expect(safeHref('  https://a.test/x ')).toBe('https://a.test/x');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('\u0001javascript:alert(1)')).toBeNull();
    expect(safeHref('mailto:a@b.test')).toBeNull();
    expect(safeHref('')).toBeNull();
  });
});
