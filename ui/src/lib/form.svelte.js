// The load / save / server-error state machine the console's settings pages share.
//
// A page loads its data once (status 'loading' → 'ready' | 'error', with the error for the banner),
// validates in the browser on submit, and shows the server's per-field errors (`fields` of the
// API error) at the fields; an error without fields, or one naming fields the form does not have,
// goes to the banner above the form.
import { ApiError } from './api.js';
import { sentence } from './interviews.js';

export const UNKNOWN_ERROR = 'Something went wrong. Please try again.';

/**
 * The error as an ApiError: anything else thrown (a bug, a rejected promise without an ApiError)
 * becomes a generic one so the banner always has a message.
 * @param {unknown} e
 * @param {string} [message] the message for anything that is not an ApiError
 * @returns {ApiError}
 */
export function asApiError(e, message = UNKNOWN_ERROR) {
  return e instanceof ApiError ? e : new ApiError({ status: 0, code: 'unknown', message });
}

/**
 * The browser-side errors of a one-field form: `{[key]: message}`, or none when message is empty.
 * @param {string} key
 * @param {string} message
 * @returns {Record<string, string>}
 */
export const fieldError = (key, message) => (message ? { [key]: message } : {});

/**
 * The field errors for names the form does not show, as one banner error ("port must be …; tls …"),
 * or null when every field error has its field.
 * @param {ApiError} ae
 * @param {string[]} known
 * @returns {ApiError | null}
 */
export function otherFieldsError(ae, known) {
  const other = Object.entries(ae.fields || {}).filter(([k]) => !known.includes(k));
  return other.length ? new ApiError({ ...ae, message: other.map(([k, m]) => `${k} ${m}`).join('; ') }) : null;
}

/**
 * @typedef {{
 *   load?: () => Promise<boolean | void>,
 *   loadErrorMessage?: string,
 *   missingOn?: number[],
 *   save?: () => Promise<void>,
 *   validate?: () => Record<string, string>,
 *   fields?: string[],
 *   serverNames?: Record<string, string>,
 *   onlyKnown?: boolean,
 *   alwaysBanner?: boolean,
 *   sentence?: boolean,
 *   onError?: (ae: ApiError, thrown: unknown) => boolean | void,
 *   focusPrefix?: string,
 * }} FormOptions
 *
 * - loadErrorMessage: the banner's message when loading fails with something other than an ApiError.
 * - load: fills the page; it returns false when there is nothing to show (status 'missing').
 * - missingOn: the HTTP statuses of a failed load that mean the thing does not exist (status 'missing').
 * - fields: the names of the form's fields. With it, field errors for other names are joined into
 *   the banner ("smtp refused"); with onlyKnown, only the form's own fields get errors and an error
 *   that names none of them goes to the banner as it is.
 * - serverNames: the API's name of a field where it differs from the form's (next → new_password).
 * - alwaysBanner: the banner shows the error even when the fields show theirs.
 * - sentence: server messages as sentences ("Is taken."); false shows them as the API sends them.
 * - onError: sees a failed save first (as an ApiError, and what was thrown); returning true means
 *   it handled the error itself.
 */

export class Form {
  /** @type {'loading' | 'ready' | 'missing' | 'error'} */
  status = $state('loading');
  /** Why loading failed, for the page's banner. @type {ApiError | null} */
  loadError = $state(null);
  /** True from the first submit until a save succeeds: browser-side errors show only then. */
  submitted = $state(false);
  saving = $state(false);
  /** The server's per-field messages of the last failed save. @type {Record<string, string>} */
  fieldErrors = $state({});
  /** The last failed save's error for the banner. @type {ApiError | null} */
  error = $state(null);

