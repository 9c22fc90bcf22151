// All HTTP calls to the hireloop JSON API live in this module.
//
// - Requests go to /api/... on the same origin; the session cookie is sent by the browser.
// - Every non-GET request carries `Content-Type: application/json` and, once known, the
//   `X-CSRF-Token` header (the token comes from setup, login or GET /api/me).
// - Errors (`{"error":{"code","message","fields"}}`) are thrown as ApiError.

/**
 * @typedef {{id:number, email:string, name:string, is_admin:boolean, created_at:string}} User
 * @typedef {'admin'|'recruiter'|'viewer'} Role
 * @typedef {{id:number, name:string, role:Role, created_at?:string}} Workspace
 * @typedef {{user_id:number, email:string, name:string, role:Role, created_at:string}} Member
 * @typedef {{id:number, created_at:string, last_seen_at:string, expires_at:string, user_agent:string, ip:string, current:boolean}} Session
 * @typedef {{id:number, name:string, prefix:string, created_at:string, last_used_at:string|null}} Token
 * @typedef {{user:User, workspaces:Workspace[], csrf_token:string}} Me
 */

import { parseJson } from './json.js';

export class ApiError extends Error {
  /**
   * @param {{status:number, code:string, message:string, fields?:Record<string,string>, retryAfter?:number|null}} init
   */
  constructor({ status, code, message, fields = {}, retryAfter = null }) {
    super(message);
    this.name = 'ApiError';
    /** HTTP status, 0 when the server could not be reached. */
    this.status = status;
    /** Machine-readable error code from the API, e.g. `invalid_input`. */
    this.code = code;
    /** Per-field validation messages keyed by request field name. */
    this.fields = fields;
    /** Seconds from the Retry-After header (429), or null. */
    this.retryAfter = retryAfter;
  }
}

let csrfToken = '';
/** @type {((err: ApiError) => void) | null} */
let unauthenticatedHandler = null;

/** @param {string | null | undefined} token */
export function setCsrfToken(token) {
  csrfToken = token || '';
}

export function getCsrfToken() {
  return csrfToken;
}

/**
 * Called whenever a request fails with 401 `unauthenticated` (for example an expired session).
 * @param {((err: ApiError) => void) | null} fn
 */
export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn;
}

/**
 * Parses a Retry-After header: delta-seconds or an HTTP date.
 * @param {string | null} value
 * @param {number} [now] current time in ms (for tests)
 * @returns {number | null}
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return parseInt(v, 10);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** @param {number} status */
function fallbackMessage(status) {
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You do not have permission to do that.';
  if (status === 404) return 'Not found.';
  if (status === 413) return 'The request is too large.';
  if (status === 429) return 'Too many requests. Please wait and try again.';
  if (status >= 500) return `The server had a problem (HTTP ${status}). Please try again.`;
  return `Request failed (HTTP ${status}).`;
}

/**
 * Sends one request to the API and returns the parsed JSON body (null for 204 / empty).
 * @param {string} method
 * @param {string} path path below /api, starting with "/"
 * @param {unknown} [body] JSON body for writes
 * @returns {Promise<any>}
 */
export async function request(method, path, body) {
  const m = method.toUpperCase();
  /** @type {Record<string,string>} */
  const headers = { Accept: 'application/json' };
  /** @type {RequestInit} */
  const init = { method: m, headers, credentials: 'same-origin' };
  if (m !== 'GET' && m !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    if (body !== undefined) init.body = JSON.stringify(body);
  }

  let res;
  try {
    res = await fetch('/api' + path, init);
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the hireloop server. Check your connection and try again.',
    });
  }

  const data = res.status === 204 ? null : parseJson(await res.text());

  if (!res.ok) {
    const e = (data && typeof data === 'object' && data.error) || {};
    const err = new ApiError({
      status: res.status,
      code: typeof e.code === 'string' && e.code ? e.code : `http_${res.status}`,
      message: typeof e.message === 'string' && e.message ? e.message : fallbackMessage(res.status),
      fields: e.fields && typeof e.fields === 'object' ? e.fields : {},
      retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
    });
    if (res.status === 401 && err.code === 'unauthenticated' && unauthenticatedHandler) {
      unauthenticatedHandler(err);
    }
    throw err;
  }
  return data;
}

