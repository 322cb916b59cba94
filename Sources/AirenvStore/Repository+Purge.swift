import AirenvModel
import Foundation

/// What `purgePlaintext` did.
public struct PurgeReport: Equatable, Sendable {
  /// The history entries rewritten.
  public var entries: [Int]
  /// Recorded field values removed, and earlier versions whose secrets were encrypted.
  public var values: Int
  public var snapshots: Int
}

extension Repository {
  /// Removes from the history every plaintext of an object's fields that are secret now: a
  /// variable flagged secret (or renamed to a sensitive key) after its value was saved, an extra
  /// key marked secret later. Recorded values of those fields are dropped (the entry then says
  /// only that they changed, as for any secret); the earlier versions kept for undo are stored
  /// with those fields encrypted and marked secret, so undoing restores them as secrets.
  public func purgePlaintext(of reference: ObjectReference, workspace name: String?, by actor: Actor)
    throws -> PurgeReport
  {
    try withLockedHistory(name) { id, workspace, entries in
      try workspace.authorize(.change, for: actor.user)
      var report = PurgeReport(entries: [], values: 0, snapshots: 0)
      var writes: [(path: String, bytes: [UInt8])] = []
      // Earlier versions are encrypted, so a repository that never stored a secret gets its key
      // here (and records it in the index, in the same commit).
      let sealer = try writingSealer(for: id, needsKey: true, writes: &writes)
      let purge: Purge
      switch reference.kind {
      case .connection: purge = Purge(try workspace.connection(reference), sealer: sealer)
      case .variable: purge = Purge(try workspace.variable(reference), sealer: sealer)
      }
      var purged = entries
      // The latest change of the object seen so far, as (entry, change) positions.
      var previous: (entry: Int, change: Int)?
      for entryIndex in purged.indices {
        for index in purged[entryIndex].1.changes.indices
        where purged[entryIndex].1.changes[index].id == purge.objectID {
          var change = purged[entryIndex].1.changes[index]
          for field in change.fields.indices
          where !change.fields[field].secret && purge.isSecret(change.fields[field].name) {
            change.fields[field].before = nil
            change.fields[field].after = nil
            change.fields[field].secret = true
            report.values += 1
          }
          if let before = change.before, let sealed = try purge.sealed(before), sealed != before {
            change.before = sealed
            report.snapshots += 1
            // The change before this one left those values as plaintext, and its digest of that
            // state would let anyone test guesses of them (a PIN, say): it goes too.
            if let (entry, earlier) = previous, purged[entry].1.changes[earlier].afterDigest != nil {
              purged[entry].1.changes[earlier].afterDigest = ContentDigest.purged
            }
          }
          purged[entryIndex].1.changes[index] = change
          previous = (entryIndex, index)
        }
      }
      // Signatures are judged by the keys signed changes recorded (the list as stored, where
      // nothing is replayed).
      let trusted = try verifies(workspace) ? trustedMembers(of: workspace) : nil
      let recorded = trusted.flatMap { $0.anchor == nil ? nil : $0.state.keys } ?? workspace.memberKeys
      var deletes: [String] = []
      for ((path, entry), (_, rewritten)) in zip(entries, purged) where rewritten != entry {
        let bytes = StoredFile.encode(rewritten)
        writes.append((path, bytes))
        report.entries.append(entry.sequence)
        let fileName = String(path.split(separator: "/").last ?? "")
        let signaturePath = path.parent + "/" + HistorySignature.fileName(forEntry: fileName)
        let signature =
          FileSystem.exists(signaturePath) || FileSystem.isLink(signaturePath)
          ? try? FileSystem.read(signaturePath, limit: HistorySignature.largestFile) : nil
        let holds = HistoryVerification.of(
          entry: try FileSystem.read(path, limit: Limits.historyFileBytes), workspace: id, fileName: fileName,
          user: entry.user, signature: signature, recorded: recorded
        ).holds
        // The purger vouches for the entry as rewritten (its old signature no longer holds), so
        // that what it wrote stays verified: only an entry whose signature held. One nobody can
        // show is its author's (unsigned, made up by hand) stays unsigned, vouched for by no one.
        if holds, let identity = held.identity(of: actor.user) {
          writes.append(
            (
              signaturePath,
              try HistorySignature.make(
                for: bytes, workspace: id, fileName: fileName, by: identity, rewrite: true)
            ))
          continue
        }
        if signature != nil && entry.changes.contains(where: { $0.kind == "workspace" }) {
          throw StoreError.io(
            path: path,
            reason:
              "not purged: change #\(entry.sequence) also changed the member list, signed by someone whose key "
              + "the Workspace does not record now; purging would take its signature, and the member list with it"
          )
        }
        if signature != nil { deletes.append(signaturePath) }
      }
      if !writes.isEmpty { try Journal.commit(writes: writes, deletes: deletes, layout: layout) }
      return report
    }
  }

