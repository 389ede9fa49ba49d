// The dispatcher's board: riders moving live (Server-Sent Events), deliveries by status, each
// rider's current route, dispatch rounds with what they assigned and why the rest were left,
// assignment by hand, and the day's figures. For dispatchers and admins.
import { L, api, busy, cardList, esc, eventStream, format, openMap, requireRole, showStatus } from "/console/common.js";

const $ = (id) => document.getElementById(id);
const STATUS_ORDER = ["pending", "assigned", "accepted", "picked_up"];
const STATUS_TEXT = { pending: "waiting", assigned: "offered", accepted: "accepted", picked_up: "on the way" };
const RIDER_COLOUR = { idle: "#1f7a3a", busy: "#1a73e8", offline: "#8a949c" };
const REASON_TEXT = {
  promised_time_impossible: "its promised time cannot be kept even straight from the store",
  no_rider_nearby: "no available rider within the round's radius of the store",
  no_feasible_rider: "riders are near, but none has room on a route that keeps its other promises",
  riders_taken: "the riders who could take it were better used on other deliveries",
};

const board = { riders: new Map(), deliveries: new Map(), filter: "all", map: null, layers: {}, lastRound: null };

function riderMarker(r) {
  if (!board.map || !r.position) return;
  let m = board.layers.riderMarkers.get(r.id);
  if (!m) {
    m = L.circleMarker([r.position.lat, r.position.lon], { radius: 8, weight: 2, color: "#ffffff", fillOpacity: 1 })
      .addTo(board.layers.riders);
    m.on("click", (e) => { L.DomEvent.stopPropagation(e); document.querySelector(`#riders [data-rider-id="${r.id}"] button.show`)?.focus(); });
    board.layers.riderMarkers.set(r.id, m);
  }
  m.setLatLng([r.position.lat, r.position.lon]);
  m.setStyle({ fillColor: RIDER_COLOUR[r.status] || "#8a949c" });
  m.unbindTooltip();
  m.bindTooltip(`${esc(r.name)} · ${r.status} · ${r.route.length} stop(s)`);
}

/** Draws every rider's route: from where the rider is through each stop in order. */
function drawRoutes() {
  if (!board.map) return;
  board.layers.routes.clearLayers();
  for (const r of board.riders.values()) {
    if (!r.position || r.route.length === 0) continue;
    const points = [[r.position.lat, r.position.lon]];
    for (const stop of r.route) {
      const d = board.deliveries.get(stop.delivery_id);
      if (!d) continue;
      const p = stop.kind === "pickup" ? d.pickup : d.drop;
      points.push([p.lat, p.lon]);
    }
    L.polyline(points, { color: RIDER_COLOUR.busy, weight: 3, opacity: 0.7, dashArray: "6 6", interactive: false }).addTo(board.layers.routes);
  }
}

function drawDeliveries() {
  if (!board.map) return;
  board.layers.deliveries.clearLayers();
  for (const d of board.deliveries.values()) {
    const colour = d.status === "pending" ? "#b7791f" : "#1a73e8";
    L.circleMarker([d.drop.lat, d.drop.lon], { radius: 6, color: colour, weight: 2, fillColor: "#ffffff", fillOpacity: 1 })
      .bindTooltip(`Delivery ${d.id} · ${STATUS_TEXT[d.status] || d.status} · by ${format.time(d.promised_at)}`)
      .addTo(board.layers.deliveries);
    L.rectangle(L.latLng(d.pickup.lat, d.pickup.lon).toBounds(60), { color: "#0b6e4f", weight: 1, fillColor: "#0b6e4f", fillOpacity: 0.7, interactive: false })
      .addTo(board.layers.deliveries);
  }
}

/** A rider's card, filled in place: where it is, since when, its route. */
function fillRiderCard(li, r) {
  li.dataset.status = r.status;
  if (r.position) { li.dataset.lat = r.position.lat; li.dataset.lon = r.position.lon; }
  li.dataset.stops = r.route.map((s) => `${s.kind}:${s.delivery_id}`).join(",");
  const pill = r.status === "idle" ? "good" : r.status === "busy" ? "warn" : "";
  li.querySelector(".pill").className = `pill ${pill}`;
  li.querySelector(".pill").textContent = r.status;
  li.querySelector(".meta").innerHTML = `<span>${esc(r.vehicle)}</span><span>carries ${r.capacity}</span><span>${r.route.length} stop(s)</span>
    <span>seen ${r.position_at ? format.time(r.position_at) : "never"}</span>`;
}

