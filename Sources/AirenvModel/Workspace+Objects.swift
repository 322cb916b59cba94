import AirenvText

extension Workspace {
  mutating func create<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, key: String, fields: P.Changes,
    sharing: Sharing, by actor: Actor
  ) throws(ModelError) -> Outcome {
    try checkKey(key, kind: P.kind)
    var scope = Scope.workspace
    if case .scoped(let name) = sharing { scope = .deployment(try requireDeployment(named: name).id) }
    let object = EnvironmentObject(
      id: IdentifierGenerator.make(prefix: P.kind == .connection ? "con" : "var"), key: key,
      scope: scope, base: try P(creatingWith: fields), linkedToAll: sharing == .linkedToAll,
      stamp: Stamp(by: actor))
    try checkUniqueness(of: object, among: self[keyPath: path])
    self[keyPath: path].append(object)
    let reach: String
    switch sharing {
    case .restricted: reach = "linked to no Deployment yet"
    case .linkedToAll: reach = "linked to all Deployments"
    case .scoped(let name): reach = "owned by Deployment \"\(name)\""
    }
    return Outcome(message: "created \(P.kind.rawValue) \"\(key)\", \(reach)")
  }

  mutating func update<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    _ changes: P.Changes, linkedToAll: Bool?, by actor: Actor
  ) throws(ModelError) -> Outcome {
    let index = try index(of: reference, in: self[keyPath: path])
    let before = self[keyPath: path][index]
    var object = before
    try object.base.apply(changes)
    var notes: [String] = []
    if let linkedToAll, linkedToAll != object.linkedToAll {
      if let owner = object.scope.owningDeployment {
        throw .notShareable(kind: P.kind, key: object.key, owner: deployment(id: owner)?.name ?? owner)
      }
      object.linkedToAll = linkedToAll
      let active = object.exclusions.count
      if linkedToAll && active > 0 {
        notes.append("its \(active) stored exclusions apply again: \(count(object.exclusions))")
      } else if !linkedToAll {
        notes.append("explicit links stay; now it reaches \(count(object.links.keys))")
        if active > 0 { notes.append("its \(active) exclusions are kept, inert while not linked to all") }
      }
    }
    if let note = Self.plaintextLeftInHistory(before, object) { notes.append(note) }
    return try commit(object, replacing: before, at: index, in: path, by: actor, notes: notes) {
      "updated \(P.kind.rawValue) \"\(object.key)\""
    }
  }

  /// A value that becomes secret (flagged, renamed to a sensitive key, an extra key marked or
  /// now secret for the connection's type) was saved as plaintext before: the history still
  /// holds that plaintext until it is purged.
  static func plaintextLeftInHistory<P>(_ before: EnvironmentObject<P>, _ after: EnvironmentObject<P>)
    -> String?
  {
    var what: [String] = []
    if let old = before as? Variable, let new = after as? Variable, !old.isSecret, new.isSecret {
      what = ["value"]
    }
    if let old = before as? Connection, let new = after as? Connection {
      // Set on the base or on any link (an override of one Deployment).
      let saved = Set(old.base.extra.keys).union(old.links.values.flatMap(\.extraSet.keys))
      what = saved.sorted().filter { key in
        new.base.isSecret(extraKey: key) && !old.base.isSecret(extraKey: key)
      }.map { "extra.\($0)" }
    }
    guard !what.isEmpty else { return nil }
    return "\(what.joined(separator: ", ")) is secret now, but its earlier plaintext stays in the history; "
      + "remove it with `airenv history purge --\(P.kind.rawValue) \(after.key)`"
  }

  mutating func delete<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    confirmed: Bool
  ) throws(ModelError) -> Outcome {
    let index = try index(of: reference, in: self[keyPath: path])
    let object = self[keyPath: path][index]
    let receiving = deployments.map(\.id).filter { object.reach(for: $0) != nil }
    guard confirmed else {
      throw .needsConfirmation(
        Impact(
          question: "Delete \(describe(object))? \(count(receiving)) will no longer get it"
            + (object.links.isEmpty
              ? "" : "; its \(counted(object.links.count, "link")) and their overrides go too"),
          deploymentCount: receiving.count))
    }
    self[keyPath: path].remove(at: index)
    return Outcome(message: "deleted \(describe(object)); it was received by \(count(receiving))")
  }

  mutating func rename<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    to newKey: String, by actor: Actor
  ) throws(ModelError) -> Outcome {
    try checkKey(newKey, kind: P.kind)
    let index = try index(of: reference, in: self[keyPath: path])
    let before = self[keyPath: path][index]
    var object = before
    object.key = newKey
    let notes =
      ["DAGs that use \"\(before.key)\" must be changed to use \"\(newKey)\""]
      + [Self.plaintextLeftInHistory(before, object)].compactMap { $0 }
    return try commit(object, replacing: before, at: index, in: path, by: actor, notes: notes) {
      "renamed \(P.kind.rawValue) \"\(before.key)\" to \"\(newKey)\""
    }
  }

  /// A Deployment-scoped object becomes shareable and stays linked to its Deployment,
  /// so what that Deployment gets does not change.
  mutating func promote<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    by actor: Actor
  ) throws(ModelError) -> Outcome {
    let index = try index(of: reference, in: self[keyPath: path])
    let before = self[keyPath: path][index]
    guard let owner = before.scope.owningDeployment else {
      throw .alreadyShared(kind: P.kind, key: before.key)
    }
    var object = before
    object.scope = .workspace
    object.links[owner] = P.Override()
    let name = deployment(id: owner)?.name ?? owner
    return try commit(object, replacing: before, at: index, in: path, by: actor) {
      "promoted \(P.kind.rawValue) \"\(object.key)\" to the Workspace; it stays linked to \"\(name)\""
    }
  }

  /// Stores a changed object after checking the uniqueness rules, with a new revision.
  mutating func commit<P>(
    _ object: EnvironmentObject<P>, replacing before: EnvironmentObject<P>, at index: Int,
    in path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, by actor: Actor,
    notes: [String] = [], message: () -> String
  ) throws(ModelError) -> Outcome {
    guard object != before else {
      return Outcome(message: "nothing changed: \(describe(object)) is already so", changed: false)
    }
    try checkUniqueness(of: object, among: self[keyPath: path])
    var stamped = object
    stamped.stamp.touch(by: actor)
    self[keyPath: path][index] = stamped
    return Outcome(message: message(), notes: notes)
  }
}