/**
 * @template {{csrf_token?: string}} T
 * @param {T} data
 * @returns {T}
 */
function keepCsrf(data) {
  if (data && data.csrf_token) setCsrfToken(data.csrf_token);
  return data;
}

const id = encodeURIComponent;

// --- setup & auth ---------------------------------------------------------

/** @returns {Promise<{needed:boolean}>} */
export const getSetup = () => request('GET', '/setup');

/**
 * @param {{name:string, email:string, password:string, workspace_name:string}} input
 * @returns {Promise<{user:User, workspace:Workspace, csrf_token:string}>}
 */
export const setup = async (input) => keepCsrf(await request('POST', '/setup', input));

/**
 * @param {string} email
 * @param {string} password
 * @returns {Promise<{user:User, csrf_token:string}>}
 */
export const login = async (email, password) =>
  keepCsrf(await request('POST', '/auth/login', { email, password }));

export async function logout() {
  try {
    await request('POST', '/auth/logout');
  } finally {
    setCsrfToken('');
  }
}

// --- current user ---------------------------------------------------------

/** @returns {Promise<Me>} */
export const me = async () => keepCsrf(await request('GET', '/me'));

/** @param {string} name @returns {Promise<{user:User}>} */
export const updateMe = (name) => request('PATCH', '/me', { name });

/** @param {string} currentPassword @param {string} newPassword */
export const changePassword = (currentPassword, newPassword) =>
  request('POST', '/me/password', { current_password: currentPassword, new_password: newPassword });

/** @returns {Promise<{sessions:Session[]}>} */
export const listSessions = () => request('GET', '/me/sessions');

/** @param {number} sessionId */
export const revokeSession = (sessionId) => request('DELETE', `/me/sessions/${id(sessionId)}`);

/** @returns {Promise<{tokens:Token[]}>} */
export const listTokens = () => request('GET', '/me/tokens');

/** @param {string} name @returns {Promise<{token:Token, secret:string}>} */
export const createToken = (name) => request('POST', '/me/tokens', { name });

/** @param {number} tokenId */
export const revokeToken = (tokenId) => request('DELETE', `/me/tokens/${id(tokenId)}`);

// --- workspaces -----------------------------------------------------------

/** @returns {Promise<{workspaces:Workspace[]}>} */
export const listWorkspaces = () => request('GET', '/workspaces');

/** @param {string} name @returns {Promise<{workspace:Workspace}>} */
export const createWorkspace = (name) => request('POST', '/workspaces', { name });

/** @param {number|string} wid @returns {Promise<{workspace:Workspace}>} */
export const getWorkspace = (wid) => request('GET', `/workspaces/${id(wid)}`);

/** @param {number|string} wid @param {string} name @returns {Promise<{workspace:Workspace}>} */
export const renameWorkspace = (wid, name) => request('PATCH', `/workspaces/${id(wid)}`, { name });

/** @param {number|string} wid @returns {Promise<{members:Member[]}>} */
export const listMembers = (wid) => request('GET', `/workspaces/${id(wid)}/members`);

/**
 * @param {number|string} wid
 * @param {{email:string, role:Role, name?:string, password?:string}} input
 * @returns {Promise<{member:Member}>}
 */
export const addMember = (wid, input) => request('POST', `/workspaces/${id(wid)}/members`, input);

/** @param {number|string} wid @param {number} uid @param {Role} role @returns {Promise<{member:Member}>} */
export const updateMemberRole = (wid, uid, role) =>
  request('PATCH', `/workspaces/${id(wid)}/members/${id(uid)}`, { role });

/** @param {number|string} wid @param {number} uid */
export const removeMember = (wid, uid) => request('DELETE', `/workspaces/${id(wid)}/members/${id(uid)}`);

// --- ATS: providers & connections ------------------------------------------