/** The riders' list: cards made once per rider and then updated in place, so focus stays put. */
function renderRiders() {
  const list = $("riders");
  const riders = [...board.riders.values()].sort((a, b) => a.id - b.id);
  const cards = new Map([...list.querySelectorAll("li[data-rider-id]")].map((li) => [Number(li.dataset.riderId), li]));
  for (const [id, li] of cards) if (!board.riders.has(id)) li.remove();
  list.querySelector("li.muted")?.remove();
  if (riders.length === 0) list.innerHTML = `<li class="muted">No riders registered.</li>`;
  let previous = null;
  for (const r of riders) {
    let li = cards.get(r.id);
    if (!li) {
      li = document.createElement("li");
      li.className = "card";
      li.dataset.riderId = r.id;
      li.innerHTML = `<h3><button type="button" class="show" title="Show on the map">${esc(r.name)}</button><span class="pill"></span></h3><div class="meta"></div>`;
      li.querySelector("button.show").addEventListener("click", () => {
        const now = board.riders.get(r.id);
        if (board.map && now && now.position) board.map.panTo([now.position.lat, now.position.lon]);
      });
    }
    fillRiderCard(li, r);
    // Keep the order by id without moving cards that are already in place.
    const expected = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== li) list.insertBefore(li, expected);
    previous = li;
  }
}

function riderOptions(current) {
  const options = [...board.riders.values()].filter((r) => r.id !== current && r.status !== "offline" && r.position).sort((a, b) => a.id - b.id)
    .map((r) => `<option value="${r.id}">${esc(r.name)} (${r.status}, ${r.route.length} stops)</option>`).join("");
  return `<option value="">choose a rider</option>${options}`;
}

function renderDeliveries() {
  // What the dispatcher was doing: the focused control and the riders chosen, kept across the redraw.
  const focused = document.activeElement && document.activeElement.closest("#deliveries, #delivery-tabs") ? document.activeElement.id
    || (document.activeElement.dataset.status && `tab-${document.activeElement.dataset.status}`) : null;
  const chosen = new Map([...document.querySelectorAll("#deliveries select")].map((e) => [e.id, e.value]));
  const tabs = $("delivery-tabs");
  const all = [...board.deliveries.values()];
  const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, all.filter((d) => d.status === s).length]));
  tabs.innerHTML = "";
  for (const key of ["all", ...STATUS_ORDER]) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.status = key;
    b.id = `tab-${key}`;
    b.setAttribute("aria-pressed", String(board.filter === key));
    b.textContent = `${key === "all" ? "all" : STATUS_TEXT[key]} (${key === "all" ? all.length : counts[key]})`;
    b.addEventListener("click", () => { board.filter = key; renderDeliveries(); });
    tabs.appendChild(b);
  }
  const list = $("deliveries");
  list.innerHTML = "";
  const shown = all.filter((d) => board.filter === "all" || d.status === board.filter).sort((a, b) => a.id - b.id);
  if (shown.length === 0) list.innerHTML = `<li class="muted">No deliveries here.</li>`;
  for (const d of shown) {
    const li = document.createElement("li");
    li.className = "card";
    li.dataset.deliveryId = d.id;
    li.dataset.status = d.status;
    li.dataset.riderId = d.rider_id ?? "";
    const rider = d.rider_id ? board.riders.get(d.rider_id) : null;
    const late = new Date(d.promised_at) < new Date();
    const canAssign = d.status === "pending" || d.status === "assigned" || d.status === "accepted";
    li.innerHTML = `<h3><span>Delivery ${d.id}</span><span class="pill ${d.status === "pending" ? "warn" : "good"}">${STATUS_TEXT[d.status] || d.status}</span></h3>
      <div class="meta"><span>store ${d.store_id}</span><span>size ${d.size}</span><span class="${late ? "pill bad" : ""}">by ${format.time(d.promised_at)}</span>
      <span>${rider ? `rider ${esc(rider.name)}` : "no rider"}</span></div>
      ${canAssign ? `<form class="row assign"><div><label for="assign-${d.id}">${d.rider_id ? "Reassign to" : "Assign to"}</label>
        <select id="assign-${d.id}" name="rider">${riderOptions(d.rider_id)}</select></div>
        <div class="actions"><button type="submit">${d.rider_id ? "Reassign" : "Assign"}</button></div></form>` : ""}`;
    const select = li.querySelector("select");
    if (select && chosen.has(select.id) && [...select.options].some((o) => o.value === chosen.get(select.id))) select.value = chosen.get(select.id);
    li.querySelector("form.assign")?.addEventListener("submit", async (e) => {
      e.preventDefault();
      const riderID = Number(e.target.rider.value);
      if (!riderID) { showStatus($("assign-status"), "error", "Choose a rider who is signed on and has reported a position."); return; }
      try {
        const updated = await busy(e.target.querySelector("button"), $("assign-status"), `Assigning delivery ${d.id}…`, () =>
          api(`/v1/deliveries/${d.id}/assign`, { method: "POST", body: { rider_id: riderID, note: "assigned by hand in the console" } }));
        board.deliveries.set(updated.id, updated);
        showStatus($("assign-status"), "ok", `Delivery ${d.id} offered to ${board.riders.get(riderID)?.name ?? `rider ${riderID}`}.`);
        refresh();
      } catch { /* shown */ }
    });
    list.appendChild(li);
  }
  if (focused) document.getElementById(focused)?.focus();
}

