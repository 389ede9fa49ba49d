import Payments

/// The payments part of the OpenAPI document.
extension OpenAPIDocument {
    static let providerParameter = Parameter(name: "provider", location: "path", required: true,
                                             description: "alipay, wechat or unionpay", example: .string("alipay"))

    static let paymentOperations: [Operation] = [
        Operation(route: APIRoute(method: .post, path: "/v1/orders/{id}/payments", operationID: "payOrder",
                                  summary: "Pay an order awaiting payment through a provider: the payment and the signed payload to render (redirect, QR code or form); asked again, the same payment"),
                  parameters: [orderID], requestSchema: "PayInput", requestExample: .object(["provider": .string("wechat")]),
                  responses: [(201, "the payment with its payload", "Payment", jsonType), (200, "the pending payment made before, with a fresh payload", "Payment", jsonType),
                              badRequest, unauthorized, forbidden, noOrder,
                              (409, "the order is not awaiting payment, or its time to pay ran out", "Problem", problemType),
                              (422, "the provider is not configured, or does not take the order's currency", "Problem", problemType), tooLarge],
                  access: ["the order's customer"]),
        Operation(route: APIRoute(method: .get, path: "/v1/orders/{id}/payments", operationID: "orderPayments",
                                  summary: "An order's payments and refunds"),
                  parameters: [orderID], responses: [(200, "payments and refunds", "Payments", jsonType), badRequest, unauthorized, forbidden, noOrder],
                  access: ["the order's customer", "staff of its store", "dispatcher", "admin"]),
        Operation(route: APIRoute(method: .post, path: "/v1/payments/{provider}/notify", operationID: "paymentNotification",
                                  summary: "The provider's asynchronous notification, in its own format (Alipay and UnionPay a form, WeChat Pay XML); its signature, merchant, payment, order, currency and amount are verified before anything changes; told twice, nothing changes"),
                  parameters: [providerParameter], requestSchema: "ProviderNotification",
                  requestExample: .string("notify_type=trade_status_sync&out_trade_no=O2O000000000001&total_amount=20.31&sign_type=RSA2&sign=…"),
                  responses: [(200, "taken: the acknowledgement the provider expects (success, ok, or return_code SUCCESS)", nil, "text/plain; charset=utf-8"),
                              (400, "malformed, for another merchant, or the signature does not verify; `field` names what", "Problem", problemType),
                              (409, "the payment was already paid under another provider number", "Problem", problemType),
                              (422, "an unknown payment, another order, or a currency or amount that is not the payment's", "Problem", problemType),
                              (413, "the body is over 64 KiB", "Problem", problemType)]),
        Operation(route: APIRoute(method: .get, path: "/v1/payments/reconciliation", operationID: "reconcilePayments",
                                  summary: "The provider's statement against the ledger over [from, to): matched, missing on either side, amounts that differ, net by currency"),
                  parameters: [Parameter(name: "provider", required: true, description: "alipay, wechat or unionpay", example: .string("alipay")),
                               Parameter(name: "from", required: true, description: "a date (UTC midnight) or an ISO 8601 instant", example: .string("2026-01-05")),
                               Parameter(name: "to", required: true, description: "a date or instant after from, at most 92 days on", example: .string("2026-01-06"))],
                  responses: [(200, "the reconciliation", "Reconciliation", jsonType), badRequest, unauthorized, forbidden], access: ["admin"]),
        Operation(route: APIRoute(method: .get, path: "/v1/payments/notifications", operationID: "paymentNotifications",
                                  summary: "The providers' notifications as received, newest first: accepted, duplicate or rejected with the reason"),
                  parameters: [Parameter(name: "provider", description: "only this provider's", example: .string("wechat")),
                               Parameter(name: "limit", type: "integer", description: "1 to 500 (default 50)", example: .number(50))],
                  responses: [(200, "the notifications", "Notifications", jsonType), badRequest, unauthorized, forbidden], access: ["admin"]),
    ]

    static let movement: J = object(["kind": type("string", "payment or refund"), "merchant_no": type("string"), "provider_no": nullable("string"),
                                     "amount_minor": type("integer"), "currency": type("string"), "at": type("string")])

    static let paymentSchemas: [String: J] = [
        "PayInput": object(["provider": type("string", "alipay, wechat or unionpay")], required: ["provider"]),
        "ProviderNotification": type("string", "the provider's notification as it sent it"),
        "Payment": object(["id": type("integer"), "order_id": type("integer"), "provider": type("string"), "trade_no": type("string"),
                           "amount_minor": type("integer"), "currency": type("string"),
                           "status": .object(["enum": .array(Payment.Status.allCases.map { .string($0.rawValue) })]),
                           "provider_trade_no": nullable("string"), "created_at": type("string"), "paid_at": nullable("string"),
                           "payload": object(["kind": type("string", "redirect, qr_code or form"), "url": type("string"),
                                              "fields": type("object", "the signed parameters")])]),
        "Refund": object(["id": type("integer"), "payment_id": type("integer"), "order_id": type("integer"), "provider": type("string"),
                          "refund_no": type("string"), "amount_minor": type("integer"), "currency": type("string"), "reason": type("string"),
                          "status": type("string", "pending or succeeded"), "provider_refund_no": nullable("string"),
                          "created_at": type("string"), "done_at": nullable("string")]),
        "Payments": object(["payments": array(ref("Payment")), "refunds": array(ref("Refund"))]),
        "Reconciliation": object(["provider": type("string"), "from": type("string"), "to": type("string"), "balanced": type("boolean"),
                                  "matched": type("integer"),
                                  "differences": array(object(["finding": type("string", "missing_from_ledger, missing_at_provider or amount_differs"),
                                                               "provider": movement, "ledger": movement])),
                                  "provider_net_minor": type("object", "by currency"), "ledger_net_minor": type("object", "by currency")]),
        "Notifications": object(["notifications": array(object(["provider": type("string"), "outcome": type("string", "accepted, duplicate or rejected"),
                                                                 "reason": nullable("string"), "trade_no": nullable("string"),
                                                                 "body_sha256": type("string"), "at": type("string")]))]),
    ]
}
