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
      let sealer = try readingSealer(for: id)
      var report = PurgeReport(entries: [], values: 0, snapshots: 0)
      var writes: [(path: String, bytes: [UInt8])] = []
      let purge: Purge
      switch reference.kind {
      case .connection: purge = Purge(try workspace.connection(reference), sealer: sealer)
      case .variable: purge = Purge(try workspace.variable(reference), sealer: sealer)
      }
      for (path, entry) in entries {
        var purged = entry
        for index in purged.changes.indices where purged.changes[index].id == purge.objectID {
          for field in purged.changes[index].fields.indices
          where !purged.changes[index].fields[field].secret
            && purge.isSecret(purged.changes[index].fields[field].name)
          {
            purged.changes[index].fields[field].before = nil
            purged.changes[index].fields[field].after = nil
            purged.changes[index].fields[field].secret = true
            report.values += 1
          }
          if let before = purged.changes[index].before, let sealed = try purge.sealed(before),
            sealed != before
          {
            purged.changes[index].before = sealed
            report.snapshots += 1
          }
        }
        if purged != entry {
          writes.append((path, StoredFile.encode(purged)))
          report.entries.append(entry.sequence)
        }
      }
      if !writes.isEmpty { try Journal.commit(writes: writes, deletes: [], layout: layout) }
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
          try StoredFile.read(
            HistoryEntry.self, from: FileSystem.read(path, limit: Limits.historyFileBytes), path: path)
        )
      }
      return try body(id, workspace, entries)
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
      var old = sealer.unseal(try Self.decoded(Variable.self, json))
      old.base.secret = true
      return Repository.json(try sealer.seal(old))
    }
  }

  init(_ connection: Connection, sealer: SecretSealer) {
    objectID = connection.id
    let keys = Set(connection.base.extra.keys.filter { connection.base.isSecret(extraKey: $0) })
    isSecret = { name in
      let parts = name.split(separator: ".").map(String.init)
      if parts.count >= 3 && parts[0] == "base" && parts[1] == "extra" { return keys.contains(parts[2]) }
      if parts.count >= 4 && parts[0] == "links" && parts[2] == "extraSet" { return keys.contains(parts[3]) }
      return false
    }
    sealed = { json in
      var old = sealer.unseal(try Self.decoded(Connection.self, json))
      old.base.secretExtraKeys.formUnion(
        keys.filter { old.base.extra[$0] != nil && !old.base.isSecret(extraKey: $0) })
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
