/// What a git merge of two clones can leave that no command makes: each side changed files of
/// its own, so git merged them without a textual conflict, but together they break a rule.
public struct Conflict: Equatable, Sendable {
  public enum Kind: String, Sendable {
    /// Two objects with one key, or two Deployments with one name (`NameClash`).
    case duplicate
    /// A link, exclusion or scope naming a Deployment that is no longer there.
    case dangling
  }

  public var kind: Kind
  /// `connection`, `variable` or `deployment`.
  public var subject: String
  /// The key or the Deployment name.
  public var name: String
  /// The stable ids of the objects or Deployments involved: they name their files.
  public var ids: [String]
  public var reason: String
  /// The Deployments whose resolved set is ambiguous until it is settled: resolve, export and
  /// delivery of them refuse.
  public var deployments: [DeploymentID]

  /// The files involved, relative to the Workspace's directory.
  public var files: [String] {
    let directory = subject == "deployment" ? "deployments" : subject + "s"
    return ids.map { "\(directory)/\($0).json" }
  }

  /// Each id in `conflicts` with the reason of its first conflict.
  public static func reasons(byID conflicts: [Conflict]) -> [String: String] {
    var reasons: [String: String] = [:]
    for conflict in conflicts {
      for id in conflict.ids where reasons[id] == nil { reasons[id] = conflict.reason }
    }
    return reasons
  }
}

/// How one conflict is settled (`Command.settle`), each as one change.
public enum Settlement: Equatable, Sendable {
  /// Of a duplicate, keeps the object or Deployment with this id and deletes the other.
  case keep(id: String)
  /// Gives the object or Deployment with this id a new key or name.
  case rename(id: String, to: String)
  /// Removes every link and exclusion naming a Deployment that is gone, and every object that
  /// belonged to one.
  case dropDangling
}

extension Workspace {
  /// Every conflict, duplicates first, in the objects' order.
  public func conflicts() -> [Conflict] {
    duplicates() + danglingConflicts(connections) + danglingConflicts(variables)
  }

  /// The name clashes as conflicts: three of one name (each clashing with the first) are one
  /// conflict of three, so that keeping one deletes both others.
  private func duplicates() -> [Conflict] {
    var conflicts: [Conflict] = []
    var positions: [String: Int] = [:]
    for clash in nameClashes() {
      let group = clash.kind + "\u{0}" + clash.first + "\u{0}" + clash.reason
      if let position = positions[group] {
        conflicts[position].ids.append(clash.second)
      } else {
        positions[group] = conflicts.count
        conflicts.append(
          Conflict(
            kind: .duplicate, subject: clash.kind, name: clash.name, ids: [clash.first, clash.second],
            reason: clash.reason, deployments: []))
      }
    }
    for index in conflicts.indices {
      let ids = conflicts[index].ids
      switch conflicts[index].subject {
      case "deployment": conflicts[index].deployments = ids
      case "connection": conflicts[index].deployments = reachedByAll(ids, in: connections)
      default: conflicts[index].deployments = reachedByAll(ids, in: variables)
      }
    }
    return conflicts
  }

  /// Refuses a Deployment whose resolved set a merge left ambiguous, naming the files.
  public func requireSettled(_ deployment: Deployment) throws(ModelError) {
    try requireSettled([deployment])
  }

  /// The same for each of `deployments`, looking for clashes once (an export of 100). Only
  /// duplicates count: a reference to a Deployment that is gone changes no other one's set.
  public func requireSettled(_ deployments: [Deployment]) throws(ModelError) {
    let duplicates = duplicates()
    guard !duplicates.isEmpty else { return }
    for deployment in deployments {
      if let conflict = duplicates.first(where: { $0.deployments.contains(deployment.id) }) {
        throw Self.refusal(of: deployment, by: conflict)
      }
    }
  }

  private static func refusal(of deployment: Deployment, by conflict: Conflict) -> ModelError {
    let what =
      conflict.subject == "deployment"
      ? "two Deployments are named \"\(conflict.name)\""
      : "Deployment \"\(deployment.name)\" would get two \(conflict.subject)s \"\(conflict.name)\""
    return .conflicted(what: what, files: conflict.files)
  }

  private func reachedByAll<P>(_ ids: [String], in objects: [EnvironmentObject<P>]) -> [DeploymentID] {
    let involved = objects.filter { ids.contains($0.id) }
    return sortedDeployments.map(\.id).filter { deployment in
      involved.allSatisfy { $0.reach(for: deployment) != nil }
    }
  }

  private func danglingConflicts<P>(_ objects: [EnvironmentObject<P>]) -> [Conflict] {
    let known = Set(deployments.map(\.id))
    return objects.compactMap { object in
      // Looked at without building sets: this runs over every object of the Workspace.
      guard
        object.scope.owningDeployment.map({ !known.contains($0) }) ?? false
          || object.links.keys.contains(where: { !known.contains($0) })
          || object.exclusions.contains(where: { !known.contains($0) })
      else { return nil }
      let gone = Set(object.links.keys).union(object.exclusions).subtracting(known).sorted()
      let reason: String
      if let owner = object.scope.owningDeployment, !known.contains(owner) {
        reason = "it belongs to a Deployment that is no longer there (\(owner))"
      } else if !gone.isEmpty {
        reason =
          "its links or exclusions name Deployments that are no longer there (\(gone.joined(separator: ", ")))"
      } else {
        return nil
      }
      return Conflict(
        kind: .dangling, subject: P.kind.rawValue, name: object.key, ids: [object.id], reason: reason,
        deployments: [])
    }
  }

