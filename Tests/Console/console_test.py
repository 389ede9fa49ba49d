"""The web console in a real browser: headless Chromium from Debian, driven by Selenium.

Each page is opened against a running o2o, performs its main action the way a person would
(typing, clicking the map, pressing buttons), and what it shows is compared with what the API
answers for the same request. The browser console must have no errors. Each page is also checked
at phone width (no sideways scrolling) and for keyboard reach of its main control, and a
screenshot of each is written to the output folder.

Run by scripts/console-test.sh, which starts the server; exits non-zero on any failure.
"""
import argparse
import csv
import io
import json
import math
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import JavascriptException, NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

CENTRE = (41.1496, -8.6109)
failures = []


def check(condition, message):
    status = "ok  " if condition else "FAIL"
    print(f"  {status} {message}", flush=True)
    if not condition:
        failures.append(message)
    return condition


class API:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                text = response.read()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text.decode(errors="replace")

    def ok(self, method, path, body=None, token=None):
        status, answer = self.call(method, path, body, token)
        if status >= 300:
            raise RuntimeError(f"{method} {path} answered {status}: {answer}")
        return answer

    def sign_in(self, email, password):
        return self.ok("POST", "/v1/sessions", {"email": email, "password": password})["token"]


def browser(out, profile):
    options = webdriver.ChromeOptions()
    # A profile of the run's own, removed with it (Chromium would otherwise leave one in /tmp).
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = os.environ.get("O2O_CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,860",
                 "--lang=en-GB", "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": os.path.abspath(out), "download.prompt_for_download": False})
    service = Service(os.environ.get("O2O_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": os.path.abspath(out)})
    driver.set_script_timeout(60)
    return driver


def wait(driver, condition, what, timeout=60):
    try:
        # A page that reloads or redraws meanwhile makes an element go stale or a script fail
        # for a moment: that is "not yet", not a failure.
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, JavascriptException)
                             ).until(lambda d: condition(d))
    except Exception:
        check(False, f"within {timeout} s: {what}")
        return None


def body_counter(driver, name):
    value = driver.execute_script(f"return document.body.dataset.{name} || '0'")
    return int(value)


def console_errors(driver, page):
    """Every message the page logged; errors fail the test."""
    entries = driver.get_log("browser")
    errors = [e for e in entries if e["level"] == "SEVERE"]
    for e in entries:
        if e["level"] != "SEVERE":
            print(f"    console {e['level'].lower()}: {e['message']}")
    for e in errors:
        print(f"    console error: {e['message']}")
    check(not errors, f"{page}: no errors in the browser console ({len(errors)} found)")


def phone_and_keyboard(driver, out, page, main_control):
    """Screenshots at desktop and phone width; no sideways scrolling on a phone; the main
    control reachable with the Tab key from the top of the page."""
    driver.save_screenshot(os.path.join(out, f"{page}.png"))
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    body = driver.find_element(By.TAG_NAME, "body")
    body.click() if False else None
    reached = False
    actions = ActionChains(driver)
    driver.execute_script("document.body.tabIndex = -1; document.body.focus()")
    for _ in range(80):
        actions.send_keys(Keys.TAB).perform()
        if driver.execute_script("return document.activeElement && document.activeElement.id") == main_control:
            reached = True
            break
    check(reached, f"{page}: #{main_control} is reachable with the Tab key")
    driver.set_window_size(390, 844)
    time.sleep(0.6)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 1, f"{page}: no sideways scrolling at phone width (overflow {overflow} px)")
    visible = driver.execute_script(f"const e = document.getElementById('{main_control}'); const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0")
    check(visible, f"{page}: #{main_control} is shown at phone width")
    driver.save_screenshot(os.path.join(out, f"{page}-phone.png"))
    driver.set_window_size(1280, 860)
    time.sleep(0.3)


def click_map(driver, dx, dy):
    element = driver.find_element(By.ID, "map")
    ActionChains(driver).move_to_element_with_offset(element, dx, dy).click().perform()


