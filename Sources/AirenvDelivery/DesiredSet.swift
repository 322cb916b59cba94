import AirenvFormats
import AirenvModel

/// One object as a Deployment resolves it, split the way plans compare it: non-secret fields
/// by Airflow's names (`conn_type`, `host`, `extra.<key>`, `value`, `description`), and secret
/// fields (the password, secret extra keys, a secret variable's value) kept apart so that only
/// their digests are ever recorded.
public struct DesiredObject: Sendable {
  public var kind: ObjectKind
  public var id: String
  public var fields: [String: JSONValue]
  public var secrets: [String: String]
  let connection: ExportConnection?
  let variable: ExportVariable?

  func operation(create: Bool) -> DeliveryOperation {
    if let connection { return create ? .createConnection(connection) : .updateConnection(connection) }
    return create ? .createVariable(variable!) : .updateVariable(variable!)
  }

  /// Whether Airflow must end up without a password (one can only be cleared by re-creating).
  var hasNoPassword: Bool { kind == .connection && connection?.password == nil }
}

/// Everything a Deployment resolves to, ready to compare with a target.
public struct DesiredSet: Sendable {
  public var objects: [DesiredObject]
  /// The same set in export form (secrets included), for targets that are written as files.
  public private(set) var exportSet: ExportSet?

  public init(objects: [DesiredObject]) { self.objects = objects }

  /// Resolves `deployment` with its secrets; a secret that does not decrypt is refused.
  public init(workspace: Workspace, deployment: Deployment) throws(DeliveryError) {
    let set: ExportSet
    do {
      set = try ExportSet(workspace: workspace, deployment: deployment, includingSecrets: true)
    } catch {
      throw .refused("cannot deliver Deployment \"\(deployment.name)\": \(error.message)")
    }
    exportSet = set
    let connectionsByKey = Dictionary(
      workspace.resolvedConnections(for: deployment.id).map { ($0.0.key, $0.0) },
      uniquingKeysWith: { first, _ in first })
    objects = set.connections.map { connection in
      let base = connectionsByKey[connection.connId]?.base
      return Self.desired(connection) { key, value in
        (base?.isSecret(extraKey: key) ?? Secrecy.isSecret(extraKey: key))
          || Secrecy.containsSecret(value, key: key)
      }
    }
    let secretVariables = Set(
      workspace.resolvedVariables(for: deployment.id).filter { $0.0.isSecret }.map(\.0.key))
    objects += set.variables.map { Self.desired($0, secret: secretVariables.contains($0.key)) }
  }

  public static func desired(_ connection: ExportConnection, isSecretExtra: (String, JSONValue) -> Bool)
    -> DesiredObject
  {
    var fields: [String: JSONValue] = ["conn_type": .string(connection.connType)]
    for (name, value) in [
      ("description", connection.description), ("host", connection.host), ("schema", connection.schema),
      ("login", connection.login),
    ] {
      if let value, !value.isEmpty { fields[name] = .string(value) }
    }
    if let port = connection.port { fields["port"] = .integer(Int64(port)) }
    var secrets: [String: String] = [:]
    if let password = connection.password, !password.isEmpty { secrets["password"] = password }
    for (key, value) in connection.extra {
      if isSecretExtra(key, value) {
        secrets["extra." + key] = value.stringValue ?? value.compactText
      } else {
        fields["extra." + key] = value
      }
    }
    return DesiredObject(
      kind: .connection, id: connection.connId, fields: fields, secrets: secrets, connection: connection,
      variable: nil)
  }

  public static func desired(_ variable: ExportVariable, secret: Bool) -> DesiredObject {
    var fields: [String: JSONValue] = [:]
    var secrets: [String: String] = [:]
    if secret { secrets["value"] = variable.value } else { fields["value"] = .string(variable.value) }
    if let description = variable.description, !description.isEmpty {
      fields["description"] = .string(description)
    }
    return DesiredObject(
      kind: .variable, id: variable.key, fields: fields, secrets: secrets, connection: nil, variable: variable
    )
  }
}

extension LiveVariable {
  /// The variable's fields by the names plans use.
  public var fields: [String: JSONValue] {
    var fields: [String: JSONValue] = ["value": .string(value)]
    if let description, !description.isEmpty { fields["description"] = .string(description) }
    return fields
  }
}