  mutating func settle(_ settlement: Settlement, confirmed: Bool, by actor: Actor) throws(ModelError)
    -> Outcome
  {
    switch settlement {
    case .keep(let id):
      // The one kept wins every clash it is in: all the others of each go.
      let involved = conflicts().filter { $0.kind == .duplicate && $0.ids.contains(id) }
      guard let conflict = involved.first else {
        throw .notFound(what: "duplicate", name: id, workspace: name)
      }
      var dropped: [String] = []
      for other in involved.flatMap(\.ids) where other != id && !dropped.contains(other) {
        dropped.append(other)
      }
      guard confirmed else {
        throw .needsConfirmation(
          try impactOfKeeping(id, dropping: dropped, subject: conflict.subject, by: actor))
      }
      var outcomes: [Outcome] = []
      for other in dropped {
        outcomes.append(try drop(conflict.subject, id: other, confirmed: true, by: actor))
      }
      return Outcome(
        message: "kept \(conflict.subject) \"\(conflict.name)\" (\(id)); "
          + outcomes.map(\.message).joined(separator: "; "))
    case .rename(let id, let newName):
      if let deployment = deployments.first(where: { $0.id == id }) {
        return try renameDeployment(withID: deployment.id, to: newName, by: actor)
      }
      if let connection = connections.first(where: { $0.id == id }) {
        return try apply(.rename(ObjectReference(connection), newKey: newName), by: actor)
      }
      if let variable = variables.first(where: { $0.id == id }) {
        return try apply(.rename(ObjectReference(variable), newKey: newName), by: actor)
      }
      throw .notFound(what: "object or Deployment", name: id, workspace: name)
    case .dropDangling:
      return try dropDangling(confirmed: confirmed, by: actor)
    }
  }

  /// One question for keeping one of several: which files go, and what each deletion loses.
  private func impactOfKeeping(
    _ kept: String, dropping ids: [String], subject: String, by actor: Actor
  ) throws(ModelError)
    -> Impact
  {
    var questions: [String] = []
    var deployments = 0
    for id in ids {
      var trial = self
      do {
        _ = try trial.drop(subject, id: id, confirmed: false, by: actor)
      } catch .needsConfirmation(let impact) {
        questions.append(impact.question)
        deployments += impact.deploymentCount
      }
    }
    let files = Conflict(
      kind: .duplicate, subject: subject, name: "", ids: [kept] + ids, reason: "", deployments: []
    ).files
    return Impact(
      question: "Keep \(files[0]) and delete \(files.dropFirst().joined(separator: ", "))? "
        + questions.joined(separator: " "),
      deploymentCount: deployments)
  }

  private mutating func drop(_ subject: String, id: String, confirmed: Bool, by actor: Actor)
    throws(ModelError) -> Outcome
  {
    switch subject {
    case "deployment": return try deleteDeployment(withID: id, confirmed: confirmed, by: actor)
    case "connection":
      let connection = connections.first { $0.id == id }!
      return try apply(.delete(ObjectReference(connection)), by: actor, confirmed: confirmed)
    default:
      let variable = variables.first { $0.id == id }!
      return try apply(.delete(ObjectReference(variable)), by: actor, confirmed: confirmed)
    }
  }

  private mutating func dropDangling(confirmed: Bool, by actor: Actor) throws(ModelError) -> Outcome {
    let known = Set(deployments.map(\.id))
    let orphans =
      connections.filter { !($0.scope.owningDeployment.map(known.contains) ?? true) }.map(\.key)
      + variables.filter { !($0.scope.owningDeployment.map(known.contains) ?? true) }.map(\.key)
    if !orphans.isEmpty && !confirmed {
      throw .needsConfirmation(
        Impact(
          question:
            "Delete \(orphans.count == 1 ? "the object" : "\(orphans.count) objects") of Deployments that "
            + "are no longer there (\(orphans.joined(separator: ", ")))?",
          deploymentCount: 0))
    }
    let before = danglingConflicts(connections).count + danglingConflicts(variables).count
    guard before > 0 else {
      return Outcome(message: "nothing names a Deployment that is gone", changed: false)
    }
    dropDangling(from: \.connections, known: known, by: actor)
    dropDangling(from: \.variables, known: known, by: actor)
    return Outcome(
      message:
        "removed what named Deployments that are gone from \(before == 1 ? "one object" : "\(before) objects")"
    )
  }

  private mutating func dropDangling<P>(
    from path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, known: Set<DeploymentID>, by actor: Actor
  ) {
    self[keyPath: path].removeAll { !($0.scope.owningDeployment.map(known.contains) ?? true) }
    for index in self[keyPath: path].indices {
      let object = self[keyPath: path][index]
      let gone = Set(object.links.keys).union(object.exclusions).subtracting(known)
      guard !gone.isEmpty else { continue }
      for deployment in gone {
        self[keyPath: path][index].links[deployment] = nil
        self[keyPath: path][index].exclusions.remove(deployment)
      }
      self[keyPath: path][index].stamp.touch(by: actor)
    }
  }
}
