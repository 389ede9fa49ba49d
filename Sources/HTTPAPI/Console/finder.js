// The customer's store finder: a point and a basket in, the stores that have it and deliver
// there out — on the map with their zones, and in a list with distance, fee, promised minutes
// and the quantities available. Public: no sign-in.
import { L, api, busy, cardList, city, esc, format, openMap, showStatus } from "/console/common.js";

const $ = (id) => document.getElementById(id);
const state = { items: [], point: null, layers: null, markers: new Map(), zoneLayers: new Map(), lastQuery: null };

function setPoint(lat, lon) {
  state.point = { lat, lon };
  $("lat").value = lat.toFixed(6);
  $("lon").value = lon.toFixed(6);
  if (state.map) state.here.setLatLng([lat, lon]).addTo(state.map).bringToFront();
}

function renderItems() {
  const list = $("items");
  list.innerHTML = "";
  state.items.forEach((item, i) => {
    const li = document.createElement("li");
    li.dataset.sku = item.sku;
    li.innerHTML = `<span>${esc(item.name)} <span class="muted">${esc(item.sku)}</span></span>
      <input type="number" min="1" max="999" value="${item.qty}" aria-label="Quantity of ${esc(item.name)}">
      <button type="button" aria-label="Remove ${esc(item.name)}">✕</button>`;
    li.querySelector("input").addEventListener("change", (e) => {
      const n = Number.parseInt(e.target.value, 10);
      item.qty = Number.isFinite(n) && n > 0 ? n : 1;
      e.target.value = item.qty;
    });
    li.querySelector("button").addEventListener("click", () => { state.items.splice(i, 1); renderItems(); });
    list.appendChild(li);
  });
}

function addItem(sku, name, qty = 1) {
  if (state.items.some((x) => x.sku === sku)) return;
  state.items.push({ sku, name, qty });
  renderItems();
}

let suggestTimer = null;
let suggestAbort = null;
async function suggest(text) {
  const box = $("suggestions");
  if (suggestAbort) suggestAbort.abort();
  if (text.trim().length < 2) { box.innerHTML = ""; showStatus($("product-status"), ""); return; }
  suggestAbort = new AbortController();
  try {
    showStatus($("product-status"), "loading", "Searching the catalog…");
    const answer = await api(`/v1/catalog/search?q=${encodeURIComponent(text)}&limit=8`, { signal: suggestAbort.signal });
    showStatus($("product-status"), answer.results.length ? "" : "ok", answer.results.length ? "" : `Nothing in the catalog matches “${text}”.`);
    box.innerHTML = "";
    for (const r of answer.results) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.sku = r.sku;
      b.innerHTML = `+ ${esc(r.name)} <span class="muted">${esc(r.sku)} · ${format.money(r.price_minor, answer.currency)}</span>`;
      b.addEventListener("click", () => { addItem(r.sku, r.name); box.innerHTML = ""; $("product-query").value = ""; $("product-query").focus(); });
      box.appendChild(b);
    }
  } catch (error) {
    if (error.name !== "AbortError") showStatus($("product-status"), "error", error.message);
  }
}

/** The query string of the search, exactly as the API takes it. */
function query() {
  const lat = Number.parseFloat($("lat").value), lon = Number.parseFloat($("lon").value);
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new Error("Latitude must be a number between -90 and 90.");
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) throw new Error("Longitude must be a number between -180 and 180.");
  const q = new URLSearchParams({ lat: String(lat), lon: String(lon), limit: $("limit").value });
  if ($("radius").value) q.set("radius_m", $("radius").value);
  if ($("delivers").checked) q.set("delivers", "true");
  if ($("open-now").checked) q.set("open_at", "now");
  for (const item of state.items) q.append("sku", item.sku);
  for (const item of state.items) q.append("qty", String(item.qty));
  return q;
}

/** A zone's look: exclusions dashed red; delivery zones a faint outline, the selected store's
 * zone that serves the point filled. */
function zoneStyle(zone, serving, selected) {
  if (zone.kind === "exclusion") return { color: "#b42318", weight: 1, dashArray: "4 4", opacity: selected ? 0.9 : 0.35, fill: false };
  const serves = selected && zone.id === serving;
  return { color: "#0b6e4f", weight: selected ? 2 : 1, opacity: selected ? 0.9 : 0.3, fillColor: "#0b6e4f", fillOpacity: serves ? 0.16 : 0, fill: serves };
}

async function drawZones(results) {
  if (!state.map) return;
  state.layers.clearLayers();
  state.markers.clear();
  state.zoneLayers = new Map();
  const zones = await Promise.all(results.map((r) => api(`/v1/stores/${r.store.id}/zones`).catch(() => null)));
  results.forEach((r, i) => {
    if (zones[i]) {
      const layer = L.geoJSON(zones[i], { style: (f) => zoneStyle(f.properties, r.zone ? r.zone.id : null, false), interactive: false }).addTo(state.layers);
      state.zoneLayers.set(r.store.id, { layer, serving: r.zone ? r.zone.id : null });
    }
    const marker = L.circleMarker([r.store.lat, r.store.lon], { radius: 9, color: "#ffffff", weight: 2, fillColor: "#0b6e4f", fillOpacity: 1 })
      .bindTooltip(`${i + 1}. ${esc(r.store.name)}`, { direction: "top" })
      .on("click", (e) => { L.DomEvent.stopPropagation(e); select(r.store.id, { scroll: true }); })
      .addTo(state.layers);
    state.markers.set(r.store.id, marker);
  });
  state.here.bringToFront();
  $("map").dataset.stores = String(results.length);
  $("map").dataset.zones = String(zones.reduce((n, z) => n + (z ? z.features.length : 0), 0));
}

