import { describe, it, expect, vi } from 'vitest';
import { chunkPlan, uploadInChunks, CHUNK_SIZE } from './upload.js';
import { CandidateError } from './api.js';

/** @param {number} n */
function blobOf(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = i % 251;
  return new Blob([bytes], { type: 'audio/webm' });
}

/** A fake server: holds the bytes it received and enforces the offset rule like app/candidate.go. */
function fakeServer() {
  /** @type {Uint8Array} */
  let held = new Uint8Array(0);
  /** @type {{offset:number, size:number, final:boolean}[]} */
  const calls = [];
  let finished = false;
  /** @param {number} offset @param {Blob} chunk @param {boolean} final */
  async function send(offset, chunk, final) {
    calls.push({ offset, size: chunk.size, final });
    if (offset === 0) held = new Uint8Array(0);
    if (offset !== held.length) {
      throw new CandidateError({ status: 409, code: 'offset_mismatch', message: 'x', fields: { offset: String(held.length) } });
    }
    const add = new Uint8Array(await chunk.arrayBuffer());
    const next = new Uint8Array(held.length + add.length);
    next.set(held);
    next.set(add, held.length);
    held = next;
    if (final) finished = true;
    return final ? { received: held.length, answer: { media_bytes: held.length, attempts: 1 } } : { received: held.length };
  }
  return { send, calls, held: () => held, finished: () => finished };
}

describe('chunkPlan', () => {
  it('splits into 512 KB chunks with the last one final', () => {
    const size = CHUNK_SIZE * 2 + 100;
    expect(chunkPlan(size)).toEqual([
      { offset: 0, end: CHUNK_SIZE, final: false },
      { offset: CHUNK_SIZE, end: CHUNK_SIZE * 2, final: false },
      { offset: CHUNK_SIZE * 2, end: size, final: true },
    ]);
  });
  it('an exact multiple ends on a full final chunk, and a tiny body is one final chunk', () => {
    expect(chunkPlan(20, 10)).toEqual([
      { offset: 0, end: 10, final: false },
      { offset: 10, end: 20, final: true },
    ]);
    expect(chunkPlan(3, 10)).toEqual([{ offset: 0, end: 3, final: true }]);
  });
});

describe('uploadInChunks', () => {
  it('sends every byte once, in order, with increasing offsets and final only on the last', async () => {
    const srv = fakeServer();
    const blob = blobOf(2500);
    const progress = vi.fn();
    const res = await uploadInChunks({ blob, send: srv.send, chunkSize: 1000, onProgress: progress });
    expect(srv.calls).toEqual([
      { offset: 0, size: 1000, final: false },
      { offset: 1000, size: 1000, final: false },
      { offset: 2000, size: 500, final: true },
    ]);
    expect(srv.held()).toEqual(new Uint8Array(await blob.arrayBuffer()));
    expect(res?.answer.media_bytes).toBe(2500);
    expect(progress).toHaveBeenLastCalledWith(2500, 2500);
    expect(progress.mock.calls.map((c) => c[0])).toEqual([0, 1000, 2000, 2500]);
  });

  it('uses the real 512 KB chunk size by default', async () => {
    const srv = fakeServer();
    await uploadInChunks({ blob: blobOf(CHUNK_SIZE + 1), send: srv.send });
    expect(srv.calls.map((c) => [c.offset, c.size, c.final])).toEqual([
      [0, CHUNK_SIZE, false],
      [CHUNK_SIZE, 1, true],
    ]);
  });

  it('resumes from fields.offset on offset_mismatch (a chunk arrived but its answer was lost)', async () => {
    const srv = fakeServer();
    let lost = false;
    /** @type {import('./upload.js').SendChunk} */
    const send = async (offset, chunk, final) => {
      const r = await srv.send(offset, chunk, final);
      if (offset === 1000 && !lost) {
        lost = true; // the server stored it, the response never came back
        throw new CandidateError({ status: 0, code: 'network', message: 'offline' });
      }
      return r;
    };
    const wait = vi.fn(async () => {});
    await uploadInChunks({ blob: blobOf(3000), send, chunkSize: 1000, wait });
    expect(srv.calls.map((c) => c.offset)).toEqual([0, 1000, 1000, 2000]);
    // retry of 1000 → 409 offset_mismatch with offset 2000 → carries on at 2000, not 1000 again
    expect(srv.calls[2]).toEqual({ offset: 1000, size: 1000, final: false });
    expect(srv.held()).toHaveLength(3000);
    expect(srv.finished()).toBe(true);
    expect(wait).toHaveBeenCalledTimes(1);
  });

  it('starts over when the server has fewer bytes than we think', async () => {
    const srv = fakeServer();
    // Pretend a previous attempt left the upload at 2000, but the server has nothing.
    await uploadInChunks({ blob: blobOf(2500), send: srv.send, chunkSize: 1000, startOffset: 2000 });
    expect(srv.calls.map((c) => [c.offset, c.final])).toEqual([
      [2000, true],
      [0, false],
      [1000, false],
      [2000, true],
    ]);
    expect(srv.held()).toHaveLength(2500);
  });

  it('when the server already has every byte, finishes with an empty final chunk', async () => {
    /** @type {{offset:number, size:number, final:boolean}[]} */
    const calls = [];
    /** @type {import('./upload.js').SendChunk} */
    const send = async (offset, chunk, final) => {
      calls.push({ offset, size: chunk.size, final });
      if (offset === 0) throw new CandidateError({ status: 409, code: 'offset_mismatch', message: '', fields: { offset: '10' } });
      return { received: 10 };
    };
    await uploadInChunks({ blob: blobOf(10), send, chunkSize: 4, startOffset: 0 });
    expect(calls).toEqual([
      { offset: 0, size: 4, final: false },
      { offset: 10, size: 0, final: true },
    ]);
  });

  it('retries network and 5xx failures with growing backoff, then gives up', async () => {
    const err = new CandidateError({ status: 503, code: 'unavailable', message: 'down' });
    const send = vi.fn(async () => {
      throw err;
    });
    const waits = /** @type {number[]} */ ([]);
    await expect(
      uploadInChunks({ blob: blobOf(10), send, retries: 3, wait: async (ms) => void waits.push(ms) }),
    ).rejects.toBe(err);
    expect(send).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  it('does not retry a refused recording (413 payload_too_large)', async () => {
    const err = new CandidateError({ status: 413, code: 'payload_too_large', message: 'too big' });
    const send = vi.fn(async () => {
      throw err;
    });
    await expect(uploadInChunks({ blob: blobOf(10), send, wait: async () => {} })).rejects.toBe(err);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('stops when aborted', async () => {
    const signal = { aborted: false };
    const send = vi.fn(async () => {
      signal.aborted = true;
      return { received: 4 };
    });
    await expect(uploadInChunks({ blob: blobOf(10), send, chunkSize: 4, signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(send).toHaveBeenCalledTimes(1);
  });
});
