import AirenvModel
import Foundation

/// A conversation with one running Airflow's REST API: 3.x (`/api/v2`, a JWT) or 2.10
/// (`/api/v1`, basic auth), told apart by which `/version` answers.
public final class AirflowClient: Sendable {
  public enum API: String, Sendable {
    case v2 = "/api/v2"
    case v1 = "/api/v1"
  }

  public let version: String
  public let api: API
  let base: String
  let transport: HTTPTransport
  private let credentials: Credentials
  private let session: TokenBox

  enum Credentials: Sendable {
    case password(username: String, password: String)
    case token(String)
  }

  /// Connects: finds the version and, on 3.x with a username, obtains a token.
  public init(target: DeliveryTarget) throws(DeliveryError) {
    guard target.kind == .airflowAPI, let url = target.url else {
      throw .refused("the target is not an airflow-api target")
    }
    base = url.hasSuffix("/") ? String(url.dropLast()) : url
    transport = HTTPTransport(timeout: target.timeout, certificateAuthority: target.certificateAuthority)
    if let token = target.token {
      credentials = .token(token)
    } else if let username = target.username, let password = target.password {
      credentials = .password(username: username, password: password)
    } else {
      throw .refused("the target has no credentials; set them with `airenv target set`")
    }
    if Secrecy.lock(of: target.password ?? "") != nil || Secrecy.lock(of: target.token ?? "") != nil {
      throw .refused("the target's credentials do not decrypt with the current key; see `airenv key status`")
    }
    session = TokenBox()
    (api, version) = try Self.detect(base: base, transport: transport)
    // Logged in now, so that the requests that follow in parallel share one token.
    if api == .v2, case .password = credentials { _ = try authorization(renew: true) }
  }

  private static func detect(base: String, transport: HTTPTransport) throws(DeliveryError) -> (API, String) {
    var answers: [String] = []
    for api in [API.v2, .v1] {
      guard let url = URL(string: base + api.rawValue + "/version") else {
        throw .refused("the URL \(base) is not a valid URL")
      }
      let response = try transport.send("GET", url)
      if response.status == 200,
        let version = (try? JSONValue.parse(response.text))?.objectValue?["version"]?
          .stringValue
      {
        if api == .v2 && !version.hasPrefix("3") || api == .v1 && !version.hasPrefix("2.") {
          throw .notAirflow(url: base, detail: "it reports Airflow \(version) on \(api.rawValue)")
        }
        return (api, version)
      }
      answers.append("\(api.rawValue)/version answered \(response.status)")
    }
    throw .notAirflow(url: base, detail: answers.joined(separator: ", "))
  }

  // MARK: Requests

  /// Sends a JSON request, logging in (again) once when the server says the token is not valid.
  func request(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil)
    throws(DeliveryError) -> (status: Int, json: JSONValue?)
  {
    var components = URLComponents(string: base + api.rawValue + path)
    if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
    guard let url = components?.url else { throw .refused("cannot build a URL for \(path)") }
    let bytes = body.map { Array($0.compactText.utf8) }
    var response = try transport.send(method, url, headers: try authorization(renew: false), body: bytes)
    if Self.tokenRefused(response) {
      response = try transport.send(method, url, headers: try authorization(renew: true), body: bytes)
    }
    if Self.tokenRefused(response) { throw .rejectedCredentials(url: base, detail: response.detail) }
    if response.status == 403 { throw .forbidden(url: base, detail: response.detail) }
    return (response.status, try? JSONValue.parse(response.text))
  }

  /// Airflow 3 answers a token it did not sign, or one that expired, with 403 "Invalid JWT
  /// token" rather than 401: both mean the credentials, not the user's role.
  private static func tokenRefused(_ response: HTTPResponse) -> Bool {
    response.status == 401 || (response.status == 403 && response.text.contains("Invalid JWT"))
  }

  /// A request that must succeed with one of `expected`.
  func require(
    _ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
    expected: Set<Int> = [200]
  ) throws(DeliveryError) -> JSONValue? {
    let (status, json) = try request(method, path, query: query, body: body)
    guard expected.contains(status) else {
      throw .server(
        url: base + api.rawValue + path, status: status, detail: Self.problem(json) ?? "no details")
    }
    return json
  }