def sign_in(driver, email, password):
    driver.find_element(By.ID, "signin-email").clear()
    driver.find_element(By.ID, "signin-email").send_keys(email)
    driver.find_element(By.ID, "signin-password").clear()
    driver.find_element(By.ID, "signin-password").send_keys(password + Keys.ENTER)


# ---------------------------------------------------------------------------------------------

def test_home(driver, api, out):
    print("home page")
    driver.get(api.base + "/console/")
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "main a")]
    check(all(any(l.endswith(p) for l in links) for p in ("/console/finder", "/console/dispatch", "/console/planner")),
          "the home page links the three pages")
    console_errors(driver, "home")


def test_finder(driver, api, out):
    print("store finder (public)")
    driver.get(api.base + "/console/finder")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready === 'true' && !!document.getElementById('map').dataset.basemapFeatures"),
         "the finder and its base map load")
    features = int(driver.execute_script("return document.getElementById('map').dataset.basemapFeatures") or 0)
    check(features > 10000, f"the base map draws the city's roads, buildings and water ({features} features)")
    before = driver.find_element(By.ID, "lat").get_attribute("value")
    click_map(driver, 60, -40)
    after = driver.find_element(By.ID, "lat").get_attribute("value")
    check(before != after, f"clicking the map sets the point ({before} → {after})")
    for field, value in (("lat", CENTRE[0]), ("lon", CENTRE[1])):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(str(value))
    chosen = []
    for words in ("milk", "bread"):
        box = driver.find_element(By.ID, "product-query")
        box.clear()
        box.send_keys(words)
        first = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#suggestions button"), f"the catalog suggests items for “{words}”")
        if not first:
            return
        chosen.append(first[0].get_attribute("data-sku"))
        first[0].click()
    quantity = driver.find_element(By.CSS_SELECTOR, f"#items li[data-sku='{chosen[0]}'] input")
    quantity.send_keys(Keys.CONTROL, "a")
    quantity.send_keys("2" + Keys.TAB)
    driver.find_element(By.ID, "find").click()
    wait(driver, lambda d: body_counter(d, "searched") >= 1, "the search answers")
    query = driver.execute_script("return document.body.dataset.query")
    check(f"sku={chosen[0]}" in query and "qty=2" in query and "delivers=true" in query, f"the page asked for the chosen basket ({query})")
    answer = api.ok("GET", "/v1/stores/nearby?" + query)
    rows = driver.find_elements(By.CSS_SELECTOR, "#results li.card")
    check(answer["count"] > 0, f"the API finds stores for the basket ({answer['count']})")
    check(len(rows) == answer["count"], f"the page lists as many stores as the API returns ({len(rows)} and {answer['count']})")
    for row, result in zip(rows, answer["results"]):
        same = (int(row.get_attribute("data-store-id")) == result["store"]["id"]
                and math.isclose(float(row.get_attribute("data-distance")), result["distance_m"], abs_tol=0.05)
                and row.get_attribute("data-fee") == str(result["zone"]["fee_minor"])
                and row.get_attribute("data-minutes") == str(result["zone"]["promised_minutes"])
                and row.get_attribute("data-available") == ",".join(f"{a['sku']}:{a['available']}" for a in result["availability"]))
        if not check(same, f"store {result['store']['id']} ({result['store']['name']}): distance, fee, minutes and stock as the API says"):
            break
    zones = sum(len(api.ok("GET", f"/v1/stores/{r['store']['id']}/zones")["features"]) for r in answer["results"])
    shown = driver.execute_script("return [document.getElementById('map').dataset.stores, document.getElementById('map').dataset.zones]")
    check(shown == [str(answer["count"]), str(zones)], f"the map shows each store and its {zones} zones ({shown})")
    # Clicking a store's marker selects the store (it does not move the point).
    target = driver.execute_script("""
        const rows = [...document.querySelectorAll('#results li.card')].map(li => Number(li.dataset.storeId));
        const box = document.getElementById('map').getBoundingClientRect();
        const points = arguments[0].map(r => [r.store.id, o2oMap.latLngToContainerPoint([r.store.lat, r.store.lon])]);
        for (const [id, p] of points.slice(1)) {
            const alone = points.every(([other, q]) => other === id || Math.hypot(p.x - q.x, p.y - q.y) > 24);
            if (alone && p.x > 20 && p.y > 20 && p.x < box.width - 20 && p.y < box.height - 20)
                return [id, p.x - box.width / 2, p.y - box.height / 2];
        }
        return null""", answer["results"])
    if check(target is not None, "a store's marker stands clear of the others"):
        before = driver.find_element(By.ID, "lat").get_attribute("value")
        click_map(driver, target[1], target[2])
        chosen_row = driver.find_element(By.CSS_SELECTOR, f"#results li[data-store-id='{target[0]}']")
        check(chosen_row.get_attribute("aria-current") == "true" and driver.find_element(By.ID, "lat").get_attribute("value") == before,
              f"clicking store {target[0]}'s marker selects it in the list and leaves the point")
    # A bad point gets a clear message, not a request.
    lat = driver.find_element(By.ID, "lat")
    lat.clear()
    lat.send_keys("95")
    driver.find_element(By.ID, "find").click()
    status = driver.find_element(By.ID, "status")
    check(status.get_attribute("data-state") == "error" and "Latitude" in status.text, f"a latitude of 95 is refused with a message ({status.text})")
    lat.clear()
    lat.send_keys(str(CENTRE[0]))
    driver.find_element(By.ID, "find").click()
    wait(driver, lambda d: body_counter(d, "searched") >= 2, "the search answers again")
    driver.execute_script("document.querySelector('#results li.card button.show') && document.querySelector('#results li.card button.show').click()")
    driver.execute_script("document.getElementById('results-title').scrollIntoView()")
    phone_and_keyboard(driver, out, "finder", "find")
    console_errors(driver, "finder")


