import AirenvModel

/// What the server says about a secret field: it never says the value.
public enum LiveSecret: Equatable, Sendable {
  /// Not set (3.x answers null).
  case absent
  /// Set, shown masked (3.x `***`).
  case masked
  /// The server does not say whether it is set (2.10 leaves the password out).
  case unknown
}

/// A connection as a running Airflow's database holds it, as far as its API shows it.
public struct LiveConnection: Equatable, Sendable {
  public var id: String
  /// Non-secret fields by the names plans use (`conn_type`, `host`, `port`, `extra.<key>` …);
  /// masked values (`***`, or text with `***` in it) stand for what cannot be seen.
  public var fields: [String: JSONValue]
  public var password: LiveSecret
  /// The extra text when it is not a JSON object (then no `extra.<key>` field is given).
  public var unreadableExtra: String?
  /// Secret values where the endpoint shows them (files do; APIs never): compared by digest.
  public var secretValues: [String: String]

  public init(
    id: String, fields: [String: JSONValue], password: LiveSecret, unreadableExtra: String? = nil,
    secretValues: [String: String] = [:]
  ) {
    self.id = id
    self.fields = fields
    self.password = password
    self.unreadableExtra = unreadableExtra
    self.secretValues = secretValues
  }
}

public struct LiveVariable: Equatable, Sendable {
  public var key: String
  public var value: String
  public var description: String?
  /// Whether `value` is the real value (files), not one an API may have masked.
  public var valueIsExact: Bool

  public init(key: String, value: String, description: String?, valueIsExact: Bool = false) {
    self.key = key
    self.value = value
    self.description = description
    self.valueIsExact = valueIsExact
  }
}

/// Everything one target's Airflow holds that airenv manages the kinds of.
public struct LiveState: Equatable, Sendable {
  public var version: String
  public var connections: [String: LiveConnection]
  public var variables: [String: LiveVariable]

  /// Whether secret values are shown (files): then they are compared too, by digest.
  public var showsSecrets: Bool
  /// What makes the reading doubtful, e.g. a list that changed while it was read page by page.
  public var warnings: [String] = []

  public init(
    version: String, connections: [LiveConnection], variables: [LiveVariable], showsSecrets: Bool = false
  ) {
    self.version = version
    self.showsSecrets = showsSecrets
    self.connections = Dictionary(connections.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    self.variables = Dictionary(variables.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
  }
}

extension LiveConnection {
  /// Reads one item of a connection list or GET (3.x or 2.10).
  init?(api json: JSONValue) {
    guard let members = json.objectValue, let id = members["connection_id"]?.stringValue else { return nil }
    var fields: [String: JSONValue] = [:]
    for name in ["conn_type", "description", "host", "schema", "login"] {
      if let text = members[name]?.stringValue { fields[name] = .string(text) }
    }
    if case .integer(let port)? = members["port"] { fields["port"] = .integer(port) }
    var unreadable: String?
    if let extra = members["extra"]?.stringValue, !extra.isEmpty {
      if case .object(let keys)? = try? JSONValue.parse(extra) {
        for (key, value) in keys { fields["extra." + key] = value }
      } else {
        unreadable = extra
      }
    }
    let password: LiveSecret =
      switch members["password"] {
      case nil: .unknown
      case .null?: .absent
      case .string(let text)? where text.isEmpty: .absent
      default: .masked
      }
    self.init(id: id, fields: fields, password: password, unreadableExtra: unreadable)
  }
}

extension LiveVariable {
  init?(api json: JSONValue) {
    guard let members = json.objectValue, let key = members["key"]?.stringValue else { return nil }
    self.init(
      key: key, value: members["value"]?.stringValue ?? "", description: members["description"]?.stringValue)
  }
}
