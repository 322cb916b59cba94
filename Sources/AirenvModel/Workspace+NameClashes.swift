/// Two things that must have different names but, as stored, do not. The commands never make
/// one; a git merge does, when two people each created `db` (or Deployment `staging`) in their
/// own clone: each side wrote a file of its own, so git merges both without a conflict.
public struct NameClash: Equatable, Sendable {
  /// `deployment`, `connection` or `variable`.
  public var kind: String
  public var name: String
  /// The stable ids of the two: they name the files.
  public var first: String
  public var second: String
  /// Why the two may not both exist, e.g. "both reach Deployment prod".
  public var reason: String
}

extension Workspace {
  /// Every name clash, in the objects' order (the store reads them sorted by file name). Linear
  /// in the number of objects: it runs on every read of the Workspace.
  public func nameClashes() -> [NameClash] {
    var clashes: [NameClash] = []
    var deploymentNames: [String: String] = [:]
    for deployment in deployments.sorted(by: { $0.id < $1.id }) {
      let lowered = deployment.name.lowercased()
      if let first = deploymentNames[lowered] {
        clashes.append(
          NameClash(
            kind: "deployment", name: deployment.name, first: first, second: deployment.id,
            reason: "two Deployments have this name (ignoring case)"))
      } else {
        deploymentNames[lowered] = deployment.id
      }
    }
    // Connections and variables on a core each: this runs on every read of 10,000 objects.
    let byKind = [0, 1].concurrentMap { kind in
      kind == 0
        ? Self.keyClashes(connections, deployments: deployments)
        : Self.keyClashes(variables, deployments: deployments)
    }
    return clashes + byKind.joined()
  }

  /// A Workspace-scoped key is unique; a Deployment-scoped key is unique within its
  /// Deployment, and no Workspace-scoped object with that key may reach the same Deployment.
  private static func keyClashes<P>(_ objects: [EnvironmentObject<P>], deployments: [Deployment])
    -> [NameClash]
  {
    let kind = P.kind.rawValue
    var clashes: [NameClash] = []
    // Positions, not copies of the objects: this runs for 10,000 objects on every read.
    var shared: [String: Int] = [:]
    shared.reserveCapacity(objects.count)
    var scoped: [String: String] = [:]
    for (index, object) in objects.enumerated() {
      let lowered = object.key.lowercased()
      if let owner = object.scope.owningDeployment {
        let place = owner + "/" + lowered
        if let first = scoped[place] {
          clashes.append(
            NameClash(
              kind: kind, name: object.key, first: first, second: object.id,
              reason: "two \(P.kind.plural) with this \(P.kind.keyName) belong to the same Deployment"))
        } else {
          scoped[place] = object.id
        }
      } else if let first = shared[lowered] {
        clashes.append(
          NameClash(
            kind: kind, name: object.key, first: objects[first].id, second: object.id,
            reason: "two Workspace \(P.kind.plural) have this \(P.kind.keyName) (ignoring case)"))
      } else {
        shared[lowered] = index
      }
    }
    for object in objects {
      guard let owner = object.scope.owningDeployment,
        let other = shared[object.key.lowercased()].map({ objects[$0] }),
        other.reach(for: owner) != nil
      else { continue }
      let name = deployments.first { $0.id == owner }?.name ?? owner
      clashes.append(
        NameClash(
          kind: kind, name: object.key, first: other.id, second: object.id,
          reason: "Deployment \(name) would get two \(P.kind.plural) with this \(P.kind.keyName)"))
    }
    return clashes
  }
}

extension Workspace {
  /// Links, exclusions and scopes that name a Deployment the Workspace does not have, worded
  /// for a message: `connection "db" is linked to a Deployment that is not there`.
  public func danglingReferences() -> [String] {
    let known = Set(deployments.map(\.id))
    func problems<P>(_ objects: [EnvironmentObject<P>]) -> [String] {
      objects.compactMap { object in
        let what = "\(P.kind.rawValue) \"\(object.key)\""
        if let owner = object.scope.owningDeployment, !known.contains(owner) {
          return "\(what) belongs to a Deployment that is not there"
        }
        if object.links.keys.contains(where: { !known.contains($0) }) {
          return "\(what) is linked to a Deployment that is not there"
        }
        if object.exclusions.contains(where: { !known.contains($0) }) {
          return "\(what) excludes a Deployment that is not there"
        }
        return nil
      }
    }
    return problems(connections) + problems(variables)
  }
}
