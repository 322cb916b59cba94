/// Why delivering to a target did not work, in words that say what to do. No message holds a
/// credential: URLs in targets carry none, and response bodies are cut and escaped.
public enum DeliveryError: Error, Equatable, Sendable {
  case unreachable(url: String, reason: String)
  case timedOut(url: String, seconds: Int)
  /// The server's TLS certificate was not accepted: nothing, credentials least of all, was sent.
  case untrusted(url: String, reason: String)
  case rejectedCredentials(url: String, detail: String)
  case forbidden(url: String, detail: String)
  case notAirflow(url: String, detail: String)
  case server(url: String, status: Int, detail: String)
  case directory(path: String, reason: String)
  case refused(String)

  public var message: String {
    switch self {
    case .unreachable(let url, let reason):
      "cannot reach \(url): \(reason); check that Airflow is running there and the URL is right "
        + "(`airenv target show`)"
    case .timedOut(let url, let seconds):
      "\(url) did not answer within \(seconds) s; check the server, or raise the timeout with "
        + "`airenv target set … --timeout S`"
    case .untrusted(let url, let reason):
      "will not send anything to \(url): \(reason)"
    case .rejectedCredentials(let url, let detail):
      "\(url) rejected the credentials (\(detail)); set them again with `airenv target set`"
    case .forbidden(let url, let detail):
      "\(url) accepted the credentials but does not let this user manage connections and variables "
        + "(\(detail)); give the user the Op or Admin role in Airflow"
    case .notAirflow(let url, let detail):
      "\(url) does not look like an Airflow API server (\(detail)); give the Airflow base URL, "
        + "without /api/v2"
    case .server(let url, let status, let detail):
      "\(url) answered \(status): \(detail)"
    case .directory(let path, let reason):
      "cannot deliver to \(path): \(reason)"
    case .refused(let reason): reason
    }
  }
}

extension DeliveryError: CustomStringConvertible {
  public var description: String { message }
}
