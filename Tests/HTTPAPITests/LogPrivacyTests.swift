import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPAPI
import HTTPTypes
import Logging
import O2OTestSupport
import Testing

/// Every line logged, with its metadata, as text.
private final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

private struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }
        capture.append("\(label) \(level) \(source) \(message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })")
    }
}

@Suite("No personal data in the logs")
struct LogPrivacyTests {
    @Test("sign-up, sign-in (right and wrong), profile, addresses, forged tokens and bad input, logged at trace: no email, phone, name, address line, coordinate, password or token in any line")
    func noPersonalData() async throws {
        let (db, service, _) = try await DemoFixture.demoDatabase()
        let capture = LogCapture()
        let logger = Logger(label: "o2o") { CapturingLogHandler(label: $0, capture: capture) }
        let app = Application(router: try await testRouter(db, service), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              logger: logger)
        let email = "maria.pii@example.com", password = "hunter2 horse battery", name = "Maria Pereira-Quintas"
        let phones = ["+351912345678", "+351934111222", "+351965000111"]
        let line = "Rua das Flores 123, 4050-262 Porto", recipient = "Joaquim Recipiente"
        let lat = "41.1457913", lon = "-8.6129371"
        let given = [email, password, name, line, recipient, lat, lon, "912345678", "934111222", "965000111"] + phones
        let issued = try await app.test(.router) { client -> [String] in
            let signUp = try await client.execute(uri: "/v1/accounts", method: .post, body: body(
                #"{"email": "\#(email)", "password": "\#(password)", "name": "\#(name)", "phone": "\#(phones[0])"}"#))
            #expect(signUp.status == .created)
            #expect(try await client.execute(uri: "/v1/sessions", method: .post, body: body(
                #"{"email": "\#(email)", "password": "wrong \#(password)"}"#)).status == .unauthorized)
            let session = try await client.execute(uri: "/v1/sessions", method: .post, body: body(
                #"{"email": "\#(email)", "password": "\#(password)"}"#))
            let token = try #require(session.json["token"]?.stringValue)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await client.execute(uri: "/v1/me", method: .patch, headers: auth, body: body(#"{"phone": "\#(phones[1])"}"#)).status == .ok)
            let address = #"{"recipient": "\#(recipient)", "phone": "\#(phones[2])", "line": "\#(line)", "lat": \#(lat), "lon": \#(lon)}"#
            #expect(try await client.execute(uri: "/v1/me/addresses", method: .post, headers: auth, body: body(address)).status == .created)
            // Refusals (a bad coordinate beside the personal data, an unknown member), a phone in a query.
            let bad = #"{"recipient": "\#(recipient)", "phone": "\#(phones[2])", "line": "\#(line)", "lat": 95, "lon": \#(lon)}"#
            #expect(try await client.execute(uri: "/v1/me/addresses", method: .post, headers: auth, body: body(bad)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/me", method: .patch, headers: auth, body: body(#"{"mobile": "\#(phones[1])"}"#)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/stores/nearby?lat=\(lat)&lon=\(lon)&phone=\(phones[0])", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/v1/me/addresses/\(phones[0].dropFirst())", method: .delete, headers: auth).status.code >= 400)
            // Tokens: a forged one, and the real one after signing out.
            let forged = "forged-token-\(UUID().uuidString)"
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(forged)"]).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/sessions/current", method: .delete, headers: auth).status == .noContent)
            #expect(try await client.execute(uri: "/v1/me", method: .get, headers: auth).status == .unauthorized)
            return [token, forged]
        }
        let secrets = given + issued
        let lines = capture.all
        // The request log is there (so this test sees what the server logs) and carries the id.
        #expect(lines.filter { $0.contains("request") && $0.contains("request_id=") }.count >= 12, "\(lines.count) lines")
        for secret in secrets {
            let leaking = lines.filter { $0.contains(secret) }
            #expect(leaking.isEmpty, "\(secret) is logged: \(leaking.prefix(3))")
        }
    }
}