/**
 * @typedef {'result_link'|'note'|'attachment'|'move_stage'|'reject'|'add_tag'} WriteAction
 * @typedef {{supported:boolean, reason?:string, target?:'application'|'candidate', transport?:string}} ActionSupport
 * @typedef {{
 *   writes?: Partial<Record<WriteAction, ActionSupport>>,
 *   webhooks?: Record<string, unknown>,
 *   incremental?: Record<string, boolean>,
 *   deletions?: Record<string, boolean>,
 *   stage_scope?: string,
 *   acting_user_required?: boolean,
 *   force_sync?: boolean,
 *   rate_limit?: string,
 * }} Capabilities
 * @typedef {'api_key'|'integration_id'|'acting_user_id'|'base_url'|'webhook_secret'} ConnectionField
 * @typedef {{
 *   name:string, title:string, fields:ConnectionField[], key_help:string, acting_user_help?:string,
 *   default_base_url?:string, capabilities:Capabilities, webhook_setup:string, sandbox?:boolean, documentation?:string,
 *   labels?:Partial<Record<ConnectionField, string>>,
 * }} Provider
 * @typedef {{
 *   id:number, connection_id:number, mode:'full'|'incremental'|'targeted', trigger:string,
 *   status:'running'|'succeeded'|'failed', phase:string, counts:Record<string,number>|null,
 *   requests:number, retries:number, error:string, started_at:string, heartbeat_at:string, finished_at:string|null,
 * }} SyncRun
 * @typedef {{
 *   id:number, provider:string, name:string, base_url:string, integration_id:string, acting_user_id:string,
 *   has_api_key:boolean, has_webhook_secret:boolean, webhook_url:string, sync_interval_minutes:number, paused:boolean,
 *   capabilities:Capabilities, last_run:SyncRun|null, next_sync_at:string|null, created_at:string,
 *   webhook_registration?:WebhookRegistration,
 * }} Connection
 * @typedef {{
 *   available:boolean, registered:boolean, events?:string[], url?:string, pending_handshake?:boolean,
 *   registered_at?:string,
 * }} WebhookRegistration
 * @typedef {{
 *   provider?:string, name?:string, base_url?:string, integration_id?:string, acting_user_id?:string,
 *   api_key?:string, webhook_secret?:string, sync_interval_minutes?:number, paused?:boolean,
 * }} ConnectionInput
 */

/**
 * Builds "?a=1&b=x" from the non-empty values (empty string, null and undefined are left out).
 * @param {Record<string, string|number|boolean|null|undefined>} params
 */
export function queryString(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? '?' + s : '';
}

/** @returns {Promise<{providers:Provider[]}>} */
export const listProviders = () => request('GET', '/providers');

/** @param {number|string} wid @returns {Promise<{connections:Connection[]}>} */
export const listConnections = (wid) => request('GET', `/workspaces/${id(wid)}/connections`);

/** @param {number|string} wid @param {number|string} cid @returns {Promise<{connection:Connection}>} */
export const getConnection = (wid, cid) => request('GET', `/workspaces/${id(wid)}/connections/${id(cid)}`);

/** @param {number|string} wid @param {ConnectionInput} input @returns {Promise<{connection:Connection}>} */
export const createConnection = (wid, input) => request('POST', `/workspaces/${id(wid)}/connections`, input);

/**
 * @param {number|string} wid @param {number|string} cid @param {ConnectionInput} input
 * @returns {Promise<{connection:Connection}>}
 */
export const updateConnection = (wid, cid, input) =>
  request('PATCH', `/workspaces/${id(wid)}/connections/${id(cid)}`, input);

/** @param {number|string} wid @param {number|string} cid */
export const deleteConnection = (wid, cid) => request('DELETE', `/workspaces/${id(wid)}/connections/${id(cid)}`);

/** @param {number|string} wid @param {number|string} cid @returns {Promise<{ok:boolean, message:string}>} */
export const testConnection = (wid, cid) => request('POST', `/workspaces/${id(wid)}/connections/${id(cid)}/test`);

/**
 * Registers the connection's webhook URL through the ATS's API (replacing earlier subscriptions);
 * 409 webhook_registration_unsupported when the ATS has no such API.
 * @param {number|string} wid @param {number|string} cid @returns {Promise<{connection:Connection}>}
 */
