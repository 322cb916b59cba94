import AirenvModel

/// One connection as a Deployment resolves it, in Airflow's terms.
public struct ExportConnection: Equatable, Sendable {
  public var connId: String
  public var connType: String
  public var description: String?
  public var host: String?
  public var schema: String?
  public var login: String?
  public var password: String?
  public var port: Int?
  public var extra: [String: JSONValue]

  public init(
    connId: String, connType: String, description: String? = nil, host: String? = nil, schema: String? = nil,
    login: String? = nil, password: String? = nil, port: Int? = nil, extra: [String: JSONValue] = [:]
  ) {
    self.connId = connId
    self.connType = connType
    self.description = description
    self.host = host
    self.schema = schema
    self.login = login
    self.password = password
    self.port = port
    self.extra = extra
  }

  /// Airflow's JSON connection form (`Connection.from_json`): only the fields that are set.
  public var airflowObject: [String: JSONValue] {
    var object: [String: JSONValue] = ["conn_type": .string(connType)]
    let texts: [(String, String?)] = [
      ("description", description), ("host", host), ("schema", schema), ("login", login),
      ("password", password),
    ]
    for (name, value) in texts { if let value { object[name] = .string(value) } }
    if let port { object["port"] = .integer(Int64(port)) }
    if !extra.isEmpty { object["extra"] = .object(extra) }
    return object
  }
}

public struct ExportVariable: Equatable, Sendable {
  public var key: String
  public var value: String
  public var description: String?

  public init(key: String, value: String, description: String? = nil) {
    self.key = key
    self.value = value
    self.description = description
  }
}

/// What one Deployment gets, ready to write in Airflow's formats.
public struct ExportSet: Equatable, Sendable {
  public var deployment: String
  public var connections: [ExportConnection]
  public var variables: [ExportVariable]
  /// Secret fields left out because secrets were not asked for, e.g. `connection db: password`.
  public var withheld: [String]

  public init(
    deployment: String, connections: [ExportConnection], variables: [ExportVariable], withheld: [String] = []
  ) {
    self.deployment = deployment
    self.connections = connections
    self.variables = variables
    self.withheld = withheld
  }

  /// Resolves a Deployment. Without `includingSecrets` every secret field is left out and
  /// named in `withheld`; with it, a secret that cannot be decrypted is an error.
  public init(workspace: Workspace, deployment: Deployment, includingSecrets: Bool) throws(ExportProblem) {
    self.deployment = deployment.name
    connections = []
    variables = []
    withheld = []
    for exported in try Self.onEveryCore(
      workspace.resolvedConnections(for: deployment.id),
      { pair throws(ExportProblem) in try Self.exporting(pair.0, pair.1, includingSecrets: includingSecrets) }
    ) {
      connections.append(exported.connection)
      withheld += exported.withheld
    }
    for exported in try Self.onEveryCore(
      workspace.resolvedVariables(for: deployment.id),
      { pair throws(ExportProblem) in try Self.exporting(pair.0, pair.1, includingSecrets: includingSecrets) }
    ) {
      if let value = exported.variable { variables.append(value) }
      withheld += exported.withheld
    }
  }

  /// `items.map(export)` on every core (a dense Workspace gives a Deployment 10,000 objects);
  /// the first refusal in the items' order is the one thrown.
  private static func onEveryCore<Item: Sendable, Exported: Sendable>(
    _ items: [Item], _ export: @Sendable (Item) throws(ExportProblem) -> Exported
  ) throws(ExportProblem) -> [Exported] {
    let results = items.concurrentMap { item in Result { () throws(ExportProblem) in try export(item) } }
    return try results.map { result throws(ExportProblem) in try result.get() }
  }

  /// One connection as a Deployment gets it, and the secret fields left out of it.
  static func exporting(_ connection: Connection, _ resolved: ResolvedConnection, includingSecrets: Bool)
    throws(ExportProblem) -> (connection: ExportConnection, withheld: [String])
  {
    let fields = resolved.fields.mapValues(\.value)
    var export = ExportConnection(
      connId: connection.key, connType: fields[.connType] ?? connection.base.connType,
      description: fields[.description], host: fields[.host], schema: fields[.schema],
      login: fields[.login],
      password: fields[.password], port: resolved.port, extra: resolved.extraObject)
    var withheld: [String] = []
    if includingSecrets {
      if let password = export.password, let (lock, _) = Secrecy.lock(of: password) {
        throw ExportProblem.refusing(lock, "the password of connection \"\(connection.key)\"")
      }
      if let key = export.extra.keys.sorted().first(where: { Secrecy.lock(of: export.extra[$0]!) != nil }) {
        throw ExportProblem.refusing(
          Secrecy.lock(of: export.extra[key]!)!, "extra \"\(key)\" of connection \"\(connection.key)\"")
      }
    } else {
      let secretKeys = export.extra.keys.filter { key in
        connection.base.isSecret(extraKey: key) || Secrecy.containsSecret(export.extra[key]!, key: key)
      }
      if export.password != nil {
        export.password = nil
        withheld.append("connection \(connection.key): password")
      }
      for key in secretKeys.sorted() {
        if connection.base.isSecret(extraKey: key) {
          export.extra[key] = nil
        } else {
          export.extra[key] = Self.withoutSecrets(export.extra[key]!)
        }
        withheld.append("connection \(connection.key): extra.\(key)")
      }
    }
    return (export, withheld)
  }

  /// One variable as a Deployment gets it (nil when it is secret and secrets were not asked
  /// for), and what was left out.
  static func exporting(_ variable: Variable, _ resolved: ResolvedVariable, includingSecrets: Bool)
    throws(ExportProblem) -> (variable: ExportVariable?, withheld: [String])
  {
    if variable.isSecret && !includingSecrets {
      return (nil, ["variable \(variable.key): value"])
    }
    if let (lock, _) = Secrecy.lock(of: resolved.value.value) {
      throw ExportProblem.refusing(lock, "the value of variable \"\(variable.key)\"")
    }
    return (
      ExportVariable(key: variable.key, value: resolved.value.value, description: resolved.description), []
    )
  }

  /// A nested value with its secret members removed.
  private static func withoutSecrets(_ value: JSONValue) -> JSONValue {
    switch value {
    case .object(let members):
      var kept: [String: JSONValue] = [:]
      for (key, member) in members where !Secrecy.isSecret(extraKey: key) {
        kept[key] = withoutSecrets(member)
      }
      return .object(kept)
    case .array(let items): return .array(items.map(withoutSecrets))
    default: return value
    }
  }
}

/// Why an export could not be written.
public enum ExportProblem: Error, Equatable, Sendable {
  case locked(String)
  /// A secret pulled from an Airflow that showed it masked: airenv never had its value.
  case missing(String)
  case unrepresentable(format: String, reasons: [String])

  static func refusing(_ lock: Secrecy.Lock, _ what: String) -> ExportProblem {
    lock == .missing ? .missing(what) : .locked(what)
  }

  public var message: String {
    switch self {
    case .locked(let what):
      return "\(what) does not decrypt with the current key; see `airenv key status`"
    case .missing(let what):
      return "\(what) is missing: it was pulled from an Airflow that does not reveal secrets; set it "
        + "(`airenv connection update … --password-stdin`, `airenv variable update … --value-stdin`)"
    case .unrepresentable(let format, let reasons):
      return "the \(format) format cannot hold: " + reasons.joined(separator: "; ")
    }
  }
}
