import Orders

/// The orders part of the OpenAPI document.
extension OpenAPIDocument {
    static let orderID = Parameter(name: "id", location: "path", required: true, type: "integer", description: "order id", example: .number(1))
    static let noOrder = (404, "no such order", Optional("Problem"), problemType)
    static let badStep = (409, "not allowed from the order's status, by this caller, or the pickup code does not match", Optional("Problem"), problemType)

    static let orderOperations: [Operation] = [
        Operation(route: APIRoute(method: .post, path: "/v1/orders", operationID: "checkout",
                                  summary: "Check out the cart: an order awaiting payment, its stock held; Idempotency-Key makes retries safe"),
                  parameters: [Parameter(name: "Idempotency-Key", location: "header", description: "the same key returns the same order",
                                         example: .string("c3a1f0e2"))],
                  responses: [(201, "the order", "Order", jsonType), (200, "the order this key made before", "Order", jsonType), badRequest, unauthorized,
                              (409, "the stock went meanwhile, or the key was used for another cart", "Problem", problemType),
                              (422, "the cart cannot be checked out (each reason with its field)", "Problem", problemType)], access: ["signed-in"]),
        Operation(route: APIRoute(method: .get, path: "/v1/orders", operationID: "listOrders", summary: "One's orders, newest first"),
                  parameters: [Parameter(name: "limit", type: "integer", description: "1 to 100 (default 20)", example: .number(20)),
                               Parameter(name: "cursor", type: "integer", description: "the next_cursor of the previous page", example: .string(""))],
                  responses: [(200, "a page of orders", "Orders", jsonType), badRequest, unauthorized], access: ["signed-in"]),
        Operation(route: APIRoute(method: .get, path: "/v1/orders/{id}", operationID: "getOrder", summary: "An order with its timeline"),
                  parameters: [orderID], responses: [(200, "the order", "Order", jsonType), badRequest, unauthorized, forbidden, noOrder],
                  access: ["the order's customer", "staff of its store", "dispatcher", "admin"]),
        Operation(route: APIRoute(method: .post, path: "/v1/orders/{id}/cancel", operationID: "cancelOrder",
                                  summary: "Cancel: unpaid, its hold is released; paid and not yet picked, it is refunded"),
                  parameters: [orderID], requestSchema: "CancelInput", requestExample: .object(["reason": .string("ordered twice")]),
                  responses: [(200, "the order", "Order", jsonType), badRequest, unauthorized, forbidden, noOrder, badStep, tooLarge],
                  access: ["the order's customer", "staff of its store", "admin"]),
        Operation(route: APIRoute(method: .post, path: "/v1/orders/{id}/status", operationID: "advanceOrder",
                                  summary: "Move an order on: staff accept, pick, ready, hand to dispatch or hand over (with the pickup code); dispatch picks up and delivers; the customer completes"),
                  parameters: [orderID], requestSchema: "StatusInput", requestExample: .object(["status": .string("accepted")]),
                  responses: [(200, "the order", "Order", jsonType), badRequest, unauthorized, forbidden, noOrder, badStep, tooLarge],
                  access: ["the order's customer", "staff of its store", "dispatcher", "admin"]),
        Operation(route: APIRoute(method: .post, path: "/v1/orders/{id}/review", operationID: "reviewOrder",
                                  summary: "The customer rates a completed order (1 to 5) with words if they like; shown on the store"),
                  parameters: [orderID], requestSchema: "ReviewInput", requestExample: .object(["rating": .number(5), "text": .string("Quick and friendly")]),
                  responses: [(201, "the review", "Review", jsonType), badRequest, unauthorized, forbidden, noOrder,
                              (409, "not completed, or reviewed already", "Problem", problemType), tooLarge],
                  access: ["the order's customer"]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}/reviews", operationID: "storeReviews",
                                  summary: "A store's reviews, newest first, with their count and mean rating"),
                  parameters: [storeID, Parameter(name: "limit", type: "integer", description: "1 to 100 (default 20)", example: .number(20))],
                  responses: [(200, "the reviews", "Reviews", jsonType), badRequest, notFound]),
        Operation(route: APIRoute(method: .get, path: "/v1/stores/{id}/orders", operationID: "storeOrders",
                                  summary: "The store's queue: orders in the given statuses (default paid, accepted, picking, ready), oldest first"),
                  parameters: [storeID, Parameter(name: "status", description: "repeat for several", example: .string("paid"), repeated: true)],
                  responses: [(200, "the queue", "Orders", jsonType), badRequest, unauthorized, forbidden, notFound], access: ["staff of the store", "admin"]),
    ]

    static let orderSchemas: [String: J] = [
        "Order": object(["id": type("integer"), "customer_id": type("integer"), "store_id": type("integer"),
                         "status": .object(["enum": .array(OrderStatus.allCases.map { .string($0.rawValue) })]),
                         "fulfilment": type("object", "{kind: delivery, recipient, phone, line, lat, lon} or {kind: pickup, code}"),
                         "lines": array(object(["sku": type("string"), "name": type("string"), "qty": type("integer"),
                                                "unit_price_minor": type("integer"), "total_minor": type("integer")])),
                         "subtotal_minor": type("integer"), "delivery_fee_minor": type("integer"), "discount_minor": type("integer"),
                         "discounts": array(object(["code": type("string"), "description": type("string"), "amount_minor": type("integer")])),
                         "total_minor": type("integer"), "currency": type("string"), "reservation_id": type("string"),
                         "created_at": type("string"), "pay_by": type("string"),
                         "timeline": array(object(["status": type("string"), "at": type("string"), "by": type("string"), "note": nullable("string")]))]),
        "Orders": object(["orders": array(ref("Order")), "next_cursor": nullable("string")]),
        "CancelInput": object(["reason": type("string")]),
        "ReviewInput": object(["rating": type("integer", "1 to 5"), "text": type("string", "up to 2000 characters")], required: ["rating"]),
        "Review": object(["order_id": type("integer"), "store_id": type("integer"), "rating": type("integer"), "text": nullable("string"), "at": type("string")]),
        "Reviews": object(["count": type("integer"), "mean_rating": nullable("number"), "reviews": array(ref("Review"))]),
        "StatusInput": object(["status": type("string"), "code": type("string", "the pickup code, to hand a pickup over")], required: ["status"]),
    ]
}