export const registerWebhooks = (wid, cid) =>
  request('POST', `/workspaces/${id(wid)}/connections/${id(cid)}/webhooks`);

/**
 * Removes the webhook subscriptions hireloop registered at the ATS.
 * @param {number|string} wid @param {number|string} cid @returns {Promise<{connection:Connection}>}
 */
export const unregisterWebhooks = (wid, cid) =>
  request('DELETE', `/workspaces/${id(wid)}/connections/${id(cid)}/webhooks`);

/**
 * Starts a sync ("Synchronize now"); 409 sync_running when one is already running.
 * @param {number|string} wid @param {number|string} cid @param {boolean} [full]
 * @returns {Promise<{run:SyncRun}>}
 */
export const syncConnection = (wid, cid, full = false) =>
  request('POST', `/workspaces/${id(wid)}/connections/${id(cid)}/sync`, { full });

/** @param {number|string} wid @param {number|string} cid @returns {Promise<{runs:SyncRun[]}>} */
export const listSyncRuns = (wid, cid) => request('GET', `/workspaces/${id(wid)}/connections/${id(cid)}/runs`);

/** @param {number|string} wid @param {number|string} rid @returns {Promise<{run:SyncRun}>} */
export const getSyncRun = (wid, rid) => request('GET', `/workspaces/${id(wid)}/sync-runs/${id(rid)}`);

/**
 * URL of a run's server-sent event stream ("progress" events, then "done"; data is the SyncRun).
 * Open it with openEventSource from ./sse.js.
 * @param {number|string} wid @param {number|string} rid
 */
export const syncRunEventsUrl = (wid, rid) => `/api/workspaces/${id(wid)}/sync-runs/${id(rid)}/events`;

/**
 * @param {number|string} wid @param {number|string} cid
 * @returns {Promise<{tags:{ext_id:string, name:string}[]}>}
 */
export const listConnectionTags = (wid, cid) => request('GET', `/workspaces/${id(wid)}/connections/${id(cid)}/tags`);

// --- ATS data: positions & applications ------------------------------------

/**
 * @typedef {{ext_id:string, name:string, position:number, kind:string, applications:number}} PipelineStage
 * @typedef {{
 *   id:number, connection_id:number, ext_id:string, title:string, status:string, department:string, location:string,
 *   description_html?:string, description_text?:string, questions?:Record<string, unknown>[],
 *   updated_at:string|null, deleted:boolean, applications:number, stages:PipelineStage[],
 * }} Position
 * @typedef {{
 *   id:number, connection_id:number, ext_id:string, candidate_ext_id:string, first_name:string, last_name:string,
 *   email:string, tags:string[]|null, job_ext_id:string, job_title:string, stage_ext_id:string, stage_name:string,
 *   status:'active'|'rejected'|'hired', rejection_reason_name:string, applied_at:string|null, updated_at:string|null,
 * }} Application
 * @typedef {{connection_id?:number|string, q?:string, include_deleted?:boolean, limit?:number, offset?:number}} PositionQuery
 * @typedef {{
 *   connection_id?:number|string, job?:string, stage?:string, tag?:string, status?:string, q?:string,
 *   after?:number|null, limit?:number,
 * }} ApplicationQuery
 */

/**
 * @param {number|string} wid @param {PositionQuery} [query]
 * @returns {Promise<{positions:Position[], total:number}>}
 */
export const listPositions = (wid, query = {}) =>
  request('GET', `/workspaces/${id(wid)}/positions${queryString({ ...query })}`);

/** @param {number|string} wid @param {number|string} pid @returns {Promise<{position:Position}>} */
export const getPosition = (wid, pid) => request('GET', `/workspaces/${id(wid)}/positions/${id(pid)}`);

/**
 * Keyset-paged: pass the previous page's next_after as `after`.
 * @param {number|string} wid @param {ApplicationQuery} [query]
 * @returns {Promise<{applications:Application[], total:number, next_after:number|null}>}
 */
