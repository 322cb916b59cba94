/// A connection or variable: its base fields and how it is shared with Deployments.
///
/// A Deployment-scoped object has no links, no exclusions and is never linked to all;
/// the commands on `Workspace` keep that true.
public struct EnvironmentObject<Payload: ObjectPayload>: Equatable, Sendable, Identifiable {
  public var id: ObjectID
  public var key: String
  public var scope: Scope
  public var base: Payload
  public var linkedToAll: Bool
  public var links: [DeploymentID: Payload.Override]
  public var exclusions: Set<DeploymentID>
  public var stamp: Stamp

  public init(
    id: ObjectID, key: String, scope: Scope, base: Payload, linkedToAll: Bool = false,
    links: [DeploymentID: Payload.Override] = [:], exclusions: Set<DeploymentID> = [],
    stamp: Stamp
  ) {
    self.id = id
    self.key = key
    self.scope = scope
    self.base = base
    self.linkedToAll = linkedToAll
    self.links = links
    self.exclusions = exclusions
    self.stamp = stamp
  }

  public static var kind: ObjectKind { Payload.kind }

  /// How the object reaches a Deployment, or nil when it does not.
  public func reach(for deployment: DeploymentID) -> Reach? {
    if let owner = scope.owningDeployment { return owner == deployment ? .scoped : nil }
    if links[deployment] != nil { return .link }
    if linkedToAll && !exclusions.contains(deployment) { return .linkedToAll }
    return nil
  }

  /// The matrix cell for this object and a Deployment.
  public func cellState(for deployment: DeploymentID) -> CellState {
    if let owner = scope.owningDeployment { return owner == deployment ? .scoped : .notLinked }
    if let link = links[deployment] { return link.isEmpty ? .linked : .overridden }
    if exclusions.contains(deployment) { return linkedToAll ? .excluded : .inertExclusion }
    return linkedToAll ? .linkedViaAll : .notLinked
  }

  /// What Deployment `deployment` gets, or nil when the object does not reach it.
  public func resolved(for deployment: DeploymentID) -> Payload.Resolved? {
    switch reach(for: deployment) {
    case nil: return nil
    case .scoped: return base.resolved(with: nil, baseProvenance: .scoped)
    case .link, .linkedToAll: return base.resolved(with: links[deployment], baseProvenance: .base)
    }
  }
}

/// How an object reaches a Deployment.
public enum Reach: String, Sendable, Codable {
  case scoped
  case link
  case linkedToAll = "linked-to-all"
}

/// The state of one cell of the linking matrix (object × Deployment).
public enum CellState: String, Sendable, Codable, CaseIterable {
  case notLinked = "not-linked"
  case linked
  case linkedViaAll = "linked-via-all"
  case overridden
  case excluded
  /// An exclusion kept while Linked to all is off; it takes effect when it is turned on.
  case inertExclusion = "inert-exclusion"
  /// The Deployment that owns a Deployment-scoped object.
  case scoped
}

public typealias Connection = EnvironmentObject<ConnectionPayload>
public typealias Variable = EnvironmentObject<VariablePayload>

extension EnvironmentObject: Codable {
  private enum CodingKeys: String, CodingKey {
    case id, key, scope, base, linkedToAll, links, exclusions, stamp
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    key = try container.decode(String.self, forKey: .key)
    scope = try container.decode(Scope.self, forKey: .scope)
    base = try container.decode(Payload.self, forKey: .base)
    linkedToAll = try container.decodeIfPresent(Bool.self, forKey: .linkedToAll) ?? false
    links = try container.decodeIfPresent([String: Payload.Override].self, forKey: .links) ?? [:]
    exclusions = Set(try container.decodeIfPresent([String].self, forKey: .exclusions) ?? [])
    stamp = try container.decode(Stamp.self, forKey: .stamp)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(key, forKey: .key)
    try container.encode(scope, forKey: .scope)
    try container.encode(base, forKey: .base)
    try container.encode(linkedToAll, forKey: .linkedToAll)
    try container.encode(links, forKey: .links)
    // Sorted, so that the file is the same bytes for the same state.
    try container.encode(exclusions.sorted(), forKey: .exclusions)
    try container.encode(stamp, forKey: .stamp)
  }
}
