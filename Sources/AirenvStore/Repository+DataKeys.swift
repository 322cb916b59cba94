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
  /// The Workspace's envelope as stored, unverified; nil when it has none.
  func dataKeyEnvelope(_ id: WorkspaceID) throws(StoreError) -> DataKeyEnvelope? {
    let path = layout.dataKeys(id)
    guard FileSystem.exists(path) else { return nil }
    return try StoredFile.read(
      DataKeyEnvelope.self, from: FileSystem.read(path, limit: Limits.objectFileBytes), path: path)
  }

  /// The Workspace's envelope, refused unless an Owner of its member list signed it (anyone
  /// could otherwise put a key of their own making there, wrapped for everyone, and read what is
  /// sealed with it next). Nil when the Workspace has none, which a repository that keeps data
  /// keys refuses too, unless `sharedKeyAllowed` (`key migrate` moving it). `header` and `index`
  /// are read here unless the caller has them already.
  /// `replayed` is the member list's replay when the caller has made it (`trustedMembers`).
  func verifiedEnvelope(
    _ id: WorkspaceID, header: WorkspaceHeader? = nil, index: RepositoryIndex? = nil,
    sharedKeyAllowed: Bool = false, replayed known: TrustedMembers? = nil
  ) throws(StoreError) -> DataKeyEnvelope? {
    let path = layout.dataKeys(id)
    guard let envelope = try dataKeyEnvelope(id) else {
      // The header recording a data key says so too: the index's mark can be lost by hand.
      var recordsKey = header?.dataKey != nil
      if header == nil { recordsKey = try loadHeader(id).dataKey != nil }
      var keepsDataKeys = recordsKey
      if !keepsDataKeys { keepsDataKeys = try usesDataKeys(index: index) }
      if !sharedKeyAllowed, keepsDataKeys {
        throw .corrupt(
          path: path, line: nil, column: nil,
          reason:
            "it is missing, and this repository keeps every Workspace's secrets under a data key of its "
            + "own (a Workspace that never had one is moved by an Owner with `airenv key migrate`)")
      }
      return nil
    }
    let stored: WorkspaceHeader
    if let header { stored = header } else { stored = try loadHeader(id) }
    let header = stored
    // Signed by an Owner of the member list signed changes made, not of one edited by hand: a
    // key of someone's own making would otherwise seal the next secret an Owner saves.
    let replayed = known ?? trustedMembers(of: header.workspace)
    // A history whose member list cannot be replayed at all trusts nobody to have signed it.
    if let replayed, replayed.state.members.isEmpty, let problem = replayed.problem {
      throw .corrupt(
        path: layout.workspaceFile(id), line: nil, column: nil,
        reason:
          "its member list is not what signed changes by Owners made it: \(problem); no secret is opened or "
          + "sealed meanwhile")
    }
    let trusted = replayed?.state
    if let problem = envelope.signatureProblem(
      workspace: id, members: trusted?.members ?? header.members,
      memberKeys: trusted?.keys ?? header.memberKeys ?? [:])
    {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason: "\(problem); secrets are neither opened nor sealed with its key")
    }
    // Both files change together; one brought back from an older state alone would have new
    // secrets sealed with a key someone who has left may still hold. Both brought back: the
    // key signed changes last recorded says so.
    if let trusted, trusted.dataKey != nil, trusted.dataKey != envelope.fingerprint {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason:
          "it holds data key \(envelope.fingerprint), but the last signed change of the member list made "
          + "\(trusted.dataKey ?? "none") (it and workspace.json brought back from an older state?); secrets are "
          + "neither opened nor sealed with it; restore both from git")
    }
    guard header.dataKey == envelope.fingerprint else {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason: "it holds data key \(envelope.fingerprint), but \(layout.workspaceFile(id)) records "
          + "\(header.dataKey ?? "none") (one of the two brought back from an older state, or edited by hand); "
          + "secrets are neither opened nor sealed with it")
    }
    return envelope
  }

  /// Whether Workspaces here keep their secrets under data keys: the index says so, or one of
  /// them has an envelope (the index's mark may have been lost in a hand edit or a merge).
  func usesDataKeys(index: RepositoryIndex? = nil) throws(StoreError) -> Bool {
    let marked: Bool?
    if let index { marked = index.dataKeys } else { marked = try readIndex().dataKeys }
    if marked == true { return true }
    return try workspaceIDs().contains { FileSystem.exists(layout.dataKeys($0)) }
  }

  /// The key that opens a Workspace's secrets here, and whether it is the one they were sealed
  /// with (then a secret that does not open was tampered with). With a data key, that is the
  /// key wrapped for the acting user's identity, if it is; else the key of the key file.
  func secretKey(for id: WorkspaceID, header: WorkspaceHeader? = nil, sharedKeyAllowed: Bool = false)
    throws(StoreError) -> (key: EncryptionKey?, isTheWorkspaces: Bool)
  {
    let index = try readIndex()
    if let envelope = try verifiedEnvelope(
      id, header: header, index: index, sharedKeyAllowed: sharedKeyAllowed)
    {
      let key = try openedKey(envelope, workspace: id)
      return (key, key != nil)
    }
    let key = try keyring.load(matching: index.keyFingerprint)
    return (key, key != nil && (index.keyFingerprint == nil || index.keyFingerprint == key?.fingerprint))
  }

  /// The data key in `envelope`, opened with the acting user's identity; nil when it is not
  /// wrapped for them (or they hold no identity here).
  func openedKey(_ envelope: DataKeyEnvelope, workspace id: WorkspaceID) throws(StoreError) -> EncryptionKey?
  {
    guard let identity = held.acting else { return nil }
    return try envelope.open(with: identity, workspace: id, path: layout.dataKeys(id))
  }

  /// The members `envelope` wraps the key for who may not read secrets by `readers` (or whose
  /// recorded key changed): a key they hold must not seal anything more.
  static func staleWraps(in envelope: DataKeyEnvelope, readers: [String: String]) -> [String] {
    envelope.wrapped.filter { readers[$0.key] != $0.value.recipient }.keys.sorted()
  }

  /// `envelope` signed by the acting user for `workspace` as it is after the save: refused unless
  /// they are its Owner with their public key recorded, as every reader checks.
  func signed(_ envelope: DataKeyEnvelope, for workspace: Workspace) throws(StoreError) -> DataKeyEnvelope {
    guard let identity = held.acting else {
      throw .keyProblem(
        "\(held.actingName) holds no identity here, and only an Owner's identity may sign the data key of "
          + "Workspace \(workspace.name)")
    }
    var signed = envelope
    try signed.sign(with: identity, workspace: workspace.id)
    if signed.signatureProblem(
      workspace: workspace.id, members: workspace.members, memberKeys: workspace.memberKeys)
      != nil
    {
      throw .keyProblem(
        "this change gives the data key of Workspace \(workspace.name) a new envelope, which only an Owner whose "
          + "public key is recorded may sign; \(identity.user) is not one afterwards (another Owner must make it)"
      )
    }
    return signed
  }

  /// What saving `after` (read as `before`) does to its data key: wrapped for a member this save
  /// lets read secrets (an Owner or Operator whose key is recorded, anyone's while
  /// secretsFetching is on), and made anew — every secret sealed again — when someone it was
  /// wrapped for no longer may read them, or their recorded key changed: their copy of the
  /// repository then opens nothing written after. A reader the member list names but no save
  /// granted (a hand edit) is not wrapped for: `key migrate` by an Owner does that, and so does
  /// `before` nil; one the replayed list trusts (a merge) is, by a trusted Owner's next save.
  /// Nil for a Workspace that uses the shared key.
  ///
  /// Readers are judged by the member list signed changes made (`trusted`, replayed from
  /// `before`) with what this save changes in it applied, never by `workspace.json` as stored:
  /// a reader, role or key put there by hand (or by a merge) is not wrapped for by an Owner's
  /// next save, whatever that save changes. An approval of the member list (`approving`) takes
  /// it as stored: the approving Owner checked it, and its readers are then wrapped for.
  func dataKeyChange(
    for after: Workspace, before: Workspace?, trusted: TrustedMembers? = nil, approving: Bool = false
  ) throws(StoreError) -> DataKeyChange? {
    guard let envelope = try verifiedEnvelope(after.id, replayed: trusted) else { return nil }
    var readers = after.secretReaders
    var readersBefore = before?.secretReaders
    if let before, let trusted, trusted.anchor != nil {
      readersBefore = trusted.state.judging(before).secretReaders
      if !approving {
        readers =
          trusted.state.applying(from: MemberState(before), to: MemberState(after)).judging(after)
          .secretReaders
      }
    }
    let granted = readersBefore.map { found in readers.filter { found[$0.key] != $0.value } } ?? readers
    let current = try openedKey(envelope, workspace: after.id)
    let dropped = Self.staleWraps(in: envelope, readers: readers)
    var added = granted.filter { envelope.wrapped[$0.key]?.recipient != $0.value }.keys.sorted()
    // Readers the replayed list trusts but nobody wrapped for (two Owners' changes merged in
    // git, each wrapping for its own) are wrapped for by the next save of an Owner it trusts
    // who holds the key.
    if let trusted, trusted.anchor != nil, current != nil, let acting = held.acting,
      trusted.state.members[acting.user] == .owner, trusted.state.keys[acting.user] == acting.publicText
    {
      added = readers.filter { envelope.wrapped[$0.key]?.recipient != $0.value }.keys.sorted()
    }
    if dropped.isEmpty && added.isEmpty {
      // The Owner who signed the envelope is an Owner no longer: the acting Owner signs it anew.
      guard
        envelope.signatureProblem(workspace: after.id, members: after.members, memberKeys: after.memberKeys)
          != nil
      else { return DataKeyChange(key: current, envelope: nil, renewed: false) }
      return DataKeyChange(key: current, envelope: try signed(envelope, for: after), renewed: false)
    }
    guard !readers.isEmpty else {
      throw .keyProblem(
        "afterwards no member could read the secrets of Workspace \(after.name): an Owner or Operator with "
          + "a recorded public key must remain")
    }
    guard let current else {
      throw .keyProblem(
        "\(held.actingName) does not hold the data key of Workspace \(after.name), so cannot "
          + (dropped.isEmpty ? "give it to \(added.joined(separator: ", "))" : "make a new one")
          + "; an Owner whose public key is recorded and who holds it must make this change")
    }
    guard dropped.isEmpty else {
      let key = EncryptionKey.generate()
      let wrapped = try DataKeyEnvelope.wrapping(
        key,
        for: readers.filter {
          granted[$0.key] != nil || added.contains($0.key) || envelope.wrapped[$0.key]?.recipient == $0.value
        },
        workspace: after.id)
      return DataKeyChange(key: key, envelope: try signed(wrapped, for: after), renewed: true)
    }
    var next = envelope
    for user in added {
      try next.wrap(current, for: user, identity: readers[user]!, workspace: after.id)
    }
    return DataKeyChange(key: current, envelope: try signed(next, for: after), renewed: false)
  }

  /// Every file of `workspace` that holds a secret, sealed again with `key` and naming `entry`
  /// as the change that wrote it, except the objects in `skipping` (the save writes those
  /// itself); with the digest of each (by id) for that entry's `sealed`. The objects in
  /// `unvouched` (unverified ones) are sealed again but keep their stamps, and stay unverified:
  /// the entry vouches only for what was verified before. With `every`, the files
  /// without a secret too (`key migrate`: each then names a signed entry). The secrets must all
  /// be open: one that is not would be lost.
  func resealed(
    _ workspace: Workspace, with key: EncryptionKey, entry: String, skipping: Set<String> = [],
    unvouched: Set<String> = [], every: Bool = false
  )
    throws(StoreError) -> ResealedFiles
  {
    if let problem = Self.lockedSecrets(in: workspace).first {
      throw .keyProblem("\(problem); restore it before the Workspace's secrets are sealed with a new key")
    }
    let sealer = SecretSealer(workspace: workspace.id, key: key, keyIsRepositorys: true)
    @Sendable func sealedFile(_ path: String, _ bytes: () throws(StoreError) -> [UInt8]) -> Result<
      (id: String, path: String, bytes: [UInt8], digest: String?), StoreError
    > {
      Result { () throws(StoreError) in
        let written = try bytes()
        return (
          String(path.split(separator: "/").last!.dropLast(".json".count)), path, written,
          ContentDigest.of(file: written)
        )
      }
    }
    let deployments = Self.naming(
      entry,
      in: workspace.deployments.filter { !skipping.contains($0.id) && (every || SecretSealer.needsKey($0)) },
      except: unvouched)
    let connections = Self.naming(
      entry,
      in: workspace.connections.filter { !skipping.contains($0.id) && (every || SecretSealer.needsKey($0)) },
      except: unvouched)
    let variables = Self.naming(
      entry,
      in: workspace.variables.filter { !skipping.contains($0.id) && (every || SecretSealer.needsKey($0)) },
      except: unvouched)
    let results =
      deployments.concurrentMap { deployment in
        sealedFile(layout.deployments(workspace.id) + "/\(deployment.id).json") { () throws(StoreError) in
          StoredFile.encode(try sealer.seal(deployment))
        }
      }
      + connections.concurrentMap { connection in
        sealedFile(layout.connections(workspace.id) + "/\(connection.id).json") { () throws(StoreError) in
          StoredFile.encode(try sealer.seal(connection))
        }
      }
      + variables.concurrentMap { variable in
        sealedFile(layout.variables(workspace.id) + "/\(variable.id).json") { () throws(StoreError) in
          StoredFile.encode(try sealer.seal(variable))
        }
      }
    var files = ResealedFiles()
    for result in results {
      let file = try result.get()
      files.writes.append((file.path, file.bytes))
      if !unvouched.contains(file.id) { files.digests[file.id] = file.digest }
    }
    return files
  }

  /// The history's record of a data key made anew: how many files were sealed again with it.
  /// A `standalone` one (`key migrate`, `key rotate`) is passed over by undo: no earlier key is
  /// gone back to.
  static func dataKeyRenewal(_ workspace: WorkspaceID, resealed count: Int, standalone: Bool = false)
    -> ObjectChange
  {
    ObjectChange(
      kind: "keys", id: workspace, key: standalone ? HistoryEntry.standaloneKeyChange : "data key",
      fields: [
        FieldChange(
          name: "files sealed with a new key", before: nil, after: .integer(Int64(count)), secret: false)
      ],
      before: nil, afterDigest: nil, revision: nil)
  }
}

