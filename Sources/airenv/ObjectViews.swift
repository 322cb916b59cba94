import AirenvModel

/// What the acting user may see: secret values (revealed by an Operator or Owner) and field
/// values at all (a Member sees names, types and links only).
struct ViewPolicy {
  var reveal: Bool
  var values: Bool

  static let everything = ViewPolicy(reveal: true, values: true)
}

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
  /// Secret fields whose values are withheld.
  var masked: [String]
  /// Secret fields that cannot be decrypted with the current key.
  var locked: [String]

  enum CodingKeys: String, CodingKey {
    case connType = "conn_type", description, host, schema, login, password, port, extra, masked, locked
  }

  init(
    fields: [ConnectionField: String], extra: [String: JSONValue]?, secretKeys: Set<String>,
    policy: ViewPolicy
  ) {
    connType = fields[.connType] ?? ""
    masked = []
    locked = []
    guard policy.values else { return }
    description = fields[.description]
    host = fields[.host]
    schema = fields[.schema]
    login = fields[.login]
    password = fields[.password]
    port = fields[.port].flatMap { Int($0) }
    self.extra = extra
    if let value = password, Secrecy.lock(of: value) != nil {
      password = nil
      locked.append("password")
    } else if password != nil && !policy.reveal {
      password = nil
      masked.append("password")
    }
    if let extra {
      var shown: [String: JSONValue] = [:]
      for (key, value) in extra {
        if Secrecy.lock(of: value) != nil {
          shown[key] = .null
          locked.append("extra.\(key)")
        } else {
          shown[key] = policy.reveal ? value : Secrecy.masked(value, key: key, marked: secretKeys)
          if shown[key] != value { masked.append("extra.\(key)") }
        }
      }
      self.extra = shown
    }
    masked.sort()
    locked.sort()
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

  init(_ connection: Connection, in workspace: Workspace, policy: ViewPolicy) {
    connId = connection.key
    id = connection.id
    sharing = SharingView(connection, in: workspace)
    let secretKeys = connection.base.markedSecretKeys
    base = ConnectionFieldsView(
      fields: connection.base.fields, extra: connection.base.extra, secretKeys: secretKeys, policy: policy)
    overrides = Dictionary(
      uniqueKeysWithValues: connection.links.map { id, link in
        (
          workspace.deployment(id: id)?.name ?? id,
          ConnectionFieldsOverrideView(link, secretKeys: secretKeys, policy: policy)
        )
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
  var locked: [String]

  enum CodingKeys: String, CodingKey {
    case fields, extraSet = "extra_set", extraUnset = "extra_unset", masked, locked
  }

  init(_ link: ConnectionOverride, secretKeys: Set<String>, policy: ViewPolicy) {
    fields = [:]
    masked = []
    locked = []
    extraSet = [:]
    extraUnset = link.extraUnset.sorted()
    for (field, value) in link.fields {
      if Secrecy.lock(of: value) != nil {
        fields[field.rawValue] = .some(nil)
        locked.append(field.rawValue)
      } else if !policy.values || (!policy.reveal && Secrecy.isSecret(field)) {
        fields[field.rawValue] = .some(nil)
        masked.append(field.rawValue)
      } else {
        fields[field.rawValue] = .some(value)
      }
    }
    for (key, value) in link.extraSet {
      if Secrecy.lock(of: value) != nil {
        extraSet[key] = .null
        locked.append("extra.\(key)")
        continue
      }
      extraSet[key] =
        !policy.values
        ? .string(Secrecy.mask) : policy.reveal ? value : Secrecy.masked(value, key: key, marked: secretKeys)
      if extraSet[key] != value { masked.append("extra.\(key)") }
    }
    masked.sort()
    locked.sort()
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
  var locked: Bool
  var revision: Int
  var updatedAt: String
  var updatedBy: String

  enum CodingKeys: String, CodingKey {
    case key, id, value, description, secret, sharing, overrides, masked, locked, revision
    case updatedAt = "updated_at", updatedBy = "updated_by"
  }

  init(_ variable: Variable, in workspace: Workspace, policy: ViewPolicy) {
    key = variable.key
    id = variable.id
    secret = variable.isSecret
    locked =
      Secrecy.lock(of: variable.base.value) != nil
      || variable.links.values.contains { $0.value.map { Secrecy.lock(of: $0) != nil } ?? false }
    let hidden = !policy.values || (variable.isSecret && !policy.reveal) || locked
    masked = hidden && !locked
    value = hidden ? nil : variable.base.value
    description = policy.values ? variable.base.description : nil
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
