// Chunked, resumable upload of one recording. No DOM and no fetch here: the caller passes
// `send`, so the logic is tested on its own (see upload.test.js).
//
// Protocol (app/candidate.go): each request appends its body at ?offset=N, which must equal
// the bytes the server holds; a mismatch is refused with 409 `offset_mismatch` and
// fields.offset = the bytes it has, from where we carry on. The last chunk has final=1.

import { CandidateError, isRetryable } from './api.js';

export const CHUNK_SIZE = 512 * 1024;

/**
 * The chunks a body of `size` bytes is sent in. An empty body is one empty final chunk.
 * @param {number} size
 * @param {number} [chunkSize]
 * @returns {{offset:number, end:number, final:boolean}[]}
 */
export function chunkPlan(size, chunkSize = CHUNK_SIZE) {
  if (!(chunkSize > 0)) throw new Error('chunkSize must be positive');
  /** @type {{offset:number, end:number, final:boolean}[]} */
  const out = [];
  let offset = 0;
  do {
    const end = Math.min(offset + chunkSize, size);
    out.push({ offset, end, final: end === size });
    offset = end;
  } while (offset < size);
  return out;
}

/**
 * @typedef {(offset:number, chunk:Blob, final:boolean) => Promise<{received?:number, answer?:any} | null>} SendChunk
 * @typedef {{
 *   blob: Blob,
 *   send: SendChunk,
 *   chunkSize?: number,
 *   onProgress?: (sent:number, total:number) => void,
 *   onRetry?: (err:unknown, attempt:number) => void,
 *   retries?: number,
 *   backoff?: (attempt:number) => number,
 *   wait?: (ms:number) => Promise<void>,
 *   signal?: {aborted:boolean},
 *   startOffset?: number,
 * }} UploadOptions
 */

/** 1 s, 2 s, 4 s, ... capped at 30 s. @param {number} attempt 1-based */
export function defaultBackoff(attempt) {
  return Math.min(30000, 1000 * 2 ** (attempt - 1));
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Uploads `blob` chunk by chunk, resuming where the server says it is on `offset_mismatch`
 * and retrying network/5xx failures with backoff. Resolves with the final response; rejects
 * with the error that cannot be retried (413, 415, closed link, too many failures) or with
 * an `aborted` error when `signal.aborted` is set.
 * @param {UploadOptions} opts
 */
export async function uploadInChunks(opts) {
  const {
    blob,
    send,
    chunkSize = CHUNK_SIZE,
    onProgress = () => {},
    onRetry = () => {},
    retries = 6,
    backoff = defaultBackoff,
    wait = sleep,
    signal,
  } = opts;
  const size = blob.size;
  let offset = Math.min(Math.max(0, opts.startOffset || 0), size);
  let failures = 0;
  let mismatches = 0;
  onProgress(offset, size);
  for (;;) {
    if (signal?.aborted) throw new CandidateError({ status: 0, code: 'aborted', message: 'Upload cancelled.' });
    const end = Math.min(offset + chunkSize, size);
    const final = end === size;
    try {
      const res = await send(offset, blob.slice(offset, end), final);
      const received = res && typeof res.received === 'number' ? res.received : end;
      failures = 0;
      mismatches = 0;
      if (final) {
        onProgress(size, size);
        return res;
      }
      // The server tells how much it holds; trust it (it is what the next offset must be).
      offset = Math.min(Math.max(0, received), size);
      onProgress(offset, size);
    } catch (err) {
      if (err instanceof CandidateError && err.code === 'offset_mismatch') {
        const have = Number(err.fields?.offset);
        // A bogus answer, or the server keeps disagreeing: start over from scratch once.
        if (!Number.isInteger(have) || have < 0 || have > size || ++mismatches > 3) {
          if (mismatches > 4) throw err;
          offset = 0;
        } else {
          offset = have;
        }
        onProgress(offset, size);
        continue;
      }
      if (!isRetryable(err) || failures >= retries) throw err;
      failures++;
      onRetry(err, failures);
      await wait(backoff(failures));
    }
  }
}