function select(storeID, { scroll = false, pan = true } = {}) {
  for (const li of $("results").children) {
    const chosen = li.dataset.storeId === String(storeID);
    li.setAttribute("aria-current", String(chosen));
    li.querySelector("button.show")?.setAttribute("aria-pressed", String(chosen));
  }
  for (const [id, m] of state.markers) m.setStyle({ fillColor: id === storeID ? "#b7791f" : "#0b6e4f", radius: id === storeID ? 11 : 9 });
  for (const [id, z] of state.zoneLayers) {
    z.layer.setStyle((f) => zoneStyle(f.properties, z.serving, id === storeID));
    if (id === storeID) z.layer.bringToFront();
  }
  const marker = state.markers.get(storeID);
  if (marker && pan && state.map) state.map.panTo(marker.getLatLng());
  if (scroll) document.querySelector(`#results [data-store-id="${storeID}"]`)?.scrollIntoView({ block: "nearest" });
}

function renderResults(answer) {
  const cards = cardList($("results"), answer.results, "No store found.", (r, i) => {
    const open = r.open === null ? `<span class="pill">hours unknown</span>` : r.open ? `<span class="pill good">open</span>` : `<span class="pill bad">closed</span>`;
    const zone = r.zone
      ? `<span>delivery ${format.money(r.zone.fee_minor)}</span><span>in ${r.zone.promised_minutes} min</span><span>minimum ${format.money(r.zone.min_order_minor)}</span>`
      : `<span>does not deliver here</span>`;
    const stock = r.availability.map((a) => {
      const item = state.items.find((x) => x.sku === a.sku);
      return `<li><span class="pill good">${a.available}</span> ${esc(item ? item.name : a.sku)}</li>`;
    }).join("");
    // The figures the list shows, as data too (the browser test reads them).
    const data = { storeId: r.store.id, distance: r.distance_m, fee: r.zone ? r.zone.fee_minor : "", minutes: r.zone ? r.zone.promised_minutes : "",
      available: r.availability.map((a) => `${a.sku}:${a.available}`).join(",") };
    return [data, `<h3><button type="button" class="show" aria-pressed="false" title="Show on the map">${i + 1}. ${esc(r.store.name)}</button>
      <span class="muted">${format.metres(r.distance_m)}</span></h3>
      <div class="meta"><span>${esc(r.store.kind)}</span>${zone}${open}</div>
      ${stock ? `<ul class="plain meta" aria-label="Available">${stock}</ul>` : ""}`];
  });
  cards.forEach((li, i) => li.addEventListener("click", () => select(answer.results[i].store.id)));
}

async function search(event) {
  event && event.preventDefault();
  let q;
  try { q = query(); } catch (error) { showStatus($("status"), "error", error.message); return; }
  setPoint(Number(q.get("lat")), Number(q.get("lon")));
  state.lastQuery = q.toString();
  document.body.dataset.query = state.lastQuery;
  try {
    await busy($("find"), $("status"), "Finding stores…", async () => {
      const answer = await api(`/v1/stores/nearby?${q}`);
      renderResults(answer);
      await drawZones(answer.results);
      const n = answer.count;
      showStatus($("status"), "ok", n ? `${n} store${n === 1 ? "" : "s"} found.` : "No store has all of it and delivers here. Try fewer items, a larger distance, or another point.");
      if (n && state.map) {
        state.map.fitBounds(L.latLngBounds([[q.get("lat"), q.get("lon")], ...answer.results.map((r) => [r.store.lat, r.store.lon])]).pad(0.2));
        select(answer.results[0].store.id, { pan: false });
      }
      document.body.dataset.searched = String(Number(document.body.dataset.searched || 0) + 1);
    });
  } catch { /* shown in the status line */ }
}

async function main() {
  $("search").addEventListener("submit", search);
  $("product-query").addEventListener("input", (e) => { clearTimeout(suggestTimer); suggestTimer = setTimeout(() => suggest(e.target.value), 250); });
  $("product-query").addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); $("suggestions").querySelector("button")?.click(); }
  });
  const map = await openMap($("map"), $("status"));
  if (map) {
    state.layers = L.layerGroup().addTo(map);
    state.here = L.circleMarker(city.centre, { radius: 7, color: "#1a73e8", weight: 3, fillColor: "#ffffff", fillOpacity: 1, interactive: false });
    map.on("click", (e) => setPoint(e.latlng.lat, e.latlng.lng));
    state.map = map;
  }
  // A link may carry the search: ?lat=&lon=&sku=&qty= (as the API takes them).
  const given = new URLSearchParams(location.search);
  const lat = Number.parseFloat(given.get("lat")), lon = Number.parseFloat(given.get("lon"));
  setPoint(Number.isFinite(lat) ? lat : city.centre[0], Number.isFinite(lon) ? lon : city.centre[1]);
  const skus = given.getAll("sku"), qtys = given.getAll("qty");
  skus.forEach((sku, i) => addItem(sku, sku, Number.parseInt(qtys[i] ?? qtys[0] ?? "1", 10) || 1));
  document.body.dataset.ready = "true";
  if (given.has("lat")) await search();
}

main();