export const listApplications = (wid, query = {}) =>
  request('GET', `/workspaces/${id(wid)}/applications${queryString({ ...query })}`);

/**
 * @param {number|string} wid @param {number|string} cid
 * @returns {Promise<{rejection_reasons:{ext_id:string, name:string}[]}>}
 */
export const listRejectionReasons = (wid, cid) =>
  request('GET', `/workspaces/${id(wid)}/connections/${id(cid)}/rejection-reasons`);

// --- interviews -------------------------------------------------------------

/**
 * @typedef {'text'|'single_choice'|'multi_choice'|'yes_no'|'number'|'audio'|'video'} QuestionType
 * @typedef {{name:string, weight:number, strong:string}} RubricCriterion
 * @typedef {{values?:string[], min?:number, max?:number, reason:string}} KnockoutRule
 * @typedef {{min:number|null, max:number|null, points:number}} ScoreRange
 * @typedef {{points?:Record<string, number>, ranges?:ScoreRange[], suggested?:boolean}} ScoringRule
 * @typedef {{
 *   id?:number, position?:number, type:QuestionType, prompt:string, help?:string, options?:string[]|null,
 *   required:boolean, rubric?:RubricCriterion[]|null, knockout?:KnockoutRule|null, scoring?:ScoringRule|null, time_limit_seconds?:number,
 *   retakes?:number, max_media_seconds?:number, source_ext_id?:string,
 * }} Question
 * @typedef {'draft'|'active'|'paused'|'closed'} InterviewStatus
 * @typedef {{invited:number, sent:number, opened:number, started:number, submitted:number, expired:number, failed:number}} InterviewStats
 * @typedef {{
 *   id:number, name:string, kind:'interview'|'prescreen', language:string, intro:string, job_description:string,
 *   deadline_days:number, reminder_hours:number, status:InterviewStatus, connection_id:number|null, job_ext_id:string,
 *   stage_ext_id:string, sync_results:boolean, completed_stage_ext_id:string, accept_stage_ext_id:string,
 *   reject_reason_ext_id:string, watch_interval_seconds:number, publish_pending:boolean, last_tick_at:string|null,
 *   last_tick_result:string, published_at:string|null, created_at:string, updated_at:string, questions:Question[],
 *   tag_score_threshold:number, tag_score_name:string, tag_accepted_name:string,
 *   stats?:InterviewStats, version?:number,
 * }} Interview
 * @typedef {{
 *   version:number, created_at:string, created_by:number|null, created_by_email:string, summary:string,
 *   invitations:number, answered:number, submitted:number,
 * }} InterviewVersion
 * @typedef {{
 *   version:number, current:boolean, published:InterviewVersion|null, questions:Question[]|null,
 * }} InterviewVersionView
 * @typedef {{
 *   name?:string, kind?:string, language?:string, intro?:string, job_description?:string, deadline_days?:number,
 *   reminder_hours?:number, connection_id?:number|null, job_ext_id?:string, stage_ext_id?:string, sync_results?:boolean,
 *   completed_stage_ext_id?:string, accept_stage_ext_id?:string, reject_reason_ext_id?:string,
 *   watch_interval_seconds?:number, questions?:Question[], position_id?:number,
 *   tag_score_threshold?:number, tag_score_name?:string, tag_accepted_name?:string,
 *   question_change?:'version'|'fix',
 * }} InterviewInput
 * @typedef {{scheduled:boolean, last_tick_at:string|null, last_result:string, next_tick_at:string|null}} WatchdogStatus
 * @typedef {{
 *   application_ext_id:string, candidate_ext_id:string, email:string, first_name:string, last_name:string, invited:boolean,
 * }} PreviewCandidate
 * @typedef {{
 *   stage_name:string, will_invite:number, already_invited:number, without_email:number, message:string,
 *   candidates:PreviewCandidate[]|null,
 * }} PublishPreview
 * @typedef {'queued'|'sent'|'opened'|'started'|'submitted'|'expired'|'failed'} InvitationStatus
 * @typedef {{
 *   id:number, interview_id:number, connection_id:number|null, application_ext_id:string, candidate_ext_id:string,
 *   email:string, first_name:string, last_name:string, status:InvitationStatus, source:'publish'|'watchdog'|'webhook',
 *   expires_at:string, sent_at:string|null, opened_at:string|null, consent_at:string|null, started_at:string|null,
 *   submitted_at:string|null, reminded_at:string|null, adjustment_request:string, failure:string, created_at:string,
 * }} Invitation
 */

