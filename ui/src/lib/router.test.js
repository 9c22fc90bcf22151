import { describe, it, expect, afterEach } from 'vitest';
import { matchRoute, normalizePath, isSafeNextPath, compilePattern } from './router.js';
import { loc, navigate, startRouter } from './location.svelte.js';

const routes = [
  { path: '/', name: 'home' },
  { path: '/login', name: 'login' },
  { path: '/w/:wid', name: 'workspace' },
  { path: '/workspaces/new', name: 'new-workspace' },
  { path: '/account', name: 'account' },
  { path: '/account/tokens', name: 'tokens' },
];

describe('matchRoute', () => {
  it('matches static routes', () => {
    expect(matchRoute(routes, '/')?.route.name).toBe('home');
    expect(matchRoute(routes, '/account')?.route.name).toBe('account');
    expect(matchRoute(routes, '/account/tokens')?.route.name).toBe('tokens');
    expect(matchRoute(routes, '/workspaces/new')?.route.name).toBe('new-workspace');
  });

  it('extracts and decodes params', () => {
    const m = matchRoute(routes, '/w/42');
    expect(m?.route.name).toBe('workspace');
    expect(m?.params).toEqual({ wid: '42' });
    expect(matchRoute(routes, '/w/a%20b')?.params.wid).toBe('a b');
  });

  it('ignores trailing slashes, query strings and hashes', () => {
    expect(matchRoute(routes, '/account/')?.route.name).toBe('account');
    expect(matchRoute(routes, '/w/3?tab=x')?.params).toEqual({ wid: '3' });
    expect(matchRoute(routes, '/login#top')?.route.name).toBe('login');
  });

  it('returns null (404) for unknown paths and extra segments', () => {
    expect(matchRoute(routes, '/nope')).toBeNull();
    expect(matchRoute(routes, '/w')).toBeNull();
    expect(matchRoute(routes, '/w/1/extra')).toBeNull();
    expect(matchRoute(routes, '/accountx')).toBeNull();
    expect(matchRoute(routes, '/w/%E0%A4%A')).toBeNull(); // malformed escape
  });

  it('escapes regex characters in literal segments', () => {
    const { regex } = compilePattern('/a.b');
    expect(regex.test('/a.b')).toBe(true);
    expect(regex.test('/axb')).toBe(false);
  });
});

describe('path helpers', () => {
  it('normalizes paths', () => {
    expect(normalizePath('')).toBe('/');
    expect(normalizePath('/a/b/')).toBe('/a/b');
    expect(normalizePath('/?x=1')).toBe('/');
  });

  it('only allows in-app next paths', () => {
    expect(isSafeNextPath('/w/1')).toBe(true);
    expect(isSafeNextPath('//evil.example')).toBe(false);
    expect(isSafeNextPath('https://evil.example')).toBe(false);
    expect(isSafeNextPath('/login')).toBe(false);
    expect(isSafeNextPath('/api/me')).toBe(false);
    expect(isSafeNextPath(null)).toBe(false);
  });
});

describe('history navigation', () => {
  /** @type {() => void} */
  let stop = () => {};
  afterEach(() => {
    stop();
    document.body.innerHTML = '';
  });

  it('navigate() pushes history and updates the reactive location', () => {
    stop = startRouter();
    const before = history.length;
    navigate('/account/tokens');
    expect(window.location.pathname).toBe('/account/tokens');
    expect(loc.path).toBe('/account/tokens');
    expect(history.length).toBe(before + 1);
    navigate('/w/2', { replace: true });
    expect(loc.path).toBe('/w/2');
    expect(history.length).toBe(before + 1);
  });

  it('intercepts same-origin link clicks but not external or modified ones', () => {
    stop = startRouter();
    navigate('/');
    document.body.innerHTML =
      '<a id="in" href="/account">in</a><a id="out" href="https://example.com/x">out</a><a id="api" href="/api/me">api</a>';
    // Runs after the router's listener: records its decision, then stops jsdom from "navigating".
    let prevented = false;
    const record = (/** @type {Event} */ ev) => {
      prevented = ev.defaultPrevented;
      ev.preventDefault();
    };
    document.addEventListener('click', record);
    const click = (/** @type {string} */ id, init = {}) => {
      const ev = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ...init });
      document.getElementById(id)?.dispatchEvent(ev);
      return prevented;
    };
    expect(click('in', { ctrlKey: true })).toBe(false);
    expect(loc.path).toBe('/');
    expect(click('in')).toBe(true);
    expect(loc.path).toBe('/account');
    expect(click('out')).toBe(false);
    expect(click('api')).toBe(false);
    document.removeEventListener('click', record);
  });
});