function renderRound(report) {
  board.lastRound = report;
  $("round").hidden = false;
  $("round").dataset.roundId = report.id ?? "";
  $("round").dataset.assigned = report.assigned;
  $("round").dataset.unassigned = report.unassigned;
  $("round-indicators").innerHTML = `<span>at ${format.time(report.at)}</span><span>${esc(report.strategy)}</span>
    <span>${report.assigned} assigned</span><span>${report.unassigned} left</span><span>${report.deferred} deferred</span>
    <span>${report.candidate_pairs} candidate pairs</span><span>solved in ${format.number(report.solve_ms, 2)} ms</span>
    <span>lateness ${format.number(report.total_lateness_s / 60)} min (${report.late} late)</span>`;
  cardList($("round-assigned"), report.assignments, "Nothing assigned.", (a) => [{ deliveryId: a.delivery_id, riderId: a.rider_id },
    `<b>Delivery ${a.delivery_id}</b> → ${esc(board.riders.get(a.rider_id)?.name ?? `rider ${a.rider_id}`)}
      <div class="meta"><span>pickup in ${format.number(a.pickup_eta_s / 60)} min</span><span>drop ${format.time(a.drop_eta)}</span>
      ${a.lateness_s > 0 ? `<span class="pill bad">${format.number(a.lateness_s / 60)} min late</span>` : `<span class="pill good">on time</span>`}
      ${a.bundled ? `<span class="pill">bundled</span>` : ""}</div>`]);
  cardList($("round-unassigned"), report.unassigned_deliveries, "None left.", (u) => [{ deliveryId: u.delivery_id, reason: u.reason },
    `<b>Delivery ${u.delivery_id}</b>: ${esc(REASON_TEXT[u.reason] || u.reason)}`]);
}

async function loadKPIs() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    const k = await api(`/v1/dispatch/kpis?time_zone=${encodeURIComponent(zone)}`);
    const d = k.deliveries, r = k.rounds, now = k.now;
    const cards = [
      ["created", d.created, "deliveries created"], ["delivered", d.delivered, "delivered"],
      ["on-time", d.on_time_percent == null ? "–" : `${format.number(d.on_time_percent)} %`, "on time"],
      ["mean-minutes", d.mean_minutes == null ? "–" : `${format.number(d.mean_minutes)} min`, "creation to door"],
      ["failed", d.failed + d.cancelled, "failed or cancelled"], ["rounds", r.count, `rounds, ${r.assigned} assigned`],
      ["waiting", now.deliveries.pending, "waiting now"], ["busy", now.riders.busy, "riders busy"], ["idle", now.riders.idle, "riders idle"],
    ];
    $("kpis").innerHTML = cards.map(([key, value, label]) => `<div class="kpi" data-kpi="${key}"><b>${value}</b><span>${label}</span></div>`).join("");
    $("kpis").dataset.date = k.date;
    showStatus($("kpi-status"), "");
  } catch (error) {
    showStatus($("kpi-status"), "error", `The day's figures cannot be read: ${error.message}`);
  }
}

/** Once there is something to show, frames it: every rider and every active delivery. */
function fitOnce() {
  if (!board.map || board.framed) return;
  const points = [...board.riders.values()].filter((r) => r.position).map((r) => [r.position.lat, r.position.lon]);
  for (const d of board.deliveries.values()) points.push([d.pickup.lat, d.pickup.lon], [d.drop.lat, d.drop.lon]);
  if (points.length === 0) return;
  board.framed = true;
  board.map.fitBounds(L.latLngBounds(points).pad(0.15), { maxZoom: 16 });
}

