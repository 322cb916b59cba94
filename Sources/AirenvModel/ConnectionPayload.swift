import Foundation

/// The standard columns of an Airflow connection besides its conn_id.
public enum ConnectionField: String, CaseIterable, Codable, Sendable, Comparable {
  case connType = "conn_type"
  case description
  case host
  case schema
  case login
  case password
  case port

  public static func < (lhs: Self, rhs: Self) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// A partial change to a connection's fields, used for create, update and link overrides.
/// Every field it does not name stays as it was.
public struct ConnectionChanges: Equatable, Sendable {
  public var fields: [ConnectionField: String]
  /// Base fields to clear (to Airflow's None); refused for overrides, which use reset.
  public var clear: Set<ConnectionField>
  public var extraSet: [String: JSONValue]
  public var extraUnset: Set<String>
  /// Extra keys the user marks secret (besides those secret by name).
  public var secretExtraKeys: Set<String>

  public init(
    fields: [ConnectionField: String] = [:], clear: Set<ConnectionField> = [],
    extraSet: [String: JSONValue] = [:], extraUnset: Set<String> = [], secretExtraKeys: Set<String> = []
  ) {
    self.fields = fields
    self.clear = clear
    self.extraSet = extraSet
    self.extraUnset = extraUnset
    self.secretExtraKeys = secretExtraKeys
  }

  public var isEmpty: Bool {
    fields.isEmpty && clear.isEmpty && extraSet.isEmpty && extraUnset.isEmpty && secretExtraKeys.isEmpty
  }

  /// Checks and normalises the values: conn_type as Airflow normalises it, port 1–65535.
  func validated(allowingEmptyPort: Bool) throws(ModelError) -> ConnectionChanges {
    var result = self
    for field in fields.keys where clear.contains(field) {
      throw .invalidField(field: field.rawValue, reason: "it is both set and cleared")
    }
    for key in extraSet.keys where extraUnset.contains(key) {
      throw .invalidField(field: "extra.\(key)", reason: "it is both set and removed")
    }
    for key in Array(extraSet.keys) + Array(extraUnset) where key.isEmpty {
      throw .invalidField(field: "extra", reason: "an extra key is empty")
    }
    if clear.contains(.connType) {
      throw .invalidField(field: "conn_type", reason: "a connection always has a type")
    }
    for (field, value) in fields {
      if let problem = IdentifierRules.problem(withValue: value) {
        throw .invalidField(field: field.rawValue, reason: problem)
      }
    }
    if JSONValue.object(extraSet).depth > Limits.jsonDepth {
      throw .invalidField(
        field: "extra", reason: "it nests objects or lists more than \(Limits.jsonDepth) levels deep")
    }
    let extraSize = JSONValue.object(extraSet).compactText.utf8.count
    if extraSize > Limits.valueBytes {
      throw .invalidField(
        field: "extra",
        reason: "it is \(extraSize) bytes of JSON; the limit is \(Limits.describe(bytes: Limits.valueBytes))")
    }
    if let type = fields[.connType] {
      result.fields[.connType] = try ConnectionPayload.normalizedType(type)
    }
    if let port = fields[.port] {
      if port.isEmpty {
        if !allowingEmptyPort { result.fields[.port] = nil; result.clear.insert(.port) }
      } else {
        result.fields[.port] = String(try ConnectionPayload.validatedPort(port))
      }
    }
    return result
  }
}

/// A connection's base fields: the standard columns that are set, and `extra`.
public struct ConnectionPayload: Equatable, Sendable {
  /// Absent means None in Airflow; an empty string is a set, empty value.
  public var fields: [ConnectionField: String]
  public var extra: [String: JSONValue]
  /// Top-level extra keys the user marked secret; they are encrypted and masked like a password.
  public var secretExtraKeys: Set<String>

  public init(
    fields: [ConnectionField: String], extra: [String: JSONValue] = [:], secretExtraKeys: Set<String> = []
  ) {
    self.fields = fields
    self.extra = extra
    self.secretExtraKeys = secretExtraKeys
  }

  /// Whether an extra key's value is secret: by Airflow's sensitive words, by the type's
  /// catalogue entry, or marked by the user.
  public func isSecret(extraKey key: String) -> Bool {
    secretExtraKeys.contains(key) || Secrecy.isSecret(extraKey: key)
      || (ConnectionTypeCatalogue.type(connType)?.secretExtraKeys.contains(key) ?? false)
  }

  /// The top-level extra keys that are secret for reasons other than their name.
  public var markedSecretKeys: Set<String> {
    secretExtraKeys.union(ConnectionTypeCatalogue.type(connType)?.secretExtraKeys ?? [])
  }

  public var connType: String { fields[.connType] ?? "" }

  /// Airflow lower-cases the type, writes `-` as `_` and reads `postgresql` as `postgres`.
  static func normalizedType(_ type: String) throws(ModelError) -> String {
    var normalized = type.lowercased().replacingOccurrences(of: "-", with: "_")
    if normalized == "postgresql" { normalized = "postgres" }
    let allowed = normalized.unicodeScalars.allSatisfy {
      IdentifierRules.isAlphanumeric($0) || $0 == "_"
    }
    guard !normalized.isEmpty, allowed, normalized.count <= 500 else {
      throw .invalidField(
        field: "conn_type",
        reason: "\"\(type)\" is not a connection type (letters, digits, _ and -, e.g. postgres)")
    }
    return normalized
  }

