"""Realistic mixed traffic for o2o: customers searching, shoppers checking out and paying
through the WeChat Pay sandbox (signed callbacks), store staff syncing stock, and riders
reporting positions. scripts/load.sh starts the server and runs this for 60 s.

Every request checks its answer: any status but the expected one is a failure, so a run with
zero failures means zero errors. Setup (accounts, staff, riders) happens once, before the
clock starts, in `on_test_start`.
"""
import hashlib
import hmac
import itertools
import json
import os
import random
import threading
import time
import uuid

from locust import HttpUser, between, events, task

# Porto's centre, where the demo stores are.
LAT0, LAT1, LON0, LON1 = 41.135, 41.175, -8.645, -8.575
SEED = int(os.environ.get("O2O_LOAD_SEED", "20261126"))
SETTINGS = json.load(open(os.environ["O2O_PAYMENTS"]))
WECHAT = SETTINGS["wechat"]
ADMIN = (os.environ["O2O_LOAD_ADMIN_EMAIL"], os.environ["O2O_LOAD_ADMIN_PASSWORD"])

shared = {"skus": [], "stores": [], "staff": [], "riders": [], "dispatcher": None}
counter = itertools.count(1)
staff_counter = itertools.count(0)
rider_counter = itertools.count(0)
lock = threading.Lock()


def point(rng):
    return rng.uniform(LAT0, LAT1), rng.uniform(LON0, LON1)


def wechat_sign(fields):
    message = "&".join(f"{k}={v}" for k, v in sorted(fields.items()) if k != "sign" and v != "")
    message += "&key=" + WECHAT["api_key"]
    return hmac.new(WECHAT["api_key"].encode(), message.encode(), hashlib.sha256).hexdigest().upper()


def wechat_notification(payload_fields, amount_minor, currency):
    """The provider's signed notification for a payload, as the WeChat Pay sandbox sends it."""
    fields = {
        "return_code": "SUCCESS", "result_code": "SUCCESS", "appid": WECHAT["app_id"], "mch_id": WECHAT["mch_id"],
        "nonce_str": uuid.uuid4().hex, "sign_type": "HMAC-SHA256", "openid": "oLoadPayer", "trade_type": "NATIVE",
        "bank_type": "OTHERS", "total_fee": str(amount_minor), "fee_type": currency, "cash_fee": str(amount_minor),
        "transaction_id": "42" + uuid.uuid4().hex[:26], "out_trade_no": payload_fields["out_trade_no"],
        "time_end": time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() + 8 * 3600)),
        "attach": payload_fields["attach"],
    }
    fields["sign"] = wechat_sign(fields)
    return "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in sorted(fields.items())) + "</xml>"


def expect(response, *statuses):
    """Marks the request failed unless its status is one of `statuses`."""
    if response.status_code not in statuses:
        response.failure(f"{response.status_code}: {response.text[:200]}")
        return False
    response.success()
    return True