  #opts;
  /** @type {Record<string, string>} */
  clientErrors = $derived.by(() => (this.#opts.validate ? this.#opts.validate() : {}));

  /** @param {FormOptions} opts */
  constructor(opts) {
    this.#opts = opts;
  }

  get loading() {
    return this.status === 'loading';
  }

  /**
   * Runs the page's loader; the page fills its values from inside it. A quiet load refreshes what
   * is shown: no spinner, and a failure leaves the page as it is.
   * @param {boolean} [quiet]
   */
  load = async (quiet = false) => {
    if (!this.#opts.load) return;
    if (!quiet) {
      this.status = 'loading';
      this.loadError = null;
    }
    try {
      const found = await this.#opts.load();
      this.loadError = null;
      this.status = found === false ? 'missing' : 'ready';
    } catch (e) {
      if (quiet) return;
      if (e instanceof ApiError && this.#opts.missingOn?.includes(e.status)) {
        this.status = 'missing';
        return;
      }
      this.loadError = asApiError(e, this.#opts.loadErrorMessage);
      this.status = 'error';
    }
  };

  /**
   * The message to show at a field: the server's (as a sentence) wins; the browser's shows only
   * after the first submit, so an empty form is not red before anyone typed.
   * @param {string} k
   */
  err = (k) => {
    const server = this.fieldErrors[k];
    if (server) return this.#opts.sentence === false ? server : sentence(server);
    return this.submitted ? this.clientErrors[k] || '' : '';
  };

  /** Drops the server's error of a field once its value changes. @param {string} k */
  clear = (k) => {
    if (this.fieldErrors[k]) this.fieldErrors = { ...this.fieldErrors, [k]: '' };
  };

  /**
   * Validates, then saves. With browser-side errors nothing is sent and, with `focusPrefix`, the
   * first invalid field (id `${focusPrefix}${name}`) gets the focus.
   * @param {Event} [e]
   * @returns {Promise<boolean>} whether it saved
   */
  submit = async (e) => {
    e?.preventDefault();
    this.submitted = true;
    this.fieldErrors = {};
    this.error = null;
    const invalid = Object.keys(this.clientErrors);
    if (invalid.length) {
      if (this.#opts.focusPrefix) document.getElementById(`${this.#opts.focusPrefix}${invalid[0]}`)?.focus();
      return false;
    }
    if (!this.#opts.save) return false;
    this.saving = true;
    try {
      await this.#opts.save();
      this.submitted = false;
      return true;
    } catch (x) {
      this.#failed(asApiError(x), x);
      return false;
    } finally {
      this.saving = false;
    }
  };

  /**
   * Puts a failed save's error at the fields and in the banner, as the options say.
   * @param {ApiError} ae
   * @param {unknown} thrown
   */
  #failed(ae, thrown) {
    const o = this.#opts;
    if (o.onError?.(ae, thrown)) return;
    /** @type {Record<string, string>} */
    const fields = {};
    for (const [k, m] of Object.entries(ae.fields || {})) {
      fields[Object.keys(o.serverNames || {}).find((local) => o.serverNames?.[local] === k) ?? k] = m;
    }
    if (o.onlyKnown && o.fields) {
      const known = Object.entries(fields).filter(([k, m]) => m && o.fields?.includes(k));
      if (known.length) this.fieldErrors = Object.fromEntries(known);
      else this.error = ae;
    } else if (Object.keys(fields).length) {
      this.fieldErrors = fields;
      if (o.fields) this.error = otherFieldsError(new ApiError({ ...ae, fields }), o.fields);
    } else {
      this.error = ae;
    }
    if (o.alwaysBanner) this.error = ae;
  }
}

/**
 * A form whose one field is a name (the profile, a token, a workspace): required, at most 100
 * characters, and the API's message for it shown as it is. With apiOnly, only ApiErrors are
 * shown; anything else thrown leaves the form as it was.
 * @param {{
 *   name: () => string,
 *   missing: string,
 *   save: () => Promise<void>,
 *   apiOnly?: boolean,
 * }} opts
 */
export function createNameForm({ name, missing, save, apiOnly = false }) {
  return new Form({
    validate: () => fieldError('name', !name().trim() ? missing : name().trim().length > 100 ? 'Use at most 100 characters.' : ''),
    fields: ['name'],
    onlyKnown: true,
    sentence: false,
    onError: apiOnly ? (_, thrown) => !(thrown instanceof ApiError) : undefined,
    save,
  });
}

/**
 * A page's load / save state: `createForm({ load, save, validate })`. See Form.
 * @param {FormOptions} opts
 */
export function createForm(opts) {
  return new Form(opts);
}

/**
 * An action a dialog confirms (revoke a token, remove a member, delete a connection): what the
 * dialog asks about (null while it is closed), busy while the action runs, and why it failed.
 * @template T
 */
export class Confirm {
  /** @type {T | null} */
  subject = $state(null);
  busy = $state(false);
  /** @type {ApiError | null} */
  error = $state(null);

  #action;

  /** @param {(subject: T) => Promise<void>} action */
  constructor(action) {
    this.#action = action;
  }

  get open() {
    return this.subject !== null;
  }

  /** Opens the dialog about subject. @param {T} subject */
  ask = (subject) => {
    this.error = null;
    this.subject = subject;
  };

  cancel = () => {
    this.subject = null;
  };

  /** Runs the action: the dialog closes once it succeeds and shows the error when it fails. */
  run = async () => {
    const subject = this.subject;
    if (subject === null) return;
    this.busy = true;
    this.error = null;
    try {
      await this.#action(subject);
      this.subject = null;
    } catch (e) {
      this.error = asApiError(e);
    } finally {
      this.busy = false;
    }
  };
}
