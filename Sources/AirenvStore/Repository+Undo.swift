import AirenvModel
import Foundation

extension Repository {
  /// Reverts the acting user's most recent change that is not undone yet, as a new change
  /// of its own. Refused when someone changed an affected object since.
  /// `checking` first sees the Workspace as read under the lock (the caller's own refusals).
  public func undo(
    workspace name: String?, by actor: Actor, checking: (Workspace) throws -> Void = { _ in }
  ) throws -> HistoryEntry {
    try revert(workspace: name, by: actor, checking: checking) { entries in
      let undone = Set(
        entries.compactMap { entry in
          HistoryEntry.referent(of: entry, entry.undoes, entry.undoesEntry, among: entries)
        })
      guard
        let target = entries.last(where: {
          $0.user == actor.user && $0.undoes == nil && !undone.contains($0.name) && !$0.isDelivery
            && !$0.isKeyChange && !$0.createsWorkspace && !$0.approvesDeletions
        })
      else { throw ModelError.nothingToUndo("\(actor.user) has no change left to undo in this Workspace") }
      return (
        target,
        HistoryNote(user: actor.user, command: "undo", undoes: target.sequence, undoesEntry: target.name)
      )
    }
  }

  /// Re-applies the change the acting user's latest undo reverted.
  public func redo(
    workspace name: String?, by actor: Actor, checking: (Workspace) throws -> Void = { _ in }
  ) throws -> HistoryEntry {
    try revert(workspace: name, by: actor, checking: checking) { entries in
      let redone = Set(
        entries.compactMap { entry in
          HistoryEntry.referent(of: entry, entry.redoes, entry.redoesEntry, among: entries)
        })
      guard
        let latest = entries.last(where: {
          $0.user == actor.user && !$0.isDelivery && !$0.isKeyChange && !$0.createsWorkspace
            && !$0.approvesDeletions
        }),
        let original = latest.undoes,
        let originalName = HistoryEntry.referent(of: latest, original, latest.undoesEntry, among: entries),
        !redone.contains(originalName)
      else {
        throw ModelError.nothingToUndo("\(actor.user) has nothing to redo: the last change was not an undo")
      }
      return (
        latest,
        HistoryNote(user: actor.user, command: "redo", redoes: original, redoesEntry: originalName)
      )
    }
  }

  /// Puts every object an entry changed back to how it was before that entry.
  private func revert(
    workspace name: String?, by actor: Actor, checking: (Workspace) throws -> Void,
    choose: ([HistoryEntry]) throws -> (HistoryEntry, HistoryNote)
  ) throws -> HistoryEntry {
    try withLockedWorkspace(name) { id, workspace in
      try checking(workspace)
      let entries = try loadHistory(id)
      let (target, note) = try choose(entries)
      try workspace.authorize(.change, for: actor.user)
      var reverted = workspace
      // Restored objects are opened like loaded ones, so that the write compares plaintexts
      // (an undo does not claim secret changes it did not make) and keeps their ciphertexts.
      let sealer = try readingSealer(for: id)
      let done = note.undoes != nil ? "undone" : "redone"
      for change in target.changes {
        try restore(
          change, stored: storedJSON(kind: change.kind, id: change.id, workspace: id), in: &reverted,
          sealer: sealer, by: actor, done: done)
      }
      // What the entry kept of a secret must open with the key it is sealed with now: a key made
      // since (a reader left, a rotation) would leave it unreadable to everyone but those who
      // held the old one.
      let restored = Set(target.changes.filter { $0.before != nil }.map(\.id))
      var probe = reverted
      probe.connections.removeAll { !restored.contains($0.id) }
      probe.variables.removeAll { !restored.contains($0.id) }
      probe.deployments.removeAll { !restored.contains($0.id) }
      if let problem = Self.lockedSecrets(in: probe, only: [.tampered]).first {
        throw ModelError.undoWouldBreak(
          "cannot \(note.undoes != nil ? "undo" : "redo") #\(target.sequence): \(problem) — it was sealed with a key "
            + "that was replaced since (a member who could read secrets left, key rotate, key migrate); set that "
            + "value again instead")
      }
      // What it brings back must have been vouched for when it was stored: else undoing a
      // deletion (or an approval) would vouch for what someone put there by hand.
      if try verifies(workspace) {
        try refuseUntrustedMemberList(target, in: workspace, verb: note.undoes != nil ? "undo" : "redo")
        let judgement = snapshotJudgement(in: workspace)
        for change in target.changes where ["connection", "variable", "deployment"].contains(change.kind) {
          guard let stored = change.before,
            let problem = snapshotProblem(stored, kind: change.kind, id: change.id, by: judgement)
          else { continue }
          throw ModelError.undoWouldBreak(
            "cannot \(note.undoes != nil ? "undo" : "redo") #\(target.sequence): it brings back \(change.kind) "
              + "\(change.key) as it was stored then, which nobody allowed to had vouched for: \(problem)")
        }
      }
      // Changes made since may depend on what the undo takes away (a link to the Deployment it
      // removes) or clash with what it brings back (a new `db` where it restores a deleted one).
      let verb = note.undoes != nil ? "undo" : "redo"
      if let problem = reverted.danglingReferences().first {
        throw ModelError.undoWouldBreak(
          "cannot \(verb) #\(target.sequence): afterwards \(problem) (a change made since); undo or "
            + "remove that change first")
      }
      if let clash = reverted.nameClashes().first {
        throw ModelError.undoWouldBreak(
          "cannot \(verb) #\(target.sequence): it brings back \(clash.kind) \"\(clash.name)\" and \(clash.reason); "
            + "rename or delete the newer one first")
      }
      return (reverted, note)
    }
  }

