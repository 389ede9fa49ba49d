// The planner's coverage map: a scenario's zones and the demand shaded by how many stores reach
// it, the gaps outlined; add, move or remove stores by clicking and compare the figures with
// today's; export the report. For planners and admins.
import { L, api, busy, cardList, city, esc, format, openMap, requireRole, showStatus } from "/console/common.js";

const $ = (id) => document.getElementById(id);
const LAYERS = ["gaps", "demand", "stores", "zones"];
const plan = { map: null, group: null, report: null, shown: "baseline", tool: null, changes: [], moving: null, stores: [] };

function demandColour(n) { return n === 0 ? "#b42318" : n === 1 ? "#e0a100" : "#1f7a3a"; }

function minutes() { return $("reach-minutes").value.split(",").map(Number); }

/** Whether a point lies inside a GeoJSON polygon's rings (even-odd rule). */
function inside(lon, lat, rings) {
  let hit = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
    }
  }
  return hit;
}

/** An even grid of 250 m cells over the map's whole area (the OpenStreetMap extract's bounds),
 * leaving out water: demand where every place counts the same, so the edges of the network show. */
function gridDemand() {
  if (plan.grid) return plan.grid;
  if (!plan.map) return [];
  const water = [];
  for (const f of plan.map.basemap.features) {
    if (f.properties.layer !== "water") continue;
    const g = f.geometry;
    water.push(...(g.type === "Polygon" ? [g.coordinates] : g.coordinates));
  }
  const [[south, west], [north, east]] = city.bounds;
  const dLat = 250 / 110540, dLon = 250 / (111320 * Math.cos(((south + north) / 2) * Math.PI / 180));
  const points = [];
  for (let lat = south + dLat / 2; lat < north; lat += dLat) {
    for (let lon = west + dLon / 2; lon < east; lon += dLon) {
      if (water.some((rings) => inside(lon, lat, rings))) continue;
      points.push({ lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)), weight: 1 });
    }
  }
  plan.grid = points;
  return points;
}

/** The request for a report: the demand, the reach times, and the what-if if there is one. */
function request(withScenario) {
  const body = { city: "porto", minutes: minutes(), layers: LAYERS };
  if ($("demand").value === "grid") body.demand = gridDemand();
  if (withScenario && plan.changes.length) body.scenarios = [{ name: "what-if", changes: plan.changes.map((c) => c.change) }];
  return body;
}

function resultNamed(name) {
  if (!plan.report) return null;
  return name === "baseline" ? plan.report.baseline : plan.report.scenarios.find((s) => s.name === name) || null;
}

function draw() {
  if (!plan.map) return;
  plan.group.clearLayers();
  const result = resultNamed(plan.shown);
  if (!result) return;
  const layers = plan.report.layers[result.name];
  // Zones as faint outlines (a city has hundreds, one over another); a what-if's own stores' zones stand out.
  const changed = new Set(layers.stores.features.filter((f) => f.properties.id < 0).map((f) => f.properties.id));
  for (const c of plan.changes) if (c.change.op === "move") changed.add(c.change.store);
  L.geoJSON(layers.zones, {
    interactive: false,
    style: (f) => {
      const mine = changed.has(f.properties.store) && plan.shown !== "baseline";
      if (f.properties.kind === "exclusion") return { color: "#b42318", weight: 1, dashArray: "3 4", opacity: mine ? 0.8 : 0.15, fill: false };
      return mine ? { color: "#7b3fe4", weight: 2, opacity: 0.9, fillColor: "#7b3fe4", fillOpacity: 0.06 } : { color: "#0b6e4f", weight: 1, opacity: 0.12, fill: false };
    },
  }).addTo(plan.group);
  L.geoJSON(layers.demand, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 3, stroke: false, fillColor: demandColour(f.properties.stores), fillOpacity: 0.85, interactive: false }),
  }).addTo(plan.group);
  L.geoJSON(layers.gaps, {
    style: { color: "#b42318", weight: 3, dashArray: "8 5", fillColor: "#b42318", fillOpacity: 0.08 },
    onEachFeature: (f, layer) => layer.bindTooltip(`Gap ${f.properties.rank}: ${format.number(f.properties.weight, 0)} demand, ${format.number(f.properties.area_km2, 3)} km²`),
  }).addTo(plan.group);
  const added = new Set(layers.stores.features.filter((f) => f.properties.id < 0).map((f) => f.properties.name));
  L.geoJSON(layers.stores, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, {
      radius: added.has(f.properties.name) ? 9 : 6, color: "#ffffff", weight: 2,
      fillColor: added.has(f.properties.name) ? "#7b3fe4" : "#1d2327", fillOpacity: 1,
    }),
    onEachFeature: (f, layer) => {
      layer.bindTooltip(`${esc(f.properties.name)} (store ${f.properties.id}): serves ${format.number(f.properties.served, 0)}`);
      layer.on("click", (e) => { L.DomEvent.stopPropagation(e); storeClicked(f.properties.id, f.properties.name); });
    },
  }).addTo(plan.group);
  // Pending changes not computed yet.
  for (const c of plan.changes) {
    if (c.change.op === "add" || c.change.op === "move") {
      L.circleMarker([c.change.lat, c.change.lon], { radius: 9, color: "#7b3fe4", weight: 3, dashArray: "3 3", fillOpacity: 0, interactive: false })
        .addTo(plan.group);
    }
  }
  const m = $("map").dataset;
  m.shown = result.name;
  m.gaps = layers.gaps.features.length;
  m.demand = layers.demand.features.length;
  m.zones = layers.zones.features.length;
  m.stores = layers.stores.features.length;
}

