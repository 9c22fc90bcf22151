import { describe, it, expect, vi, afterEach } from 'vitest';
import { ApiError } from './api.js';
import { asApiError, createForm, otherFieldsError, UNKNOWN_ERROR } from './form.svelte.js';

/** @param {Record<string, string>} [fields] */
const invalid = (fields) => new ApiError({ status: 422, code: 'invalid_input', message: 'Invalid input.', fields });

describe('asApiError', () => {
  it('keeps an ApiError and turns anything else into a generic one', () => {
    const ae = invalid();
    expect(asApiError(ae)).toBe(ae);
    const other = asApiError(new TypeError('x is undefined'));
    expect(other).toBeInstanceOf(ApiError);
    expect(other.message).toBe(UNKNOWN_ERROR);
    expect(other.status).toBe(0);
    expect(asApiError('boom', 'Could not load.').message).toBe('Could not load.');
  });
});

describe('otherFieldsError', () => {
  it('joins the field errors the form has no field for', () => {
    const e = otherFieldsError(invalid({ host: 'is required', tls: 'is unknown', port: 'is too big' }), ['host']);
    expect(e?.message).toBe('tls is unknown; port is too big');
    expect(e?.code).toBe('invalid_input');
    expect(otherFieldsError(invalid({ host: 'is required' }), ['host'])).toBeNull();
  });
});

describe('createForm', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('loads: loading, then ready', async () => {
    const load = vi.fn(async () => {});
    const f = createForm({ load });
    expect(f.status).toBe('loading');
    expect(f.loading).toBe(true);
    await f.load();
    expect(load).toHaveBeenCalledOnce();
    expect(f.status).toBe('ready');
    expect(f.loadError).toBeNull();
  });

  it('keeps the load error for the banner and clears it on the next try', async () => {
    let fail = true;
    const f = createForm({
      load: async () => {
        if (fail) throw new ApiError({ status: 500, code: 'internal', message: 'Down.' });
      },
    });
    await f.load();
    expect(f.status).toBe('error');
    expect(f.loadError?.message).toBe('Down.');
    fail = false;
    const again = f.load();
    expect(f.status).toBe('loading');
    expect(f.loadError).toBeNull();
    await again;
    expect(f.status).toBe('ready');
  });

  it('shows browser-side errors only after a submit, sends nothing and focuses the first field', async () => {
    const input = document.createElement('input');
    input.id = 'x-name';
    document.body.append(input);
    const save = vi.fn(async () => {});
    const values = { name: '' };
    /** @returns {Record<string, string>} */
    const validate = () => (values.name ? {} : { name: 'Enter a name.' });
    const f = createForm({ save, validate, focusPrefix: 'x-' });
    expect(f.err('name')).toBe('');
    const e = new Event('submit', { cancelable: true });
    expect(await f.submit(e)).toBe(false);
    expect(e.defaultPrevented).toBe(true);
    expect(save).not.toHaveBeenCalled();
    expect(f.err('name')).toBe('Enter a name.');
    expect(document.activeElement).toBe(input);
  });

  it('saves, then forgets that it was submitted', async () => {
    const f = createForm({ save: async () => {} });
    const done = f.submit();
    expect(f.saving).toBe(true);
    expect(await done).toBe(true);
    expect(f.saving).toBe(false);
    expect(f.submitted).toBe(false);
  });

  it('puts server field errors at the fields, as sentences, until the field changes', async () => {
    const f = createForm({
      save: async () => {
        throw invalid({ name: 'is taken' });
      },
    });
    expect(await f.submit()).toBe(false);
    expect(f.err('name')).toBe('Is taken.');
    expect(f.error).toBeNull();
    f.clear('name');
    expect(f.err('name')).toBe('');
  });

  it('with its field names, reports the other field errors in the banner', async () => {
    const f = createForm({
      fields: ['host'],
      save: async () => {
        throw invalid({ host: 'is required', smtp: 'refused' });
      },
    });
    await f.submit();
    expect(f.err('host')).toBe('Is required.');
    expect(f.error?.message).toBe('smtp refused');
  });

  it('puts an error without fields in the banner', async () => {
    const f = createForm({
      save: async () => {
        throw new Error('network');
      },
    });
    await f.submit();
    expect(f.error?.message).toBe(UNKNOWN_ERROR);
    expect(f.fieldErrors).toEqual({});
  });

  it('with onlyKnown, maps the API names and sends an error naming none of the fields to the banner', async () => {
    let fail = invalid({ new_password: 'is too short', other: 'x' });
    const f = createForm({
      fields: ['current', 'next'],
      serverNames: { current: 'current_password', next: 'new_password' },
      onlyKnown: true,
      sentence: false,
      save: async () => {
        throw fail;
      },
    });
    await f.submit();
    expect(f.fieldErrors).toEqual({ next: 'is too short' });
    expect(f.err('next')).toBe('is too short');
    expect(f.error).toBeNull();
    fail = invalid({ other: 'x' });
    await f.submit();
    expect(f.fieldErrors).toEqual({});
    expect(f.error).toBe(fail);
  });

  it('alwaysBanner shows the error with the field errors, and onError can take over', async () => {
    const fail = invalid({ workspace_name: 'is taken' });
    const f = createForm({
      serverNames: { workspace: 'workspace_name' },
      alwaysBanner: true,
      save: async () => {
        throw fail;
      },
    });
    await f.submit();
    expect(f.err('workspace')).toBe('Is taken.');
    expect(f.error).toBe(fail);

    /** @type {string[]} */
    const seen = [];
    const g = createForm({
      onError: (ae) => {
        seen.push(ae.code);
        return ae.code === 'already_member';
      },
      save: async () => {
        throw new ApiError({ status: 409, code: 'already_member', message: 'Already a member.' });
      },
    });
    await g.submit();
    expect(seen).toEqual(['already_member']);
    expect(g.error).toBeNull();
  });

  it('knows a missing thing, and a quiet load keeps the page on failure', async () => {
    let status = 404;
    const f = createForm({
      missingOn: [404],
      load: async () => {
        if (status) throw new ApiError({ status, code: 'x', message: 'X.' });
      },
    });
    await f.load();
    expect(f.status).toBe('missing');
    status = 0;
    await f.load();
    expect(f.status).toBe('ready');
    status = 500;
    const quiet = f.load(true);
    expect(f.status).toBe('ready');
    await quiet;
    expect(f.status).toBe('ready');
    expect(f.loadError).toBeNull();
  });
});