  /// Refuses to undo or redo a change of the member list whose earlier version (what it brings
  /// back) is not the list signed changes by Owners made, for what the change changed: a change
  /// made on a list edited by hand (removing the Owner someone made himself) would otherwise
  /// bring the hand edit back as a change the undoing Owner signs. An approval of the member
  /// list is not undone (what it granted may have been used): a member is lowered or removed.
  private func refuseUntrustedMemberList(_ target: HistoryEntry, in workspace: Workspace, verb: String)
    throws
  {
    guard let change = target.changes.first(where: { $0.kind == "workspace" }) else { return }
    if target.command == Self.memberListApproval {
      throw ModelError.undoWouldBreak(
        "cannot \(verb) #\(target.sequence): an approval of the member list is not taken back by undo (what it "
          + "granted may have been used); lower or remove the member instead (`airenv workspace member set|remove`)"
      )
    }
    guard let before = change.before.flatMap(MemberState.init(stored:)),
      let stored = storedJSON(kind: "workspace", id: workspace.id, workspace: workspace.id).flatMap(
        MemberState.init(stored:))
    else { return }
    let trusted = trustedMembers(of: workspace)
    guard let trusted, trusted.anchor != nil else { return }
    guard let found = trusted.found[target.name] else {
      throw ModelError.undoWouldBreak(
        "cannot \(verb) #\(target.sequence): it is not a change the member list counts ("
          + (trusted.uncounted[target.name] ?? "not a signed change by an Owner") + ")")
    }
    // What the change changed (the list as stored now is what it left: checked before), put
    // back as it recorded it, must be what the trusted list held then.
    let restored = found.applying(from: stored, to: before)
    guard let problem = found.difference(in: restored) else { return }
    throw ModelError.undoWouldBreak(
      "cannot \(verb) #\(target.sequence): it would bring back the member list as stored then, which signed changes "
        + "by Owners did not make: \(problem)")
  }

  private func storedJSON(kind: String, id: String, workspace: WorkspaceID) -> JSONValue? {
    let directory: String
    switch kind {
    case "connection": directory = layout.connections(workspace)
    case "variable": directory = layout.variables(workspace)
    case "deployment": directory = layout.deployments(workspace)
    default:
      return (try? FileSystem.read(layout.workspaceFile(workspace), limit: Limits.objectFileBytes)).flatMap {
        try? JSONValue.parse(String(decoding: $0, as: UTF8.self))
      }
    }
    guard let bytes = try? FileSystem.read(directory + "/\(id).json", limit: Limits.objectFileBytes) else {
      return nil
    }
    return try? JSONValue.parse(String(decoding: bytes, as: UTF8.self))
  }

