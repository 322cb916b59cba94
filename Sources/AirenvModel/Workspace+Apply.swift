extension Workspace {
  /// Applies one command. Objects it changes get a new revision stamped with `actor`.
  /// Destructive commands throw `.needsConfirmation` unless `confirmed` is true.
  @discardableResult
  public mutating func apply(_ command: Command, by actor: Actor, confirmed: Bool = false)
    throws(ModelError) -> Outcome
  {
    try authorize(command.permission, for: actor.user)
    switch command {
    case .createDeployment(let name, let description, let tags, let branch):
      return try createDeployment(
        name: name, description: description, tags: tags, branch: branch, by: actor)
    case .renameDeployment(let name, let newName):
      return try renameDeployment(name, to: newName, by: actor)
    case .deleteDeployment(let name):
      return try deleteDeployment(name, confirmed: confirmed, by: actor)
    case .setTarget(let name, let target):
      return try setTarget(of: name, to: target, by: actor)

    case .createConnection(let key, let fields, let sharing):
      return try create(\.connections, key: key, fields: fields, sharing: sharing, by: actor)
    case .updateConnection(let reference, let changes, let linkedToAll):
      return try update(\.connections, reference, changes, linkedToAll: linkedToAll, by: actor)
    case .linkConnection(let reference, let deployment, let overrides):
      return try link(\.connections, reference, to: deployment, overrides: overrides, by: actor)

    case .createVariable(let key, let fields, let sharing):
      return try create(\.variables, key: key, fields: fields, sharing: sharing, by: actor)
    case .updateVariable(let reference, let changes, let linkedToAll):
      return try update(\.variables, reference, changes, linkedToAll: linkedToAll, by: actor)
    case .linkVariable(let reference, let deployment, let overrides):
      return try link(\.variables, reference, to: deployment, overrides: overrides, by: actor)

    case .unlink(let reference, let deployment):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.unlink(path, reference, from: deployment, confirmed: confirmed, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.unlink(path, reference, from: deployment, confirmed: confirmed, by: actor)
      }
    case .exclude(let reference, let deployment):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.exclude(path, reference, deployment, confirmed: confirmed, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.exclude(path, reference, deployment, confirmed: confirmed, by: actor)
      }
    case .include(let reference, let deployment):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.include(path, reference, deployment, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.include(path, reference, deployment, by: actor)
      }
    case .resetOverride(let reference, let deployment, let fields):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.reset(path, reference, deployment, fields: fields, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.reset(path, reference, deployment, fields: fields, by: actor)
      }
    case .delete(let reference):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.delete(path, reference, confirmed: confirmed)
      } variables: { workspace, path throws(ModelError) in
        try workspace.delete(path, reference, confirmed: confirmed)
      }
    case .rename(let reference, let newKey):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.rename(path, reference, to: newKey, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.rename(path, reference, to: newKey, by: actor)
      }
    case .settle(let settlement):
      return try settle(settlement, confirmed: confirmed, by: actor)
    case .setMember(let user, let role):
      return try setMember(user, role: role, by: actor)
    case .removeMember(let user):
      return try removeMember(user, by: actor)
    case .setMemberKey(let user, let publicKey):
      return try setMemberKey(user, publicKey: publicKey, by: actor)
    case .setSecretsFetching(let enabled):
      guard settings.secretsFetching != enabled else {
        return Outcome(message: "secretsFetching is already \(enabled ? "on" : "off")", changed: false)
      }
      settings.secretsFetching = enabled
      stamp.touch(by: actor)
      return Outcome(
        message: "secretsFetching is now \(enabled ? "on" : "off")",
        notes: [
          enabled
            ? "Authors and Members may now export resolved sets with secrets"
            : "only Owners and Operators may export secrets"
        ])
    case .promote(let reference):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.promote(path, reference, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.promote(path, reference, by: actor)
      }
    case .approve(let reference):
      return try onObject(reference) { workspace, path throws(ModelError) in
        try workspace.approve(path, reference, by: actor)
      } variables: { workspace, path throws(ModelError) in
        try workspace.approve(path, reference, by: actor)
      }
    case .approveDeployment(let name):
      return try approveDeployment(named: name, by: actor)
    case .approveWorkspace:
      stamp.touch(by: actor)
      return Outcome(message: "approved the member list and settings of Workspace \"\(name)\" as stored")
    }
  }

  /// Runs the generic body for the kind the reference names.
  private mutating func onObject(
    _ reference: ObjectReference,
    connections: (inout Workspace, WritableKeyPath<Workspace, [Connection]>) throws(ModelError) ->
      Outcome,
    variables: (inout Workspace, WritableKeyPath<Workspace, [Variable]>) throws(ModelError) ->
      Outcome
  ) throws(ModelError) -> Outcome {
    switch reference.kind {
    case .connection: try connections(&self, \.connections)
    case .variable: try variables(&self, \.variables)
    }
  }
}