def seed_dispatch(api, admin):
    """Riders near the centre and deliveries from the nearest stores, through the API."""
    stores = api.ok("GET", f"/v1/stores/nearby?lat={CENTRE[0]}&lon={CENTRE[1]}&limit=6")["results"]
    riders = []
    for i in range(5):
        lat, lon = CENTRE[0] + 0.002 * math.cos(i), CENTRE[1] + 0.003 * math.sin(i)
        riders.append(api.ok("POST", "/v1/riders", {"name": f"Rider {i + 1}", "vehicle": ["bicycle", "e-bike", "scooter"][i % 3],
                                                    "capacity": 3, "lat": lat, "lon": lon}, admin))
    promised = (datetime.now(timezone.utc) + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    deliveries = []
    for i in range(8):
        store = stores[i % len(stores)]["store"]
        drop = {"lat": CENTRE[0] + 0.004 * math.sin(i * 1.7), "lon": CENTRE[1] + 0.005 * math.cos(i * 1.3)}
        deliveries.append(api.ok("POST", "/v1/deliveries", {"store_id": store["id"], "drop": drop, "promised_at": promised,
                                                            "external_ref": f"console-test-{i}"}, admin))
    # One that no rider can reach in time: a round leaves it with its reason.
    soon = (datetime.now(timezone.utc) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    deliveries.append(api.ok("POST", "/v1/deliveries", {"store_id": stores[0]["store"]["id"], "drop": {"lat": 41.16, "lon": -8.59},
                                                        "promised_at": soon, "external_ref": "console-test-late"}, admin))
    return riders, deliveries


def dom_riders(driver):
    return driver.execute_script("""return [...document.querySelectorAll('#riders li[data-rider-id]')].map(li => ({
        id: Number(li.dataset.riderId), status: li.dataset.status, lat: Number(li.dataset.lat), lon: Number(li.dataset.lon),
        stops: li.dataset.stops}))""")


def dom_deliveries(driver):
    return driver.execute_script("""return [...document.querySelectorAll('#deliveries li[data-delivery-id]')].map(li => ({
        id: Number(li.dataset.deliveryId), status: li.dataset.status, rider: li.dataset.riderId ? Number(li.dataset.riderId) : null}))""")


def api_board(api, token):
    riders = api.ok("GET", "/v1/riders?limit=1000", token=token)["riders"]
    active = [d for d in api.ok("GET", "/v1/deliveries?limit=1000", token=token)["deliveries"]
              if d["status"] not in ("delivered", "failed", "cancelled")]
    return ({r["id"]: r for r in riders}, sorted([{"id": d["id"], "status": d["status"], "rider": d.get("rider_id")} for d in active],
                                                 key=lambda d: d["id"]))


def test_dispatch(driver, api, out, admin, accounts):
    print("dispatcher (dispatcher role)")
    riders, deliveries = seed_dispatch(api, admin)
    dispatcher = api.sign_in(*accounts["dispatcher"])
    driver.get(api.base + "/console/dispatch")
    wait(driver, lambda d: d.find_element(By.ID, "signin").is_displayed(), "the dispatcher page asks to sign in")
    sign_in(driver, *accounts["planner"])
    refused = wait(driver, lambda d: "for dispatcher or admin" in d.find_element(By.CSS_SELECTOR, "#signin .status").text, "a planner is refused")
    check(bool(refused), "a planner cannot open the dispatcher's page")
    sign_in(driver, *accounts["dispatcher"])
    wait(driver, lambda d: body_counter(d, "snapshot") >= 1 and len(d.find_elements(By.CSS_SELECTOR, "#riders li[data-rider-id]")) == len(riders),
         "the live board shows every rider")
    wait(driver, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live", "the event stream is live")
    by_id, active = api_board(api, dispatcher)
    shown = dom_riders(driver)
    check(sorted(r["id"] for r in shown) == sorted(by_id), "the riders listed are the API's")
    check(all(r["status"] == by_id[r["id"]]["status"] and math.isclose(r["lat"], by_id[r["id"]]["position"]["lat"], abs_tol=1e-9)
              and math.isclose(r["lon"], by_id[r["id"]]["position"]["lon"], abs_tol=1e-9) for r in shown),
          "each rider's status and position are the API's")
    check(sorted(dom_deliveries(driver), key=lambda d: d["id"]) == active, f"the deliveries listed are the API's active ones ({len(active)})")
    # Riders move live: a position sent to the API reaches the page over Server-Sent Events.
    mover = riders[0]["id"]
    target = (CENTRE[0] + 0.0031, CENTRE[1] - 0.0027)
    api.ok("PUT", f"/v1/riders/{mover}/location", {"lat": target[0], "lon": target[1]}, dispatcher)
    moved = wait(driver, lambda d: any(r["id"] == mover and math.isclose(r["lat"], target[0], abs_tol=1e-9) for r in dom_riders(d)),
                 "a rider's new position reaches the page", timeout=10)
    check(bool(moved), "a rider's new position shows live, without reloading")
    # The main action: a dispatch round from the page.
    Select(driver.find_element(By.ID, "strategy")).select_by_value("bundle")
    driver.find_element(By.ID, "run-round").click()
    wait(driver, lambda d: body_counter(d, "rounds") >= 1, "the round answers")
    latest = api.ok("GET", "/v1/dispatch/rounds?limit=1", token=dispatcher)["rounds"][0]
    panel = driver.find_element(By.ID, "round")
    check(panel.get_attribute("data-round-id") == str(latest["id"]), f"the page shows round {latest['id']}, the API's latest")
    check(panel.get_attribute("data-assigned") == str(latest["assigned"]) and panel.get_attribute("data-unassigned") == str(latest["unassigned"]),
          f"assigned and left as the API records them ({latest['assigned']} and {latest['unassigned']})")
    pairs = driver.execute_script("""return [...document.querySelectorAll('#round-assigned li[data-delivery-id]')].map(li =>
        [Number(li.dataset.deliveryId), Number(li.dataset.riderId)])""")
    check(len(pairs) == latest["assigned"] and latest["assigned"] > 0, f"{len(pairs)} assignments listed")
    for delivery, rider in pairs:
        track = api.ok("GET", f"/v1/deliveries/{delivery}", token=dispatcher)["delivery"]
        if not check(track["status"] == "assigned" and track["rider_id"] == rider, f"delivery {delivery} is offered to rider {rider}, as the API says"):
            break
    reasons = driver.execute_script("""return [...document.querySelectorAll('#round-unassigned li[data-reason]')].map(li => li.dataset.reason)""")
    counted = {r: reasons.count(r) for r in set(reasons)}
    check(counted == latest["unassigned_by_reason"], f"why the rest were left, as the API records it ({counted})")
    # The live board follows the round: statuses and routes as the API has them.
    wait(driver, lambda d: sorted(dom_deliveries(d), key=lambda x: x["id"]) == api_board(api, dispatcher)[1], "the deliveries' new statuses show live")
    by_id, _ = api_board(api, dispatcher)
    routes = {r["id"]: r["stops"] for r in dom_riders(driver)}
    check(all(routes[i] == ",".join(f"{s['kind']}:{s['delivery_id']}" for s in r["route"]) for i, r in by_id.items()),
          "each rider's route on the page is the API's")
    # Reassign one by hand.
    forms = driver.find_elements(By.CSS_SELECTOR, "#deliveries li[data-status=assigned] form.assign")
    if check(bool(forms), "an offered delivery can be reassigned"):
        li = forms[0].find_element(By.XPATH, "./..")
        delivery = int(li.get_attribute("data-delivery-id"))
        current = int(li.get_attribute("data-rider-id"))
        select = Select(forms[0].find_element(By.TAG_NAME, "select"))
        values = [o.get_attribute("value") for o in select.options]
        check(values[0] == "" and str(current) not in values, "the reassign list offers the other riders, not the current one")
        other = next(v for v in values if v)
        select.select_by_value(other)
        forms[0].find_element(By.TAG_NAME, "button").click()
        wait(driver, lambda d: d.find_element(By.ID, "assign-status").get_attribute("data-state") in ("ok", "error"), "the reassignment answers")
        track = api.ok("GET", f"/v1/deliveries/{delivery}", token=dispatcher)["delivery"]
        check(track["rider_id"] == int(other), f"delivery {delivery} moved from rider {current} to rider {other}")
    kpis = api.ok("GET", "/v1/dispatch/kpis?time_zone=UTC", token=dispatcher)
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-kpi=rounds] b").text == str(kpis["rounds"]["count"])
         and d.find_element(By.CSS_SELECTOR, "[data-kpi=created] b").text == str(kpis["deliveries"]["created"]),
         "the day's figures are the API's")
    driver.execute_script("document.getElementById('dispatch-title').scrollIntoView()")
    phone_and_keyboard(driver, out, "dispatch", "run-round")
    console_errors(driver, "dispatch")
    # A session that ends (signed out elsewhere) brings the sign-in back at the next request;
    # signing in again starts the page afresh. The browser logs the 401 itself, and nothing else.
    token = driver.execute_script("return JSON.parse(sessionStorage.getItem('o2o.console.session')).token")
    api.ok("DELETE", "/v1/sessions/current", token=token)
    driver.find_element(By.ID, "run-round").click()
    wait(driver, lambda d: d.find_element(By.ID, "signin").is_displayed()
         and "session has ended" in d.find_element(By.CSS_SELECTOR, "#signin .status").text, "the sign-in comes back")
    sign_in(driver, *accounts["dispatcher"])
    wait(driver, lambda d: body_counter(d, "snapshot") >= 1 and not d.find_element(By.ID, "signin").is_displayed(), "the page starts again")
    other = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"]]
    check(not other, f"dispatch: after the session ended, no console error but the refused request's 401 ({len(other)})")


def test_planner(driver, api, out, accounts):
    print("planner (planner role)")
    planner = api.sign_in(*accounts["planner"])
    driver.get(api.base + "/console/planner")
    wait(driver, lambda d: d.find_element(By.ID, "signin").is_displayed(), "the planner page asks to sign in")
    sign_in(driver, *accounts["dispatcher"])
    wait(driver, lambda d: "for planner or admin" in d.find_element(By.CSS_SELECTOR, "#signin .status").text, "a dispatcher is refused")
    sign_in(driver, *accounts["planner"])
    wait(driver, lambda d: body_counter(d, "reports") >= 1, "today's coverage is measured", timeout=120)
    request = json.loads(driver.execute_script("return document.body.dataset.request"))
    check("demand" not in request and request["city"] == "porto", "the first report is on Porto's homes")
    compare_report(driver, api.ok("POST", "/v1/coverage/reports", request, planner), "baseline")
    # An even grid over the built-up land: the edges of the network show as gaps.
    Select(driver.find_element(By.ID, "demand")).select_by_value("grid")
    wait(driver, lambda d: body_counter(d, "reports") >= 2, "the report on the grid is measured", timeout=120)
    request = json.loads(driver.execute_script("return document.body.dataset.request"))
    check(len(request.get("demand", [])) > 500, f"the page sends the grid as demand ({len(request.get('demand', []))} points)")
    baseline = api.ok("POST", "/v1/coverage/reports", request, planner)
    compare_report(driver, baseline, "baseline")
    gaps = baseline["layers"][baseline["baseline"]["name"]]["gaps"]["features"]
    check(len(gaps) > 0, f"the grid shows gaps ({len(gaps)})")
    # The main action: a what-if store, added by clicking the map in the largest gap.
    if gaps:
        geometry = gaps[0]["geometry"]
        ring = geometry["coordinates"][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0][0]
        lat, lon = sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)
        driver.execute_script("o2oMap.setView([arguments[0], arguments[1]], 15, {animate: false})", lat, lon)
    driver.find_element(By.CSS_SELECTOR, "[data-tool=add]").click()
    Select(driver.find_element(By.ID, "new-kind")).select_by_value("supermarket")
    click_map(driver, 0, 0)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#changes li[data-op=add]"), "the new store is listed as a change")
    driver.find_element(By.ID, "compute").click()
    wait(driver, lambda d: body_counter(d, "reports") >= 3, "the what-if is computed", timeout=120)
    request = json.loads(driver.execute_script("return document.body.dataset.request"))
    check(len(request.get("scenarios", [])) == 1 and request["scenarios"][0]["changes"][0]["op"] == "add", "the page asked for the what-if")
    report = api.ok("POST", "/v1/coverage/reports", request, planner)
    compare_report(driver, report, "what-if")
    check(report["scenarios"][0]["delta"]["uncovered_weight"] < 0, f"a supermarket in the largest gap covers more demand ({report['scenarios'][0]['delta']['uncovered_weight']})")
    stores = driver.execute_script("return Number(document.getElementById('map').dataset.stores)")
    check(stores == len(report["layers"]["what-if"]["stores"]["features"]) == len(report["layers"][report["baseline"]["name"]]["stores"]["features"]) + 1,
          f"the map shows the what-if's stores, one more than today ({stores})")
    # Move and remove by clicking stores on the map: both join the what-if.
    def clear_store(skip):
        """A store's marker in view and clear of the others: (id, dx, dy) from the map's centre."""
        return driver.execute_script("""
            const box = document.getElementById('map').getBoundingClientRect();
            const points = arguments[0].map(f => [f.properties.id, o2oMap.latLngToContainerPoint([f.geometry.coordinates[1], f.geometry.coordinates[0]])]);
            for (const [id, p] of points) {
                if (arguments[1].includes(id) || id < 0) continue;
                const alone = points.every(([other, q]) => other === id || Math.hypot(p.x - q.x, p.y - q.y) > 24);
                if (alone && p.x > 30 && p.y > 30 && p.x < box.width - 30 && p.y < box.height - 30)
                    return [id, p.x - box.width / 2, p.y - box.height / 2];
            }
            return null""", report["layers"]["what-if"]["stores"]["features"], skip)
    driver.execute_script("o2oMap.setView([41.1496, -8.6109], 15, {animate: false})")
    time.sleep(0.3)
    moving = clear_store([])
    removing = clear_store([moving[0]] if moving else [])
    if check(moving is not None and removing is not None, "two stores stand clear on the map"):
        driver.find_element(By.CSS_SELECTOR, "[data-tool=move]").click()
        click_map(driver, moving[1], moving[2])
        click_map(driver, moving[1] + 60, moving[2] + 40)
        driver.find_element(By.CSS_SELECTOR, "[data-tool=remove]").click()
        click_map(driver, removing[1], removing[2])
        ops = [li.get_attribute("data-op") for li in driver.find_elements(By.CSS_SELECTOR, "#changes li")]
        check(ops == ["add", "move", "remove"], f"the move and the removal are listed with the new store ({ops})")
        driver.find_element(By.ID, "compute").click()
        wait(driver, lambda d: body_counter(d, "reports") >= 4, "the what-if is computed again", timeout=120)
        request = json.loads(driver.execute_script("return document.body.dataset.request"))
        changes = request["scenarios"][0]["changes"]
        check([c["op"] for c in changes] == ["add", "move", "remove"] and changes[1]["store"] == moving[0] and changes[2]["store"] == removing[0],
              f"the page asked to move store {moving[0]} and remove store {removing[0]}")
        report = api.ok("POST", "/v1/coverage/reports", request, planner)
        compare_report(driver, report, "what-if with a move and a removal")
        kept = {f["properties"]["id"] for f in report["layers"]["what-if"]["stores"]["features"]}
        check(removing[0] not in kept and moving[0] in kept, "the removed store is gone from the what-if, the moved one kept")
    # Export: the figures as CSV, the same numbers.
    target = os.path.join(out, "coverage-summary.csv")
    if os.path.exists(target):
        os.remove(target)
    driver.find_element(By.ID, "export-csv").click()
    wait(driver, lambda d: os.path.exists(target) and os.path.getsize(target) > 0, "the CSV is downloaded", timeout=15)
    if os.path.exists(target):
        rows = list(csv.DictReader(io.StringIO(open(target, encoding="utf-8").read())))
        labels = {h["label"]: h["key"] for h in report["headlines"]}
        check(len(rows) == len(report["headlines"]) and all(
            math.isclose(float(r["what-if"]), report["scenarios"][0]["headline"][labels[r["metric"]]], abs_tol=1e-9) for r in rows),
            f"the exported figures are the API's ({len(rows)} rows)")
    driver.execute_script("o2oMap.setView([41.132, -8.600], 13, {animate: false}); document.getElementById('planner-title').scrollIntoView()")
    time.sleep(0.5)
    phone_and_keyboard(driver, out, "planner", "compute")
    console_errors(driver, "planner")


