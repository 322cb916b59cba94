import AirenvModel
import Foundation

extension RepositoryLayout {
  /// A Workspace's data key wrapped for each member who may read its secrets (see
  /// `DataKeyEnvelope`); absent while the Workspace uses the repository's shared key.
  func dataKeys(_ id: String) -> String { workspaceDirectory(id) + "/keys.json" }
}

/// What one save does to a Workspace's data key.
struct DataKeyChange {
  /// The key secrets are sealed with after the save: nil when the acting user holds none.
  var key: EncryptionKey?
  /// The envelope to write, when it changes.
  var envelope: DataKeyEnvelope?
  /// Whether `key` is new: then every secret of the Workspace is sealed again with it.
  var renewed: Bool
}

extension Repository {
  /// The Workspace's envelope; nil when its secrets use the repository's shared key.
  func dataKeyEnvelope(_ id: WorkspaceID) throws(StoreError) -> DataKeyEnvelope? {
    let path = layout.dataKeys(id)
    guard FileSystem.exists(path) else { return nil }
    return try StoredFile.read(
      DataKeyEnvelope.self, from: FileSystem.read(path, limit: Limits.objectFileBytes), path: path)
  }

  /// The key that opens a Workspace's secrets here, and whether it is the one they were sealed
  /// with (then a secret that does not open was tampered with). With a data key, that is the
  /// key wrapped for the acting user's identity, if it is; else the key of the key file.
  func secretKey(for id: WorkspaceID) throws(StoreError) -> (key: EncryptionKey?, isTheWorkspaces: Bool) {
    if let envelope = try dataKeyEnvelope(id) {
      guard let identity = signers.acting else { return (nil, false) }
      let key = try envelope.open(with: identity, workspace: id, path: layout.dataKeys(id))
      return (key, key != nil)
    }
    let repositoryKey = try readIndex().keyFingerprint
    let key = try keyring.load(matching: repositoryKey)
    return (key, key != nil && (repositoryKey == nil || repositoryKey == key?.fingerprint))
  }

  /// What saving `after` does to its data key: wrapped for a member who may now read secrets
  /// (an Owner or Operator whose key is recorded, anyone's while secretsFetching is on), and
  /// made anew — every secret sealed again — when someone who could read them no longer may, or
  /// their recorded key changed: their copy of the repository then opens nothing written after.
  /// Nil for a Workspace that uses the shared key.
  func dataKeyChange(for after: Workspace) throws(StoreError) -> DataKeyChange? {
    guard let envelope = try dataKeyEnvelope(after.id) else { return nil }
    let readers = after.secretReaders
    let (current, _) = try secretKey(for: after.id)
    let dropped = envelope.wrapped.filter { readers[$0.key] != $0.value.recipient }.keys.sorted()
    let added = readers.filter { envelope.wrapped[$0.key]?.recipient != $0.value }.keys.sorted()
    if dropped.isEmpty && added.isEmpty { return DataKeyChange(key: current, envelope: nil, renewed: false) }
    guard !readers.isEmpty else {
      throw .keyProblem(
        "afterwards no member could read the secrets of Workspace \(after.name): an Owner or Operator with "
          + "a recorded public key must remain")
    }
    guard let current else {
      let who = signers.acting?.user ?? "this user"
      throw .keyProblem(
        "\(who) does not hold the data key of Workspace \(after.name), so cannot "
          + (dropped.isEmpty ? "give it to \(added.joined(separator: ", "))" : "make a new one")
          + "; an Owner or Operator whose public key is recorded must make this change")
    }
    guard dropped.isEmpty else {
      let key = EncryptionKey.generate()
      return DataKeyChange(
        key: key, envelope: try .wrapping(key, for: readers, workspace: after.id), renewed: true)
    }
    var next = envelope
    for user in added {
      try next.wrap(current, for: user, identity: readers[user]!, workspace: after.id)
    }
    return DataKeyChange(key: current, envelope: next, renewed: false)
  }