/** @param {number|string} wid @returns {Promise<{interviews:Interview[]}>} */
export const listInterviews = (wid) => request('GET', `/workspaces/${id(wid)}/interviews`);

/**
 * With `position_id` the server imports the synced position (title, description, screening questions).
 * @param {number|string} wid @param {InterviewInput} input @returns {Promise<{interview:Interview}>}
 */
export const createInterview = (wid, input) => request('POST', `/workspaces/${id(wid)}/interviews`, input);

/**
 * Drafts open questions with the built-in generator (no AI); `note` says so.
 * @param {number|string} wid @param {{title?:string, job_description:string}} input
 * @returns {Promise<{questions:Question[], generator:string, note:string}>}
 */
export const generateQuestions = (wid, input) =>
  request('POST', `/workspaces/${id(wid)}/interviews/generate-questions`, input);

/**
 * @param {number|string} wid @param {number|string} iid
 * @returns {Promise<{interview:Interview, stats:InterviewStats, watchdog:WatchdogStatus, versions?:InterviewVersion[]}>}
 */
export const getInterview = (wid, iid) => request('GET', `/workspaces/${id(wid)}/interviews/${id(iid)}`);

/**
 * One version of the questions, read-only. @param {number|string} wid @param {number|string} iid
 * @param {number} n @returns {Promise<InterviewVersionView>}
 */
export const getInterviewVersion = (wid, iid, n) =>
  request('GET', `/workspaces/${id(wid)}/interviews/${id(iid)}/versions/${id(n)}`);

/**
 * 409 interview_published when the position or stage changes after publishing. A change of a
 * published interview's questions makes a new version, or with question_change 'fix' fixes the
 * wording of the current one (409 version_answered / not_wording_only when it can't).
 * @param {number|string} wid @param {number|string} iid @param {InterviewInput} input
 * @returns {Promise<{interview:Interview, versions?:InterviewVersion[], question_change?:'none'|'in_place'|'fix'|'version'}>}
 */
export const updateInterview = (wid, iid, input) =>
  request('PUT', `/workspaces/${id(wid)}/interviews/${id(iid)}`, input);

/** Drafts only. @param {number|string} wid @param {number|string} iid */
export const deleteInterview = (wid, iid) => request('DELETE', `/workspaces/${id(wid)}/interviews/${id(iid)}`);

/** @param {number|string} wid @param {number|string} iid @returns {Promise<PublishPreview>} */
export const publishPreview = (wid, iid) =>
  request('GET', `/workspaces/${id(wid)}/interviews/${id(iid)}/publish-preview`);

/**
 * @param {number|string} wid @param {number|string} iid
 * @returns {Promise<{interview:Interview, invited:number}>}
 */
export const publishInterview = (wid, iid) =>
  request('POST', `/workspaces/${id(wid)}/interviews/${id(iid)}/publish`);

/**
 * @param {number|string} wid @param {number|string} iid @param {'pause'|'resume'|'close'} action
 * @returns {Promise<{interview:Interview}>}
 */
export const setInterviewState = (wid, iid, action) =>
  request('POST', `/workspaces/${id(wid)}/interviews/${id(iid)}/${action}`);

/** @param {number|string} wid @param {number|string} iid @returns {Promise<{invitations:Invitation[]}>} */
export const listInvitations = (wid, iid) =>
  request('GET', `/workspaces/${id(wid)}/interviews/${id(iid)}/invitations`);

/**
 * Queues the invitation email again (same link).
 * @param {number|string} wid @param {number|string} iid @param {number|string} vid
 * @returns {Promise<{status:string}>}
 */
