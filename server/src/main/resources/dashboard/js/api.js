// The dashboard's only way to the server: the public REST API, with the session's token.
// Every failure becomes an ApiError whose message can be shown as it is.

import { session } from "./session.js";

export class ApiError extends Error {
  /** status 0 means the server could not be reached at all. */
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }

  get unreachable() {
    return this.status === 0;
  }
}

const listeners = new Set();
let reachable = true;

/** Called with true/false whenever the server becomes reachable or unreachable. */
export function onReachability(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function serverReachable() {
  return reachable;
}

function setReachable(value) {
  if (value !== reachable) {
    reachable = value;
    listeners.forEach((fn) => fn(value));
  }
}

/** Builds a query string from an object, leaving out empty values; arrays become comma lists. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    q.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/**
 * Calls the API. Resolves to the parsed JSON (null for 204); rejects with an ApiError.
 * A 401 ends the session (the token was revoked or expired), unless a token is passed
 * explicitly (the login form tries one).
 */
export async function api(method, path, { body, token, signal } = {}) {
  const useToken = token ?? session.token;
  const headers = { Accept: "application/json" };
  if (useToken) headers.Authorization = `Bearer ${useToken}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: "no-store",
    });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    setReachable(false);
    throw new ApiError(0, "unreachable", "The server cannot be reached. Is gantry server running?");
  }
  setReachable(response.status !== 502 && response.status !== 504);
  if (response.status === 204) return null;
  let json = null;
  try {
    json = await response.json();
  } catch {
    // A proxy's HTML error page, say: reported below by status.
  }
  if (response.ok) return json;
  const err = json && json.error;
  const error = new ApiError(
    response.status,
    err ? err.code : "http_" + response.status,
    err ? err.message : `The server answered ${response.status} ${response.statusText}`,
    err ? err.details : {},
  );
  if (response.status === 401 && token === undefined) session.expire(error.message);
  throw error;
}

export const get = (path, opts) => api("GET", path, opts);
export const post = (path, body, opts) => api("POST", path, { ...opts, body });
export const del = (path, opts) => api("DELETE", path, opts);