def compare_report(driver, report, which):
    result = report["baseline"] if which == "baseline" else report["scenarios"][0]
    rows = driver.execute_script("""return [...document.querySelectorAll('#deltas tbody tr')].map(tr => ({key: tr.dataset.key,
        baseline: Number(tr.dataset.baseline), scenario: tr.dataset.scenario === undefined ? null : Number(tr.dataset.scenario),
        delta: tr.dataset.delta === undefined ? null : Number(tr.dataset.delta)}))""")
    check(len(rows) == len(report["headlines"]), f"{which}: the table has every figure ({len(rows)})")
    same = all(math.isclose(r["baseline"], report["baseline"]["headline"][r["key"]], abs_tol=1e-9) for r in rows)
    if which != "baseline":
        same = same and all(math.isclose(r["scenario"], result["headline"][r["key"]], abs_tol=1e-9)
                            and math.isclose(r["delta"], result["delta"][r["key"]], abs_tol=1e-9) for r in rows)
    check(same, f"{which}: every figure{' and change' if which != 'baseline' else ''} is the API's")
    layers = report["layers"][result["name"]]
    shown = driver.execute_script("const m = document.getElementById('map').dataset; return [m.shown, Number(m.gaps), Number(m.demand), Number(m.zones)]")
    check(shown == [result["name"], len(layers["gaps"]["features"]), len(layers["demand"]["features"]), len(layers["zones"]["features"])],
          f"{which}: the map shows its gaps, demand and zones ({shown})")


