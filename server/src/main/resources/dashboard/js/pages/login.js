// Log in with an API token: it is checked with /api/me and kept in this browser.

import { html, nothing } from "../lib.js";
import { Page } from "../page.js";
import { get } from "../api.js";
import { session } from "../session.js";

export class LoginPage extends Page {
  title = "Log in";

  start() {
    this.ready("login");
    this.error = session.expiredReason ? `You were logged out: ${session.expiredReason}` : null;
    this.busy = false;
  }

  async submit(e) {
    e.preventDefault();
    const input = e.target.querySelector("#token");
    const token = input.value.trim();
    if (!token) {
      this.error = "Paste an API token (it starts with gty_).";
      this.invalidate();
      input.focus();
      return;
    }
    this.busy = true;
    this.error = null;
    this.invalidate();
    try {
      const me = await get("/api/me", { token });
      session.start(token, me);
    } catch (err) {
      this.busy = false;
      this.error = err.status === 401 ? "This token is not valid: unknown, revoked or expired." : err.message;
      this.invalidate();
      input.focus();
      input.select();
    }
  }

  view() {
    return html`<section class="login">
      <h1 tabindex="-1">Log in to Gantry</h1>
      <form id="login" @submit=${(e) => this.submit(e)} novalidate>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" spellcheck="false"
          placeholder="gty_…" required aria-describedby="token-help ${this.error ? "login-error" : ""}"
          aria-invalid=${this.error ? "true" : "false"}>
        <p id="token-help" class="help">The admin token is printed when the server first starts, or create one with
          <code>gantry tokens create NAME --role viewer|operator|admin</code>. It is kept in this browser until you log out.</p>
        ${this.error ? html`<p id="login-error" class="result fail" role="alert">${this.error}</p>` : nothing}
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? "true" : "false"}>
          ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>Checking…` : "Log in"}</button>
      </form>
    </section>`;
  }
}
