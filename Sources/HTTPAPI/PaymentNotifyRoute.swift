import Foundation
import Hummingbird
import NIOCore
import Payments

/// `POST /v1/payments/{provider}/notify`: a provider's signed notification. It stays a raw
/// route: the signature covers the body's bytes as sent (form, XML or JSON, by provider), and
/// the provider expects its own acknowledgement text back.
struct PaymentNotifyRoute: Sendable {
    let payments: PaymentService

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/payments/:provider/notify") { request, context in
            let body = try await Self.body(request)
            let ack = try await payments.notify(provider: context.parameters.get("provider") ?? "", body: body, contentType: request.headers[.contentType])
            return Response(status: .ok, headers: [.contentType: ack.contentType], body: .init(byteBuffer: ByteBuffer(string: ack.body)))
        }
    }

    /// The raw body, as the provider signed it.
    static func body(_ request: Request) async throws -> Data {
        do { return Data(buffer: try await request.body.collect(upTo: 64 * 1024)) } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
    }
}
