package import Foundation

/// The API's contract as shipped: `openapi.yaml`, from which the build generates the server's
/// types and protocol, read at run time too so `/openapi.json` serves the very same document.
package enum APIDocument {
    /// The YAML text of `openapi.yaml`.
    package static let yaml: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("openapi.yaml is missing from the O2OAPI bundle")
        }
        return text
    }()
}
