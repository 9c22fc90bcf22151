// Browser recording helpers: feature detection, a media type the browser can record and
// the server accepts, and friendly messages for getUserMedia failures.

/** Whether this browser can record here (needs MediaRecorder and a secure context). */
export function canRecord() {
  return (
    typeof window !== 'undefined' &&
    typeof window.MediaRecorder === 'function' &&
    typeof navigator !== 'undefined' &&
    !!navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === 'function'
  );
}

/**
 * A recording type for `kind` the browser supports; '' lets the browser choose.
 * @param {'audio'|'video'} kind
 */
export function pickMimeType(kind) {
  const candidates =
    kind === 'video'
      ? ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4']
      : ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];
  const MR = window.MediaRecorder;
  if (!MR || typeof MR.isTypeSupported !== 'function') return '';
  return candidates.find((t) => MR.isTypeSupported(t)) || '';
}

/**
 * The type to upload with: the server wants `audio/...` for audio and `video/...` for video
 * questions, so a bare or odd type falls back to webm of the right kind.
 * @param {string} type from the recorder or blob
 * @param {'audio'|'video'} kind
 */
export function uploadType(type, kind) {
  const base = (type || '').split(';')[0].trim().toLowerCase();
  const ok = { audio: ['audio/webm', 'audio/ogg', 'audio/mp4', 'audio/mpeg', 'audio/wav'], video: ['video/webm', 'video/mp4'] };
  if (ok[kind].includes(base)) return base;
  if (kind === 'audio' && base === 'video/webm') return 'audio/webm'; // some browsers label audio-only webm as video
  return `${kind}/webm`;
}

/**
 * A message a candidate can act on.
 * @param {unknown} err from getUserMedia or MediaRecorder
 * @param {'audio'|'video'} kind
 */
export function recordingErrorMessage(err, kind) {
  const device = kind === 'video' ? 'camera and microphone' : 'microphone';
  const name = err && typeof err === 'object' && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return `We could not use your ${device} because access was not allowed. Allow access in your browser (usually an icon in the address bar) and press Record again.`;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return `We could not find a ${device}. Connect one and press Record again.`;
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return `Your ${device} seems to be in use by another app. Close that app and press Record again.`;
    default:
      return `Recording did not start. Try again, or use another browser.`;
  }
}

export const UNSUPPORTED_MESSAGE =
  'This browser cannot record here. Please open the link in a recent version of Chrome, Edge, Firefox or Safari, or use “I need an adjustment” to ask for another way to answer.';
