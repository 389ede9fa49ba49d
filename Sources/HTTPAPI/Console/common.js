// Shared by the console's pages: the API client, the session, the base map, live streams and
// the loading and error states. No build step: plain ES modules served by o2o.
/**
 * Leaflet, from the system's libjs-leaflet as o2o serves it; null when it cannot be loaded, so
 * the page still works without its map and says why.
 */
export let L = null;
try {
  L = await import("/console/leaflet/leaflet.esm.js");
} catch {
  L = null;
}

/** A refused or failed request, with the RFC 9457 problem the API answered. */
export class ApiError extends Error {
  constructor(status, problem) {
    const field = problem && problem.field ? ` (${problem.field})` : "";
    super(((problem && (problem.detail || problem.title)) || `HTTP ${status}`) + field);
    this.status = status;
    this.problem = problem || {};
  }
}

const SESSION_KEY = "o2o.console.session";

/** The signed-in account and its token, kept for the browser tab only. */
export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null"); } catch { return null; }
  },
  set(value) { sessionStorage.setItem(SESSION_KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(SESSION_KEY); },
};

/** Calls the API: JSON in and out, the session's bearer token, problems thrown as ApiError. */
export async function api(path, { method = "GET", body, headers = {}, signal, raw = false } = {}) {
  const h = { Accept: "application/json", ...headers };
  const s = session.get();
  if (s && s.token && !h.Authorization) h.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) h["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { title: "The server cannot be reached", detail: "the server cannot be reached; check that o2o is running" });
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { problem = null; }
    if (response.status === 401 && s && !headers.Authorization) {
      session.clear();
      window.dispatchEvent(new CustomEvent("o2o:signed-out"));
    }
    throw new ApiError(response.status, problem);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** Formats helpers. */
export const format = {
  money(minor, currency = "EUR") {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(minor / 100);
  },
  metres(m) { return m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${Math.round(m)} m`; },
  number(x, digits = 1) {
    return x === null || x === undefined ? "–" : Number(x).toLocaleString(undefined, { maximumFractionDigits: digits });
  },
  time(iso) { return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "–"; },
};

/** Escapes text for HTML. */
export function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Shows a state in a status line: "loading", "error", "ok" or "" (hidden). */
export function showStatus(element, kind, text = "") {
  element.dataset.state = kind;
  element.textContent = text;
  element.hidden = kind === "";
}

/**
 * Fills `list` with one card per item: `card(item, index)` gives the card's data attributes and
 * inner HTML; an empty list says `empty`. Returns the cards, in order.
 */
export function cardList(list, items, empty, card) {
  list.innerHTML = items.length ? "" : `<li class="muted">${esc(empty)}</li>`;
  return items.map((item, i) => {
    const [data, html] = card(item, i);
    const li = document.createElement("li");
    li.className = "card";
    Object.assign(li.dataset, data);
    li.innerHTML = html;
    list.appendChild(li);
    return li;
  });
}

const PAGES = [["finder", "Store finder"], ["dispatch", "Dispatcher"], ["planner", "Planner"]];

/** The bar every page shares: the console's pages, and who is signed in. */
function header() {
  const current = location.pathname.replace(/\.html$/, "").split("/").pop();
  const bar = document.createElement("header");
  bar.className = "bar";
  bar.innerHTML = `<a class="brand" href="/console/">o2o</a><nav aria-label="Console pages">${PAGES.map(([page, title]) =>
    `<a href="/console/${page}"${page === current ? ' aria-current="page"' : ""}>${title}</a>`).join("")}</nav>
    <div id="who" aria-live="polite"></div>`;
  document.body.prepend(bar);
  if (document.getElementById("panel")) {
    const skip = document.createElement("a");
    skip.className = "skip";
    skip.href = "#panel";
    skip.textContent = "Skip to the controls";
    document.body.prepend(skip);
  }
}
header();

/** The sign-in dialog of the pages that need a role. */
function signinDialog() {
  const dialog = document.createElement("div");
  dialog.className = "signin";
  dialog.id = "signin";
  dialog.hidden = true;
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", "signin-title");
  dialog.innerHTML = `<form aria-labelledby="signin-title">
    <h1 id="signin-title">Sign in</h1>
    <label for="signin-email">Email</label>
    <input id="signin-email" name="email" type="email" autocomplete="username" required>
    <label for="signin-password">Password</label>
    <input id="signin-password" name="password" type="password" autocomplete="current-password" required minlength="8">
    <p class="status" role="alert" hidden></p>
    <div class="actions"><button class="primary" type="submit">Sign in</button><a href="/console/">Back to the console</a></div>
  </form>`;
  document.body.appendChild(dialog);
  return dialog;
}

/** Runs `task` with the button disabled and the status line saying what happens. */
export async function busy(button, statusLine, loadingText, task) {
  if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  showStatus(statusLine, "loading", loadingText);
  try {
    const result = await task();
    return result;
  } catch (error) {
    showStatus(statusLine, "error", error.message);
    throw error;
  } finally {
    if (button) { button.disabled = false; button.removeAttribute("aria-busy"); }
  }
}

/** The demo city's centre and bounds (Porto's OSM extract). */
export const city = { name: "porto", centre: [41.1496, -8.6109], bounds: [[41.0686, -8.6766], [41.1625, -8.4862]] };

const BASE_STYLE = {
  water: { stroke: false, fillColor: "#a9cfe8", fillOpacity: 1 },
  river: { color: "#a9cfe8", weight: 3 },
  park: { stroke: false, fillColor: "#cfe6c4", fillOpacity: 1 },
  building: { stroke: false, fillColor: "#d9d3cb", fillOpacity: 1 },
  path: { color: "#ffffff", weight: 1, opacity: 0.8 },
  minor: { color: "#ffffff", weight: 2.5 },
  major: { color: "#f6d48b", weight: 4 },
};

/**
 * A Leaflet map on `element` whose base map is the city itself: water, parks, buildings and
 * roads from the OpenStreetMap extract, drawn on a canvas (no tile server). Resolves once the
 * base map is drawn; rejects with an ApiError if it cannot be loaded.
 */
export async function cityMap(element, { onStatus } = {}) {
  const map = L.map(element, { preferCanvas: true, zoomSnap: 0.5, minZoom: 12, maxZoom: 19, keyboard: true,
    maxBounds: L.latLngBounds(city.bounds).pad(0.5) });
  map.fitBounds(L.latLngBounds([[41.138, -8.635], [41.162, -8.585]]));
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Base map © OpenStreetMap contributors (ODbL)");
  L.control.scale({ imperial: false }).addTo(map);
  map.createPane("base");
  map.getPane("base").style.zIndex = 200;
  const renderer = L.canvas({ pane: "base", padding: 0.2 });
  onStatus && onStatus("loading", "Loading the base map…");
  const response = await fetch(`/console/basemap/${city.name}.geojson`);
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { problem = null; }
    throw new ApiError(response.status, problem);
  }
  const data = await response.json();
  L.geoJSON(data, {
    pane: "base", renderer, interactive: false,
    style: (f) => BASE_STYLE[f.properties.layer] || BASE_STYLE.path,
  }).addTo(map);
  onStatus && onStatus("", "");
  element.dataset.basemapFeatures = String(data.features.length);
  map.basemap = data;
  // For scripting the page from the browser's console or a test.
  window.o2oMap = map;
  return map;
}

/** The page's map, its loading and failure told in `statusLine`; null if it cannot be drawn
 * (the page goes on without it). */
export async function openMap(element, statusLine) {
  if (!L) {
    element.innerHTML = `<p class="status" data-state="error">The map library cannot be loaded (Debian's libjs-leaflet); everything else works.</p>`;
    return null;
  }
  try {
    return await cityMap(element, { onStatus: (kind, text) => showStatus(statusLine, kind, text) });
  } catch (error) {
    showStatus(statusLine, "error", `The map cannot be drawn: ${error.message}`);
    element.dataset.failed = "true";
    return null;
  }
}

/**
 * Reads a Server-Sent Events stream with the session's token (EventSource cannot send one),
 * calling `onEvent(name, data)` for each event and reconnecting after a drop. Returns a function
 * that stops it.
 */
export function eventStream(path, { onEvent, onState }) {
  let stopped = false;
  let controller = null;
  let delay = 1000;
  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        onState && onState("connecting");
        const response = await api(path, { headers: { Accept: "text/event-stream" }, signal: controller.signal, raw: true });
        onState && onState("live");
        delay = 1000;
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let name = "message";
            const data = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) name = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
            }
            if (!data.length) continue;
            try {
              onEvent(name, JSON.parse(data.join("\n")));
            } catch (error) {
              // One event the page cannot use does not end the stream.
              console.warn(`event ${name} skipped: ${error.message}`);
            }
          }
        }
      } catch (error) {
        if (stopped || error.name === "AbortError") return;
        // Close what is left of this connection before opening the next.
        controller.abort();
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
          onState && onState("refused", error.message);
          return;
        }
      }
      if (stopped) return;
      onState && onState("reconnecting");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
    }
  }
  run();
  return () => { stopped = true; controller && controller.abort(); };
}

