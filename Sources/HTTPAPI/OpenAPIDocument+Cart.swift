/// The cart part of the OpenAPI document.
extension OpenAPIDocument {
    static let cartSKU = Parameter(name: "sku", location: "path", required: true, description: "SKU code", example: .string("DAIRY-001"))
    static let quoteAnswer = (200, "the cart priced now: lines, store, fee, discounts, total, notices and what stops a checkout", Optional("CartQuote"), jsonType)

    static let cartOperations: [Operation] = [
        Operation(route: APIRoute(method: .get, path: "/v1/cart", operationID: "getCart", summary: "One's cart, priced now"),
                  responses: [quoteAnswer, unauthorized], access: ["signed-in"]),
        Operation(route: APIRoute(method: .post, path: "/v1/cart/lines", operationID: "addToCart", summary: "Add a quantity of a SKU"),
                  requestSchema: "CartLineInput", requestExample: .object(["sku": .string("DAIRY-001"), "qty": .number(2)]),
                  responses: [quoteAnswer, badRequest, unauthorized, tooLarge, (409, "the cart holds the most lines it may", "Problem", problemType),
                              (422, "an unknown SKU", "Problem", problemType)], access: ["signed-in"]),
        Operation(route: APIRoute(method: .put, path: "/v1/cart/lines/{sku}", operationID: "setCartLine", summary: "Set a line's quantity (0 removes it)"),
                  parameters: [cartSKU], requestSchema: "CartQuantityInput", requestExample: .object(["qty": .number(3)]),
                  responses: [quoteAnswer, badRequest, unauthorized, tooLarge, (409, "the cart holds the most lines it may", "Problem", problemType),
                              (422, "an unknown SKU", "Problem", problemType)], access: ["signed-in"]),
        Operation(route: APIRoute(method: .delete, path: "/v1/cart/lines/{sku}", operationID: "removeCartLine", summary: "Remove a line"),
                  parameters: [cartSKU], responses: [quoteAnswer, unauthorized, (422, "an unknown SKU", "Problem", problemType)], access: ["signed-in"]),
        Operation(route: APIRoute(method: .put, path: "/v1/cart/fulfilment", operationID: "chooseFulfilment",
                                  summary: "Delivery to one of one's addresses (from the best store), or pickup at a store"),
                  requestSchema: "FulfilmentInput", requestExample: .object(["kind": .string("pickup"), "store_id": .number(1)]),
                  responses: [quoteAnswer, badRequest, unauthorized, tooLarge, (422, "an unknown store or not one's address", "Problem", problemType)],
                  access: ["signed-in"]),
        Operation(route: APIRoute(method: .delete, path: "/v1/cart", operationID: "clearCart", summary: "Empty the cart"),
                  responses: [(204, "emptied", nil, jsonType), unauthorized], access: ["signed-in"]),
    ]

    static let cartSchemas: [String: J] = [
        "CartLineInput": object(["sku": type("string"), "qty": type("integer", "1 to 999 (default 1)")], required: ["sku"]),
        "CartQuantityInput": object(["qty": type("integer", "0 to 999")], required: ["qty"]),
        "FulfilmentInput": object(["kind": .object(["enum": .array([.string("delivery"), .string("pickup")])]), "address_id": type("integer"),
                                   "store_id": type("integer")], required: ["kind"]),
        "CartQuote": object([
            "lines": array(object(["sku": type("string"), "name": type("string"), "qty": type("integer"), "unit_price_minor": type("integer"),
                                   "total_minor": type("integer"), "available": type("integer")])),
            "fulfilment": nullable("object", "null, {kind: delivery, address_id} or {kind: pickup, store_id}"),
            "store": nullable("object", "null or {id, name}"), "zone": nullable("object", "null or the delivery zone's terms"),
            "distance_m": nullable("number"), "subtotal_minor": type("integer"), "delivery_fee_minor": type("integer"),
            "discounts": array(type("object")), "refused_discounts": array(type("string")), "total_minor": type("integer"),
            "currency": type("string"), "notices": array(type("string")),
            "problems": array(object(["field": type("string"), "detail": type("string")])), "can_check_out": type("boolean"),
        ]),
    ]
}