  /// Every file of `workspace` that holds a secret, sealed again with `key`, except the objects
  /// in `skipping` (the save writes those itself). The secrets must all be open: one that is
  /// not would be lost.
  func resealed(_ workspace: Workspace, with key: EncryptionKey, skipping: Set<String> = [])
    throws(StoreError) -> [(path: String, bytes: [UInt8])]
  {
    if let problem = Self.lockedSecrets(in: workspace).first {
      throw .keyProblem("\(problem); restore it before the Workspace's secrets are sealed with a new key")
    }
    let sealer = SecretSealer(workspace: workspace.id, key: key, keyIsRepositorys: true)
    var writes: [(path: String, bytes: [UInt8])] = []
    for deployment in workspace.deployments
    where !skipping.contains(deployment.id) && SecretSealer.needsKey(deployment) {
      writes.append(
        (
          layout.deployments(workspace.id) + "/\(deployment.id).json",
          StoredFile.encode(try sealer.seal(deployment))
        )
      )
    }
    let connections = workspace.connections.filter { !skipping.contains($0.id) && SecretSealer.needsKey($0) }
    let sealedConnections = connections.concurrentMap { connection in
      Result { () throws(StoreError) in
        (
          layout.connections(workspace.id) + "/\(connection.id).json",
          StoredFile.encode(try sealer.seal(connection))
        )
      }
    }
    let variables = workspace.variables.filter { !skipping.contains($0.id) && SecretSealer.needsKey($0) }
    let sealedVariables = variables.concurrentMap { variable in
      Result { () throws(StoreError) in
        (
          layout.variables(workspace.id) + "/\(variable.id).json",
          StoredFile.encode(try sealer.seal(variable))
        )
      }
    }
    for result in sealedConnections + sealedVariables { writes.append(try result.get()) }
    return writes
  }

  /// The history's record of a new data key: how many files were sealed again with it.
  static func dataKeyRenewal(_ workspace: WorkspaceID, resealed count: Int) -> ObjectChange {
    ObjectChange(
      kind: "keys", id: workspace, key: "data key",
      fields: [
        FieldChange(
          name: "files sealed with a new key", before: nil, after: .integer(Int64(count)), secret: false)
      ],
      before: nil, afterDigest: nil, revision: nil)
  }
}

/// One Workspace moved from the shared key to a data key of its own.
public struct DataKeyMigration: Equatable, Sendable {
  public var workspace: String
  /// How many files were sealed again with the new key.
  public var resealed: Int
  /// The members the key is wrapped for.
  public var readers: [String]
  /// Members whose role may read secrets but whose public key is not recorded: they receive the
  /// key once an Owner records it.
  public var waitingForKeys: [String]
}

/// A Workspace's data key as `airenv key status` shows it.
public struct DataKeyStatus: Equatable, Sendable {
  public var workspace: String
  public var fingerprint: String
  public var wrappedFor: [String]
  /// Whether the acting user's identity opens it here.
  public var held: Bool
}

