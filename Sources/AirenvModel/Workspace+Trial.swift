extension Workspace {
  /// Checks `commands` exactly as `apply` would — the same rules, refusals and requests for
  /// confirmation — without changing the Workspace.
  ///
  /// A command on one object is tried on a copy that holds only the objects whose key matches
  /// a key it names, ignoring case: those are all its rules read (finding the object, the
  /// uniqueness rules); Deployments, members and settings are kept whole. So proposing a change
  /// from a keystroke in a Workspace of thousands of objects copies a handful of them, not all.
  public func trial(_ commands: [Command], by actor: Actor) throws(ModelError) {
    var copy = self
    if let keys = Self.objectKeys(of: commands) {
      copy.connections = Self.matching(keys, in: connections)
      copy.variables = Self.matching(keys, in: variables)
    }
    for command in commands { try copy.apply(command, by: actor) }
  }

  /// The object keys the commands name, or nil when one of them may read every object.
  public static func objectKeys(of commands: [Command]) -> [String]? {
    var keys: [String] = []
    for command in commands {
      switch command {
      case .createConnection(let key, _, _), .createVariable(let key, _, _):
        keys.append(key)
      case .updateConnection(let reference, _, _), .linkConnection(let reference, _, _),
        .updateVariable(let reference, _, _), .linkVariable(let reference, _, _),
        .unlink(let reference, _), .exclude(let reference, _), .include(let reference, _),
        .resetOverride(let reference, _, _), .delete(let reference), .promote(let reference),
        .approve(let reference):
        keys.append(reference.key)
      case .rename(let reference, let newKey):
        keys += [reference.key, newKey]
      case .createDeployment, .renameDeployment, .deleteDeployment, .setTarget, .setMember, .removeMember,
        .setMemberKey, .setSecretsFetching, .settle, .approveDeployment,
        .approveWorkspace:
        return nil
      }
    }
    return keys
  }

  /// The objects whose key is one of `keys` ignoring case; only keys are read, so no other
  /// object is copied.
  private static func matching<P>(_ keys: [String], in objects: [EnvironmentObject<P>]) -> [EnvironmentObject<
    P
  >] {
    let lowered = keys.map { $0.lowercased() }
    return objects.indices.filter { index in
      zip(keys, lowered).contains { sameIgnoringCase(objects[index].key, $0, $1) }
    }.map { objects[$0] }
  }
}
