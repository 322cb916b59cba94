import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP answer.
struct HTTPResponse: Sendable {
  var status: Int
  var body: [UInt8]

  var text: String { String(decoding: body, as: UTF8.self) }

  /// The body shortened to one line for a message: a server's words, never sent back whole.
  var detail: String {
    let line = text.replacingOccurrences(of: "\n", with: " ")
    let cut = line.count > 300 ? String(line.prefix(300)) + "…" : line
    return cut.isEmpty ? "no details" : cut
  }
}

/// Blocking HTTP requests with a timeout on each; TLS certificates are verified (URLSession's
/// default, never turned off). Used from the CLI and from the TUI's background refresh, never
/// from a thread that handles keys.
final class HTTPTransport: Sendable {
  private let session: URLSession
  let timeout: Int

  init(timeout: Int) {
    self.timeout = timeout
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = TimeInterval(timeout)
    configuration.timeoutIntervalForResource = TimeInterval(timeout)
    configuration.httpShouldSetCookies = false
    configuration.urlCache = nil
    // A redirect is answered as the 3xx it is, never followed: following one could send the
    // credentials to another host.
    session = URLSession(configuration: configuration, delegate: RefusingRedirects(), delegateQueue: nil)
  }

  deinit { session.finishTasksAndInvalidate() }

  func send(
    _ method: String, _ url: URL, headers: [String: String] = [:], body: [UInt8]? = nil
  ) throws(DeliveryError) -> HTTPResponse {
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.timeoutInterval = TimeInterval(timeout)
    request.setValue("application/json", forHTTPHeaderField: "Accept")
    if let body {
      request.httpBody = Data(body)
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    session.dataTask(with: request) { data, response, error in
      outcome.set(data: data, response: response, error: error)
      done.signal()
    }.resume()
    // The session's own timeout ends the task; this wait only guards against one that never ends.
    if done.wait(timeout: .now() + .seconds(timeout + 5)) == .timedOut {
      throw .timedOut(url: Self.shown(url), seconds: timeout)
    }
    return try outcome.result(url: url, timeout: timeout)
  }

  /// A URL as messages show it: scheme, host, port and path.
  static func shown(_ url: URL) -> String {
    var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    components?.query = nil
    components?.user = nil
    components?.password = nil
    return components?.string ?? url.path
  }
}

/// What a data task handed back, passed from URLSession's queue to the waiting thread.
private final class Outcome: @unchecked Sendable {
  private let lock = NSLock()
  private var data: Data?
  private var response: URLResponse?
  private var error: (any Error)?

  func set(data: Data?, response: URLResponse?, error: (any Error)?) {
    lock.lock()
    defer { lock.unlock() }
    self.data = data
    self.response = response
    self.error = error
  }

  func result(url: URL, timeout: Int) throws(DeliveryError) -> HTTPResponse {
    lock.lock()
    defer { lock.unlock() }
    if let error {
      let code = (error as NSError).code
      if code == NSURLErrorTimedOut { throw .timedOut(url: HTTPTransport.shown(url), seconds: timeout) }
      throw .unreachable(url: HTTPTransport.shown(url), reason: Self.reason(error as NSError))
    }
    guard let http = response as? HTTPURLResponse else {
      throw .unreachable(url: HTTPTransport.shown(url), reason: "no HTTP answer")
    }
    return HTTPResponse(status: http.statusCode, body: [UInt8](data ?? Data()))
  }

  private static func reason(_ error: NSError) -> String {
    switch error.code {
    case NSURLErrorCannotConnectToHost: "connection refused"
    case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: "the host name does not resolve"
    case NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate,
      NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorServerCertificateNotYetValid,
      NSURLErrorSecureConnectionFailed:
      "its TLS certificate is not trusted here (install its CA in the system store)"
    case NSURLErrorNetworkConnectionLost: "the connection was lost"
    default:
      untrustedCertificate(error) ?? (error.userInfo[NSLocalizedDescriptionKey] as? String)
        ?? "network error \(error.code)"
    }
  }

  /// curl's verification failures reach Foundation on Linux without a certificate error code;
  /// only their description names them.
  private static func untrustedCertificate(_ error: NSError) -> String? {
    guard let description = error.userInfo[NSLocalizedDescriptionKey] as? String,
      description.hasPrefix("SSL certificate problem") || description.contains("certificate verify failed")
    else { return nil }
    return "its TLS certificate is not trusted here (\(description); install its CA in the system store)"
  }
}

/// Refuses every redirect, so that the request's Authorization header stays with its host.
private final class RefusingRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
  func urlSession(
    _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    completionHandler(nil)
  }
}
