import Foundation

/// Where a Deployment's resolved set is delivered: a running Airflow's REST API, or a
/// directory that Airflow reads files from. Stored on the Deployment; its credentials are
/// secrets, sealed on disk like any other and never shown, logged or written to history.
public struct DeliveryTarget: Codable, Equatable, Sendable {
  public enum Kind: String, Codable, Sendable, CaseIterable {
    case airflowAPI = "airflow-api"
    case directory
  }

  /// The file formats a directory target may be written in: those Airflow reads directly.
  public static let directoryFormats = ["airflow-json", "airflow-yaml", "airflow-env"]
  /// Seconds a request may take when the target does not say.
  public static let defaultTimeoutSeconds = 10
  public static let timeoutRange = 1...600

  public var kind: Kind
  /// airflow-api: the server's base URL (`https://airflow.example.com`, no `/api/v2`).
  public var url: String?
  public var username: String?
  /// airflow-api: the password for `username` (3.x: exchanged for a token; 2.10: basic auth).
  public var password: String?
  /// airflow-api: a bearer token given instead of a username and password.
  public var token: String?
  public var timeoutSeconds: Int?
  /// airflow-api: PEM certificates trusted for this server instead of the system's CA store (a
  /// private CA, or a self-signed server's own certificate). Public, so stored as it is.
  public var certificateAuthority: String?
  /// directory: an absolute path and the format written there.
  public var path: String?
  public var format: String?

  public init(
    kind: Kind, url: String? = nil, username: String? = nil, password: String? = nil, token: String? = nil,
    timeoutSeconds: Int? = nil, certificateAuthority: String? = nil, path: String? = nil,
    format: String? = nil
  ) {
    self.kind = kind
    self.url = url
    self.username = username
    self.password = password
    self.token = token
    self.timeoutSeconds = timeoutSeconds
    self.certificateAuthority = certificateAuthority
    self.path = path
    self.format = format
  }

  public static func airflowAPI(
    url: String, username: String? = nil, password: String? = nil, token: String? = nil, timeoutSeconds: Int?,
    certificateAuthority: String? = nil
  ) -> DeliveryTarget {
    DeliveryTarget(
      kind: .airflowAPI, url: url, username: username, password: password, token: token,
      timeoutSeconds: timeoutSeconds, certificateAuthority: certificateAuthority)
  }

  /// The most PEM text a target trusts: a CA bundle of a few dozen certificates.
  public static let certificateAuthorityBytes = 256 << 10

  public static func directory(path: String, format: String) -> DeliveryTarget {
    DeliveryTarget(kind: .directory, path: path, format: format)
  }

  public var timeout: Int { timeoutSeconds ?? Self.defaultTimeoutSeconds }

  /// Where it delivers, for listings and records: the URL or the directory, never a credential.
  public var address: String {
    switch kind {
    case .airflowAPI: url ?? ""
    case .directory: (path ?? "") + " (" + (format ?? "") + ")"
    }
  }

  /// The names of the secret fields, as stored paths (`target.password`).
  public static let secretFields = ["password", "token"]

  /// The first rule this target breaks, in words; nil when it is usable.
  public var problem: String? {
    switch kind {
    case .airflowAPI:
      guard let url else { return "an airflow-api target needs a URL" }
      if let problem = Self.urlProblem(url) { return problem }
      if path != nil || format != nil { return "an airflow-api target has no directory or format" }
      if token != nil && (username != nil || password != nil) {
        return "give either a token or a username and password, not both"
      }
      if token == nil && (username == nil || password == nil) {
        return "an airflow-api target needs a username and password, or a token"
      }
      // A token travels in a header as it is: a line break in it would start another header.
      if let token, Secrecy.lock(of: token) == nil,
        token.unicodeScalars.contains(where: { !(0x21...0x7E).contains($0.value) })
      {
        return "the token must be one line of printable ASCII without spaces or control characters"
      }
      if let username, username.isEmpty || username.utf8.count > 256 || username.contains(where: \.isNewline)
      {
        return "the username must be 1 to 256 characters on one line"
      }
      if let timeoutSeconds, !Self.timeoutRange.contains(timeoutSeconds) {
        return
          "the timeout must be from \(Self.timeoutRange.lowerBound) to \(Self.timeoutRange.upperBound) seconds"
      }
      if let certificateAuthority, let problem = Self.certificateProblem(certificateAuthority) {
        return problem
      }
    case .directory:
      guard let path, let format else { return "a directory target needs a path and a format" }
      if !path.hasPrefix("/") || path.utf8.count > 4096
        || path.contains(where: { $0.isNewline || $0 == "\0" })
      {
        return "the directory must be an absolute path on one line"
      }
      if !Self.directoryFormats.contains(format) {
        return "the format must be one of " + Self.directoryFormats.joined(separator: ", ")
      }
      if url != nil || username != nil || password != nil || token != nil || timeoutSeconds != nil
        || certificateAuthority != nil
      {
        return "a directory target has no URL, credentials, timeout or CA certificates"
      }
    }
    return nil
  }

  /// PEM text of one or more certificates, each decoding to DER, within the size limit. Any other
  /// block (a private key saved beside its certificate) is refused: the text is stored as it
  /// is, unencrypted, and kept in history.
  static func certificateProblem(_ pem: String) -> String? {
    if pem.utf8.count > certificateAuthorityBytes {
      return "the CA certificates are larger than \(Limits.describe(bytes: certificateAuthorityBytes))"
    }
    if pem.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\r") || $0.value > 0x7E }
    ) {
      return "the CA certificates must be PEM text (printable ASCII lines)"
    }
    var certificates = 0
    var body: String?
    for line in pem.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
      if line.hasPrefix("-----BEGIN ") {
        let label = line.dropFirst("-----BEGIN ".count).prefix { $0 != "-" }
        guard label == "CERTIFICATE" else {
          return "the CA file holds a \(label.prefix(40)) block: give certificates only, never a key"
        }
        if body != nil { return "certificate \(certificates + 1) has no END line" }
        body = ""
      } else if line.hasPrefix("-----END ") {
        guard let text = body, line == "-----END CERTIFICATE-----" else {
          return "the CA file has an END line without its BEGIN CERTIFICATE"
        }
        certificates += 1
        // A certificate is DER: a SEQUENCE, whose first byte is 0x30.
        guard let der = Data(base64Encoded: text), der.first == 0x30 else {
          return
            "certificate \(certificates) in the CA file is not valid PEM (its base64 is not a certificate)"
        }
        body = nil
      } else if let text = body {
        body = text + line
      }
    }
    if body != nil { return "certificate \(certificates + 1) has no END line" }
    if certificates == 0 { return "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)" }
    return nil
  }

  /// http or https, a host, no credentials, query or fragment: the REST paths are added to it.
  static func urlProblem(_ url: String) -> String? {
    let lowered = url.lowercased()
    guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
      return "the URL must start with http:// or https://"
    }
    if url.utf8.count > 2048 { return "the URL is longer than 2048 bytes" }
    if url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0.value > 0x7E }) {
      return "the URL may hold only printable ASCII without spaces (percent-encode the rest)"
    }
    let rest = url.drop(while: { $0 != ":" }).dropFirst(3)
    let authority = rest.prefix(while: { $0 != "/" })
    if authority.isEmpty { return "the URL has no host" }
    if authority.contains("@") {
      return "the URL must not hold credentials; give them with --username/--password-stdin or --token-env"
    }
    if url.contains("?") || url.contains("#") { return "the URL must not have a query or fragment" }
    return nil
  }
}
