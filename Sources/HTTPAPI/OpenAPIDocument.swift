import Dispatching
import GeoCore

/// The OpenAPI 3.1 description of every endpoint, served at `/openapi.json`. A test sends each
/// operation's example request and checks the answer against the statuses documented here.
enum OpenAPIDocument {
    typealias J = JSONValue

    struct Parameter {
        var name: String
        var location = "query"
        var required = false
        var type = "string"
        var description: String
        var example: J
        var repeated = false
    }

    struct Operation {
        var route: APIRoute
        var parameters: [Parameter] = []
        var requestSchema: String? = nil
        var requestExample: J? = nil
        /// Status → (description, schema name or nil, content type).
        var responses: [(Int, String, String?, String)]
        /// Who may call it: nil for anyone; else the roles, or "signed-in" for any account.
        var access: [String]? = nil
    }

    static let jsonType = "application/json"
    static let geoType = "application/geo+json"
    static let problemType = "application/problem+json"

    static let storeID = Parameter(name: "id", location: "path", required: true, type: "integer", description: "store id", example: .number(1))
    static let format = Parameter(name: "format", description: "json (default) or geojson; Accept: application/geo+json does the same", example: .string("json"))
    static let riderID = Parameter(name: "id", location: "path", required: true, type: "integer", description: "rider id", example: .number(1))
    static let deliveryID = Parameter(name: "id", location: "path", required: true, type: "integer", description: "delivery id", example: .number(1))
    static let noRider = (404, "no such rider", Optional("Problem"), problemType)
    static let noDelivery = (404, "no such delivery", Optional("Problem"), problemType)
    static let badRequest = (400, "invalid parameter or body; `field` names it", Optional("Problem"), problemType)
    static let notFound = (404, "no such store", Optional("Problem"), problemType)
    static let unprocessable = (422, "the input names an unknown SKU or an invalid polygon", Optional("Problem"), problemType)
    static let conflict = (409, "conflicts with stored data (duplicate external_ref, stock below reserved)", Optional("Problem"), problemType)
    static let tooLarge = (413, "the body is over 1 MiB", Optional("Problem"), problemType)

    static let exampleStore: J = .object([
        "external_ref": .string("pos:PRT-0001"), "name": .string("Mercearia do Bolhão"), "brand": .null, "kind": .string("convenience"),
        "address": .string("Rua Formosa 300, Porto"), "phone": .string("+351 222 000 000"),
        "opening_hours": .string("Mo-Sa 08:00-20:00"), "time_zone": .string("Europe/Lisbon"),
        "lat": .number(41.1497), "lon": .number(-8.6068),
    ])
    static let exampleZones: J = GeoJSONFeatureCollection(features: [
        GeoJSONFeature(geometry: .polygon(.circle(center: Coordinate(latitude: 41.1497, longitude: -8.6068), radius: 1000, segments: 8)),
                       properties: ["kind": .string("delivery"), "name": .string("1 km"), "fee_minor": .number(199),
                                    "min_order_minor": .number(1000), "promised_minutes": .number(25)]),
    ]).json

    static let operations: [Operation] = (coreOperations + accountOperations + catalogOperations + cartOperations + orderOperations
        + paymentOperations + marketingOperations).map { op in
            guard let access = laterAccess[op.route.operationID] else { return op }
            var op = op
            op.access = access
            let statuses = Set(op.responses.map(\.0))
            op.responses += [unauthorized, forbidden].filter { !statuses.contains($0.0) }
            return op
        }

    /// Who may call the operations of the stock, dispatch, coverage and operations parts.
    static let laterAccess: [String: [String]] = {
        var access: [String: [String]] = [
            "stockCheck": ["admin"], "getReservation": ["staff of the store", "admin"],
            "storeStockEvents": ["staff of the store", "admin"], "streamStockEvents": ["staff of the store", "admin"], "stockEvents": ["admin"],
            "createDelivery": ["dispatcher", "staff of the store", "admin"],
            "trackDelivery": ["dispatcher", "staff of its store", "admin"], "streamDelivery": ["dispatcher", "staff of its store", "admin"],
            "coverageReport": ["planner", "admin"],
        ]
        for id in ["registerRider", "listRiders", "nearbyRiders", "getRider", "updateRider", "updateRiderLocation", "listDeliveries",
                   "runDispatchRound", "listDispatchRounds", "streamDispatchBoard", "dispatchKPIs"] + DispatchRoutes.Action.allCases.map({ $0.rawValue + "Delivery" }) {
            access[id] = ["dispatcher", "admin"]
        }
        return access
    }()