  static func validatedPort(_ text: String) throws(ModelError) -> Int {
    guard let port = Int(text), (1...65535).contains(port) else {
      throw .invalidField(field: "port", reason: "\"\(text)\" is not a port number from 1 to 65535")
    }
    return port
  }
}

extension ConnectionPayload: ObjectPayload {
  public typealias Override = ConnectionOverride
  public static let kind = ObjectKind.connection

  public init(creatingWith changes: ConnectionChanges) throws(ModelError) {
    let checked = try changes.validated(allowingEmptyPort: false)
    guard checked.fields[.connType] != nil else {
      throw .invalidField(field: "conn_type", reason: "a new connection needs a type (--type)")
    }
    self.init(fields: [:])
    try apply(checked)
  }

  public mutating func apply(_ changes: ConnectionChanges) throws(ModelError) {
    let checked = try changes.validated(allowingEmptyPort: false)
    for (field, value) in checked.fields { fields[field] = value }
    for field in checked.clear { fields[field] = nil }
    for (key, value) in checked.extraSet { extra[key] = value }
    for key in checked.extraUnset { extra[key] = nil }
    secretExtraKeys.formUnion(checked.secretExtraKeys)
  }

  public func resolved(with override: ConnectionOverride?, baseProvenance: Provenance)
    -> ResolvedConnection
  {
    var result = ResolvedConnection()
    for (field, value) in fields { result.fields[field] = ResolvedValue(value, baseProvenance) }
    for (key, value) in extra { result.extra[key] = ResolvedValue(value, baseProvenance) }
    guard let override else { return result }
    for (field, value) in override.fields {
      // An overridden empty port means "no port": the field is then absent.
      if field == .port && value.isEmpty {
        result.fields[.port] = nil
        result.removedFields.insert(field)
      } else {
        result.fields[field] = ResolvedValue(value, .override)
      }
    }
    for (key, value) in override.extraSet { result.extra[key] = ResolvedValue(value, .override) }
    for key in override.extraUnset where result.extra[key] != nil {
      result.extra[key] = nil
      result.removedExtraKeys.insert(key)
    }
    return result
  }
}

/// The fields a Deployment sees for one connection, with provenance.
public struct ResolvedConnection: Equatable, Sendable {
  public var fields: [ConnectionField: ResolvedValue<String>] = [:]
  public var extra: [String: ResolvedValue<JSONValue>] = [:]
  /// Base fields an override removed (an empty port override).
  public var removedFields: Set<ConnectionField> = []
  /// Base extra keys an override removed.
  public var removedExtraKeys: Set<String> = []

  public var port: Int? { fields[.port].flatMap { Int($0.value) } }
  public var extraObject: [String: JSONValue] { extra.mapValues(\.value) }
}

/// A link's overrides of a connection: which standard fields and extra keys are set.
public struct ConnectionOverride: Equatable, Sendable {
  /// conn_type, description, host, schema, login, password, port; an empty port = no port.
  public var fields: [ConnectionField: String]
  public var extraSet: [String: JSONValue]
  /// Extra keys inherited from the base that this Deployment does not get.
  public var extraUnset: Set<String>

  public init(
    fields: [ConnectionField: String] = [:], extraSet: [String: JSONValue] = [:],
    extraUnset: Set<String> = []
  ) {
    self.fields = fields
    self.extraSet = extraSet
    self.extraUnset = extraUnset
  }
}

extension ConnectionOverride: OverridePayload {
  public init() { self.init(fields: [:]) }

  public var setFieldNames: [String] {
    fields.keys.sorted().map(\.rawValue)
      + Set(extraSet.keys).union(extraUnset).sorted().map { "extra.\($0)" }
  }

  public mutating func apply(_ changes: ConnectionChanges) throws(ModelError) {
    let checked = try changes.validated(allowingEmptyPort: true)
    if !checked.secretExtraKeys.isEmpty {
      throw .invalidField(field: "extra", reason: "keys are marked secret on the connection, not on one link")
    }
    if let field = checked.clear.sorted().first {
      throw .invalidField(
        field: field.rawValue,
        reason: "an override is set to a value or reset to inherit; it is not cleared")
    }
    for (field, value) in checked.fields { fields[field] = value }
    for (key, value) in checked.extraSet {
      extraSet[key] = value
      extraUnset.remove(key)
    }
    for key in checked.extraUnset {
      extraSet[key] = nil
      extraUnset.insert(key)
    }
  }

  public mutating func clear(fieldNamed name: String) throws(ModelError) -> Bool {
    if name == "extra" {
      let had = !extraSet.isEmpty || !extraUnset.isEmpty
      extraSet = [:]
      extraUnset = []
      return had
    }
    if name.hasPrefix("extra.") {
      let key = String(name.dropFirst("extra.".count))
      let had = extraSet[key] != nil || extraUnset.contains(key)
      extraSet[key] = nil
      extraUnset.remove(key)
      return had
    }
    guard let field = ConnectionField(rawValue: name) else {
      throw .invalidField(
        field: name,
        reason: "a connection override field is one of "
          + ConnectionField.allCases.map(\.rawValue).joined(separator: ", ")
          + ", extra or extra.KEY")
    }
    return fields.removeValue(forKey: field) != nil
  }
}