  /// Runs `body` under the exclusive lock with the Workspace and its history entries by file.
  private func withLockedHistory<Result>(
    _ name: String?, _ body: (WorkspaceID, Workspace, [(String, HistoryEntry)]) throws -> Result
  ) throws -> Result {
    try withLock(exclusive: true) { () throws -> Result in
      let id = try chooseWorkspace(name).id
      let workspace = try loadWorkspace(id)
      let directory = layout.history(id)
      let entries = try FileSystem.jsonFiles(in: directory).map { name throws(StoreError) in
        let path = directory + "/" + name
        return (
          path,
          try Self.historyEntry(
            StoredFile.read(
              HistoryEntry.self, from: FileSystem.read(path, limit: Limits.historyFileBytes), path: path),
            named: name, path: path)
        )
      }
      // In the history's order: each change is paired with the one before it.
      return try body(id, workspace, entries.sorted { HistoryEntry.precedes($0.1, $1.1) })
    }
  }
}

/// Which recorded fields of one object are secret now, and how an earlier version of it is
/// stored with them encrypted.
private struct Purge {
  let objectID: ObjectID
  let isSecret: (String) -> Bool
  let sealed: (JSONValue) throws -> JSONValue?

  init(_ variable: Variable, sealer: SecretSealer) {
    objectID = variable.id
    let secret = variable.isSecret
    isSecret = { name in
      let parts = name.split(separator: ".")
      return secret
        && (name == "base.value" || (parts.count == 3 && parts[0] == "links" && parts[2] == "value"))
    }
    sealed = { json in
      guard secret else { return nil }
      let stored = try Self.decoded(Variable.self, json)
      var old = sealer.unseal(stored)
      old.base.secret = true
      // Ciphertexts already there are kept: a version that held no plaintext comes out the same.
      return Repository.json(try sealer.seal(old, keeping: (plain: sealer.unseal(stored), stored: stored)))
    }
  }

  init(_ connection: Connection, sealer: SecretSealer) {
    objectID = connection.id
    // Secret now: by the connection's current marks and type, whatever key names the history
    // holds (a key set only on a link, or since removed, included).
    let base = connection.base
    isSecret = { name in
      let parts = name.split(separator: ".").map(String.init)
      if parts.count >= 3 && parts[0] == "base" && parts[1] == "extra" {
        return base.isSecret(extraKey: parts[2])
      }
      if parts.count >= 4 && parts[0] == "links" && parts[2] == "extraSet" {
        return base.isSecret(extraKey: parts[3])
      }
      return false
    }
    sealed = { json in
      var old = sealer.unseal(try Self.decoded(Connection.self, json))
      let keys = Set(old.base.extra.keys).union(old.links.values.flatMap(\.extraSet.keys))
      old.base.secretExtraKeys.formUnion(
        keys.filter { base.isSecret(extraKey: $0) && !old.base.isSecret(extraKey: $0) })
      let stored = try Self.decoded(Connection.self, json)
      return Repository.json(try sealer.seal(old, keeping: (plain: sealer.unseal(stored), stored: stored)))
    }
  }

  /// An earlier version as the history keeps it (without its format version).
  private static func decoded<Value: StoredRecord>(_ type: Value.Type, _ json: JSONValue) throws -> Value {
    var stored = json
    if case .object(var members) = json, members["version"] == nil {
      members["version"] = .integer(Int64(StoredFile.currentVersion))
      stored = .object(members)
    }
    return try StoredFile.read(type, from: Array(stored.compactText.utf8), path: "history entry")
  }
}
