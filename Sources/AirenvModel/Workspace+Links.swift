extension Workspace {
  /// Links an object to a Deployment, or adds overrides to an existing link. Linking an
  /// excluded Deployment lifts the exclusion: the two are never held together.
  mutating func link<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    to deploymentName: String, overrides: P.Changes, by actor: Actor
  ) throws(ModelError) -> Outcome {
    let (index, before, target) = try shareable(path, reference, deploymentName)
    var object = before
    var notes: [String] = []
    var link = object.links[target.id] ?? P.Override()
    try link.apply(overrides)
    object.links[target.id] = link
    if object.exclusions.remove(target.id) != nil {
      notes.append("Deployment \"\(target.name)\" was excluded; linking it lifted the exclusion")
    }
    let overridden = link.setFieldNames
    return try commit(object, replacing: before, at: index, in: path, by: actor, notes: notes) {
      "linked \(P.kind.rawValue) \"\(object.key)\" to Deployment \"\(target.name)\""
        + (overridden.isEmpty ? "" : " (overrides: \(overridden.joined(separator: ", ")))")
    }
  }

  mutating func unlink<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    from deploymentName: String, confirmed: Bool, by actor: Actor
  ) throws(ModelError) -> Outcome {
    let (index, before, target) = try shareable(path, reference, deploymentName)
    guard let link = before.links[target.id] else {
      let hint = before.reach(for: target.id) == .linkedToAll ? "; it is linked to all, so exclude it" : ""
      throw .invalidField(
        field: "link", reason: "\(describe(before)) has no link to Deployment \"\(target.name)\"\(hint)")
    }
    if !link.isEmpty && !confirmed {
      throw .needsConfirmation(
        Impact(
          question: "Unlink \(describe(before)) from \"\(target.name)\" and lose its overrides of "
            + "\(link.setFieldNames.joined(separator: ", "))?", deploymentCount: 1))
    }
    var object = before
    object.links[target.id] = nil
    let still = object.reach(for: target.id) == .linkedToAll
    return try commit(object, replacing: before, at: index, in: path, by: actor) {
      "unlinked \(P.kind.rawValue) \"\(object.key)\" from Deployment \"\(target.name)\""
        + (still ? "; it still gets the base value because it is linked to all" : "")
    }
  }

  mutating func exclude<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    _ deploymentName: String, confirmed: Bool, by actor: Actor
  ) throws(ModelError) -> Outcome {
    let (index, before, target) = try shareable(path, reference, deploymentName)
    var object = before
    var notes: [String] = []
    if let link = object.links[target.id] {
      let lost =
        link.isEmpty ? "its link" : "its link and overrides of \(link.setFieldNames.joined(separator: ", "))"
      guard confirmed else {
        throw .needsConfirmation(
          Impact(
            question: "Exclude Deployment \"\(target.name)\" from \(describe(before))? "
              + "This removes \(lost).", deploymentCount: 1))
      }
      object.links[target.id] = nil
      notes.append("removed \(lost)")
    }
    object.exclusions.insert(target.id)
    if !object.linkedToAll {
      notes.append("the exclusion is inert until \(P.kind.rawValue) \"\(object.key)\" is linked to all")
    }
    return try commit(object, replacing: before, at: index, in: path, by: actor, notes: notes) {
      "excluded Deployment \"\(target.name)\" from \(P.kind.rawValue) \"\(object.key)\""
    }
  }

  mutating func include<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    _ deploymentName: String, by actor: Actor
  ) throws(ModelError) -> Outcome {
    let (index, before, target) = try shareable(path, reference, deploymentName)
    guard before.exclusions.contains(target.id) else {
      throw .invalidField(
        field: "exclusion", reason: "Deployment \"\(target.name)\" is not excluded from \(describe(before))")
    }
    var object = before
    object.exclusions.remove(target.id)
    return try commit(object, replacing: before, at: index, in: path, by: actor) {
      "included Deployment \"\(target.name)\" in \(P.kind.rawValue) \"\(object.key)\" again"
    }
  }

  mutating func reset<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    _ deploymentName: String, fields: [String], by actor: Actor
  ) throws(ModelError) -> Outcome {
    let (index, before, target) = try shareable(path, reference, deploymentName)
    guard var link = before.links[target.id] else {
      throw .invalidField(
        field: "link", reason: "\(describe(before)) has no link to Deployment \"\(target.name)\"")
    }
    let names = fields.isEmpty ? link.setFieldNames : fields
    var cleared: [String] = []
    for name in names where try link.clear(fieldNamed: name) { cleared.append(name) }
    let untouched = fields.filter { !cleared.contains($0) }
    var object = before
    object.links[target.id] = link
    let notes = untouched.isEmpty ? [] : ["not overridden, left alone: \(untouched.joined(separator: ", "))"]
    return try commit(object, replacing: before, at: index, in: path, by: actor, notes: notes) {
      "reset \(cleared.joined(separator: ", ")) of \(P.kind.rawValue) \"\(object.key)\" "
        + "on Deployment \"\(target.name)\"; they inherit the base again"
    }
  }

  /// The object and Deployment of a linking command, refusing Deployment-scoped objects.
  private func shareable<P>(
    _ path: WritableKeyPath<Workspace, [EnvironmentObject<P>]>, _ reference: ObjectReference,
    _ deploymentName: String
  ) throws(ModelError) -> (Int, EnvironmentObject<P>, Deployment) {
    let index = try index(of: reference, in: self[keyPath: path])
    let object = self[keyPath: path][index]
    if let owner = object.scope.owningDeployment {
      throw .notShareable(kind: P.kind, key: object.key, owner: deployment(id: owner)?.name ?? owner)
    }
    return (index, object, try requireDeployment(named: deploymentName))
  }
}
