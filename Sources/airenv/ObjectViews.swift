import AirenvModel

/// The stable JSON shapes of objects in listings and `get`. Secret values are replaced by
/// null and named in `masked` unless revealed.
struct SharingView: Encodable {
  var scope: String
  var owner: String?
  var linkedToAll: Bool
  var links: [String]
  var exclusions: [String]

  init<P>(_ object: EnvironmentObject<P>, in workspace: Workspace) {
    let name = { (id: DeploymentID) in workspace.deployment(id: id)?.name ?? id }
    scope = object.scope == .workspace ? "workspace" : "deployment"
    owner = object.scope.owningDeployment.map(name)
    linkedToAll = object.linkedToAll
    links = object.links.keys.map(name).sorted()
    exclusions = object.exclusions.map(name).sorted()
  }

  /// "all", "all but feature-x", "prod, staging", "scoped to dev", "none".
  var summary: String {
    if let owner { return "scoped to \(owner)" }
    if linkedToAll {
      return exclusions.isEmpty ? "all" : "all but \(exclusions.joined(separator: ","))"
    }
    return links.isEmpty ? "none" : links.joined(separator: ",")
  }
}

struct ConnectionFieldsView: Encodable {
  var connType: String
  var description: String?
  var host: String?
  var schema: String?
  var login: String?
  var password: String?
  var port: Int?
  var extra: [String: JSONValue]?
  var masked: [String]

  enum CodingKeys: String, CodingKey {
    case connType = "conn_type", description, host, schema, login, password, port, extra, masked
  }

  init(fields: [ConnectionField: String], extra: [String: JSONValue]?, reveal: Bool) {
    connType = fields[.connType] ?? ""
    description = fields[.description]
    host = fields[.host]
    schema = fields[.schema]
    login = fields[.login]
    password = fields[.password]
    port = fields[.port].flatMap { Int($0) }
    self.extra = extra
    masked = []
    guard !reveal else { return }
    if password != nil {
      password = nil
      masked.append("password")
    }
    if let extra {
      var hidden: [String: JSONValue] = [:]
      for (key, value) in extra {
        hidden[key] = Secrecy.masked(value, key: key)
        if hidden[key] != value { masked.append("extra.\(key)") }
      }
      self.extra = hidden
    }
    masked.sort()
  }
}

struct ConnectionView: Encodable {
  var connId: String
  var id: String
  var sharing: SharingView
  var base: ConnectionFieldsView
  var overrides: [String: ConnectionFieldsOverrideView]
  var revision: Int
  var updatedAt: String
  var updatedBy: String

  enum CodingKeys: String, CodingKey {
    case connId = "conn_id", id, sharing, base, overrides, revision
    case updatedAt = "updated_at", updatedBy = "updated_by"
  }

  init(_ connection: Connection, in workspace: Workspace, reveal: Bool) {
    connId = connection.key
    id = connection.id
    sharing = SharingView(connection, in: workspace)
    base = ConnectionFieldsView(fields: connection.base.fields, extra: connection.base.extra, reveal: reveal)
    overrides = Dictionary(
      uniqueKeysWithValues: connection.links.map { id, link in
        (workspace.deployment(id: id)?.name ?? id, ConnectionFieldsOverrideView(link, reveal: reveal))
      })
    revision = connection.stamp.revision
    updatedAt = connection.stamp.updatedAt.formatted(.iso8601)
    updatedBy = connection.stamp.updatedBy
  }
}

/// One link's overrides: only the fields that are set.
struct ConnectionFieldsOverrideView: Encodable {
  var fields: [String: String?]
  var extraSet: [String: JSONValue]
  var extraUnset: [String]
  var masked: [String]

  enum CodingKeys: String, CodingKey {
    case fields, extraSet = "extra_set", extraUnset = "extra_unset", masked
  }

  init(_ link: ConnectionOverride, reveal: Bool) {
    fields = [:]
    masked = []
    for (field, value) in link.fields {
      if !reveal && Secrecy.isSecret(field) {
        fields[field.rawValue] = .some(nil)
        masked.append(field.rawValue)
      } else {
        fields[field.rawValue] = .some(value)
      }
    }
    extraSet = [:]
    for (key, value) in link.extraSet {
      extraSet[key] = reveal ? value : Secrecy.masked(value, key: key)
      if extraSet[key] != value { masked.append("extra.\(key)") }
    }
    extraUnset = link.extraUnset.sorted()
    masked.sort()
  }
}

struct VariableView: Encodable {
  var key: String
  var id: String
  var value: String?
  var description: String?
  var secret: Bool
  var sharing: SharingView
  var overrides: [String: String?]
  var masked: Bool
  var revision: Int
  var updatedAt: String
  var updatedBy: String

  enum CodingKeys: String, CodingKey {
    case key, id, value, description, secret, sharing, overrides, masked, revision
    case updatedAt = "updated_at", updatedBy = "updated_by"
  }

  init(_ variable: Variable, in workspace: Workspace, reveal: Bool) {
    key = variable.key
    id = variable.id
    secret = variable.isSecret
    let hidden = variable.isSecret && !reveal
    masked = hidden
    value = hidden ? nil : variable.base.value
    description = variable.base.description
    sharing = SharingView(variable, in: workspace)
    overrides = Dictionary(
      uniqueKeysWithValues: variable.links.map { id, link in
        (workspace.deployment(id: id)?.name ?? id, hidden ? nil : link.value)
      })
    revision = variable.stamp.revision
    updatedAt = variable.stamp.updatedAt.formatted(.iso8601)
    updatedBy = variable.stamp.updatedBy
  }
}