  private func restore(
    _ change: ObjectChange, stored: JSONValue?, in workspace: inout Workspace, sealer: SecretSealer,
    by actor: Actor, done: String
  )
    throws
  {
    // Nothing may have changed the object since the entry: as stored now, it must be what
    // the entry left (an undo writes back the stored bytes, so undo chains compare equal).
    func check(_ stamp: Stamp?, _ what: String) throws {
      if change.afterDigest == ContentDigest.purged {
        throw ModelError.undoWouldBreak(
          "\(what) held values that were purged from the history (airenv history purge); this change "
            + "cannot be \(done)")
      }
      guard ContentDigest.of(stored) != change.afterDigest else { return }
      guard let stamp else {
        throw ModelError.undoConflict(what: what + " (deleted since)", by: "someone", at: Date())
      }
      // Unchanged since but stored anew: its secrets were sealed with a new key, and what the
      // entry keeps was sealed with the old one.
      if change.revision == stamp.revision {
        throw ModelError.undoWouldBreak(
          "\(what) was stored anew since without a change of its own: its secrets sealed with a new key (key "
            + "rotate, key migrate, or a member who could read them left) or a hand edit; what this change kept "
            + "would not open, so it cannot be \(done)")
      }
      throw ModelError.undoConflict(what: what, by: stamp.updatedBy, at: stamp.updatedAt)
    }
    // What an entry restores is read as strictly as the repository's own files.
    func decoded<Value: StoredRecord>(_ type: Value.Type, _ json: JSONValue) throws -> Value {
      var stored = json
      if case .object(var members) = json, members["version"] == nil {
        members["version"] = .integer(Int64(StoredFile.currentVersion))
        stored = .object(members)
      }
      return try StoredFile.read(type, from: Array(stored.compactText.utf8), path: "history entry")
    }
    switch change.kind {
    case "connection":
      try restore(
        change, in: &workspace.connections, by: actor, done: done, check: check,
        decode: { sealer.unseal(try decoded(Connection.self, $0)) })
    case "variable":
      try restore(
        change, in: &workspace.variables, by: actor, done: done, check: check,
        decode: { sealer.unseal(try decoded(Variable.self, $0)) })
    case "deployment":
      try restore(
        change, in: &workspace.deployments, by: actor, done: done, check: check,
        decode: { sealer.unseal(try decoded(Deployment.self, $0)) })
    case "workspace":
      try check(workspace.stamp, "Workspace \(workspace.name)")
      if let before = change.before {
        let header = try decoded(WorkspaceHeader.self, before)
        workspace.name = header.name
        workspace.members = header.members
        workspace.memberKeys = header.memberKeys ?? [:]
        workspace.settings = header.settings
        workspace.stamp.touch(by: actor)
      }
    default:
      break
    }
  }

  private func restore<Value: Identifiable<String> & Stamped>(
    _ change: ObjectChange, in objects: inout [Value], by actor: Actor, done: String,
    check: (Stamp?, String) throws -> Void,
    decode: (JSONValue) throws -> Value
  ) throws {
    let index = objects.firstIndex { $0.id == change.id }
    try check(index.map { objects[$0].stamp }, "\(change.kind) \"\(change.key)\"")
    guard let before = change.before else {
      if let index { objects.remove(at: index) }
      return
    }
    var restored = try decode(before)
    // An entry restores the object it names, never another one (a hand-edited entry could).
    guard restored.id == change.id else {
      throw StoreError.corrupt(
        path: "history", line: nil, column: nil,
        reason:
          "a history entry's earlier version of \(change.kind) \(change.id) is another object (\(restored.id)); "
          + "it cannot be \(done)")
    }
    restored.stamp = index.map { objects[$0].stamp } ?? restored.stamp
    restored.stamp.touch(by: actor)
    if let index { objects[index] = restored } else { objects.append(restored) }
  }
}

/// Objects that carry a revision stamp.
protocol Stamped {
  var stamp: Stamp { get set }
}

extension EnvironmentObject: Stamped {}
extension Deployment: Stamped {}