/// Files sealed again with a new data key, with the digest of each (by object id) that the
/// history entry writing them records (`HistoryEntry.sealed`).
struct ResealedFiles {
  var writes: [(path: String, bytes: [UInt8])] = []
  var digests: [String: String] = [:]
}

/// What `key migrate` or `key rotate` did to one Workspace's data key.
public struct DataKeyReport: Equatable, Sendable {
  public var workspace: String
  /// How many files were sealed again with the new key.
  public var resealed: Int
  /// Whether the key is new; else the one there was, wrapped for readers who lacked it.
  public var renewed = true
  /// Whether the Workspace was on the repository's shared key before.
  public var fromSharedKey = false
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
  /// it is not yet. Every secret must open with the shared key: none is left behind. A Workspace
  /// that has a data key already gets it wrapped for the readers its member list names that lack
  /// it (added by a hand edit or a merge, which no save wraps for), and a new one when it is
  /// wrapped for someone who may no longer read: the Owner running this consents to both.
  public func migrateToDataKeys(by actor: Actor) throws -> [DataKeyReport] {
    try withLock(exclusive: true) { () throws in
      guard let identity = held.identity(of: actor.user) else {
        throw StoreError.keyProblem(
          "\(actor.user) holds no identity here: run `airenv identity create` first (the new keys are wrapped "
            + "for it)")
      }
      var index = try readIndex()
      _ = try repositoryKey(index)
      var writes: [(path: String, bytes: [UInt8])] = []
      var migrations: [DataKeyReport] = []
      for id in try workspaceIDs() {
        let hasDataKey = try dataKeyEnvelope(id) != nil
        let before = try loadWorkspace(id, allowingConflicts: true, sharedKeyAllowed: !hasDataKey)
        try before.authorize(.administer, for: actor.user)
        var after = before
        let envelope: DataKeyEnvelope
        var resealing: ((String) throws(StoreError) -> ResealedFiles)?
        var renewed = true
        if hasDataKey {
          // The readers are taken as the member list names them, which the Owner running this
          // consents to: only a member list signed changes made, or one an Owner approved.
          let trusted = trustedMembers(of: before)
          try Self.requireOwner(actor.user, of: before, by: trusted)
          if let problem = trusted?.problem {
            throw StoreError.keyProblem(
              "the member list of Workspace \(before.name) is unverified (\(problem)), and `key migrate` would "
                + "wrap the data key for whom it names: check it, approve it with `airenv approve workspace`, "
                + "then run `airenv key migrate` again")
          }
          guard let change = try dataKeyChange(for: after, before: nil), let changed = change.envelope,
            let key = change.key
          else { continue }
          envelope = changed
          renewed = change.renewed
          if change.renewed {
            let unvouched = try unverified(before, members: after)
            resealing = { entry throws(StoreError) in
              try self.resealed(after, with: key, entry: entry, unvouched: unvouched)
            }
          }
        } else {
          if after.members.isEmpty { after.members[actor.user] = .owner }
          if let recorded = after.memberKeys[actor.user], recorded != identity.publicText {
            throw StoreError.keyProblem(
              "the public key recorded for \(actor.user) in Workspace \(before.name) is not the identity held "
                + "here; act with that identity, or have an Owner record this one")
          }
          after.memberKeys[actor.user] = identity.publicText
          let key = EncryptionKey.generate()
          let migrated = after
          resealing = { entry throws(StoreError) in
            try self.resealed(migrated, with: key, entry: entry, every: true)
          }
          envelope = try signed(.wrapping(key, for: after.secretReaders, workspace: id), for: after)
        }
        let (keyWrites, resealed) = try standaloneKeyChange(
          before: before, after: after, envelope: envelope, resealing: resealing, command: "key migrate",
          by: actor)
        writes += keyWrites
        migrations.append(
          DataKeyReport(
            workspace: after.name, resealed: resealed, renewed: renewed, fromSharedKey: !hasDataKey,
            readers: envelope.wrapped.keys.sorted(),
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

  /// The writes of a change of a Workspace's key alone (`key migrate`, `key rotate`): the files
  /// sealed again, the envelope, the header recording its fingerprint (with whatever else
  /// `after` changed in it), and one history entry, which undo passes over.
  private func standaloneKeyChange(
    before: Workspace, after: Workspace, envelope: DataKeyEnvelope,
    resealing: ((String) throws(StoreError) -> ResealedFiles)?,
    command: String, by actor: Actor
  ) throws(StoreError) -> (writes: [(path: String, bytes: [UInt8])], resealed: Int) {
    let id = after.id
    var after = after
    after.dataKeyFingerprint = envelope.fingerprint
    let (sequence, time, fileName) = try nextHistoryEntry(id, at: actor.time)
    var resealed = ResealedFiles()
    if let resealing { resealed = try resealing(String(fileName.dropLast(".json".count))) }
    var writes = resealed.writes + [(path: layout.dataKeys(id), bytes: StoredFile.encode(envelope))]
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
    changes.append(Self.dataKeyRenewal(id, resealed: resealed.writes.count, standalone: true))
    let entry = HistoryEntry(
      sequence: sequence, time: time, user: actor.user, command: command, deployment: nil, changes: changes,
      undoes: nil, redoes: nil, sealed: resealed.digests.isEmpty ? nil : resealed.digests)
    return (writes + (try historyWrites(entry, named: fileName, workspace: id)), resealed.writes.count)
  }

  /// `key rotate` where Workspaces keep data keys: each gets a new one, wrapped for the same
  /// members, every secret sealed again, in one atomic change with a history entry each.
  public func renewDataKeys(by actor: Actor) throws -> [DataKeyReport] {
    try withLock(exclusive: true) { () throws in
      var writes: [(path: String, bytes: [UInt8])] = []
      var renewals: [DataKeyReport] = []
      for id in try workspaceIDs() {
        let workspace = try loadWorkspace(id, allowingConflicts: true)
        try workspace.authorize(.administer, for: actor.user)
        guard let envelope = try verifiedEnvelope(id) else { continue }
        let trusted = trustedMembers(of: workspace)
        try Self.requireOwner(actor.user, of: workspace, by: trusted)
        let key = EncryptionKey.generate()
        let unvouched = try unverified(workspace, members: workspace)
        // The readers signed changes made (a hand edit neither adds one nor drops one).
        let judged = trusted.flatMap { $0.anchor == nil ? nil : $0.state.judging(workspace) } ?? workspace
        let readers = judged.secretReaders.filter { envelope.wrapped[$0.key]?.recipient == $0.value }
        let renewed = try signed(.wrapping(key, for: readers, workspace: id), for: workspace)
        let (keyWrites, resealed) = try standaloneKeyChange(
          before: workspace, after: workspace, envelope: renewed,
          resealing: { entry throws(StoreError) in
            try self.resealed(workspace, with: key, entry: entry, unvouched: unvouched)
          },
          command: "key rotate", by: actor)
        writes += keyWrites
        renewals.append(
          DataKeyReport(
            workspace: workspace.name, resealed: resealed, readers: readers.keys.sorted(),
            waitingForKeys: []))
      }
      try Journal.commit(writes: writes, deletes: [], layout: layout)
      return renewals
    }
  }

  /// Whether Workspaces here keep their secrets under data keys (`key migrate`, `init`).
  public func keepsDataKeys() throws(StoreError) -> Bool {
    try locked(exclusive: false) { () throws(StoreError) in try usesDataKeys() }
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
