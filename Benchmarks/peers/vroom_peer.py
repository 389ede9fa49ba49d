"""VROOM (pyvroom) on the Li & Lim 100-customer instances at the same budget as o2o: each
pickup-and-delivery pair a shipment, the fleet the instance's, a fixed cost per vehicle that
outweighs any distance (fewest vehicles first, then distance, as the best known solutions
rank). Travel times are the Euclidean distances scaled by 1,000 and rounded up, so a schedule
VROOM finds feasible is feasible in exact arithmetic; costs are the distances scaled by 1,000,
rounded. Every plan is checked here (capacity, time windows, pickup before delivery on one
vehicle, every request served once) and its distance measured in exact arithmetic. Writes
routing-vroom.json.

usage: vroom_peer.py INSTANCES_DIR OUT_DIR SECONDS
"""
import csv
import datetime
import json
import math
import sys
import time

import vroom

instances, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
SCALE = 1000


def load(path):
    with open(path) as f:
        lines = [l.split() for l in f if l.strip()]
    vehicles, capacity = int(lines[0][0]), int(lines[0][1])
    nodes = [dict(id=int(r[0]), x=float(r[1]), y=float(r[2]), demand=int(r[3]), early=int(r[4]), late=int(r[5]), service=int(r[6]),
                  pickup=int(r[7]), delivery=int(r[8])) for r in lines[1:]]
    return vehicles, capacity, nodes


def dist(a, b):
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"])


def check(routes, capacity, nodes):
    """The plan's violations (empty when feasible) and its exact distance."""
    problems, total, seen = [], 0.0, {}
    depot = nodes[0]
    for v, route in enumerate(routes):
        t, load, prev, onboard = depot["early"], 0, depot, set()
        for i in route:
            n = nodes[i]
            total += dist(prev, n)
            t = max(t + dist(prev, n), n["early"])
            if t > n["late"] + 1e-9:
                problems.append(f"vehicle {v}: node {i} starts at {t:.3f} after {n['late']}")
            load += n["demand"]
            if not 0 <= load <= capacity:
                problems.append(f"vehicle {v}: load {load} at node {i}")
            if n["demand"] > 0:
                onboard.add(i)
            elif n["pickup"] not in onboard:
                problems.append(f"vehicle {v}: node {i} delivered before its pickup {n['pickup']} on this vehicle")
            seen[i] = seen.get(i, 0) + 1
            t += n["service"]
            prev = n
        total += dist(prev, depot)
        if t + dist(prev, depot) > depot["late"] + 1e-9:
            problems.append(f"vehicle {v}: back at the depot after {depot['late']}")
    for n in nodes[1:]:
        if seen.get(n["id"], 0) != 1:
            problems.append(f"node {n['id']} served {seen.get(n['id'], 0)} times")
    return problems, total


def solve(vehicles, capacity, nodes):
    problem = vroom.Input()
    n = len(nodes)
    durations = [[math.ceil(dist(a, b) * SCALE) for b in nodes] for a in nodes]
    costs = [[round(dist(a, b) * SCALE) for b in nodes] for a in nodes]
    problem.set_durations_matrix(profile="car", matrix_input=durations)
    problem.set_costs_matrix(profile="car", matrix_input=costs)
    depot = nodes[0]
    for v in range(vehicles):
        problem.add_vehicle(vroom.Vehicle(id=v + 1, start=0, end=0, capacity=[capacity],
                                          time_window=vroom.TimeWindow(depot["early"] * SCALE, depot["late"] * SCALE),
                                          costs=vroom.VehicleCosts(fixed=10 ** 9)))
    for p in nodes[1:]:
        if p["demand"] <= 0:
            continue
        d = nodes[p["delivery"]]
        step = lambda node: vroom.ShipmentStep(id=node["id"], location=node["id"], default_service=node["service"] * SCALE,
                                               time_windows=[vroom.TimeWindow(node["early"] * SCALE, node["late"] * SCALE)])
        problem.add_shipment(pickup=step(p), delivery=step(d), amount=vroom.Amount([p["demand"]]))
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=datetime.timedelta(seconds=seconds))
    routes = {}
    for row in solution.routes.itertuples():
        if row.type in ("pickup", "delivery"):
            routes.setdefault(row.vehicle_id, []).append(int(row.id))
    return list(routes.values()), len(solution.unassigned) if hasattr(solution, "unassigned") else 0


with open(f"{instances}/bks.csv") as f:
    known = {r["instance"]: (int(r["vehicles"]), float(r["distance"])) for r in csv.DictReader(f)}
rows = []
for name in sorted(known):
    vehicles, capacity, nodes = load(f"{instances}/{name}.txt")
    started = time.perf_counter()
    routes, unassigned = solve(vehicles, capacity, nodes)
    elapsed = time.perf_counter() - started
    problems, distance = check(routes, capacity, nodes)
    rows.append({"instance": name, "vehicles": len(routes), "distance": distance, "feasible": not problems, "seconds": elapsed,
                 "unassigned": unassigned, "bks_vehicles": known[name][0], "bks_distance": known[name][1], "problems": problems[:3]})
    print(f"  … vroom {name}: {len(routes)} vehicles (best known {known[name][0]}), {distance:.2f} (best known {known[name][1]:.2f})"
          f"{'' if not problems else ', INFEASIBLE: ' + problems[0]}, {elapsed:.2f} s", file=sys.stderr)
json.dump({"system": "vroom", "version": getattr(vroom, "__version__", ""), "seconds": seconds, "threads": 1, "instances": rows},
          open(f"{out}/routing-vroom.json", "w"), indent=1)