extension Repository {
  /// Moves every Workspace that uses the repository's shared key to a data key of its own,
  /// wrapped for each member who may read secrets, in one atomic change with one history entry
  /// per Workspace. The acting user must hold their identity here and administer each Workspace;
  /// a Workspace without members makes them its Owner, and their public key is recorded where
  /// it is not yet. Every secret must open with the shared key: none is left behind.
  public func migrateToDataKeys(by actor: Actor) throws -> [DataKeyMigration] {
    try withLock(exclusive: true) { () throws in
      guard let identity = signers.identity(of: actor.user) else {
        throw StoreError.keyProblem(
          "\(actor.user) holds no identity here: run `airenv identity create` first (the new keys are wrapped "
            + "for it)")
      }
      var index = try readIndex()
      if let expected = index.keyFingerprint {
        guard let key = try keyring.load(matching: expected) else {
          throw StoreError.keyMissing(location: keyring.location, repository: expected)
        }
        guard key.fingerprint == expected else {
          throw StoreError.keyMismatch(
            location: keyring.location, fingerprint: key.fingerprint, repository: expected)
        }
      }
      var writes: [(path: String, bytes: [UInt8])] = []
      var migrations: [DataKeyMigration] = []
      for id in try workspaceIDs() where try dataKeyEnvelope(id) == nil {
        let before = try loadWorkspace(id, allowingConflicts: true)
        try before.authorize(.administer, for: actor.user)
        var after = before
        if after.members.isEmpty { after.members[actor.user] = .owner }
        if let recorded = after.memberKeys[actor.user], recorded != identity.publicText {
          throw StoreError.keyProblem(
            "the public key recorded for \(actor.user) in Workspace \(before.name) is not the identity held "
              + "here; act with that identity, or have an Owner record this one")
        }
        after.memberKeys[actor.user] = identity.publicText
        var changes: [ObjectChange] = []
        if WorkspaceHeader(after) != WorkspaceHeader(before) {
          after.stamp.touch(by: actor)
          let bytes = StoredFile.encode(WorkspaceHeader(after))
          writes.append((layout.workspaceFile(id), bytes))
          changes.append(
            change(
              "workspace", id, after.name, plain: (WorkspaceHeader(before), WorkspaceHeader(after)),
              path: layout.workspaceFile(id), written: bytes, secretPaths: []))
        }
        let key = EncryptionKey.generate()
        let readers = after.secretReaders
        let resealed = try resealed(after, with: key)
        writes += resealed
        writes.append(
          (
            layout.dataKeys(id),
            StoredFile.encode(try DataKeyEnvelope.wrapping(key, for: readers, workspace: id))
          ))
        changes.append(Self.dataKeyRenewal(id, resealed: resealed.count))
        let (sequence, time, fileName) = try nextHistoryEntry(id, at: actor.time)
        let entry = HistoryEntry(
          sequence: sequence, time: time, user: actor.user, command: "key migrate", deployment: nil,
          changes: changes, undoes: nil, redoes: nil)
        writes += try historyWrites(entry, named: fileName, workspace: id)
        migrations.append(
          DataKeyMigration(
            workspace: after.name, resealed: resealed.count, readers: readers.keys.sorted(),
            waitingForKeys: after.members.filter { user, role in
              after.memberKeys[user] == nil && (role >= .`operator` || after.settings.secretsFetching)
            }.keys.sorted()))
      }
      guard !migrations.isEmpty || index.dataKeys != true else { return [] }
      // No secret is sealed with the shared key any more, and none will be.
      index.keyFingerprint = nil
      index.dataKeys = true
      writes.append((layout.index, StoredFile.encode(index)))
      for directory in Set(writes.map(\.path.parent)) { try FileSystem.makeDirectory(directory) }
      try Journal.commit(writes: writes, deletes: [], layout: layout)
      return migrations
    }
  }

  /// Whether the Workspace (by name; nil for the default) has a data key of its own.
  public func usesDataKey(workspace name: String?) throws(StoreError) -> Bool {
    try locked(exclusive: false) { () throws(StoreError) in
      try dataKeyEnvelope(try chooseWorkspace(name).id) != nil
    }
  }

  /// Each Workspace's data key: its fingerprint, whom it is wrapped for, and whether the acting
  /// user opens it here.
  public func dataKeyStatus() throws(StoreError) -> [DataKeyStatus] {
    try locked(exclusive: false) { () throws(StoreError) in
      var statuses: [DataKeyStatus] = []
      for summary in try summaries() {
        guard let envelope = try dataKeyEnvelope(summary.id) else { continue }
        statuses.append(
          DataKeyStatus(
            workspace: summary.name, fingerprint: envelope.fingerprint,
            wrappedFor: envelope.wrapped.keys.sorted(),
            held: try secretKey(for: summary.id).key != nil))
      }
      return statuses
    }
  }
}
