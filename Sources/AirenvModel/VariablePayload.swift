/// A partial change to a variable; every field it does not name stays as it was.
public struct VariableChanges: Equatable, Sendable {
  public var value: String?
  public var description: String?
  public var clearDescription: Bool
  public var secret: Bool?

  public init(
    value: String? = nil, description: String? = nil, clearDescription: Bool = false,
    secret: Bool? = nil
  ) {
    self.value = value
    self.description = description
    self.clearDescription = clearDescription
    self.secret = secret
  }

  public var isEmpty: Bool { value == nil && description == nil && !clearDescription && secret == nil }

  /// Values within `Limits.valueBytes`.
  func checkSizes() throws(ModelError) {
    for (field, text) in [("value", value), ("description", description)] {
      if let text, let problem = IdentifierRules.problem(withValue: text) {
        throw .invalidField(field: field, reason: problem)
      }
    }
  }
}

/// A variable's base: its value (a string, possibly JSON text), description, secret flag.
public struct VariablePayload: Codable, Equatable, Sendable {
  public var value: String
  public var description: String?
  public var secret: Bool

  public init(value: String, description: String? = nil, secret: Bool = false) {
    self.value = value
    self.description = description
    self.secret = secret
  }
}

extension VariablePayload: ObjectPayload {
  public typealias Override = VariableOverride
  public static let kind = ObjectKind.variable

  public init(creatingWith changes: VariableChanges) throws(ModelError) {
    try changes.checkSizes()
    guard let value = changes.value else {
      throw .invalidField(
        field: "value", reason: "a new variable needs a value (--value, --value-stdin or --value-env)")
    }
    self.init(value: value, description: changes.description, secret: changes.secret ?? false)
  }

  public mutating func apply(_ changes: VariableChanges) throws(ModelError) {
    if changes.clearDescription && changes.description != nil {
      throw .invalidField(field: "description", reason: "it is both set and cleared")
    }
    try changes.checkSizes()
    if let value = changes.value { self.value = value }
    if let description = changes.description { self.description = description }
    if changes.clearDescription { description = nil }
    if let secret = changes.secret { self.secret = secret }
  }

  public func resolved(with override: VariableOverride?, baseProvenance: Provenance)
    -> ResolvedVariable
  {
    if let value = override?.value {
      return ResolvedVariable(value: ResolvedValue(value, .override), description: description)
    }
    return ResolvedVariable(value: ResolvedValue(value, baseProvenance), description: description)
  }
}

/// The value a Deployment sees for one variable, with provenance.
public struct ResolvedVariable: Equatable, Sendable {
  public var value: ResolvedValue<String>
  public var description: String?
}

/// A link's override of a variable: its value, when set.
public struct VariableOverride: Codable, Equatable, Sendable {
  public var value: String?

  public init(value: String? = nil) { self.value = value }
}

extension VariableOverride: OverridePayload {
  public init() { self.init(value: nil) }

  public var setFieldNames: [String] { value == nil ? [] : ["value"] }

  public mutating func apply(_ changes: VariableChanges) throws(ModelError) {
    if changes.description != nil || changes.clearDescription || changes.secret != nil {
      throw .invalidField(
        field: changes.secret != nil ? "secret" : "description",
        reason: "a variable link overrides only the value")
    }
    try changes.checkSizes()
    if let value = changes.value { self.value = value }
  }

  public mutating func clear(fieldNamed name: String) throws(ModelError) -> Bool {
    guard name == "value" else {
      throw .invalidField(field: name, reason: "a variable override field is \"value\"")
    }
    defer { value = nil }
    return value != nil
  }
}