export const resendInvitation = (wid, iid, vid) =>
  request('POST', `/workspaces/${id(wid)}/interviews/${id(iid)}/invitations/${id(vid)}/resend`);

/**
 * Grants more days; reopens an expired link.
 * @param {number|string} wid @param {number|string} iid @param {number|string} vid @param {number} days
 */
export const extendInvitation = (wid, iid, vid, days) =>
  request('POST', `/workspaces/${id(wid)}/interviews/${id(iid)}/invitations/${id(vid)}/extend`, { days });

// --- email, templates & branding ---------------------------------------------

/**
 * @typedef {'none'|'starttls'|'tls'|'opportunistic'} TlsMode
 * @typedef {{
 *   configured:boolean, host:string, port:number, tls:TlsMode, username:string, has_password:boolean,
 *   from_name:string, from_address:string, reply_to:string, outbox:Record<string, number>|null,
 * }} EmailSettings
 * @typedef {{
 *   host:string, port:number, tls:string, username:string, password?:string, from_name:string, from_address:string,
 *   reply_to:string,
 * }} EmailSettingsInput
 * @typedef {'invitation'|'reminder'|'acceptance'|'rejection'} TemplateKind
 * @typedef {{kind:TemplateKind, subject:string, html:string, text:string, enabled:boolean, is_default:boolean, optional:boolean}} EmailTemplate
 * @typedef {{name:string, placeholder:string, description:string, example:string}} TemplateVariable
 * @typedef {{company_name:string, brand_color:string, logo_url:string, privacy_url:string}} Branding
 */

/** Settings without the password (has_password says whether one is stored). @param {number|string} wid @returns {Promise<{email:EmailSettings}>} */
export const getEmailSettings = (wid) => request('GET', `/workspaces/${id(wid)}/email`);

/**
 * Leave `password` out (or empty) to keep the stored one.
 * @param {number|string} wid @param {EmailSettingsInput} input @returns {Promise<{email:EmailSettings}>}
 */
export const saveEmailSettings = (wid, input) => request('PUT', `/workspaces/${id(wid)}/email`, input);

/**
 * Sends a test email with the saved settings; ok=false carries the mail server's answer.
 * @param {number|string} wid @param {string} to @returns {Promise<{ok:boolean, message:string}>}
 */
export const sendTestEmail = (wid, to) => request('POST', `/workspaces/${id(wid)}/email/test`, { to });

/**
 * @param {number|string} wid
 * @returns {Promise<{templates:EmailTemplate[], variables:TemplateVariable[]}>}
 */
export const listEmailTemplates = (wid) => request('GET', `/workspaces/${id(wid)}/email/templates`);

/**
 * 422 with the template's mistake in the message (fields.template) when it does not parse.
 * @param {number|string} wid @param {TemplateKind} kind
 * @param {{subject:string, html:string, text:string, enabled?:boolean}} input
 * @returns {Promise<{templates:EmailTemplate[]}>}
 */
export const saveEmailTemplate = (wid, kind, input) =>
  request('PUT', `/workspaces/${id(wid)}/email/templates/${id(kind)}`, input);

/** @param {number|string} wid @param {TemplateKind} kind @returns {Promise<{templates:EmailTemplate[]}>} */
export const restoreEmailTemplate = (wid, kind) =>
  request('DELETE', `/workspaces/${id(wid)}/email/templates/${id(kind)}`);

/**
 * Renders a draft with sample values and the workspace branding.
 * @param {number|string} wid @param {TemplateKind} kind @param {{subject:string, html:string, text:string}} input
 * @returns {Promise<{subject:string, html:string, text:string}>}
 */
export const previewEmailTemplate = (wid, kind, input) =>
  request('POST', `/workspaces/${id(wid)}/email/templates/${id(kind)}/preview`, input);

/** @param {number|string} wid @returns {Promise<{branding:Branding}>} */
export const getBranding = (wid) => request('GET', `/workspaces/${id(wid)}/branding`);

/** @param {number|string} wid @param {Branding} input @returns {Promise<{branding:Branding}>} */
export const saveBranding = (wid, input) => request('PUT', `/workspaces/${id(wid)}/branding`, input);