/**
 * Makes sure someone with one of `roles` is signed in: shows the sign-in form until they are,
 * then calls `ready(account)`. The page's data comes from the API, which checks the role again.
 */
export function requireRole(roles, ready) {
  document.body.classList.add("locked");
  const dialog = signinDialog();
  const form = dialog.querySelector("form");
  const status = dialog.querySelector(".status");
  const who = document.getElementById("who");
  let started = false;
  function signedIn(account) {
    // Signed in again after the session ended: start the page afresh.
    if (started) { location.reload(); return; }
    started = true;
    dialog.hidden = true;
    document.body.classList.remove("locked");
    for (const e of document.querySelectorAll("main, header")) e.inert = false;
    who.innerHTML = `${esc(account.name)} <span class="role">${esc(account.role)}</span> <button type="button" id="signout">Sign out</button>`;
    document.getElementById("signout").addEventListener("click", async () => {
      try { await api("/v1/sessions/current", { method: "DELETE" }); } catch { /* the session ends here either way */ }
      session.clear();
      location.reload();
    });
    ready(account);
  }
  function ask(message) {
    dialog.hidden = false;
    document.body.classList.add("locked");
    // Nothing behind the dialog is reachable until someone signs in.
    for (const e of document.querySelectorAll("main, header")) e.inert = true;
    showStatus(status, message ? "error" : "", message || "");
    form.querySelector("input[name=email]").focus();
  }
  window.addEventListener("o2o:signed-out", () => ask("Your session has ended; sign in again."));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector("button[type=submit]");
    try {
      const answer = await busy(button, status, "Signing in…", () =>
        api("/v1/sessions", { method: "POST", body: { email: data.get("email"), password: data.get("password") } }));
      if (!roles.includes(answer.account.role)) {
        api("/v1/sessions/current", { method: "DELETE", headers: { Authorization: `Bearer ${answer.token}` } }).catch(() => {});
        ask(`This page is for ${roles.join(" or ")} accounts; ${answer.account.email} is a ${answer.account.role}.`);
        return;
      }
      session.set({ token: answer.token, account: answer.account });
      form.reset();
      signedIn(answer.account);
    } catch { /* the status line shows the problem */ }
  });
  const s = session.get();
  if (s && s.account && roles.includes(s.account.role)) {
    // Check the token still works before showing anything.
    api("/v1/me").then((account) => {
      if (roles.includes(account.role)) signedIn(account); else ask(`This page is for ${roles.join(" or ")} accounts.`);
    }).catch((error) => ask(error.status === 401 ? "Your session has ended; sign in again." : error.message));
  } else {
    ask("");
  }
}