function renderTable() {
  const table = $("deltas");
  const report = plan.report;
  const scenario = report.scenarios[0];
  table.querySelector("thead").innerHTML = `<tr><th scope="col">Figure</th><th scope="col" class="num">Today</th>
    ${scenario ? `<th scope="col" class="num">What-if</th><th scope="col" class="num">Change</th>` : ""}</tr>`;
  const body = table.querySelector("tbody");
  body.innerHTML = "";
  for (const h of report.headlines) {
    const tr = document.createElement("tr");
    const base = report.baseline.headline[h.key];
    tr.dataset.key = h.key;
    tr.dataset.baseline = base;
    let cells = `<th scope="row">${esc(h.label)}${h.unit ? ` <span class="muted">(${esc(h.unit)})</span>` : ""}</th><td class="num">${format.number(base, 2)}</td>`;
    if (scenario) {
      const value = scenario.headline[h.key], delta = scenario.delta[h.key];
      tr.dataset.scenario = value;
      tr.dataset.delta = delta;
      // More coverage is better; more demand left out, gaps or fees are worse.
      const worse = ["uncovered_weight", "gaps", "mean_cheapest_fee_minor"].includes(h.key);
      const cls = delta === 0 ? "" : (delta > 0) !== worse ? "up" : "down";
      cells += `<td class="num">${format.number(value, 2)}</td><td class="num ${cls}">${delta > 0 ? "+" : ""}${format.number(delta, 2)}</td>`;
    }
    tr.innerHTML = cells;
    body.appendChild(tr);
  }
  $("export-json").disabled = false;
  $("export-csv").disabled = false;
}

function renderChanges() {
  const cards = cardList($("changes"), plan.changes, "No changes yet.", (c) => [{ op: c.change.op },
    `<span>${esc(c.text)}</span> <button type="button" aria-label="Undo: ${esc(c.text)}">Undo</button>`]);
  cards.forEach((li, i) => li.querySelector("button").addEventListener("click", () => { plan.changes.splice(i, 1); renderChanges(); draw(); }));
  $("compute").disabled = plan.changes.length === 0;
  $("clear").disabled = plan.changes.length === 0;
}

function setTool(tool) {
  plan.tool = plan.tool === tool ? null : tool;
  plan.moving = null;
  for (const b of document.querySelectorAll("[data-tool]")) b.setAttribute("aria-pressed", String(b.dataset.tool === plan.tool));
  $("tool-hint").textContent = {
    add: "Click the map where the new store would be.",
    move: "Click the store to move, then where it would go.",
    remove: "Click the store to remove.",
  }[plan.tool] || "Choose a change, then click the map (or a store).";
  $("map").style.cursor = plan.tool ? "crosshair" : "";
}

function addChange(change, text) {
  plan.changes.push({ change, text });
  renderChanges();
  draw();
}

function storeClicked(id, name) {
  if (plan.tool === "remove") {
    addChange({ op: "remove", store: id }, `Remove ${name} (store ${id})`);
  } else if (plan.tool === "move") {
    plan.moving = { id, name };
    $("tool-hint").textContent = `Now click where ${name} would go.`;
  }
}

function mapClicked(latlng) {
  const lat = Number(latlng.lat.toFixed(6)), lon = Number(latlng.lng.toFixed(6));
  if (plan.tool === "add") {
    const kind = $("new-kind").value;
    const n = plan.changes.filter((c) => c.change.op === "add").length + 1;
    addChange({ op: "add", lat, lon, kind, name: `new ${kind} ${n}` }, `Add a ${kind} at ${lat.toFixed(5)}, ${lon.toFixed(5)}`);
  } else if (plan.tool === "move" && plan.moving) {
    const { id, name } = plan.moving;
    plan.moving = null;
    addChange({ op: "move", store: id, lat, lon }, `Move ${name} (store ${id}) to ${lat.toFixed(5)}, ${lon.toFixed(5)}`);
    $("tool-hint").textContent = "Click another store to move, or choose another change.";
  }
}