    static let coreOperations: [Operation] = [
        Operation(route: APIRoute(method: .get, path: "/healthz", operationID: "health", summary: "Liveness and what the index holds"),
                  responses: [(200, "ok", "Health", jsonType)]),
        Operation(route: APIRoute(method: .get, path: "/readyz", operationID: "ready",
                                  summary: "Readiness: the index is loaded and the database takes a write now (liveness is /healthz)"),
                  responses: [(200, "ready", "Ready", jsonType), (503, "not ready: the database does not take writes", "Problem", problemType)]),
        Operation(route: APIRoute(method: .get, path: "/metrics", operationID: "metrics",
                                  summary: "Prometheus metrics: request latency by route and status, index sizes, stock events, holds, dispatch"),
                  responses: [(200, "the text exposition format", nil, "text/plain; version=0.0.4; charset=utf-8"), unauthorized, forbidden],
                  access: ["admin"]),
        Operation(route: APIRoute(method: .get, path: "/openapi.json", operationID: "openapi", summary: "This document"),
                  responses: [(200, "the OpenAPI 3.1 document", nil, jsonType)]),
        Operation(
            route: APIRoute(method: .get, path: "/v1/stores/nearby", operationID: "nearbyStores",
                            summary: "The nearest stores that have the items, are open and deliver to the point"),
            parameters: [
                Parameter(name: "lat", required: true, type: "number", description: "latitude, WGS84 degrees", example: .number(41.1496)),
                Parameter(name: "lon", required: true, type: "number", description: "longitude, WGS84 degrees", example: .number(-8.6109)),
                Parameter(name: "limit", type: "integer", description: "rows, 1 to 100 (default 10)", example: .number(5)),
                Parameter(name: "radius_m", type: "number", description: "only stores within this many metres (up to 200000)", example: .number(2000)),
                Parameter(name: "sku", description: "a SKU every store must have; repeat for several", example: .string("DAIRY-001"), repeated: true),
                Parameter(name: "qty", type: "integer", description: "quantity needed: one for all SKUs or one per sku (default 1)", example: .number(2), repeated: true),
                Parameter(name: "delivers", type: "boolean", description: "only stores with a zone containing the point and no exclusion there", example: .bool(true)),
                Parameter(name: "open_at", description: "ISO 8601 instant with zone, or now: only stores open then (in their own time zone)", example: .string("2026-11-25T18:30:00Z")),
                format,
            ],
            responses: [(200, "rows nearest first", "NearbyResponse", jsonType), badRequest, (422, "an unknown SKU", "Problem", problemType)]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores", operationID: "listStores", summary: "Stores by id, or in a map box"),
                  parameters: [
                    Parameter(name: "bbox", description: "min_lon,min_lat,max_lon,max_lat", example: .string("-8.62,41.14,-8.60,41.16")),
                    Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 100)", example: .number(50)),
                    Parameter(name: "cursor", type: "integer", description: "next_cursor of the previous page", example: .number(0)),
                    format,
                  ],
                  responses: [(200, "a page of stores", "StorePage", jsonType), badRequest]),
        Operation(route: APIRoute(method: .post, path: "/v1/stores", operationID: "createStore", summary: "Create a store (and optionally its zones)"),
                  requestSchema: "StoreInput", requestExample: exampleStore,
                  responses: [(201, "created", "Store", jsonType), badRequest, unauthorized, forbidden, conflict, tooLarge, unprocessable],
                  access: ["admin"]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}", operationID: "getStore", summary: "One store"),
                  parameters: [storeID, format], responses: [(200, "the store", "Store", jsonType), badRequest, notFound]),
        Operation(route: APIRoute(method: .patch, path: "/v1/stores/{id}", operationID: "updateStore", summary: "Change some fields of a store"),
                  parameters: [storeID], requestSchema: "StorePatch", requestExample: .object(["phone": .string("+351 222 111 111")]),
                  responses: [(200, "the changed store", "Store", jsonType), badRequest, unauthorized, forbidden, notFound, conflict, tooLarge, unprocessable],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .delete, path: "/v1/stores/{id}", operationID: "deleteStore", summary: "Delete a store with its zones and stock"),
                  parameters: [Parameter(name: "id", location: "path", required: true, type: "integer", description: "store id", example: .number(999_999))],
                  responses: [(204, "deleted", nil, jsonType), badRequest, unauthorized, forbidden, notFound,
                              (409, "the store has orders (kept for their history) or deliveries under way", "Problem", problemType)],
                  access: ["admin"]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}/zones", operationID: "getZones", summary: "A store's delivery zones and exclusions"),
                  parameters: [storeID], responses: [(200, "a GeoJSON FeatureCollection", "ZoneCollection", geoType), badRequest, notFound]),
        Operation(route: APIRoute(method: .put, path: "/v1/stores/{id}/zones", operationID: "putZones", summary: "Replace a store's zones"),
                  parameters: [storeID], requestSchema: "ZoneCollection", requestExample: exampleZones,
                  responses: [(200, "the stored zones", "ZoneCollection", geoType), badRequest, unauthorized, forbidden, notFound, tooLarge, unprocessable],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .get, path: "/v1/zones", operationID: "zonesAt", summary: "Every zone that contains a point"),
                  parameters: [
                    Parameter(name: "lat", required: true, type: "number", description: "latitude", example: .number(41.1496)),
                    Parameter(name: "lon", required: true, type: "number", description: "longitude", example: .number(-8.6109)),
                    format,
                  ],
                  responses: [(200, "zones with their store and whether it serves the point", "ZoneMatches", jsonType), badRequest]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}/stock", operationID: "getStock", summary: "A store's stock by SKU code, paginated"),
                  parameters: [storeID,
                               Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 100)", example: .number(20)),
                               Parameter(name: "cursor", description: "next_cursor of the previous page", example: .string(""))],
                  responses: [(200, "a page of stock lines", "StockPage", jsonType), badRequest, notFound]),
        Operation(route: APIRoute(method: .put, path: "/v1/stores/{id}/stock", operationID: "setStock", summary: "Set on-hand quantities of many SKUs"),
                  parameters: [storeID], requestSchema: "StockItems",
                  requestExample: .object(["items": .array([.object(["sku": .string("DAIRY-001"), "qty": .number(24)])])]),
                  responses: [(200, "the written lines", "StockLines", jsonType), badRequest, unauthorized, forbidden, notFound, conflict, tooLarge, unprocessable],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .patch, path: "/v1/stores/{id}/stock", operationID: "adjustStock", summary: "Add to or take from on-hand quantities"),
                  parameters: [storeID], requestSchema: "StockItems",
                  requestExample: .object(["items": .array([.object(["sku": .string("DAIRY-001"), "qty": .number(-1)])])]),
                  responses: [(200, "the written lines", "StockLines", jsonType), badRequest, unauthorized, forbidden, notFound, conflict, tooLarge, unprocessable],
                  access: ["staff of the store", "admin"]),
    ] + inventoryOperations

    static let reservationID = Parameter(name: "rid", location: "path", required: true, description: "reservation id (UUID)",
                                         example: .string("6f1c2e0a-0000-4000-8000-000000000000"))
    static let noReservation = (404, "no such reservation", Optional("Problem"), problemType)
    static let exampleItems: J = .array([.object(["sku": .string("DAIRY-001"), "qty": .number(1)]),
                                         .object(["sku": .string("BAKERY-001"), "qty": .number(2)])])
    static let eventQuery = [
        Parameter(name: "after", type: "integer", description: "only events after this id (the previous next_cursor)", example: .number(0)),
        Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 100)", example: .number(50)),
    ]

    static let inventoryOperations: [Operation] = [
        Operation(route: APIRoute(method: .get, path: "/v1/ops/stock-check", operationID: "stockCheck",
                                  summary: "Compare the in-memory stock index with the database, row by row"),
                  responses: [(200, "consistent, or the first differences", "StockCheck", jsonType)]),
        Operation(route: APIRoute(method: .post, path: "/v1/availability", operationID: "basketAvailability",
                                  summary: "Stores that can fulfil the whole basket, or the best split across at most max_stores"),
                  requestSchema: "BasketQuery",
                  requestExample: .object(["lat": .number(41.1496), "lon": .number(-8.6109), "items": exampleItems,
                                           "fulfilment": .string("delivery"), "limit": .number(5)]),
                  responses: [(200, "full-basket stores, else a split", "Availability", jsonType), badRequest, tooLarge,
                              (422, "an unknown SKU", "Problem", problemType)]),
        Operation(route: APIRoute(method: .post, path: "/v1/reservations", operationID: "createReservation",
                                  summary: "Hold a basket at a store for ttl_s seconds"),
                  parameters: [Parameter(name: "Idempotency-Key", location: "header", description: "instead of idempotency_key in the body",
                                         example: .string("checkout-8f2c"))],
                  requestSchema: "ReservationInput",
                  requestExample: .object(["store_id": .number(1), "items": .array([.object(["sku": .string("DAIRY-001"), "qty": .number(1)])]),
                                           "ttl_s": .number(600)]),
                  responses: [(201, "held", "Reservation", jsonType),
                              (200, "a retry with the same Idempotency-Key: the first reservation, nothing held again", "Reservation", jsonType),
                              badRequest, unauthorized, forbidden, tooLarge,
                              (409, "the store does not have that many available; `errors` lists each short item", "Problem", problemType),
                              (422, "an unknown store or SKU", "Problem", problemType)],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .get, path: "/v1/reservations/{rid}", operationID: "getReservation", summary: "One reservation"),
                  parameters: [reservationID], responses: [(200, "the reservation", "Reservation", jsonType), badRequest, noReservation]),
        Operation(route: APIRoute(method: .post, path: "/v1/reservations/{rid}/confirm", operationID: "confirmReservation",
                                  summary: "Paid: the held goods leave on-hand stock (confirming twice is harmless)"),
                  parameters: [reservationID],
                  responses: [(200, "confirmed", "Reservation", jsonType), badRequest, unauthorized, forbidden, noReservation,
                              (409, "released already, or a till count left less on hand than held", "Problem", problemType),
                              (410, "expired; its stock was released", "Problem", problemType)],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .delete, path: "/v1/reservations/{rid}", operationID: "releaseReservation",
                                  summary: "Let the hold go (releasing twice is harmless)"),
                  parameters: [reservationID],
                  responses: [(200, "released (or already expired)", "Reservation", jsonType), badRequest, unauthorized, forbidden, noReservation,
                              (409, "already confirmed", "Problem", problemType)],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .post, path: "/v1/stores/{id}/stock/batches", operationID: "applyStockBatch",
                                  summary: "A till's snapshot or delta (JSON, or text/csv with kind, sequence and partial in the query)"),
                  parameters: [storeID, Parameter(name: "Idempotency-Key", location: "header", description: "instead of idempotency_key in the body",
                                                  example: .string("till-7-000123")),
                               Parameter(name: "store_key", description: "text/csv only: what a column named store holds, id or ref "
                                         + "(a store_id or store_ref column says so itself); lines naming another store than the path's are refused",
                                         example: .string("ref"))],
                  requestSchema: "StockBatchInput",
                  requestExample: .object(["kind": .string("delta"), "idempotency_key": .string("till-7-000123"),
                                           "items": .array([.object(["sku": .string("DAIRY-001"), "qty": .number(-1)])])]),
                  responses: [(201, "applied", "StockBatchResult", jsonType), (200, "a replay: acknowledged, not applied again", "StockBatchResult", jsonType),
                              badRequest, unauthorized, forbidden, notFound, tooLarge,
                              (409, "stale sequence, or a key or sequence reused with other content", "Problem", problemType),
                              (422, "refused lines (`errors` lists each) in a batch that is not partial", "Problem", problemType)],
                  access: ["staff of the store", "admin"]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}/stock/events", operationID: "storeStockEvents",
                                  summary: "A store's low-stock, out-of-stock and restocked events, oldest first"),
                  parameters: [storeID] + eventQuery,
                  responses: [(200, "a page of events", "StockEvents", jsonType), badRequest, notFound]),
        Operation(route: APIRoute(method: .get, path: "/v1/stock/events", operationID: "stockEvents",
                                  summary: "Stock events of every store, or of store_id"),
                  parameters: [Parameter(name: "store_id", type: "integer", description: "only this store", example: .number(1))] + eventQuery,
                  responses: [(200, "a page of events", "StockEvents", jsonType), badRequest, (422, "an unknown store", "Problem", problemType)]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}/stock/events/stream", operationID: "streamStockEvents",
                                  summary: "Server-Sent Events: the backlog after Last-Event-ID (or after), then live events"),
                  parameters: [storeID, Parameter(name: "after", type: "integer", description: "start after this event id", example: .number(0)),
                               Parameter(name: "Last-Event-ID", location: "header", description: "set by EventSource on reconnect", example: .string("0"))],
                  responses: [(200, "text/event-stream: id, event (the kind), data (the event as JSON)", nil, "text/event-stream"),
                              badRequest, notFound]),
        // MARK: Dispatch
        Operation(route: APIRoute(method: .post, path: "/v1/riders", operationID: "registerRider",
                                  summary: "Register a rider: vehicle, capacity (orders at once), shift, optionally where they are"),
                  requestSchema: "RiderInput",
                  requestExample: .object(["name": .string("Ana"), "vehicle": .string("e-bike"), "capacity": .number(3),
                                           "shift_start": .string("2026-01-05T08:00:00Z"), "shift_end": .string("2026-01-05T16:00:00Z"),
                                           "lat": .number(41.1496), "lon": .number(-8.6109)]),
                  responses: [(201, "registered", "Rider", jsonType), badRequest, tooLarge]),
        Operation(route: APIRoute(method: .get, path: "/v1/riders", operationID: "listRiders", summary: "Every rider by id, optionally of one status"),
                  parameters: [Parameter(name: "status", description: "offline, idle or busy", example: .string("idle")),
                               Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 100)", example: .number(50)),
                               Parameter(name: "cursor", type: "integer", description: "next_cursor of the page before", example: .number(0))],
                  responses: [(200, "a page of riders", "Riders", jsonType), badRequest]),
        Operation(route: APIRoute(method: .get, path: "/v1/riders/nearby", operationID: "nearbyRiders",
                                  summary: "The riders nearest a point, optionally of one status"),
                  parameters: [Parameter(name: "lat", required: true, type: "number", description: "latitude", example: .number(41.1496)),
                               Parameter(name: "lon", required: true, type: "number", description: "longitude", example: .number(-8.6109)),
                               Parameter(name: "status", description: "offline, idle or busy", example: .string("idle")),
                               Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 10)", example: .number(5)),
                               Parameter(name: "radius_m", type: "number", description: "only riders this close", example: .number(5000))],
                  responses: [(200, "nearest first", "NearbyRiders", jsonType), badRequest]),
        Operation(route: APIRoute(method: .get, path: "/v1/riders/{id}", operationID: "getRider", summary: "One rider with status and route"),
                  parameters: [riderID], responses: [(200, "the rider", "Rider", jsonType), badRequest, noRider]),
        Operation(route: APIRoute(method: .patch, path: "/v1/riders/{id}", operationID: "updateRider",
                                  summary: "Change a rider's profile or shift, or sign on (idle) and off (offline)"),
                  parameters: [riderID], requestSchema: "RiderPatch", requestExample: .object(["status": .string("idle"), "capacity": .number(2)]),
                  responses: [(200, "changed", "Rider", jsonType), badRequest, noRider, tooLarge,
                              (409, "signing off with stops still on the route", "Problem", problemType)]),
        Operation(route: APIRoute(method: .put, path: "/v1/riders/{id}/location", operationID: "updateRiderLocation",
                                  summary: "Where the rider is; an update older than the last applied is ignored"),
                  parameters: [riderID], requestSchema: "LocationInput",
                  requestExample: .object(["lat": .number(41.15), "lon": .number(-8.61), "at": .string("2026-01-05T09:00:00Z")]),
                  responses: [(200, "applied, or ignored as out of order (`applied` false)", "LocationResult", jsonType),
                              badRequest, noRider, tooLarge]),
        Operation(route: APIRoute(method: .post, path: "/v1/deliveries", operationID: "createDelivery",
                                  summary: "A delivery from a store to a drop point, ready at and promised by a time"),
                  parameters: [Parameter(name: "Idempotency-Key", location: "header", description: "instead of external_ref",
                                         example: .string("order-1001"))],
                  requestSchema: "DeliveryInput",
                  requestExample: .object(["store_id": .number(1), "drop": .object(["lat": .number(41.155), "lon": .number(-8.62)]),
                                           "size": .number(1), "ready_at": .string("2026-01-05T09:00:00Z"),
                                           "promised_at": .string("2026-01-05T09:45:00Z"), "external_ref": .string("order-1001")]),
                  responses: [(201, "created, pending", "Delivery", jsonType),
                              (200, "the external_ref exists: the first delivery, nothing created", "Delivery", jsonType),
                              badRequest, tooLarge, (422, "an unknown store", "Problem", problemType)]),
        Operation(route: APIRoute(method: .get, path: "/v1/deliveries", operationID: "listDeliveries", summary: "Deliveries newest first"),
                  parameters: [Parameter(name: "status", description: "only this status", example: .string("pending")),
                               Parameter(name: "rider_id", type: "integer", description: "only this rider's", example: .number(1)),
                               Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 100)", example: .number(20))],
                  responses: [(200, "deliveries", "Deliveries", jsonType), badRequest]),
        Operation(route: APIRoute(method: .get, path: "/v1/deliveries/{id}", operationID: "trackDelivery",
                                  summary: "Tracking: status, timeline, rider position and predicted pickup and handover times"),
                  parameters: [deliveryID], responses: [(200, "the delivery", "Tracking", jsonType), badRequest, noDelivery]),
        Operation(route: APIRoute(method: .get, path: "/v1/deliveries/{id}/events", operationID: "streamDelivery",
                                  summary: "Server-Sent Events: the timeline so far, then status changes and rider positions until it ends"),
                  parameters: [deliveryID],
                  responses: [(200, "text/event-stream: event status or position, data as JSON", nil, "text/event-stream"),
                              badRequest, noDelivery]),
        action("assign", "Assign or reassign by hand (the rider must be signed on and have room)",
               example: .object(["rider_id": .number(1), "note": .string("regular customer")]), schema: "AssignInput"),
        action("accept", "The rider takes the offer", example: .object(["rider_id": .number(1)]), schema: "RiderAction"),
        action("decline", "The rider turns the offer down; back to the pool, not offered to them again",
               example: .object(["rider_id": .number(1), "reason": .string("flat tyre")]), schema: "RiderAction"),
        action("pickup", "The rider has the goods", example: .object(["rider_id": .number(1)]), schema: "RiderAction"),
        action("deliver", "The customer has the goods", example: .object(["rider_id": .number(1)]), schema: "RiderAction"),
        action("fail", "The delivery cannot be completed", example: .object(["reason": .string("nobody home")]), schema: "RiderAction"),
        action("cancel", "Cancel before pickup", example: .object(["reason": .string("customer cancelled")]), schema: "RiderAction"),
        Operation(route: APIRoute(method: .post, path: "/v1/dispatch/rounds", operationID: "runDispatchRound",
                                  summary: "Run a dispatch round now: optimal assignment with bundling, with its indicators"),
                  requestSchema: "RoundInput", requestExample: .object(["strategy": .string("bundle"), "radius_m": .number(5000)]),
                  responses: [(200, "what the round assigned, what it left and why", "RoundReport", jsonType), badRequest, tooLarge]),
        Operation(route: APIRoute(method: .get, path: "/v1/dispatch/rounds", operationID: "listDispatchRounds",
                                  summary: "The most recent rounds with their indicators"),
                  parameters: [Parameter(name: "limit", type: "integer", description: "1 to 1000 (default 20)", example: .number(10))],
                  responses: [(200, "newest first", "Rounds", jsonType), badRequest]),
        Operation(route: APIRoute(method: .get, path: "/v1/dispatch/events", operationID: "streamDispatchBoard",
                                  summary: "Server-Sent Events for the dispatcher's board: a snapshot, then every rider, position, delivery and round as it changes"),
                  responses: [(200, "text/event-stream: event snapshot ({riders, deliveries}), then rider, position, delivery or round; data as JSON",
                               nil, "text/event-stream")]),
        Operation(route: APIRoute(method: .get, path: "/v1/dispatch/kpis", operationID: "dispatchKPIs",
                                  summary: "The day's delivery and round figures, with the riders and deliveries as they are now"),
                  parameters: [Parameter(name: "date", description: "the day, YYYY-MM-DD (default today)", example: .string("2026-01-05")),
                               Parameter(name: "time_zone", description: "the IANA time zone the day is in (default UTC)", example: .string("Europe/Lisbon"))],
                  responses: [(200, "the day's figures", "DispatchKPIs", jsonType), badRequest]),
        Operation(route: APIRoute(method: .post, path: "/v1/coverage/reports", operationID: "coverageReport",
                                  summary: "How much demand the live stores' zones cover, the gaps, and what-if scenarios against them"),
                  requestSchema: "CoverageInput",
                  requestExample: .object(["city": .string("porto"), "minutes": .array([.number(10), .number(15)]),
                                           "scenarios": .array([.object(["name": .string("new supermarket east"), "changes": .array([
                                               .object(["op": .string("add"), "lat": .number(41.149), "lon": .number(-8.585), "kind": .string("supermarket")]),
                                           ])])])]),
                  responses: [(200, "the headline figures of the baseline and each scenario with deltas, details, and gap and demand layers as GeoJSON",
                               "CoverageReport", jsonType),
                              badRequest, tooLarge,
                              (422, "a scenario names an unknown store, a geometry is invalid, or the area is too wide for one UTM zone", "Problem", problemType),
                              (503, "too many reports already running or waiting, or this one ran past the server's time limit (--compute-limit); Retry-After says when to try again",
                               "Problem", problemType)]),
    ]

    static func action(_ name: String, _ summary: String, example: J, schema: String) -> Operation {
        Operation(route: APIRoute(method: .post, path: "/v1/deliveries/{id}/\(name)", operationID: name + "Delivery", summary: summary),
                  parameters: [deliveryID], requestSchema: schema, requestExample: example,
                  responses: [(200, "the delivery in its new status", "Delivery", jsonType), badRequest, noDelivery, tooLarge,
                              (409, "not allowed from the current status, or not this rider's", "Problem", problemType),
                              (422, "an unknown rider", "Problem", problemType)])
    }

    static var routes: [APIRoute] { operations.map(\.route) }

    // MARK: - Schemas

    static func object(_ properties: [String: J], required: [String] = []) -> J {
        .object(["type": .string("object"), "properties": .object(properties), "required": .array(required.map(J.string))])
    }
    static func type(_ t: String, _ description: String? = nil) -> J {
        var o: [String: J] = ["type": .string(t)]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
    static func nullable(_ t: String, _ description: String? = nil) -> J {
        var o: [String: J] = ["type": .array([.string(t), .string("null")])]
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
    static func ref(_ name: String) -> J { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func array(_ items: J) -> J { .object(["type": .string("array"), "items": items]) }

    static let storeFields: [String: J] = [
        "external_ref": type("string", "the retailer's own reference, unique"), "name": type("string"),
        "brand": nullable("string"), "kind": type("string", "OSM shop kind: supermarket, convenience, bakery, …"),
        "address": nullable("string"), "phone": nullable("string"),
        "opening_hours": .object(["type": .array([.string("string"), .string("null")]), "description": .string("OSM opening_hours syntax")]),
        "time_zone": type("string", "IANA time zone"), "lat": type("number"), "lon": type("number"),
    ]

    static let schemas: [String: J] = coreSchemas.merging(accountSchemas) { a, _ in a }.merging(catalogSchemas) { a, _ in a }.merging(cartSchemas) { a, _ in a }.merging(orderSchemas) { a, _ in a }.merging(paymentSchemas) { a, _ in a }.merging(marketingSchemas) { a, _ in a }

    static let coreSchemas: [String: J] = [
        "Problem": object(["type": type("string"), "title": type("string"), "status": type("integer"), "detail": type("string"),
                           "instance": type("string"), "field": type("string", "the parameter or member at fault"),
                           "errors": array(ref("Detail"))],
                          required: ["type", "title", "status", "detail"]),
        "Health": object(["status": type("string"), "stores": type("integer"), "zones": type("integer"), "skus": type("integer"),
                          "riders": type("integer"), "active_deliveries": type("integer")]),
        "StoreInput": object(storeFields.merging(["zones": ref("ZoneCollection")]) { $1 },
                             required: ["external_ref", "name", "kind", "time_zone", "lat", "lon"]),
        "StorePatch": object(storeFields),
        "Store": object(storeFields.merging(["id": type("integer"), "opening_hours_known": type("boolean")]) { $1 },
                        required: ["id", "external_ref", "name", "kind", "time_zone", "lat", "lon"]),
        "StorePage": object(["stores": array(ref("Store")), "next_cursor": nullable("string")]),
        "Zone": object(["id": type("integer"), "store_id": type("integer"), "kind": .object(["enum": .array([.string("delivery"), .string("exclusion")])]),
                        "name": nullable("string"), "fee_minor": type("integer", "fee in cents"),
                        "min_order_minor": type("integer", "minimum basket in cents"), "promised_minutes": type("integer")]),
        "ZoneCollection": object(["type": .object(["const": .string("FeatureCollection")]),
                                  "features": array(object(["type": .object(["const": .string("Feature")]),
                                                            "geometry": type("object", "GeoJSON Polygon or MultiPolygon, longitude first"),
                                                            "properties": ref("Zone")]))],
                                 required: ["type", "features"]),
        "ZoneMatches": object(["zones": array(ref("Zone"))]),
        "NearbyResponse": object(["count": type("integer"), "results": array(object([
            "store": ref("Store"), "distance_m": type("number", "haversine metres on the WGS84 mean radius"),
            "zone": .object(["oneOf": .array([ref("Zone"), type("null")])]), "delivers": type("boolean"),
            "availability": array(object(["sku": type("string"), "available": type("integer")])),
            "open": nullable("boolean"),
        ]))]),
        "StockItems": object(["items": array(object(["sku": type("string"), "qty": type("integer")], required: ["sku", "qty"]))],
                             required: ["items"]),
        "StockLine": object(["sku": type("string"), "name": nullable("string"), "on_hand": type("integer"), "reserved": type("integer"),
                             "available": type("integer"), "version": type("integer"), "updated_at": type("string")]),
        "StockLines": object(["items": array(ref("StockLine"))]),
        "StockPage": object(["items": array(ref("StockLine")), "next_cursor": nullable("string")]),
        "BasketItem": object(["sku": type("string"), "qty": type("integer", "1 to 1000000")], required: ["sku"]),
        "BasketQuery": object([
            "lat": type("number"), "lon": type("number"), "items": array(ref("BasketItem")),
            "fulfilment": .object(["enum": .array([.string("delivery"), .string("pickup")])]),
            "limit": type("integer", "full-basket stores to return, 1 to 100 (default 10)"),
            "radius_m": type("number", "pickup: how far the customer will go (default 5000, up to 50000)"),
            "max_stores": type("integer", "the most stores a split may use, 1 to 5 (default 3)"),
            "open_at": type("string", "ISO 8601 or now: only stores open then"),
            "sort": .object(["enum": .array([.string("distance"), .string("fee")])]),
        ], required: ["lat", "lon", "items"]),
        "BasketStore": object([
            "store": ref("Store"), "distance_m": type("number"), "fee_minor": type("integer"), "promised_minutes": nullable("integer"),
            "min_order_minor": nullable("integer"), "zone_id": nullable("integer"), "open": nullable("boolean"),
            "availability": array(object(["sku": type("string"), "available": type("integer")])),
            "items": array(ref("BasketItem")),
        ]),
        "Availability": object([
            "fulfilment": type("string"), "items": array(ref("BasketItem")), "count": type("integer"),
            "stores": array(ref("BasketStore")),
            "split": .object(["oneOf": .array([type("null"), object([
                "method": .object(["enum": .array([.string("exact-subsets"), .string("exact-enumeration"), .string("greedy")])]),
                "exact": type("boolean"), "store_count": type("integer"), "total_fee_minor": type("integer"),
                "total_distance_m": type("number"), "parts": array(ref("BasketStore")),
            ])])]),
            "unavailable": array(ref("BasketItem")), "stores_needed": nullable("integer"),
            "candidates": .object(["type": .array([.string("integer"), .string("null")]),
                                   "description": .string("serving stores examined; null when the nearest-first search answered")]),
        ]),
        "ReservationInput": object(["store_id": type("integer"), "items": array(ref("BasketItem")),
                                    "ttl_s": type("integer", "1 to 86400 (default 900)"),
                                    "idempotency_key": type("string", "a retry with the same key and request returns the first reservation")],
                                   required: ["store_id", "items"]),
        "Reservation": object([
            "id": type("string"), "store_id": type("integer"),
            "status": .object(["enum": .array([.string("held"), .string("confirmed"), .string("released"), .string("expired")])]),
            "items": array(ref("BasketItem")), "created_at": type("string"), "expires_at": type("string"), "closed_at": nullable("string"),
            "idempotency_key": nullable("string"),
        ]),
        "StockBatchInput": object([
            "kind": .object(["enum": .array([.string("snapshot"), .string("delta")])]),
            "sequence": type("integer", "must exceed the store's last applied sequence"),
            "idempotency_key": type("string", "a replay with the same key and content is acknowledged, not applied"),
            "partial": type("boolean", "apply the valid lines even if some are refused (default false)"),
            "items": array(object(["sku": type("string"), "qty": type("integer"), "low_threshold": type("integer")], required: ["sku", "qty"])),
        ], required: ["kind", "items"]),
        "Detail": object(["field": type("string"), "detail": type("string")]),
        "StockBatchResult": object([
            "store_id": type("integer"), "outcome": .object(["enum": .array([.string("applied"), .string("replayed"), .string("stale")])]),
            "batch_id": nullable("integer"), "kind": type("string"), "sequence": nullable("integer"), "idempotency_key": nullable("string"),
            "last_sequence": nullable("integer"), "changed": type("integer"), "unchanged": type("integer"), "zeroed": type("integer"),
            "refused": array(ref("Detail")), "warnings": array(ref("Detail")), "applied_at": nullable("string"),
        ]),
        "StockEvent": object([
            "id": type("integer"), "store_id": type("integer"), "sku": type("string"),
            "kind": .object(["enum": .array([.string("low_stock"), .string("out_of_stock"), .string("restocked")])]),
            "available": type("integer"), "on_hand": type("integer"), "reserved": type("integer"), "threshold": type("integer"),
            "at": type("string"),
        ]),
        "StockCheck": object(["consistent": type("boolean"), "storage_rows": type("integer"), "index_rows": type("integer"),
                              "differences": array(type("string"))]),
        "StockEvents": object(["events": array(ref("StockEvent")), "next_cursor": nullable("string")]),
        "Point": object(["lat": type("number"), "lon": type("number")], required: ["lat", "lon"]),
        "RiderInput": object(["name": type("string"), "vehicle": .object(["enum": .array(VehicleType.allCases.map { .string($0.rawValue) })]),
                              "capacity": type("integer", "orders at once, 1 to 50 (default 1)"),
                              "shift_start": type("string", "ISO 8601 (default now)"), "shift_end": type("string", "ISO 8601 (default 8 h later)"),
                              "status": .object(["enum": .array([.string("idle"), .string("offline")])]),
                              "lat": type("number"), "lon": type("number")], required: ["name", "vehicle"]),
        "RiderPatch": object(["name": type("string"), "vehicle": type("string"), "capacity": type("integer"), "shift_start": type("string"),
                              "shift_end": type("string"), "status": .object(["enum": .array([.string("idle"), .string("offline")])])]),
        "RouteStop": object(["delivery_id": type("integer"), "kind": .object(["enum": .array([.string("pickup"), .string("drop")])])]),
        "Rider": object(["id": type("integer"), "name": type("string"), "vehicle": type("string"), "capacity": type("integer"),
                         "shift_start": type("string"), "shift_end": type("string"),
                         "status": .object(["enum": .array(RiderStatus.allCases.map { .string($0.rawValue) })]),
                         "position": .object(["oneOf": .array([ref("Point"), type("null")])]), "position_at": nullable("string"),
                         "route": array(ref("RouteStop")), "distance_m": type("number")],
                        required: ["id", "name", "vehicle", "capacity", "status", "route"]),
        "NearbyRiders": object(["count": type("integer"), "riders": array(ref("Rider"))]),
        "LocationInput": object(["lat": type("number"), "lon": type("number"), "at": type("string", "device time, ISO 8601 (default now)")],
                                required: ["lat", "lon"]),
        "LocationResult": object(["rider_id": type("integer"), "applied": type("boolean"),
                                  "position": .object(["oneOf": .array([ref("Point"), type("null")])]), "position_at": nullable("string"),
                                  "reason": nullable("string")]),
        "DeliveryInput": object(["store_id": type("integer"), "drop": ref("Point"), "size": type("integer", "capacity units, 1 to 50 (default 1)"),
                                 "ready_at": type("string", "ISO 8601 (default now)"), "promised_at": type("string", "ISO 8601"),
                                 "external_ref": type("string", "the order's id; a retry with it returns the first delivery")],
                                required: ["store_id", "drop", "promised_at"]),
        "Delivery": object(["id": type("integer"), "store_id": type("integer"), "external_ref": nullable("string"),
                            "pickup": ref("Point"), "drop": ref("Point"), "size": type("integer"), "ready_at": type("string"),
                            "promised_at": type("string"),
                            "status": .object(["enum": .array(DeliveryStatus.allCases.map { .string($0.rawValue) })]),
                            "rider_id": nullable("integer"), "offer_expires_at": nullable("string"), "declined_by": array(type("integer")),
                            "created_at": type("string")],
                           required: ["id", "store_id", "pickup", "drop", "status"]),
        "Deliveries": object(["deliveries": array(ref("Delivery"))]),
        "DeliveryEvent": object(["delivery_id": type("integer"), "status": type("string"), "at": type("string"),
                                 "position": .object(["oneOf": .array([ref("Point"), type("null")])]), "rider_id": nullable("integer"),
                                 "note": nullable("string")]),
        "Tracking": object(["delivery": ref("Delivery"), "rider": .object(["oneOf": .array([type("object"), type("null")])]),
                            "pickup_eta": nullable("string"), "drop_eta": nullable("string"), "timeline": array(ref("DeliveryEvent"))]),
        "AssignInput": object(["rider_id": type("integer"), "note": type("string")], required: ["rider_id"]),
        "RiderAction": object(["rider_id": type("integer", "required to accept and decline; checked when given"),
                               "reason": type("string", "required to fail")]),
        "RoundInput": object(["strategy": .object(["enum": .array(DispatchStrategy.allCases.map { .string($0.rawValue) })]),
                              "radius_m": type("number"), "candidates": type("integer"), "lateness_weight": type("number"),
                              "ready_horizon_s": type("number"),
                              "assign_late": type("boolean", "also assign deliveries whose promise can no longer be kept (default false)")]),
        "Round": object(["id": nullable("integer"), "at": type("string"), "trigger": type("string"), "strategy": type("string"),
                         "assigned": type("integer"), "unassigned": type("integer"), "deferred": type("integer"),
                         "candidate_pairs": type("integer"), "total_cost_s": type("number"), "total_lateness_s": type("number"),
                         "late": type("integer"), "solve_ms": type("number"), "unassigned_by_reason": type("object")]),
        "RoundReport": object(["id": nullable("integer"), "assigned": type("integer"), "unassigned": type("integer"),
                               "assignments": array(object(["delivery_id": type("integer"), "rider_id": type("integer"),
                                                            "pickup_eta_s": type("number"), "drop_eta": type("string"),
                                                            "lateness_s": type("number"), "cost": type("number"), "bundled": type("boolean")])),
                               "unassigned_deliveries": array(object(["delivery_id": type("integer"),
                                                                      "reason": .object(["enum": .array(RoundPlan.Reason.allCases.map { .string($0.rawValue) })])]))]),
        "CoverageInput": object([
            "city": .object(["enum": .array([.string("porto"), .string("helsinki")]), "description": .string("whose demand to use (and whose zone rule for added stores)")]),
            "demand": array(object(["lat": type("number"), "lon": type("number"), "weight": type("number", "≥ 0, default 1")], required: ["lat", "lon"])),
            "minutes": array(type("number")), "cell_m": type("number", "gap cell side, 10 to 10000 m (default 250)"),
            "scenarios": array(type("object", "{name, changes: [{op: add|move|remove|radius|fee, …}]} or a GeoJSON FeatureCollection of stores and zones")),
            "layers": .object(["type": .string("array"), "items": .object(["enum": .array(CoverageRoutes.layerNames.map(J.string))]),
                               "description": .string("the GeoJSON layers to return for each result (default gaps and demand)")]),
        ]),
        "CoverageResult": object(["name": type("string"), "headline": type("object"), "delta": type("object"), "crs": type("string"),
                                  "demand_weight": type("number"), "covered_weight": type("number"), "covered_twice_weight": type("number"),
                                  "stores": array(type("object")), "overlaps": array(type("object")), "reach": array(type("object")),
                                  "gaps": array(type("object"))]),
        "CoverageReport": object(["city": type("string"), "demand": type("string"), "minutes": array(type("number")),
                                  "headlines": array(object(["key": type("string"), "label": type("string"), "unit": type("string")])),
                                  "baseline": ref("CoverageResult"), "scenarios": array(ref("CoverageResult")),
                                  "layers": type("object", "by result name: the layers asked for (gaps, demand, stores, zones) as GeoJSON FeatureCollections")]),
        "Riders": object(["riders": array(ref("Rider")), "next_cursor": nullable("string")]),
        "DispatchKPIs": object([
            "date": type("string"), "time_zone": type("string"), "from": type("string"), "to": type("string"),
            "deliveries": object(["created": type("integer"), "delivered": type("integer"), "on_time": type("integer"), "late": type("integer"),
                                  "on_time_percent": nullable("number"), "failed": type("integer"), "cancelled": type("integer"),
                                  "mean_minutes": nullable("number", "creation to handover"), "p90_minutes": nullable("number")]),
            "rounds": object(["count": type("integer"), "assigned": type("integer"), "mean_solve_ms": nullable("number")]),
            "now": object(["riders": type("object", "by status"), "deliveries": type("object", "active, by status")]),
        ]),
        "Rounds": object(["rounds": array(ref("Round"))]),
        "Ready": object(["status": type("string"), "database": type("string"), "stores": type("integer"), "skus": type("integer")]),
    ]

    // MARK: - The document

    static let json: J = {
        var paths: [String: [String: J]] = [:]
        for op in operations {
            var operation: [String: J] = ["operationId": .string(op.route.operationID), "summary": .string(op.route.summary)]
            operation["parameters"] = .array(op.parameters.map { p in
                var schema = type(p.type)
                if p.repeated { schema = array(schema) }
                return .object(["name": .string(p.name), "in": .string(p.location), "required": .bool(p.required),
                                "description": .string(p.description), "schema": schema, "example": p.example])
            })
            if let schema = op.requestSchema {
                let contentType = schema == "ZoneCollection" ? geoType : schema == "ProviderNotification" ? "application/x-www-form-urlencoded" : jsonType
                var media: [String: J] = ["schema": ref(schema)]
                if let example = op.requestExample { media["example"] = example }
                operation["requestBody"] = .object(["required": .bool(true), "content": .object([contentType: .object(media)])])
            }
            var responses: [String: J] = [:]
            for (status, description, schema, contentType) in op.responses {
                var response: [String: J] = ["description": .string(description)]
                if status != 204 { response["content"] = .object([contentType: .object(["schema": schema.map(ref) ?? type("object")])]) }
                // Reports come as JSON, CSV or an SVG chart.
                if op.route.operationID == "getReport", status == 200 {
                    response["content"] = .object([contentType: .object(["schema": ref("Report")]), "text/csv": .object(["schema": type("string")]),
                                                   "image/svg+xml": .object(["schema": type("string")])])
                }
                responses[String(status)] = .object(response)
            }
            // A bad, revoked or lapsed bearer token is refused on any route, public ones too.
            if responses["401"] == nil {
                responses["401"] = .object(["description": .string("an Authorization header with a bad, revoked or lapsed token"),
                                            "content": .object([problemType: .object(["schema": ref("Problem")])])])
            }
            // Writes beyond the caller's allowance (o2o serve --write-rate, --write-burst).
            if op.route.method != .get, !op.route.path.hasSuffix("/notify"), op.route.path != "/v1/sessions", responses["429"] == nil {
                responses["429"] = .object(["description": .string("more writes than the caller's allowance; Retry-After says when to try again"),
                                            "content": .object([problemType: .object(["schema": ref("Problem")])])])
            }
            operation["responses"] = .object(responses)
            if let access = op.access {
                operation["security"] = .array([.object(["bearer": .array([])])])
                operation["x-o2o-access"] = .array(access.map(J.string))
            }
            paths[op.route.path, default: [:]][op.route.method.rawValue.lowercased()] = .object(operation)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("o2o"), "version": .string("0.1.0"),
                             "description": .string("Nearby stores with stock, delivery zones, stock sync and delivery dispatch for same-city retail.")]),
            "servers": .array([.object(["url": .string("http://127.0.0.1:8080")])]),
            "paths": .object(paths.mapValues(J.object)),
            "components": .object(["schemas": .object(schemas), "securitySchemes": .object([
                "bearer": .object(["type": .string("http"), "scheme": .string("bearer"),
                                   "description": .string("a session token from POST /v1/sessions")]),
            ])]),
        ])
    }()
}