def test_access(api):
    print("access")
    status, _ = api.call("GET", "/v1/dispatch/events")
    check(status == 401, f"the dispatcher's live feed needs a token ({status})")
    status, _ = api.call("POST", "/v1/coverage/reports", {"city": "porto"})
    check(status == 401, f"coverage reports need a token ({status})")
    request = urllib.request.Request(api.base + "/console/finder")
    with urllib.request.urlopen(request) as response:
        policy = response.headers.get("Content-Security-Policy", "")
    check("default-src 'self'" in policy, "the pages may load nothing from elsewhere (Content-Security-Policy)")


def test_without_leaflet(driver, base):
    print("store finder on a machine without libjs-leaflet")
    api = API(base)
    driver.get(base + "/console/finder")
    wait(driver, lambda d: d.execute_script("return document.body.dataset.ready === 'true'"), "the finder loads without its map")
    check("libjs-leaflet" in driver.find_element(By.ID, "map").text, "the map's place says what is missing")
    driver.find_element(By.ID, "find").click()
    wait(driver, lambda d: body_counter(d, "searched") >= 1, "the search answers without the map")
    answer = api.ok("GET", "/v1/stores/nearby?" + driver.execute_script("return document.body.dataset.query"))
    ids = [int(li.get_attribute("data-store-id")) for li in driver.find_elements(By.CSS_SELECTOR, "#results li.card")]
    check(ids == [r["store"]["id"] for r in answer["results"]] and ids, f"the stores are listed as the API finds them ({len(ids)})")
    other = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "leaflet" not in e["message"]]
    check(not other, f"no console error but Leaflet's refused file ({len(other)})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--url-without-leaflet", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-password", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    api = API(args.url)
    admin = api.sign_in(args.admin_email, args.admin_password)
    accounts = {}
    for role in ("dispatcher", "planner"):
        email, password = f"{role}@example.com", f"{role} password 1"
        api.ok("POST", "/v1/admin/accounts", {"email": email, "password": password, "name": role.title(), "role": role}, admin)
        accounts[role] = (email, password)
    test_access(api)
    profile = tempfile.TemporaryDirectory(prefix="o2o-console-chromium-")
    driver = browser(args.out, profile.name)
    try:
        for test in (lambda: test_home(driver, api, args.out), lambda: test_finder(driver, api, args.out),
                     lambda: test_dispatch(driver, api, args.out, admin, accounts), lambda: test_planner(driver, api, args.out, accounts),
                     lambda: test_without_leaflet(driver, args.url_without_leaflet)):
            try:
                test()
            except Exception as error:  # a page that breaks the script is a failure, reported, and the next page still runs
                check(False, f"unexpected {type(error).__name__}: {error}")
                try:
                    driver.save_screenshot(os.path.join(args.out, f"failure-{len(failures)}.png"))
                except Exception:
                    pass
    finally:
        driver.quit()
        profile.cleanup()
    print(f"{len(failures)} failure(s); screenshots in {args.out}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
