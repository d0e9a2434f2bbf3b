// The dashboard's shell: the session, the hash router, the header with its live-connection
// status, and one render loop for everything.

import { html, render, nothing } from "./lib.js";
import { session } from "./session.js";
import { get, onReachability, serverReachable } from "./api.js";
import { events, STATUS } from "./live.js";
import { parseRoute, navigate } from "./router.js";
import { LoginPage } from "./pages/login.js";
import { OverviewPage } from "./pages/overview.js";
import { JobsPage } from "./pages/jobs.js";
import { JobPage } from "./pages/job.js";
import { WorkersPage } from "./pages/workers.js";
import { QueuesPage } from "./pages/queues.js";
import { SchedulesPage } from "./pages/schedules.js";
import { LogsPage } from "./pages/logs.js";

const NAV = [
  { path: "overview", label: "Overview", page: OverviewPage },
  { path: "jobs", label: "Jobs", page: JobsPage },
  { path: "workers", label: "Workers", page: WorkersPage },
  { path: "queues", label: "Queues", page: QueuesPage },
  { path: "schedules", label: "Schedules", page: SchedulesPage },
  { path: "logs", label: "Logs", page: LogsPage },
];

class App {
  constructor(root) {
    this.root = root;
    this.page = null;
    this.pageKey = null;
    this.renderQueued = false;
    this.boot = { state: "checking", error: null };
  }

  async start() {
    // The static "Loading…" text is lit's to replace, not to append to.
    this.root.replaceChildren();
    window.addEventListener("hashchange", () => this.route());
    session.onChange(() => this.sessionChanged());
    events.onStatus(() => this.requestRender());
    onReachability(() => this.requestRender());
    // Ages and "updated at" labels tick without new data.
    setInterval(() => this.requestRender(), 1000);
    await this.checkToken();
  }

  /** On load, a stored token is checked with /api/me before any page is shown. */
  async checkToken() {
    if (!session.token) {
      this.boot = { state: "done" };
      this.route();
      return;
    }
    this.boot = { state: "checking" };
    this.requestRender();
    try {
      session.confirm(await get("/api/me"));
      this.boot = { state: "done" };
      events.start();
    } catch (e) {
      if (e.status === 401) {
        this.boot = { state: "done" };
      } else {
        this.boot = { state: "failed", error: e };
        this.requestRender();
        clearTimeout(this.bootRetry);
        this.bootRetry = setTimeout(() => this.checkToken(), 3000);
        return;
      }
    }
    this.route();
  }

  sessionChanged() {
    if (session.me) {
      events.start();
      this.route();
    } else {
      events.stop();
      this.pageKey = null;
      this.route();
    }
  }

  route() {
    if (this.boot.state !== "done") return;
    const r = parseRoute();
    let PageClass;
    let key;
    if (!session.me) {
      PageClass = LoginPage;
      key = "login";
    } else if (r.path === "login") {
      navigate("overview");
      return;
    } else if (r.path === "jobs" && r.id) {
      PageClass = JobPage;
      key = `job/${r.id}`;
    } else {
      const entry = NAV.find((n) => n.path === r.path);
      if (!entry) {
        navigate("overview");
        return;
      }
      PageClass = entry.page;
      key = r.path;
    }
    // A new query on the same page (a filter) is the page's own business.
    if (key === this.pageKey && this.page && this.page.routeChanged) {
      this.page.routeChanged(r);
      return;
    }
    if (this.page) this.page.dispose();
    this.pageKey = key;
    this.page = new PageClass(this, r);
    this.page.start();
    this.renderNow();
    const heading = this.root.querySelector("main h1");
    if (heading) heading.focus({ preventScroll: false });
    document.title = `${this.page.title || "Gantry"} · Gantry`;
  }

  requestRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.renderNow();
    });
  }

  renderNow() {
    render(this.view(), this.root);
    if (this.page && this.page.rendered) this.page.rendered();
  }

  view() {
    if (this.boot.state === "checking") {
      return html`<main class="boot" aria-busy="true"><p role="status">Checking your token…</p></main>`;
    }
    if (this.boot.state === "failed") {
      return html`<main class="boot"><div class="panel error" role="alert">
        <p><strong>Cannot reach the Gantry server.</strong> ${this.boot.error.message}</p>
        <p>Trying again every 3 seconds.</p>
        <button type="button" @click=${() => this.checkToken()}>Try now</button></div></main>`;
    }
    const active = parseRoute().path;
    const loggedIn = session.me !== null;
    return html`
      <header class="top">
        <a class="brand" href="#/overview" aria-label="Gantry home"><img src="img/favicon.svg" alt="" width="24" height="24"> Gantry</a>
        ${loggedIn
          ? html`<nav aria-label="Main">
              <ul>
                ${NAV.map((n) => html`<li><a href="#/${n.path}" aria-current=${n.path === active ? "page" : "false"}>${n.label}</a></li>`)}
              </ul>
            </nav>
            ${this.connection()}
            <div class="who">
              <span class="user" title="Signed in with token ${session.me.name}">${session.me.name}
                <span class="badge role role-${session.me.role}">${session.me.role}</span></span>
              <button type="button" id="logout" @click=${() => this.logout()}>Log out</button>
            </div>`
          : nothing}
      </header>
      <div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
      ${loggedIn && !serverReachable()
        ? html`<div class="banner error" role="alert">The server cannot be reached; what you see may be out of date. Retrying…</div>`
        : nothing}
      <main id="main" tabindex="-1">${this.page ? this.page.view() : nothing}</main>`;
  }

  /** The live connection's state, in words and colour. */
  connection() {
    const labels = {
      [STATUS.live]: ["live", "Live"],
      [STATUS.connecting]: ["connecting", "Connecting…"],
      [STATUS.reconnecting]: ["reconnecting", "Reconnecting…"],
      [STATUS.closed]: ["closed", "Not live"],
    };
    const [cls, text] = labels[events.status] || labels[STATUS.closed];
    const detail = events.detail ? ` (${events.detail})` : "";
    return html`<p class="connection conn-${cls}" role="status" aria-live="polite" id="connection"
        title="Live updates from /api/events${detail}"><span class="dot" aria-hidden="true"></span>${text}</p>`;
  }

  logout() {
    session.logout();
    navigate("login");
  }
}

const app = new App(document.getElementById("app"));
app.start();