  /// The `detail` or `title` of a problem answer. A validation error's `input` (which may echo
  /// a password that was sent) is left out: only where and why.
  static func problem(_ json: JSONValue?) -> String? {
    guard let members = json?.objectValue else { return nil }
    if let detail = members["detail"]?.stringValue { return String(detail.prefix(300)) }
    if let items = members["detail"]?.arrayValue {
      let reasons = items.compactMap { item -> String? in
        guard let fields = item.objectValue else { return nil }
        let place = fields["loc"]?.arrayValue?.map { $0.stringValue ?? $0.compactText }.joined(separator: ".")
        let message = fields["msg"]?.stringValue ?? "invalid"
        return place.map { "\($0): \(message)" } ?? message
      }
      return String(reasons.joined(separator: "; ").prefix(300))
    }
    if members["detail"] != nil { return members["title"]?.stringValue ?? "refused (details withheld)" }
    return members["title"]?.stringValue
  }

  private func authorization(renew: Bool) throws(DeliveryError) -> [String: String] {
    switch credentials {
    case .token(let token): return ["Authorization": "Bearer " + token]
    case .password(let username, let password):
      if api == .v1 {
        return ["Authorization": "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()]
      }
      if !renew, let token = session.token { return ["Authorization": "Bearer " + token] }
      let token = try login(username: username, password: password)
      session.token = token
      return ["Authorization": "Bearer " + token]
    }
  }

  private func login(username: String, password: String) throws(DeliveryError) -> String {
    guard let url = URL(string: base + "/auth/token") else { throw .refused("cannot build the login URL") }
    let body = JSONValue.object(["username": .string(username), "password": .string(password)])
    let response = try transport.send("POST", url, body: Array(body.compactText.utf8))
    guard response.status == 200 || response.status == 201,
      let token = (try? JSONValue.parse(response.text))?.objectValue?["access_token"]?.stringValue
    else {
      if response.status == 401 || response.status == 403 || response.status == 422 {
        throw .rejectedCredentials(
          url: base, detail: "the login for \"\(username)\" answered \(response.status)")
      }
      throw .server(url: base + "/auth/token", status: response.status, detail: response.detail)
    }
    return token
  }

  // MARK: Reading

  /// Every connection and variable in the database, a page at a time: the first pages of both
  /// lists together, then the rest of both four at a time. Once `cancellation` is set no further
  /// request is made.
  public func liveState() throws(DeliveryError) -> LiveState { try liveState(cancellation: nil) }

  func liveState(cancellation: Cancellation?) throws(DeliveryError) -> LiveState {
    let lists = [
      Listing(path: "/connections", member: "connections", order: "connection_id"),
      Listing(path: "/variables", member: "variables", order: "key"),
    ]
    let firsts = try Self.fourAtATime(lists.count) { index throws(DeliveryError) in
      try self.page(lists[index], offset: 0, cancellation)
    }
    var rest: [(list: Int, offset: Int)] = []
    for (index, first) in firsts.enumerated() {
      guard let total = first.total, total > first.items.count, !first.items.isEmpty else { continue }
      let pages = (total - 1) / first.items.count
      // A server that answers a handful per page (or claims millions) is not followed into a
      // million requests.
      if pages > Self.maximumPages {
        throw .refused(
          "the server lists \(total) \(lists[index].member) at \(first.items.count) a page: more than "
            + "\(Self.maximumPages) requests; raise its [api] maximum_page_limit")
      }
      rest += stride(from: first.items.count, to: total, by: first.items.count).map { (index, $0) }
    }
    let requests = rest
    let pages = try Self.fourAtATime(requests.count) { index throws(DeliveryError) in
      try self.page(lists[requests[index].list], offset: requests[index].offset, cancellation).items
    }
    var items = firsts.map(\.items)
    for (request, page) in zip(requests, pages) { items[request.list] += page }
    var warnings: [String] = []
    for (index, first) in firsts.enumerated() {
      guard let total = first.total, items[index].count != total else { continue }
      // Someone changed the list between two pages: an object may be missing or read twice.
      warnings.append(
        "the server's \(lists[index].member) changed while they were read (\(items[index].count) read, "
          + "\(total) listed): plan again to be sure")
    }

    var connections = items[0].compactMap(LiveConnection.init(api:))
    if api == .v1 {
      // 2.10 lists connections without their extra: each is read on its own, four at a time.
      let listed = connections
      connections = try Self.fourAtATime(listed.count) { index throws(DeliveryError) in
        try cancellation?.check()
        let json = try self.require("GET", "/connections/" + Self.escaped(listed[index].id))
        return json.flatMap(LiveConnection.init(api:)) ?? listed[index]
      }
    }
    var state = LiveState(
      version: version, connections: connections, variables: items[1].compactMap(LiveVariable.init(api:)))
    state.warnings = warnings
    return state
  }

  /// One of the lists a plan reads. A page of `requestedPageSize` is asked for, and the server
  /// answers with at most its `[api] maximum_page_limit` (100 unless configured): the first page
  /// says how many there are and how many a page holds.
  private struct Listing: Sendable {
    var path: String
    var member: String
    var order: String
  }

  /// `body(0..<count)` on four threads (requests wait on the network, not the CPU), in order.
  /// The first failure cancels what has not started, and the first error in order is thrown.
  private static func fourAtATime<Value: Sendable>(
    _ count: Int, _ body: @escaping @Sendable (Int) throws(DeliveryError) -> Value
  ) throws(DeliveryError) -> [Value] {
    let results = ConcurrentResults<Value>(count: count)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 4
    for index in 0..<count {
      queue.addOperation {
        do throws(DeliveryError) {
          results.set(index, .success(try body(index)))
        } catch {
          results.set(index, .failure(error))
          queue.cancelAllOperations()
        }
      }
    }
    queue.waitUntilAllOperationsAreFinished()
    let all = results.all
    for case .failure(let error)? in all { throw error }
    return try all.map { result throws(DeliveryError) in
      guard let result else { throw DeliveryError.refused("a request was not made") }
      return try result.get()
    }
  }

  /// At most this many pages after the first of each list: a million objects at 100 a page.
  static let maximumPages = 10_000

  /// Larger pages save a server that allows them one request per page; beyond a thousand an
  /// answer grows large while the number of requests no longer matters.
  static let requestedPageSize = 1000

  private func page(_ listing: Listing, offset: Int, _ cancellation: Cancellation?) throws(DeliveryError) -> (
    items: [JSONValue], total: Int?
  ) {
    try cancellation?.check()
    let json = try require(
      "GET", listing.path,
      query: [
        ("limit", String(Self.requestedPageSize)), ("offset", String(offset)), ("order_by", listing.order),
      ])
    guard let page = json?.objectValue?[listing.member]?.arrayValue else {
      throw .server(
        url: base + api.rawValue + listing.path, status: 200,
        detail: "the answer has no \(listing.member) list")
    }
    let total = json?.objectValue?["total_entries"].flatMap { value -> Int? in
      if case .integer(let count) = value { return Int(count) }
      return nil
    }
    return (page, total)
  }

  /// A path segment with everything but unreserved characters percent-encoded (variable keys
  /// may hold `/`).
  static func escaped(_ segment: String) -> String {
    let allowed = CharacterSet(
      charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
  }
}

/// The 3.x token, shared by the requests of one client.
private final class TokenBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value: String?

  var token: String? {
    get {
      lock.lock()
      defer { lock.unlock() }
      return value
    }
    set {
      lock.lock()
      defer { lock.unlock() }
      value = newValue
    }
  }
}

/// Results made on several threads, each put in its place.
private final class ConcurrentResults<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<Value, DeliveryError>?]

  init(count: Int) { results = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<Value, DeliveryError>) {
    lock.lock()
    defer { lock.unlock() }
    results[index] = result
  }

  var all: [Result<Value, DeliveryError>?] {
    lock.lock()
    defer { lock.unlock() }
    return results
  }
}