let pending = null;
/** Redraws on the next frame, once however many events arrived: only the moved riders when
 * nothing but positions came, everything otherwise. */
function refresh(moved = null) {
  if (pending === null) {
    pending = moved ? new Set(moved) : "all";
    requestAnimationFrame(() => {
      const what = pending;
      pending = null;
      if (what === "all") {
        fitOnce();
        for (const r of board.riders.values()) riderMarker(r);
        drawDeliveries();
        renderRiders();
        renderDeliveries();
      } else {
        for (const id of what) {
          const r = board.riders.get(id);
          if (!r) continue;
          riderMarker(r);
          const li = document.querySelector(`#riders li[data-rider-id="${id}"]`);
          if (li) fillRiderCard(li, r);
        }
      }
      drawRoutes();
    });
  } else if (moved && pending !== "all") {
    for (const id of moved) pending.add(id);
  } else {
    pending = "all";
  }
}

function onEvent(name, data) {
  switch (name) {
    case "snapshot":
      board.riders = new Map(data.riders.map((r) => [r.id, r]));
      board.deliveries = new Map(data.deliveries.map((d) => [d.id, d]));
      if (board.map) {
        board.layers.riders.clearLayers();
        board.layers.riderMarkers.clear();
      }
      document.body.dataset.snapshot = String(Number(document.body.dataset.snapshot || 0) + 1);
      break;
    case "rider": {
      const known = board.riders.get(data.id);
      // A position newer than the record's stays.
      if (known && known.position_at && data.position_at && known.position_at > data.position_at) {
        data.position = known.position; data.position_at = known.position_at;
      }
      board.riders.set(data.id, data);
      break;
    }
    case "position": {
      const r = board.riders.get(data.rider_id);
      if (r && (!r.position_at || data.at >= r.position_at)) { r.position = data.position; r.position_at = data.at; }
      document.body.dataset.events = String(Number(document.body.dataset.events || 0) + 1);
      refresh([data.rider_id]);
      return;
    }
    case "delivery":
      if (["delivered", "failed", "cancelled"].includes(data.status)) board.deliveries.delete(data.id); else board.deliveries.set(data.id, data);
      break;
    case "round":
      renderRound(data);
      loadKPIs();
      break;
    default:
      return;
  }
  document.body.dataset.events = String(Number(document.body.dataset.events || 0) + 1);
  refresh();
}

async function start() {
  wire();
  const map = await openMap($("map"), $("round-status"));
  if (map) {
    addMapLayers(map);
    board.map = map;
    refresh();
  }
}

function addMapLayers(map) {
  board.layers = { routes: L.layerGroup().addTo(map), deliveries: L.layerGroup().addTo(map), riders: L.layerGroup().addTo(map), riderMarkers: new Map() };
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "legend");
    div.innerHTML = `<div><i style="background:${RIDER_COLOUR.idle}"></i>rider idle</div><div><i style="background:${RIDER_COLOUR.busy}"></i>rider busy</div>
      <div><i style="background:#fff;border:2px solid #b7791f"></i>drop waiting</div><div><i style="background:#fff;border:2px solid #1a73e8"></i>drop assigned</div>
      <div><i style="background:#0b6e4f;border-radius:0"></i>pickup (store)</div>`;
    return div;
  };
  legend.addTo(map);
}

function wire() {
  $("round-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = {};
    if ($("strategy").value) body.strategy = $("strategy").value;
    if ($("radius-m").value) body.radius_m = Number($("radius-m").value);
    try {
      const report = await busy($("run-round"), $("round-status"), "Running a dispatch round…", () =>
        api("/v1/dispatch/rounds", { method: "POST", body }));
      renderRound(report);
      showStatus($("round-status"), "ok", `Round done: ${report.assigned} assigned, ${report.unassigned} left.`);
      document.body.dataset.rounds = String(Number(document.body.dataset.rounds || 0) + 1);
      loadKPIs();
    } catch { /* shown */ }
  });
  const live = $("live");
  eventStream("/v1/dispatch/events", {
    onEvent,
    onState: (s, message) => {
      live.dataset.state = s;
      live.textContent = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", refused: message || "refused" }[s];
    },
  });
  loadKPIs();
  setInterval(loadKPIs, 30000);
  document.body.dataset.ready = "true";
}

requireRole(["dispatcher", "admin"], start);
