/// A Workspace: its Deployments, connections and variables.
public struct Workspace: Codable, Equatable, Sendable, Identifiable {
  public var id: WorkspaceID
  public var name: String
  public var stamp: Stamp
  public var deployments: [Deployment]
  public var connections: [Connection]
  public var variables: [Variable]
  /// User name → role; empty means single-user use, where the acting user is Owner.
  public var members: [String: Role]
  /// User name → the public part of the member's identity (`IdentityText`): a member with one
  /// acts only where their private key is held.
  public var memberKeys: [String: String]
  public var settings: WorkspaceSettings
  /// The fingerprint of the data key its secrets are sealed with, when it has one: recorded
  /// beside the member list so that an older envelope brought back on its own is refused.
  public var dataKeyFingerprint: String?

  public init(
    id: WorkspaceID, name: String, stamp: Stamp, deployments: [Deployment] = [],
    connections: [Connection] = [], variables: [Variable] = [], members: [String: Role] = [:],
    memberKeys: [String: String] = [:], settings: WorkspaceSettings = WorkspaceSettings(),
    dataKeyFingerprint: String? = nil
  ) {
    self.id = id
    self.name = name
    self.stamp = stamp
    self.deployments = deployments
    self.connections = connections
    self.variables = variables
    self.members = members
    self.memberKeys = memberKeys
    self.settings = settings
    self.dataKeyFingerprint = dataKeyFingerprint
  }

  public func deployment(id: DeploymentID) -> Deployment? {
    deployments.first { $0.id == id }
  }

  public func deployment(named name: String) -> Deployment? {
    deployments.first { $0.name == name }
      ?? deployments.first { $0.name.lowercased() == name.lowercased() }
  }

  func requireDeployment(named name: String) throws(ModelError) -> Deployment {
    guard let deployment = deployment(named: name) else {
      throw .notFound(what: "Deployment", name: name, workspace: self.name)
    }
    try requireOneDeployment(named: deployment.name)
    return deployment
  }

  /// Refuses a name two Deployments have (ignoring case): only a git merge makes that.
  public func requireOneDeployment(named name: String) throws(ModelError) {
    let named = deployments.filter { $0.name.lowercased() == name.lowercased() }
    if named.count > 1 {
      throw .conflicted(
        what: "two Deployments are named \"\(name)\"", files: named.map { "deployments/\($0.id).json" })
    }
  }

  /// Each Deployment's name by its id, to show stored paths (`links.<id>.host`) in words.
  public var deploymentNamesByID: [DeploymentID: String] {
    Dictionary(deployments.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
  }

  /// Deployments sorted by name, the order every listing uses.
  public var sortedDeployments: [Deployment] {
    deployments.sorted { $0.name.lowercased() < $1.name.lowercased() }
  }

  /// Everything Deployment `deployment` gets, sorted by id.
  /// Resolved on every core: in a dense Workspace a Deployment gets 10,000 objects.
  public func resolvedConnections(for deployment: DeploymentID) -> [(Connection, ResolvedConnection)] {
    Self.sortedByKey(
      zip(connections, connections.concurrentMap { $0.resolved(for: deployment) }).compactMap {
        object, resolved in
        resolved.map { (object, $0) }
      })
  }

  public func resolvedVariables(for deployment: DeploymentID) -> [(Variable, ResolvedVariable)] {
    Self.sortedByKey(
      zip(variables, variables.concurrentMap { $0.resolved(for: deployment) }).compactMap {
        object, resolved in
        resolved.map { (object, $0) }
      })
  }

  /// Sorted by id ignoring case.
  private static func sortedByKey<P, R>(_ pairs: [(EnvironmentObject<P>, R)]) -> [(EnvironmentObject<P>, R)] {
    pairs.sortedIgnoringCase { $0.0.key }
  }

  /// How a user names an object in messages: kind, id and, if scoped, its Deployment.
  func describe<P>(_ object: EnvironmentObject<P>) -> String {
    if let owner = object.scope.owningDeployment {
      let name = deployment(id: owner)?.name ?? owner
      return "the \(P.kind.rawValue) \"\(object.key)\" of Deployment \"\(name)\""
    }
    return "the Workspace \(P.kind.rawValue) \"\(object.key)\""
  }
}

extension Sequence {
  /// Sorted by a text ignoring case; each element's text is lower-cased once, not in every
  /// comparison (sorting 5,000 objects otherwise lower-cases 130,000 strings).
  public func sortedIgnoringCase(by text: (Element) -> String) -> [Element] {
    // Positions are sorted, not the elements: moving 5,000 objects through a sort cost more
    // than comparing their keys.
    let elements = Array(self)
    let keys = elements.map { text($0).lowercased() }
    return keys.indices.sorted { keys[$0] < keys[$1] }.map { elements[$0] }
  }
}
