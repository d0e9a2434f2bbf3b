// Who is logged in: the token (kept in localStorage so a reload stays logged in) and what
// /api/me said about it. Roles are ordered; a role includes the ones below it.

const KEY = "gantry.token";
const ROLES = ["viewer", "operator", "admin"];

class Session {
  constructor() {
    this.me = null; // {token_id, name, role} once confirmed
    this.expiredReason = null;
    this.listeners = new Set();
  }

  get token() {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  }

  get role() {
    return this.me ? this.me.role : null;
  }

  /** True when the token's role is at least {@code role}. */
  can(role) {
    return this.me !== null && ROLES.indexOf(this.me.role) >= ROLES.indexOf(role);
  }

  start(token, me) {
    localStorage.setItem(KEY, token);
    this.me = me;
    this.expiredReason = null;
    this.changed();
  }

  confirm(me) {
    this.me = me;
    this.changed();
  }

  logout() {
    localStorage.removeItem(KEY);
    this.me = null;
    this.changed();
  }

  /** The server refused the token (revoked, expired): back to the login page, saying why. */
  expire(reason) {
    if (!this.token) return;
    this.expiredReason = reason;
    this.logout();
  }

  onChange(fn) {
    this.listeners.add(fn);
  }

  changed() {
    this.listeners.forEach((fn) => fn(this));
  }
}

export const session = new Session();
