/// What distinguishes a connection from a variable: its base fields, what a link may
/// override, the partial changes a user can make and what a Deployment finally sees.
public protocol ObjectPayload: Codable, Equatable, Sendable, CheckedOnLoad {
  associatedtype Override: OverridePayload where Override.Changes == Changes
  associatedtype Changes: Sendable
  associatedtype Resolved: Equatable, Sendable

  static var kind: ObjectKind { get }

  /// Builds a new base from the fields a create command names.
  init(creatingWith changes: Changes) throws(ModelError)

  /// Applies a partial update; what `changes` does not name stays as it was.
  mutating func apply(_ changes: Changes) throws(ModelError)

  /// The value a Deployment sees, field by field, with where each field came from.
  func resolved(with override: Override?, baseProvenance: Provenance) -> Resolved
}

/// The fields one link overrides, stored as *which fields are set*.
public protocol OverridePayload: Codable, Equatable, Sendable, CheckedOnLoad {
  associatedtype Changes: Sendable

  init()

  /// The names of the fields that are set, e.g. `host`, `extra.sslmode`.
  var setFieldNames: [String] { get }

  /// Sets the override fields that `changes` names; clearing is `clearing(fieldNamed:)`.
  mutating func apply(_ changes: Changes) throws(ModelError)

  /// Makes one field inherit again; returns false when it was not overridden.
  mutating func clear(fieldNamed name: String) throws(ModelError) -> Bool
}

extension OverridePayload {
  public var isEmpty: Bool { setFieldNames.isEmpty }
}

/// A resolved value and where it came from.
public struct ResolvedValue<Value: Equatable & Sendable>: Equatable, Sendable {
  public var value: Value
  public var provenance: Provenance

  public init(_ value: Value, _ provenance: Provenance) {
    self.value = value
    self.provenance = provenance
  }
}