@events.test_start.add_listener
def on_test_start(environment, **_):
    """Admin signs in; makes staff for eight stores, a dispatcher and twelve riders."""
    import requests
    host = environment.host
    s = requests.Session()
    token = s.post(f"{host}/v1/sessions", json={"email": ADMIN[0], "password": ADMIN[1]}).json()["token"]
    admin = {"Authorization": f"Bearer {token}"}
    rng = random.Random(SEED)
    stores = []
    cursor = None
    while True:
        page = s.get(f"{host}/v1/stores", params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
        stores += page["stores"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    shared["stores"] = [st["id"] for st in stores]
    stock = s.get(f"{host}/v1/stores/{stores[0]['id']}/stock", params={"limit": 100}).json()
    shared["skus"] = sorted({item["sku"] for item in stock["items"]})
    for k, store in enumerate(rng.sample(shared["stores"], 8)):
        email, password = f"staff{k}@load.example", "staff load password"
        r = s.post(f"{host}/v1/admin/accounts", headers=admin, json={
            "email": email, "password": password, "name": f"Staff {k}", "role": "staff", "stores": [store]})
        assert r.status_code == 201, r.text
        t = s.post(f"{host}/v1/sessions", json={"email": email, "password": password}).json()["token"]
        shared["staff"].append((store, {"Authorization": f"Bearer {t}"}))
    r = s.post(f"{host}/v1/admin/accounts", headers=admin, json={
        "email": "dispatch@load.example", "password": "dispatch load password", "name": "Dispatch", "role": "dispatcher"})
    assert r.status_code == 201, r.text
    t = s.post(f"{host}/v1/sessions", json={"email": "dispatch@load.example", "password": "dispatch load password"}).json()["token"]
    dispatcher = {"Authorization": f"Bearer {t}"}
    shared["dispatcher"] = dispatcher
    for k in range(12):
        lat, lon = point(rng)
        r = s.post(f"{host}/v1/riders", headers=dispatcher, json={
            "name": f"Rider {k}", "vehicle": rng.choice(["bicycle", "ebike", "scooter"]), "capacity": 2, "lat": lat, "lon": lon})
        assert r.status_code == 201, r.text
        shared["riders"].append(r.json()["id"])


class Customer(HttpUser):
    """Looks for stores with items near a point; checks a basket."""
    weight = 6
    wait_time = between(0.05, 0.3)

    def on_start(self):
        self.rng = random.Random(SEED + next(counter))

    @task(4)
    def nearby(self):
        lat, lon = point(self.rng)
        sku = self.rng.choice(shared["skus"])
        with self.client.get("/v1/stores/nearby", params={"lat": lat, "lon": lon, "sku": sku, "qty": 1, "delivers": "true", "limit": 5},
                             name="GET /v1/stores/nearby", catch_response=True) as r:
            expect(r, 200)

    @task(2)
    def basket(self):
        lat, lon = point(self.rng)
        items = [{"sku": sku, "qty": self.rng.randint(1, 3)} for sku in self.rng.sample(shared["skus"], 3)]
        with self.client.post("/v1/availability", json={"lat": lat, "lon": lon, "items": items, "limit": 3},
                              name="POST /v1/availability", catch_response=True) as r:
            expect(r, 200)

    @task(1)
    def search(self):
        with self.client.get("/v1/catalog/search", params={"q": self.rng.choice(["milk", "bread", "water", "coffee", "rice", "apple"])},
                             name="GET /v1/catalog/search", catch_response=True) as r:
            expect(r, 200)


class Shopper(HttpUser):
    """Signs up, then again and again: fills a cart for pickup at a nearby store that has the
    item, checks out with an Idempotency-Key, pays through WeChat Pay, and the provider's signed
    callback arrives (sometimes twice); one order in ten is cancelled after paying (a refund)."""
    weight = 3
    wait_time = between(0.2, 0.6)

    def on_start(self):
        n = next(counter)
        self.rng = random.Random(SEED + 1000 + n)
        email, password = f"shopper{n}-{uuid.uuid4().hex[:6]}@load.example", "shopper load password"
        r = self.client.post("/v1/accounts", json={"email": email, "password": password, "name": f"Shopper {n}"}, name="POST /v1/accounts")
        assert r.status_code == 201, r.text
        token = self.client.post("/v1/sessions", json={"email": email, "password": password}, name="POST /v1/sessions").json()["token"]
        self.auth = {"Authorization": f"Bearer {token}"}

    @task
    def order(self):
        lat, lon = point(self.rng)
        sku = self.rng.choice(shared["skus"])
        with self.client.get("/v1/stores/nearby", params={"lat": lat, "lon": lon, "sku": sku, "qty": 1, "limit": 1},
                             name="GET /v1/stores/nearby", catch_response=True) as r:
            if not expect(r, 200) or not r.json()["results"]:
                return
            store = r.json()["results"][0]["store"]["id"]
        with self.client.delete("/v1/cart", headers=self.auth, name="DELETE /v1/cart", catch_response=True) as r:
            expect(r, 204)
        with self.client.post("/v1/cart/lines", headers=self.auth, json={"sku": sku, "qty": 1}, name="POST /v1/cart/lines", catch_response=True) as r:
            expect(r, 200, 201)
        with self.client.put("/v1/cart/fulfilment", headers=self.auth, json={"kind": "pickup", "store_id": store},
                             name="PUT /v1/cart/fulfilment", catch_response=True) as r:
            expect(r, 200)
        keyed = dict(self.auth, **{"Idempotency-Key": uuid.uuid4().hex})
        with self.client.post("/v1/orders", headers=keyed, name="POST /v1/orders", catch_response=True) as r:
            if not expect(r, 201):
                return
            order = r.json()
        with self.client.post(f"/v1/orders/{order['id']}/payments", headers=self.auth, json={"provider": "wechat"},
                              name="POST /v1/orders/{id}/payments", catch_response=True) as r:
            if not expect(r, 201):
                return
            payment = r.json()
        body = wechat_notification(payment["payload"]["fields"], payment["amount_minor"], payment["currency"])
        for _ in range(2 if self.rng.random() < 0.2 else 1):
            with self.client.post("/v1/payments/wechat/notify", data=body, headers={"Content-Type": "application/xml"},
                                  name="POST /v1/payments/wechat/notify", catch_response=True) as r:
                if expect(r, 200) and "SUCCESS" not in r.text:
                    r.failure("the callback was not acknowledged: " + r.text[:200])
        if self.rng.random() < 0.1:
            with self.client.post(f"/v1/orders/{order['id']}/cancel", headers=self.auth, json={"reason": "changed my mind"},
                                  name="POST /v1/orders/{id}/cancel", catch_response=True) as r:
                expect(r, 200)


class Staff(HttpUser):
    """A store's till: counts (PUT) and small restocks (a delta batch with a sequence)."""
    fixed_count = 8
    wait_time = between(0.2, 0.5)

    def on_start(self):
        with lock:
            self.store, self.auth = shared["staff"][next(staff_counter) % len(shared["staff"])]
        self.rng = random.Random(SEED + 2000 + self.store)
        self.sequence = 0

    @task(2)
    def count(self):
        items = [{"sku": sku, "qty": self.rng.randint(60, 200)} for sku in self.rng.sample(shared["skus"], 5)]
        with self.client.put(f"/v1/stores/{self.store}/stock", headers=self.auth, json={"items": items},
                             name="PUT /v1/stores/{id}/stock", catch_response=True) as r:
            expect(r, 200)

    @task(1)
    def restock(self):
        self.sequence += 1
        items = [{"sku": sku, "qty": self.rng.randint(1, 10)} for sku in self.rng.sample(shared["skus"], 3)]
        with self.client.post(f"/v1/stores/{self.store}/stock/batches", headers=self.auth,
                              json={"kind": "delta", "idempotency_key": uuid.uuid4().hex, "items": items},
                              name="POST /v1/stores/{id}/stock/batches", catch_response=True) as r:
            expect(r, 200, 201)


class Rider(HttpUser):
    """A rider's phone: a position every second, moving a little each time."""
    fixed_count = 12
    wait_time = between(0.9, 1.1)

    def on_start(self):
        with lock:
            self.rider = shared["riders"][next(rider_counter) % len(shared["riders"])]
        self.rng = random.Random(SEED + 3000 + self.rider)
        self.lat, self.lon = point(self.rng)

    @task
    def position(self):
        self.lat = min(LAT1, max(LAT0, self.lat + self.rng.uniform(-0.0005, 0.0005)))
        self.lon = min(LON1, max(LON0, self.lon + self.rng.uniform(-0.0005, 0.0005)))
        with self.client.put(f"/v1/riders/{self.rider}/location", headers=shared["dispatcher"], json={"lat": self.lat, "lon": self.lon},
                             name="PUT /v1/riders/{id}/location", catch_response=True) as r:
            expect(r, 200)
