#!/usr/bin/env python3
"""A customer's checkout over HTTP, timed: sign up, then N times put one unit of a well-stocked
SKU in the cart for pickup at its store and check the cart out (POST /v1/orders with an
Idempotency-Key); only the checkout is timed. Standard library only.

    checkout.py BASE_URL DATABASE N OUT.json
"""
import http.client, json, sqlite3, sys, time, urllib.parse

base, database, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

def call(method, path, body=None, token=None, headers=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = f"Bearer {token}"
    h.update(headers or {})
    conn.request(method, path, json.dumps(body) if body is not None else None, h)
    r = conn.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None)

def expect(status, answer, wanted, what):
    if status not in wanted:
        sys.exit(f"checkout.py: {what} answered {status}: {answer}")
    return answer

email = f"bench-{int(time.time() * 1000)}@example.com"
expect(*call("POST", "/v1/accounts", {"email": email, "password": "a long password", "name": "Bench"}), (200, 201), "sign-up")
token = expect(*call("POST", "/v1/sessions", {"email": email, "password": "a long password"}), (200, 201), "sign-in")["token"]

# The best-stocked (store, SKU) pairs, one unit each at most a tenth of what is on hand.
db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
pairs = db.execute("""SELECT s.store_id, k.code, s.on_hand FROM stock s JOIN skus k ON k.id = s.sku_id
                      WHERE s.on_hand >= 10 ORDER BY s.on_hand DESC, s.store_id, k.code LIMIT ?""", (count,)).fetchall()
if not pairs:
    sys.exit("checkout.py: no stock to sell in the database")

latencies = []
for i in range(count):
    store, sku, _ = pairs[i % len(pairs)]
    expect(*call("POST", "/v1/cart/lines", {"sku": sku, "qty": 1}, token), (200, 201), "adding a line")
    expect(*call("PUT", "/v1/cart/fulfilment", {"kind": "pickup", "store_id": store}, token), (200,), "choosing pickup")
    t0 = time.perf_counter()
    status, answer = call("POST", "/v1/orders", {}, token, {"Idempotency-Key": f"bench-{i}"})
    latencies.append((time.perf_counter() - t0) * 1e3)
    expect(status, answer, (200, 201), "checkout")
latencies.sort()
pick = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))]
result = {"orders": count, "p50_ms": pick(0.5), "p99_ms": pick(0.99), "mean_ms": sum(latencies) / len(latencies)}
json.dump(result, open(out, "w"), indent=1)
print(f"  … checkout: {count} orders, p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms", file=sys.stderr)