async function compute(withScenario, button) {
  const body = request(withScenario);
  // The latest request wins: an earlier one still under way is abandoned, its answer ignored.
  if (plan.inFlight) plan.inFlight.abort();
  const controller = new AbortController();
  plan.inFlight = controller;
  try {
    const report = await busy(button, $("status"), withScenario ? "Computing the what-if…" : "Measuring today's coverage…", () =>
      api("/v1/coverage/reports", { method: "POST", body, signal: controller.signal }));
    if (plan.inFlight !== controller) return;
    plan.inFlight = null;
    plan.report = report;
    plan.request = body;
    document.body.dataset.request = JSON.stringify(body);
    if (!withScenario) {
      const pick = $("store-pick");
      pick.innerHTML = report.layers[report.baseline.name].stores.features
        .map((f) => `<option value="${f.properties.id}">${esc(f.properties.name)} (store ${f.properties.id})</option>`).join("");
    }
    $("show-scenario").disabled = report.scenarios.length === 0;
    show(withScenario && report.scenarios.length ? report.scenarios[0].name : "baseline");
    renderTable();
    const b = report.baseline.headline;
    showStatus($("status"), "ok", withScenario && report.scenarios.length
      ? `What-if computed: ${format.number(report.scenarios[0].headline.covered_share, 1)} % of demand covered (today ${format.number(b.covered_share, 1)} %).`
      : `Today: ${format.number(b.covered_share, 1)} % of demand covered, ${b.gaps} gap area(s).`);
    document.body.dataset.reports = String(Number(document.body.dataset.reports || 0) + 1);
  } catch (error) {
    // An abandoned request says nothing; a refused one is in the status line.
    if (error.name === "AbortError" && plan.inFlight !== controller) return;
  } finally {
    // The buttons follow the changes, whatever the answer.
    renderChanges();
  }
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function csv() {
  const report = plan.report, scenario = report.scenarios[0];
  const field = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = [["metric", "unit", "baseline", ...(scenario ? [scenario.name, `Δ ${scenario.name}`] : [])].map(field).join(",")];
  for (const h of report.headlines) {
    const row = [field(h.label), h.unit, String(report.baseline.headline[h.key])];
    if (scenario) row.push(String(scenario.headline[h.key]), String(scenario.delta[h.key]));
    rows.push(row.join(","));
  }
  return rows.join("\n") + "\n";
}

async function start() {
  const map = await openMap($("map"), $("status"));
  if (map) {
    plan.map = map;
    plan.group = L.layerGroup().addTo(map);
    const legend = L.control({ position: "bottomright" });
    legend.onAdd = () => {
      const div = L.DomUtil.create("div", "legend");
      div.innerHTML = `<div><i style="background:#b42318"></i>demand no zone reaches</div><div><i style="background:#e0a100"></i>reached by one store</div>
        <div><i style="background:#1f7a3a"></i>two or more</div><div><i style="background:#1d2327"></i>store</div>
        <div><i style="background:transparent;border:2px dashed #b42318;border-radius:0"></i>gap</div>`;
      return div;
    };
    legend.addTo(map);
    map.on("click", (e) => mapClicked(e.latlng));
  } else {
    // Without the map the figures still work on the homes, and stores can be removed from the
    // list; the grid (which leaves out the map's water) and placing stores need the map.
    $("demand").querySelector("option[value=grid]").disabled = true;
    for (const b of document.querySelectorAll("[data-tool=add], [data-tool=move], #use-centre")) b.disabled = true;
    $("tool-hint").textContent = "Without the map, choose Remove and pick the store from the list.";
  }
  for (const b of document.querySelectorAll("[data-tool]")) b.addEventListener("click", () => setTool(b.dataset.tool));
  $("compute").addEventListener("click", () => compute(true, $("compute")));
  $("pick-store").addEventListener("click", () => {
    const option = $("store-pick").selectedOptions[0];
    if (!plan.tool || plan.tool === "add") { $("tool-hint").textContent = "Choose Move or Remove first."; return; }
    if (option) storeClicked(Number(option.value), option.textContent.replace(/ \(store \d+\)$/, ""));
  });
  $("use-centre").addEventListener("click", () => {
    if (plan.tool !== "add" && !(plan.tool === "move" && plan.moving)) { $("tool-hint").textContent = "Choose Add, or pick a store to move, first."; return; }
    mapClicked(map.getCenter());
  });
  $("clear").addEventListener("click", () => { plan.changes = []; renderChanges(); compute(false, $("clear")); });
  $("reach-minutes").addEventListener("change", () => compute(plan.changes.length > 0, null));
  $("demand").addEventListener("change", () => compute(plan.changes.length > 0, null));
  $("show-baseline").addEventListener("click", () => show("baseline"));
  $("show-scenario").addEventListener("click", () => plan.report?.scenarios.length && show(plan.report.scenarios[0].name));
  $("export-json").addEventListener("click", () => download("coverage-report.json", "application/json", JSON.stringify(plan.report, null, 1)));
  $("export-csv").addEventListener("click", () => download("coverage-summary.csv", "text/csv", csv()));
  // Keyboard: Escape leaves the tool; the map pans with the arrow keys once focused.
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && plan.tool) setTool(plan.tool); });
  document.body.dataset.ready = "true";
  await compute(false, null);
}

/** Shows one result on the map: today's stores, or the what-if. */
function show(name) {
  plan.shown = name;
  $("show-baseline").setAttribute("aria-pressed", String(name === "baseline"));
  $("show-scenario").setAttribute("aria-pressed", String(name !== "baseline"));
  draw();
}

requireRole(["planner", "admin"], start);
