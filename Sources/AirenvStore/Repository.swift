import AirenvModel
import Foundation

/// A Workspace's name and id, as listed without reading its objects.
public struct WorkspaceSummary: Equatable, Sendable {
  public var id: WorkspaceID
  public var name: String
  public var isDefault: Bool
}

/// The JSON repository on disk. Every reader holds a shared lock and every writer an
/// exclusive one while it re-reads, applies and writes, so each change is applied to the
/// latest state and two writers never lose each other's changes.
public final class Repository: Sendable {
  public let root: String
  public let keyring: Keyring
  let layout: RepositoryLayout
  private let deploymentFiles: DecodedFileCache<Deployment>
  private let connectionFiles: DecodedFileCache<Connection>
  private let variableFiles: DecodedFileCache<Variable>
  /// A bulk change's entry holds every object it changed; such entries are not kept.
  private let historyFiles: DecodedFileCache<HistoryEntry>
  /// What verifying objects learnt (see `unverifiedObjects`): each history entry's facts, and
  /// each object file's digest, kept while their files keep their signatures.
  let verifiedEntries: DecodedFileCache<EntryFacts>
  let objectDigests: DecodedFileCache<String>

  /// Where key indexes are kept between processes (see `KeyIndex`); nil for none.
  let cacheDirectory: String?
  let keyIndexes = KeyIndexMemory()
  let verificationCaches = VerificationCacheMemory()
  /// The last replay of each member list (see `ReplayMemory`).
  let replays = ReplayMemory()
  /// The identities held here: they sign changes (see `HistorySignature`) and open data keys.
  let held = HeldIdentities()

  /// How many seconds a file must be unchanged before what was decoded from it is reused
  /// (see `FileSignature.isSettled`); tests set 0 to exercise the reuse at once.
  let settleSeconds: Int
  /// Read-only use (`--readonly`) never finishes an interrupted change: it reads the state as
  /// it was before that change, and writes nothing.
  public let finishesInterruptedChanges: Bool
  /// Every Workspace must verify (`AIRENV_REQUIRE_VERIFIED`, for a machine that delivers, such
  /// as CI, whose cache never saw the Workspace): no file's say-so turns the checks off.
  let requiresVerification: Bool

  /// With `caches`, a one-off command keeps an index of which key each file holds there (see
  /// `KeyIndex`); `Repository.cacheDirectory(environment:)` names the usual place. Without
  /// `keepsDecodedFiles` (a one-off command, which reads each file once), nothing decoded is
  /// kept in memory for a later read.
  public convenience init(
    root: String, keyring: Keyring = Keyring(environment: ProcessInfo.processInfo.environment),
    readonly: Bool = false, caches: String? = nil, keepsDecodedFiles: Bool = true,
    requiringVerification: Bool = false
  ) {
    self.init(
      root: root, keyring: keyring, settleSeconds: 2, readonly: readonly, cacheDirectory: caches,
      keepsDecodedFiles: keepsDecodedFiles, requiringVerification: requiringVerification)
  }

  /// Whether `AIRENV_REQUIRE_VERIFIED` asks that every Workspace verify (set, and not 0).
  public static func requiresVerification(environment: [String: String]) -> Bool {
    guard let value = environment["AIRENV_REQUIRE_VERIFIED"] else { return false }
    return !value.isEmpty && value != "0"
  }

  /// The user's cache directory: `$XDG_CACHE_HOME/airenv`, else `~/.cache/airenv`.
  public static func cacheDirectory(environment: [String: String]) -> String? {
    KeyIndex.directory(environment: environment)
  }

  init(
    root: String, keyring: Keyring, settleSeconds: Int, readonly: Bool = false, cacheDirectory: String? = nil,
    keepsDecodedFiles: Bool = true, requiringVerification: Bool = false
  ) {
    requiresVerification = requiringVerification
    let largestFile: Int64 = keepsDecodedFiles ? .max : -1
    deploymentFiles = DecodedFileCache(largestFile: largestFile)
    connectionFiles = DecodedFileCache(largestFile: largestFile)
    variableFiles = DecodedFileCache(largestFile: largestFile)
    historyFiles = DecodedFileCache(largestFile: keepsDecodedFiles ? 256 * 1024 : -1)
    verifiedEntries = DecodedFileCache(largestFile: largestFile)
    objectDigests = DecodedFileCache(largestFile: largestFile)
    self.cacheDirectory = cacheDirectory
    finishesInterruptedChanges = !readonly
    let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    self.root = trimmed
    self.keyring = keyring
    self.settleSeconds = settleSeconds
    layout = RepositoryLayout(root: trimmed)
  }

  public var exists: Bool { FileSystem.exists(layout.index) }

  /// The identities held on this machine: a change made as one of them is signed by it, and
  /// the acting user's opens the data keys wrapped for them (see `DataKeyEnvelope`).
  public func hold(_ identities: [LocalIdentity], actingAs user: String?) {
    held.set(identities, actingAs: user)
  }

  /// Refuses a root that holds no repository, or one this user cannot reach: a directory
  /// without search permission says so, not that there is no repository.
  func requireExisting() throws(StoreError) {
    if exists { return }
    let reason = errno
    if reason == ENOENT || reason == ENOTDIR { throw .notARepository(path: root) }
    throw .io(
      path: layout.index,
      reason: "cannot be read: \(String(cString: strerror(reason))); check the owner and mode of "
        + "\(root) and its parent directories")
  }

  /// Creates an empty repository; returns false when one was already there.
  @discardableResult
  /// With `dataKeys`, every Workspace created in the new repository starts with its creator as
  /// Owner and a data key wrapped for them (see `DataKeyEnvelope`), never the shared key.
  public func initialize(dataKeys: Bool = false) throws(StoreError) -> Bool {
    if exists { return false }
    try FileSystem.makeDirectory(layout.workspaces)
    try FileSystem.writeAtomically(
      StoredFile.encode(RepositoryIndex(dataKeys: dataKeys ? true : nil)), to: layout.index)
    return true
  }

  /// What git must not keep (this machine's lock, an unfinished change's journal, temporary
  /// files, a key) and how it must keep the rest (`airenv init --git`).
  public static let gitFiles: [(name: String, lines: [String])] = [
    (
      ".gitignore",
      [
        "# airenv: what belongs to one machine, never to the repository",
        ".lock", ".journal.json", ".journal.data", ".*.tmp-*", "*.key", "*.key.*",
      ]
    ),
    (
      ".gitattributes",
      [
        "# airenv: files are written with LF line ends, and the history's digests cover their bytes",
        "*.json text eol=lf",
      ]
    ),
  ]

  /// Writes `.gitignore` and `.gitattributes` at the root, adding to a file that exists only
  /// the lines it lacks (its own bytes kept as they are). Returns the names of the files written.
  public func writeGitFiles() throws(StoreError) -> [String] {
    var written: [String] = []
    for (name, lines) in Self.gitFiles {
      let path = root + "/" + name
      if FileSystem.isLink(path) {
        throw .io(
          path: path, reason: "a symbolic link: airenv does not write through it; replace it with a file")
      }
      let existing = FileSystem.exists(path) ? try FileSystem.read(path, limit: 1 << 20) : []
      let present = Set(
        existing.split(separator: UInt8(ascii: "\n")).map {
          String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        })
      let missing = lines.filter { !present.contains($0) }
      guard !missing.isEmpty else { continue }
      var bytes = existing
      if let last = bytes.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
      bytes += Array((missing.joined(separator: "\n") + "\n").utf8)
      try FileSystem.writeAtomically(bytes, to: path)
      written.append(name)
    }
    return written
  }

  // MARK: Workspaces

  public func workspaceSummaries() throws(StoreError) -> [WorkspaceSummary] {
    try locked(exclusive: false) { () throws(StoreError) in try summaries() }
  }

  /// The Workspace as stored; with `onlyObjectsKeyed`, only the connections and variables whose
  /// key is one of `keys` ignoring case (see `update`), for a command that shows one object;
  /// with `onlyKind`, no object of the other kind, for a listing of one kind (whose files are
  /// then neither read nor checked). Without `openingSecrets`, the secrets of connections and
  /// variables are not decrypted: each holds its stored ciphertext, for a view that shows no
  /// secret and no secret's state (which then never has a plaintext in memory).
  public func read(
    workspace name: String?, onlyObjectsKeyed keys: [String]? = nil, onlyKind kind: ObjectKind? = nil,
    openingSecrets: Bool = true, allowingConflicts: Bool = false, sharedKeyAllowed: Bool = false
  ) throws(StoreError) -> Workspace {
    try locked(exclusive: false) { () throws(StoreError) in
      let id = try chooseWorkspace(name).id
      readVerdictsAhead(of: id)
      return try loadWorkspace(
        id, keys: keys, kinds: kind.map { [$0] } ?? Set(ObjectKind.allCases),
        openingSecrets: openingSecrets, allowingConflicts: allowingConflicts)
    }
  }

  /// A read is followed by verifying what it read (`unverifiedObjects`), which needs the
  /// verification cache whole: it is read so at once, not first without its verdicts for the
  /// member list's replay the read makes and then again.
  private func readVerdictsAhead(of id: WorkspaceID) {
    guard let cacheDirectory else { return }
    _ = verificationCaches.cache(at: VerificationCache.path(in: cacheDirectory, root: root, workspace: id))
  }

  /// The Workspace with this id, whatever it is called now; nil when it no longer exists.
  public func read(workspaceID id: WorkspaceID, allowingConflicts: Bool = false) throws(StoreError)
    -> Workspace?
  {
    try locked(exclusive: false) { () throws(StoreError) -> Workspace? in
      guard try summaries().contains(where: { $0.id == id }) else { return nil }
      readVerdictsAhead(of: id)
      return try loadWorkspace(id, allowingConflicts: allowingConflicts)
    }
  }

  /// Applies `body` to the latest state of a Workspace and writes what it changed, with
  /// its history entry, in one atomic commit.
  ///
  /// With `onlyObjectsKeyed`, `body` gets the Workspace with only the connections and variables
  /// whose key is one of `keys` ignoring case (Deployments, members and settings whole): what
  /// `Workspace.trial` shows a command on those keys reads. Every object file is still read, but
  /// only those that may hold one of the keys are parsed, so a one-off change in a Workspace of
  /// 10,000 objects does not build all of them. The Workspace given is then partial: it must
  /// not be shown as the whole.
  @discardableResult
  public func update<Result>(
    workspace name: String?, command: String = "change", deployment: String? = nil,
    by user: String = "unknown", onlyObjectsKeyed keys: [String]? = nil, allowingConflicts: Bool = false,
    _ body: (inout Workspace) throws -> Result
  ) throws -> Result {
    try withLock(exclusive: true) { () throws in
      let id = try chooseWorkspace(name).id
      let before = try loadWorkspace(id, keys: keys, allowingConflicts: allowingConflicts)
      var after = before
      let result = try body(&after)
      try write(
        after, replacing: before, note: HistoryNote(user: user, command: command, deployment: deployment))
      return result
    }
  }

  public func createWorkspace(named name: String, by actor: Actor) throws -> Workspace {
    try checkWorkspaceName(name)
    return try withLock(exclusive: true) { () throws in
      let existing = try summaries()
      if let clash = existing.first(where: { $0.name.lowercased() == name.lowercased() }) {
        throw ModelError.duplicateName(what: "Workspace", name: name, existing: clash.name)
      }
      var generator = SystemRandomNumberGenerator()
      let id = "ws_" + String(generator.next() as UInt64, radix: 16)
      var workspace = Workspace(id: id, name: name, stamp: Stamp(by: actor))
      guard try usesDataKeys() else {
        try FileSystem.makeDirectory(layout.workspaceDirectory(id))
        try FileSystem.writeAtomically(
          StoredFile.encode(WorkspaceHeader(workspace)), to: layout.workspaceFile(id))
        if existing.isEmpty { try writeIndex(defaultWorkspace: id) }
        return workspace
      }
      // Born with a data key: its creator is its Owner, known by the identity held here.
      guard let identity = held.identity(of: actor.user) else {
        throw StoreError.keyProblem(
          "this repository keeps each Workspace's secrets under a data key wrapped per member, and \(actor.user) "
            + "holds no identity here: run `airenv identity create` first")
      }
      workspace.members = [actor.user: .owner]
      workspace.memberKeys = [actor.user: identity.publicText]
      let envelope = try signed(
        DataKeyEnvelope.wrapping(EncryptionKey.generate(), for: workspace.secretReaders, workspace: id),
        for: workspace)
      workspace.dataKeyFingerprint = envelope.fingerprint
      try FileSystem.makeDirectory(layout.workspaceDirectory(id))
      let header = StoredFile.encode(WorkspaceHeader(workspace))
      var writes = [
        (path: layout.dataKeys(id), bytes: StoredFile.encode(envelope)),
        (path: layout.workspaceFile(id), bytes: header),
      ]
      // The signed creation anchors the member list every reader replays (`TrustedMembers`).
      let (sequence, time, fileName) = try nextHistoryEntry(
        id, at: HistoryNote(user: actor.user, command: "").time)
      let creation = change(
        "workspace", id, name, plain: (WorkspaceHeader?.none, WorkspaceHeader(workspace)),
        path: layout.workspaceFile(id), written: header, secretPaths: [])
      writes += try historyWrites(
        HistoryEntry(
          sequence: sequence, time: time, user: actor.user, command: "workspace create", changes: [creation]),
        named: fileName, workspace: id)
      try FileSystem.makeDirectory(layout.history(id))
      if existing.isEmpty {
        var index = try readIndex()
        index.defaultWorkspace = id
        writes.append((layout.index, StoredFile.encode(index)))
      }
      try Journal.commit(writes: writes, deletes: [], layout: layout)
      return workspace
    }
  }

  /// With `expectedID`, refused unless `name` still stands for that Workspace (a screen that
  /// showed it acts on exactly it).
  public func renameWorkspace(
    _ name: String, to newName: String, by actor: Actor, expectedID: WorkspaceID? = nil
  ) throws {
    try checkWorkspaceName(newName)
    try withLock(exclusive: true) { () throws in
      let target = try chooseWorkspace(name)
      if let expectedID, target.id != expectedID { throw StoreError.workspaceReplaced(name: name) }
      if let clash = try summaries().first(where: {
        $0.id != target.id && $0.name.lowercased() == newName.lowercased()
      }) {
        throw ModelError.duplicateName(what: "Workspace", name: newName, existing: clash.name)
      }
      var header = try loadHeader(target.id)
      header.name = newName
      header.stamp.revision += 1
      header.stamp.updatedAt = actor.time
      header.stamp.updatedBy = actor.user
      try StoredFile.checkBeforeWriting(header, path: layout.workspaceFile(target.id))
      try FileSystem.writeAtomically(StoredFile.encode(header), to: layout.workspaceFile(target.id))
    }
  }

  /// Deletes a Workspace directory; the caller confirms first. With `expectedID`, refused unless
  /// `name` still stands for that Workspace.
  public func deleteWorkspace(_ name: String, expectedID: WorkspaceID? = nil) throws(StoreError) {
    try locked(exclusive: true) { () throws(StoreError) in
      let target = try chooseWorkspace(name)
      if let expectedID, target.id != expectedID { throw .workspaceReplaced(name: name) }
      try FileSystem.removeTree(layout.workspaceDirectory(target.id))
      if try readIndex().defaultWorkspace == target.id { try writeIndex(defaultWorkspace: nil) }
    }
  }

  public func useWorkspace(_ name: String) throws(StoreError) {
    try locked(exclusive: true) { () throws(StoreError) in
      try writeIndex(defaultWorkspace: try chooseWorkspace(name).id)
    }
  }

  /// Changes whenever anything in the Workspace is written: the modification times of its
  /// directories (a save renames a file into one) and of the index. Cheap enough to poll.
  public func changeStamp(workspace id: WorkspaceID) -> [Int] {
    [
      layout.index, layout.workspaceDirectory(id), layout.deployments(id), layout.connections(id),
      layout.variables(id),
    ]
    .flatMap { path -> [Int] in
      var info = stat()
      guard stat(path, &info) == 0 else { return [0, 0] }
      return [info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }
  }

  // MARK: Reading

  func summaries() throws(StoreError) -> [WorkspaceSummary] {
    let index = try readIndex()
    var result: [WorkspaceSummary] = []
    for id in try workspaceIDs() {
      let header = try loadHeader(id)
      result.append(WorkspaceSummary(id: id, name: header.name, isDefault: index.defaultWorkspace == id))
    }
    return result.sorted { $0.name.lowercased() < $1.name.lowercased() }
  }

  func workspaceIDs() throws(StoreError) -> [String] {
    if FileSystem.isLink(layout.workspaces) { try FileSystem.refuseLinks(in: "workspaces", under: root) }
    guard FileSystem.isDirectory(layout.workspaces) else { return [] }
    var ids: [String] = []
    for id in try FileSystem.directories(in: layout.workspaces)
    where FileSystem.exists(layout.workspaceFile(id)) {
      if FileSystem.isLink(layout.workspaceDirectory(id)) {
        try FileSystem.refuseLinks(in: "workspaces/\(id)", under: root)
      }
      // The name is the Workspace's id; a hand-made directory with another name is not one.
      if let problem = IdentifierRules.problem(withStableID: id) {
        throw .corrupt(
          path: layout.workspaceDirectory(id), line: nil, column: nil,
          reason: "not a Workspace directory airenv made: its name \(problem)")
      }
      ids.append(id)
    }
    return ids
  }

  /// The Workspace a command means: the named one, else the default, else the only one.
  func chooseWorkspace(_ name: String?) throws(StoreError) -> WorkspaceSummary {
    let all = try summaries()
    if let name {
      if let found = all.first(where: { $0.name == name })
        ?? all.first(where: { $0.name.lowercased() == name.lowercased() })
      {
        return found
      }
      throw .workspaceNotFound(name: name, available: all.map(\.name))
    }
    if let chosen = all.first(where: \.isDefault) { return chosen }
    if all.count == 1 { return all[0] }
    throw all.isEmpty ? .noWorkspace : .workspaceNotChosen(available: all.map(\.name))
  }

  func readIndex() throws(StoreError) -> RepositoryIndex {
    try StoredFile.read(
      RepositoryIndex.self, from: FileSystem.read(layout.index, limit: Limits.objectFileBytes),
      path: layout.index)
  }

  private func writeIndex(defaultWorkspace: WorkspaceID?) throws(StoreError) {
    var index = try readIndex()
    index.defaultWorkspace = defaultWorkspace
    try FileSystem.writeAtomically(StoredFile.encode(index), to: layout.index)
  }

  func loadHeader(_ id: WorkspaceID) throws(StoreError) -> WorkspaceHeader {
    let path = layout.workspaceFile(id)
    let header = try StoredFile.read(
      WorkspaceHeader.self, from: FileSystem.read(path, limit: Limits.objectFileBytes), path: path)
    guard header.id == id else {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason: "its id \"\(header.id)\" does not match its directory's name")
    }
    return header
  }

  /// The sealer that opens a Workspace's secrets with the current key.
  func readingSealer(for id: WorkspaceID, header: WorkspaceHeader? = nil, sharedKeyAllowed: Bool = false)
    throws(StoreError) -> SecretSealer
  {
    let (key, isTheWorkspaces) = try secretKey(for: id, header: header, sharedKeyAllowed: sharedKeyAllowed)
    return SecretSealer(workspace: id, key: key, keyIsRepositorys: isTheWorkspaces)
  }

  /// The Workspace as stored; with `keys`, only the connections and variables that hold one of
  /// them ignoring case (a key that is not plain ASCII reads them all); only the objects of
  /// `kinds`; secrets left sealed without `openingSecrets` (see `read`).
  /// Without `allowingConflicts`, a Workspace holding two objects (or Deployments) of one
  /// name is refused, naming the files: only commands that show or settle such conflicts
  /// (`Workspace.conflicts`) read it whole.
  func loadWorkspace(
    _ id: WorkspaceID, keys: [String]? = nil, kinds: Set<ObjectKind> = Set(ObjectKind.allCases),
    openingSecrets: Bool = true, allowingConflicts: Bool = false, sharedKeyAllowed: Bool = false
  ) throws(StoreError) -> Workspace {
    // Reads and writes stay inside the repository: no directory of it may be a link.
    for directory in ["workspaces", "workspaces/\(id)"]
      + ["deployments", "connections", "variables", "history"].map({
        "workspaces/\(id)/\($0)"
      })
    {
      if FileSystem.isLink(layout.absolute(directory)) {
        try FileSystem.refuseLinks(in: directory, under: root)
      }
    }
    let header = try loadHeader(id)
    let sealer = try readingSealer(for: id, header: header, sharedKeyAllowed: sharedKeyAllowed)
    let indexPath = cacheDirectory.map { KeyIndex.path(in: $0, root: root, workspace: id) }
    let index = indexPath.flatMap { path in keyIndexes.index(at: path) ?? KeyIndex(readingFrom: path) }
    let directories = [
      (ObjectKind.connection, layout.connections(id)), (ObjectKind.variable, layout.variables(id)),
    ].filter { kinds.contains($0.0) }.map { ($0.0.plural, $0.1) }
    let selections =
      try keys.map { keys throws(StoreError) in
        try selectFiles(holding: keys, in: directories, keepsIndex: indexPath != nil, index: index)
      } ?? [:]
    let collected = KeyCollector()
    // A decoded file is kept for the same stored bytes read the same way only.
    let variant = openingSecrets ? sealer.identity : "sealed"
    let openConnection: @Sendable (Connection) -> Connection = { openingSecrets ? sealer.unseal($0) : $0 }
    let openVariable: @Sendable (Variable) -> Variable = { openingSecrets ? sealer.unseal($0) : $0 }
    let workspace = Workspace(
      id: id, name: header.name, stamp: header.stamp,
      deployments: try loadAll(
        in: layout.deployments(id), cache: deploymentFiles, variant: sealer.identity, then: sealer.unseal),
      connections: kinds.contains(.connection)
        ? try loadObjects(
          in: layout.connections(id), section: "connections", cache: connectionFiles, variant: variant,
          selection: selections["connections"], collecting: collected, then: openConnection) : [],
      variables: kinds.contains(.variable)
        ? try loadObjects(
          in: layout.variables(id), section: "variables", cache: variableFiles, variant: variant,
          selection: selections["variables"], collecting: collected, then: openVariable) : [],
      members: header.members, memberKeys: header.memberKeys ?? [:], settings: header.settings,
      dataKeyFingerprint: header.dataKey)
    if !allowingConflicts, let clash = workspace.nameClashes().first {
      let directory =
        switch clash.kind {
        case "deployment": layout.deployments(id)
        case "connection": layout.connections(id)
        default: layout.variables(id)
        }
      throw .corrupt(
        path: directory + "/\(clash.second).json", line: nil, column: nil,
        reason: "it holds \(clash.kind) \"\(clash.name)\" as does \(clash.first).json beside it: "
          + "\(clash.reason) (a git merge of two clones that each created it?); see `airenv conflicts` and "
          + "settle it with `airenv conflicts resolve --keep ID` or `--rename ID --to NAME`")
    }
    if let indexPath {
      updateKeyIndex(
        at: indexPath, index, learning: collected, selections: selections, in: directories)
    }
    return workspace
  }

  /// Reads, decodes and (with `then`) unseals the Deployments of a directory.
  private func loadAll<Value: StoredRecord & StrictlyReadable & Identifiable<String> & Sendable>(
    in directory: String, cache: DecodedFileCache<Value>, variant: String,
    then finish: @Sendable (Value) -> Value
  ) throws(StoreError) -> [Value] {
    try decodeFiles(try FileSystem.jsonFiles(in: directory), in: directory, cache: cache, variant: variant) {
      bytes, name, path throws(StoreError) in try Self.decode(Value.self, bytes, name, path, opening: finish)
    }
  }

  /// Reads the connections or variables of a directory: with `selection`, only the files that
  /// may hold its keys. Each settled file parsed is entered in `collecting` with its key.
  private func loadObjects<P: StoredPayload & StrictlyReadable & DirectlyReadable>(
    in directory: String, section: String, cache: DecodedFileCache<EnvironmentObject<P>>, variant: String,
    selection: FileSelection?, collecting collector: KeyCollector,
    then finish: @Sendable (EnvironmentObject<P>) -> EnvironmentObject<P>
  ) throws(StoreError) -> [EnvironmentObject<P>] where P.Override: StrictlyReadable & DirectlyReadable {
    let names: [String]
    if let selection { names = selection.candidates } else { names = try FileSystem.jsonFiles(in: directory) }
    // A session's later reads (the TUI after each save) leave the index as its first read made
    // it: comparing 10,000 entries on every save cost more than the few files it would learn,
    // and a command later reads those few itself.
    var learn: (@Sendable (String, FileSignature, EnvironmentObject<P>) -> Void)?
    if selection != nil || cache.isEmpty(directory) {
      learn = { name, signature, object in collector.add(section, name, signature, object.key) }
    }
    return try decodeFiles(
      names, in: directory, cache: cache, variant: variant, selection: selection, settled: learn
    ) { bytes, name, path throws(StoreError) in
      try Self.decode(EnvironmentObject<P>.self, bytes, name, path, opening: finish)
    }
  }

  /// One object file read strictly (see `StoredFile.read`), its id checked against its name.
  static func decode<Value: StoredRecord & StrictlyReadable & Identifiable<String>>(
    _ type: Value.Type, _ bytes: [UInt8], _ name: String, _ path: String, opening finish: (Value) -> Value
  ) throws(StoreError) -> Value {
    try checkID(of: StoredFile.read(Value.self, from: bytes, path: path, opening: finish), name, path)
  }

  /// A connection or variable file, read straight into the model where it can be.
  static func decode<Value: StoredRecord & StrictlyReadable & DirectlyReadable & Identifiable<String>>(
    _ type: Value.Type, _ bytes: [UInt8], _ name: String, _ path: String, opening finish: (Value) -> Value
  ) throws(StoreError) -> Value {
    try checkID(of: StoredFile.read(Value.self, from: bytes, path: path, opening: finish), name, path)
  }

  private static func checkID<Value: Identifiable<String>>(of value: Value, _ name: String, _ path: String)
    throws(StoreError) -> Value
  {
    guard value.id + ".json" == name else {
      throw .corrupt(
        path: path, line: nil, column: nil, reason: "its id \"\(value.id)\" does not match its file name")
    }
    return value
  }

  /// Decodes files of one directory on every core, reusing what an earlier read decoded from
  /// the same version of a file (see `DecodedFileCache`); the first problem in the order of
  /// `names` is the one reported. With `selection`, a file it rules out is left out unparsed
  /// (and nothing of it is kept: this session has not seen it whole). `settled` hears of each
  /// value read from a file that had settled, with the file's signature.
  private func decodeFiles<Value: Sendable>(
    _ names: [String], in directory: String, cache: DecodedFileCache<Value>, variant: String,
    limit: Int = Limits.objectFileBytes, selection: FileSelection? = nil,
    settled: (@Sendable (String, FileSignature, Value) -> Void)? = nil,
    _ decode: @Sendable (_ bytes: [UInt8], _ name: String, _ path: String) throws(StoreError) -> Value
  ) throws(StoreError) -> [Value] {
    if names.isEmpty { return [] }
    let now = time(nil)
    let settleSeconds = settleSeconds
    // Files are looked up relative to the open directory, not by walking the full path each
    // time; a first read has nothing to compare with, so it looks up no signatures.
    let handle = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    defer { if handle >= 0 { close(handle) } }
    let compare = handle >= 0 && !cache.isEmpty(directory)
    let results = names.concurrentMap { name -> Result<Value?, StoreError> in
      if selection == nil, compare, let signature = FileSignature(directory: handle, name: name),
        let value = cache.value(in: directory, named: name, signature: signature, variant: variant)
      {
        settled?(name, signature, value)
        return .success(value)
      }
      let path = directory + "/" + name
      do throws(StoreError) {
        let (bytes, signature) = try FileSystem.readWithSignature(path, in: handle, named: name, limit: limit)
        if let selection, !selection.mayHold(bytes) { return .success(nil) }
        let value = try decode(bytes, name, path)
        if let signature, signature.isSettled(now: now, after: settleSeconds) {
          cache.store(value, in: directory, named: name, signature: signature, variant: variant)
          settled?(name, signature, value)
        }
        return .success(value)
      } catch {
        return .failure(error)
      }
    }
    cache.keepOnly(names, in: directory)
    var values: [Value] = []
    values.reserveCapacity(results.count)
    for result in results {
      if let value = try result.get() { values.append(value) }
    }
    return values
  }

  // MARK: Writing

  /// Writes the files of the objects that differ between the two states, atomically.
  /// Returns the file name of the history entry written, nil when nothing changed.
  @discardableResult
  private func write(_ after: Workspace, replacing before: Workspace, note: HistoryNote) throws(StoreError)
    -> String?
  {
    var writes: [(path: String, bytes: [UInt8])] = []
    var deletes: [String] = []
    var changes: [ObjectChange] = []
    let trusted = try verifies(before) ? trustedMembers(of: before) : nil
    if !MemberState(before).sameMembers(as: MemberState(after)) {
      try Self.requireOwner(note.user, of: before, by: trusted)
    }
    // The data key first: a new envelope's fingerprint is recorded in the header it is written with.
    let keyChange = try dataKeyChange(
      for: after, before: before, trusted: trusted, approving: note.command == Self.memberListApproval)
    var after = after
    if let envelope = keyChange?.envelope { after.dataKeyFingerprint = envelope.fingerprint }
    if WorkspaceHeader(after) != WorkspaceHeader(before) {
      try StoredFile.checkBeforeWriting(WorkspaceHeader(after), path: layout.workspaceFile(after.id))
      let bytes = StoredFile.encode(WorkspaceHeader(after))
      writes.append((layout.workspaceFile(after.id), bytes))
      changes.append(
        change(
          "workspace", after.id, after.name, plain: (WorkspaceHeader(before), WorkspaceHeader(after)),
          path: layout.workspaceFile(after.id), written: bytes, secretPaths: []))
    }
    func changed<Value: Equatable & Identifiable<String>>(_ old: [Value], _ new: [Value], _ directory: String)
      -> [Value]
    {
      let oldByID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
      let newIDs = Set(new.map(\.id))
      for value in old where !newIDs.contains(value.id) {
        deletes.append(directory + "/" + value.id + ".json")
      }
      return new.filter { oldByID[$0.id] != $0 }
    }
    let changedDeployments = changed(before.deployments, after.deployments, layout.deployments(after.id))
    // A deleted Deployment's delivery record goes with it.
    for deployment in before.deployments where !after.deployments.contains(where: { $0.id == deployment.id })
    {
      for name in ["\(deployment.id).json", deployment.id + HistorySignature.fileExtension] {
        let record = layout.delivery(after.id) + "/" + name
        if FileSystem.exists(record) { deletes.append(record) }
      }
    }
    // Each object written names the entry that writes it, which readers verify it against.
    let (sequence, time, fileName) = try nextHistoryEntry(after.id, at: note.time)
    let entryName = String(fileName.dropLast(".json".count))
    let deployments = Self.naming(entryName, in: changedDeployments)
    let connections = Self.naming(
      entryName, in: changed(before.connections, after.connections, layout.connections(after.id)))
    let variables = Self.naming(
      entryName, in: changed(before.variables, after.variables, layout.variables(after.id)))
    if note.command != Self.approval && note.command != Self.memberListApproval, try verifies(before) {
      try refuseVouching(
        for: before, changing: Set((deployments.map(\.id) + connections.map(\.id) + variables.map(\.id))))
    }
    for deployment in deployments {
      try StoredFile.checkBeforeWriting(
        deployment, path: layout.deployments(after.id) + "/\(deployment.id).json")
    }
    for connection in connections {
      try StoredFile.checkBeforeWriting(
        connection, path: layout.connections(after.id) + "/\(connection.id).json")
    }
    for variable in variables {
      try StoredFile.checkBeforeWriting(variable, path: layout.variables(after.id) + "/\(variable.id).json")
    }
    let needsKey =
      connections.contains(where: SecretSealer.needsKey) || variables.contains(where: SecretSealer.needsKey)
      || deployments.contains(where: SecretSealer.needsKey)
    let sealer = try writingSealer(for: after.id, needsKey: needsKey, dataKey: keyChange, writes: &writes)
    // Under a new data key no ciphertext of the old one is kept.
    let renewed = keyChange?.renewed ?? false
    let beforeDeployments = Dictionary(
      before.deployments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    for deployment in deployments {
      let path = layout.deployments(after.id) + "/\(deployment.id).json"
      let bytes = StoredFile.encode(
        try sealedDeployment(
          deployment, before: renewed ? nil : beforeDeployments[deployment.id], path, sealer))
      writes.append((path, bytes))
      changes.append(
        change(
          "deployment", deployment.id, deployment.name, plain: (beforeDeployments[deployment.id], deployment),
          path: path, written: bytes,
          secretPaths: Set(DeliveryTarget.secretFields.map { "target." + $0 })))
    }
    for (written, change) in try stored(
      connections, before: before.connections, in: layout.connections(after.id),
      seal: { object, keeping throws(StoreError) in try sealer.seal(object, keeping: renewed ? nil : keeping)
      },
      secretPaths: HistorySecrets.paths)
    {
      writes.append(written)
      changes.append(change)
    }
    for (written, change) in try stored(
      variables, before: before.variables, in: layout.variables(after.id),
      seal: { object, keeping throws(StoreError) in try sealer.seal(object, keeping: renewed ? nil : keeping)
      },
      secretPaths: HistorySecrets.paths)
    {
      writes.append(written)
      changes.append(change)
    }
    var sealed: [String: String]?
    if let keyChange, let envelope = keyChange.envelope {
      writes.append((layout.dataKeys(after.id), StoredFile.encode(envelope)))
      if renewed, let key = keyChange.key {
        // Every other secret of the Workspace, as stored, sealed again with the new key: all
        // but what this save writes or deletes itself.
        let kept = Set(after.deployments.map(\.id) + after.connections.map(\.id) + after.variables.map(\.id))
        let deleted = Set(
          before.deployments.map(\.id) + before.connections.map(\.id) + before.variables.map(\.id)
        )
        .subtracting(kept)
        let current = try loadWorkspace(after.id, allowingConflicts: true)
        let resealed = try resealed(
          current, with: key, entry: entryName,
          skipping: deleted.union(deployments.map(\.id) + connections.map(\.id) + variables.map(\.id)),
          unvouched: unverified(current, members: after))
        writes += resealed.writes
        sealed = resealed.digests
        changes.append(Self.dataKeyRenewal(after.id, resealed: resealed.writes.count))
      }
    }
    let afterIDs = Set(after.deployments.map(\.id) + after.connections.map(\.id) + after.variables.map(\.id))
    let removed: [(String, String, [(String, String)])] = [
      ("deployment", layout.deployments(after.id), before.deployments.map { ($0.id, $0.name) }),
      ("connection", layout.connections(after.id), before.connections.map { ($0.id, $0.key) }),
      ("variable", layout.variables(after.id), before.variables.map { ($0.id, $0.key) }),
    ]
    for (kind, directory, objects) in removed {
      for (id, key) in objects where !afterIDs.contains(id) {
        let path = directory + "/\(id).json"
        changes.append(
          ObjectChange(kind: kind, id: id, key: key, fields: [], before: storedJSON(atPath: path)))
      }
    }
    if writes.isEmpty && deletes.isEmpty { return nil }
    let entry = HistoryEntry(
      sequence: sequence, time: time, user: note.user, command: note.command,
      deployment: note.deployment,
      changes: changes,
      undoes: note.undoes, redoes: note.redoes, undoesEntry: note.undoesEntry, redoesEntry: note.redoesEntry,
      sealed: sealed)
    writes += try historyWrites(entry, named: fileName, workspace: after.id)
    for directory in Set(writes.map(\.path.parent)) {
      try FileSystem.makeDirectory(directory)
    }
    try Journal.commit(writes: writes, deletes: deletes, layout: layout)
    return fileName
  }

  /// `values` each naming `entry` as the change that writes them, but those in `unvouched`, which
  /// keep their stamps.
  static func naming<Value: Stamped & Identifiable<String>>(
    _ entry: String, in values: [Value], except unvouched: Set<String> = []
  ) -> [Value] {
    values.map { value in
      var named = value
      if !unvouched.contains(value.id) { named.stamp.entry = entry }
      return named
    }
  }

  /// A Deployment as stored: target credentials sealed, an unchanged one keeping the
  /// ciphertext it had (a new nonce for the same value would rewrite the file on every save).
  private func sealedDeployment(
    _ deployment: Deployment, before: Deployment?, _ path: String, _ sealer: SecretSealer
  ) throws(StoreError) -> Deployment {
    var sealed = try sealer.seal(deployment)
    guard let before, before.target?.kind == deployment.target?.kind, deployment.target != nil,
      let bytes = try? FileSystem.read(path, limit: Limits.objectFileBytes),
      let stored = try? StoredFile.read(Deployment.self, from: bytes, path: path)
    else { return sealed }
    if before.target?.password == deployment.target?.password, let kept = stored.target?.password {
      sealed.target?.password = kept
    }
    if before.target?.token == deployment.target?.token, let kept = stored.target?.token {
      sealed.target?.token = kept
    }
    return sealed
  }

  /// The sealed files of changed connections or variables, each with its history change.
  /// Each object is sealed, encoded and compared on every core: for a large import that is
  /// most of the work of a save.
  private func stored<P: StrictlyReadable & StoredPayload>(
    _ objects: [EnvironmentObject<P>], before: [EnvironmentObject<P>], in directory: String,
    seal:
      @Sendable (
        EnvironmentObject<P>, _ keeping: (plain: EnvironmentObject<P>, stored: EnvironmentObject<P>)?
      )
      throws(StoreError) -> EnvironmentObject<P>,
    secretPaths: @Sendable (EnvironmentObject<P>?) -> Set<String>
  ) throws(StoreError) -> [((path: String, bytes: [UInt8]), ObjectChange)]
  where P.Override: StrictlyReadable {
    let previous = Dictionary(before.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    let results = objects.concurrentMap {
      object -> Result<((path: String, bytes: [UInt8]), ObjectChange), StoreError> in
      let path = directory + "/\(object.id).json"
      let old = previous[object.id]
      // A secret that did not change keeps its ciphertext: a new nonce for the same value
      // would make every save rewrite it (noisy diffs, changes the history cannot explain).
      let kept = old.flatMap { plain in
        (try? FileSystem.read(path, limit: Limits.objectFileBytes)).flatMap {
          try? StoredFile.read(EnvironmentObject<P>.self, from: $0, path: path)
        }.map { (plain: plain, stored: $0) }
      }
      do throws(StoreError) {
        let bytes = StoredFile.encode(try seal(object, kept))
        return .success(
          (
            (path, bytes),
            change(
              P.kind.rawValue, object.id, object.key, plain: (old, object), path: path, written: bytes,
              secretPaths: secretPaths(old).union(secretPaths(object)))
          ))
      } catch {
        return .failure(error)
      }
    }
    return try results.map { result throws(StoreError) in try result.get() }
  }

  /// One object's change for the history: field differences from the plain objects, the
  /// stored forms (as on disk before, as written after) for undo.
  func change<Value: Encodable>(
    _ kind: String, _ id: String, _ key: String, plain: (Value?, Value), path: String, written: [UInt8],
    secretPaths: Set<String>
  ) -> ObjectChange {
    // What airenv has just written is read back by the fast reader.
    let stored = JSONValue.stored(written)
    var revision: Int?
    if case .object(let members)? = stored, case .object(let stamp)? = members["stamp"],
      case .integer(let value)? = stamp["revision"]
    {
      revision = Int(value)
    }
    // The header's whole stored form after the change, and the changes of it this one follows:
    // readers replay the member list from them.
    let after = kind == "workspace" ? stored : nil
    guard let previous = plain.0 else {
      return ObjectChange(
        kind: kind, id: id, key: key, fields: [], before: nil, afterDigest: ContentDigest.of(stored),
        revision: revision, after: after, parents: kind == "workspace" ? [] : nil)
    }
    var fields = HistoryDiff.fields(plainBefore: Self.json(previous), plainAfter: Self.json(plain.1))
    for index in fields.indices
    where secretPaths.contains(where: { fields[index].name == $0 || fields[index].name.hasPrefix($0 + ".") })
    {
      fields[index].before = nil
      fields[index].after = nil
      fields[index].secret = true
    }
    return ObjectChange(
      kind: kind, id: id, key: key, fields: fields, before: storedJSON(atPath: path),
      afterDigest: ContentDigest.of(stored), revision: revision, after: after,
      parents: kind == "workspace" ? headerParents(id) : nil)
  }

  private func storedJSON(atPath path: String) -> JSONValue? {
    guard let bytes = try? FileSystem.read(path, limit: Limits.objectFileBytes) else { return nil }
    return try? JSONValue.parse(String(decoding: bytes, as: UTF8.self))
  }

  static func json(_ value: some Encodable) -> JSONValue {
    (try? JSONValue.parse(String(decoding: StoredFile.encode(value), as: UTF8.self))) ?? .null
  }

  /// The sealer for a write. New plaintext secrets need the repository's key; the first
  /// secret ever written creates the default key and records its fingerprint in the index.
  func writingSealer(
    for workspace: WorkspaceID, needsKey: Bool, dataKey: DataKeyChange? = nil,
    writes: inout [(path: String, bytes: [UInt8])]
  ) throws(StoreError) -> SecretSealer {
    // A write that did not look at the data key (a purge) still seals with it.
    var dataKey = dataKey
    if dataKey == nil, let envelope = try verifiedEnvelope(workspace) {
      // A save renews a key wrapped for someone who may no longer read (a member lowered by
      // hand); a write that does not look at the key must not seal with it meanwhile.
      if let stale = Self.staleWraps(
        in: envelope, readers: WorkspaceHeader.readers(try loadHeader(workspace))
      )
      .first {
        throw .keyProblem(
          "the data key of this Workspace is wrapped for \(stale), who the member list does not let read "
            + "secrets (lowered by hand or by a merge?); restore the member list from git, or have an Owner "
            + "run `airenv key migrate`, which makes a new key")
      }
      dataKey = DataKeyChange(key: try secretKey(for: workspace).key, envelope: nil, renewed: false)
    }
    if let dataKey {
      if needsKey && dataKey.key == nil {
        throw .keyProblem(
          "\(held.actingName) does not hold the Workspace's data key, so cannot write a "
            + "secret: it is wrapped only for Owners and Operators whose public key is recorded (see `airenv key status`)"
        )
      }
      return SecretSealer(workspace: workspace, key: dataKey.key, keyIsRepositorys: dataKey.key != nil)
    }
    var index = try readIndex()
    guard needsKey else {
      return SecretSealer(
        workspace: workspace, key: try keyring.load(matching: index.keyFingerprint), keyIsRepositorys: true)
    }
    if let key = try repositoryKey(index) {
      return SecretSealer(workspace: workspace, key: key, keyIsRepositorys: true)
    }
    let key = try keyring.loadOrCreate()
    index.keyFingerprint = key.fingerprint
    writes.append((layout.index, StoredFile.encode(index)))
    return SecretSealer(workspace: workspace, key: key, keyIsRepositorys: true)
  }

  // MARK: Keys

  /// The key the repository's secrets are sealed with, as its index records it: refused when
  /// the key file lacks it. Nil before the first secret.
  func repositoryKey(_ index: RepositoryIndex) throws(StoreError) -> EncryptionKey? {
    guard let expected = index.keyFingerprint else { return nil }
    guard let key = try keyring.load(matching: expected) else {
      throw .keyMissing(location: keyring.location, repository: expected)
    }
    guard key.fingerprint == expected else {
      throw .keyMismatch(location: keyring.location, fingerprint: key.fingerprint, repository: expected)
    }
    return key
  }

  /// Where the key is and whether it is the repository's; never the key itself.
  public func keyStatus() throws(StoreError) -> KeyStatus {
    try locked(exclusive: false) { () throws(StoreError) in
      let repositoryFingerprint = try readIndex().keyFingerprint
      let key = try keyring.load(matching: repositoryFingerprint)
      var undecryptable: [String] = []
      // Under data keys, what this user's identity may not open is not a problem; a tampered secret is.
      let states: Set<Secrecy.Lock> = try usesDataKeys() ? [.tampered] : [.locked, .tampered]
      for id in try workspaceIDs() {
        undecryptable += Self.lockedSecrets(in: try loadWorkspace(id), only: states)
      }
      return KeyStatus(
        location: keyring.location, origin: keyring.origin, fingerprint: key?.fingerprint,
        repositoryFingerprint: repositoryFingerprint, undecryptable: undecryptable,
        warnings: keyring.warnings(),
        otherFingerprints: try keyring.loadAll().map(\.fingerprint).filter { $0 != key?.fingerprint })
    }
  }

  /// Re-encrypts every secret of every Workspace with a new key, in one atomic commit.
  /// The new key is staged beside the old one first; the next airenv to open the repository
  /// finishes an interrupted rotation (if the commit landed) or discards the staged key.
  public func rotateKey(by user: String) throws -> KeyStatus {
    try withLock(exclusive: true) { () throws in
      var index = try readIndex()
      _ = try repositoryKey(index)
      let workspaces = try workspaceIDs().map { id throws(StoreError) in try loadWorkspace(id) }
      for workspace in workspaces {
        try workspace.authorize(.administer, for: user)
        if let problem = Self.lockedSecrets(in: workspace).first {
          throw StoreError.keyProblem("\(problem); restore it before rotating the key")
        }
      }
      let newKey = EncryptionKey.generate()
      try keyring.stage(newKey, forRepository: root)
      var writes: [(path: String, bytes: [UInt8])] = []
      for workspace in workspaces {
        let sealer = SecretSealer(workspace: workspace.id, key: newKey, keyIsRepositorys: true)
        for connection in workspace.connections where SecretSealer.needsKey(connection) {
          writes.append(
            (
              layout.connections(workspace.id) + "/\(connection.id).json",
              StoredFile.encode(try sealer.seal(connection))
            ))
        }
        for deployment in workspace.deployments where SecretSealer.needsKey(deployment) {
          writes.append(
            (
              layout.deployments(workspace.id) + "/\(deployment.id).json",
              StoredFile.encode(try sealer.seal(deployment))
            ))
        }
        for variable in workspace.variables where SecretSealer.needsKey(variable) {
          writes.append(
            (
              layout.variables(workspace.id) + "/\(variable.id).json",
              StoredFile.encode(try sealer.seal(variable))
            ))
        }
      }
      index.keyFingerprint = newKey.fingerprint
      writes.append((layout.index, StoredFile.encode(index)))
      do {
        try Journal.commit(writes: writes, deletes: [], layout: layout)
      } catch {
        try? keyring.discardStaged(forRepository: root)
        throw error
      }
      try keyring.promote(forRepository: root)
      return KeyStatus(
        location: keyring.location, origin: keyring.origin, fingerprint: newKey.fingerprint,
        repositoryFingerprint: newKey.fingerprint, undecryptable: [], warnings: keyring.warnings(),
        otherFingerprints: try keyring.loadAll().map(\.fingerprint).filter { $0 != newKey.fingerprint })
    }
  }

  /// Every secret that cannot be opened with the current key, e.g.
  /// `connection "db" links/<deployment>/password: tampered`.
  static func lockedSecrets(in workspace: Workspace, only states: Set<Secrecy.Lock> = [.locked, .tampered])
    -> [String]
  {
    var found: [String] = []
    func note(_ kind: String, _ key: String, _ value: String, _ path: String) {
      // A missing secret has no ciphertext: no key opens it, and a new key changes nothing.
      if let (lock, _) = Secrecy.lock(of: value), states.contains(lock) {
        found.append("\(kind) \"\(key)\" \(path): \(lock.rawValue)")
      }
    }
    for connection in workspace.connections {
      _ = SecretSealer.mapSecrets(connection) { value, path in
        note("connection", connection.key, value, path)
        return value
      }
    }
    for variable in workspace.variables {
      _ = SecretSealer.mapSecrets(variable) { value, path in
        note("variable", variable.key, value, path)
        return value
      }
    }
    for deployment in workspace.deployments {
      if let password = deployment.target?.password {
        note("Deployment", deployment.name, password, "target password")
      }
      if let token = deployment.target?.token { note("Deployment", deployment.name, token, "target token") }
    }
    return found
  }

  /// Finishes or discards a key rotation that was interrupted.
  private func recoverRotation() throws(StoreError) {
    guard let staged = try keyring.stagedKey(forRepository: root) else { return }
    if try readIndex().keyFingerprint == staged.fingerprint {
      try keyring.promote(forRepository: root)
    } else {
      try keyring.discardStaged(forRepository: root)
    }
  }

  /// Runs `body` on the latest state under the exclusive lock and writes what it returns,
  /// recorded with its note; returns the history entry written.
  func withLockedWorkspace(
    _ name: String?, _ body: (WorkspaceID, Workspace) throws -> (Workspace, HistoryNote)
  ) throws -> HistoryEntry {
    try withLock(exclusive: true) { () throws in
      let id = try chooseWorkspace(name).id
      let before = try loadWorkspace(id)
      let (after, note) = try body(id, before)
      // The entry just written, read back by its name (not the last of the history: another
      // clone's entry may be dated later).
      guard let name = try write(after, replacing: before, note: note) else {
        throw StoreError.io(path: layout.history(id), reason: "no history entry was written")
      }
      let path = layout.history(id) + "/" + name
      return try Self.historyEntry(
        StoredFile.read(
          HistoryEntry.self, from: FileSystem.read(path, limit: Limits.historyFileBytes), path: path),
        named: name, path: path)
    }
  }

  // MARK: History

  /// The sequence a history file's name gives, or a refusal naming the file.
  private static func historySequence(_ name: String, in directory: String) throws(StoreError) -> Int {
    guard let (sequence, _) = RepositoryLayout.historyName(fileName: name) else {
      throw .corrupt(
        path: directory + "/" + name, line: nil, column: nil,
        reason:
          "not a history entry's name (airenv names them like 20261128T033622Z-0000000012-9f3c01aa.json); "
          + "move it out of the history directory")
    }
    return sequence
  }

  /// The saved changes of a Workspace, oldest first (by time, then sequence, then name: two
  /// clones' entries merged in git interleave as they were made); with `last`, only that many of
  /// the newest, reading no other entry files.
  public func history(workspace name: String?, last: Int? = nil) throws(StoreError) -> [HistoryEntry] {
    try locked(exclusive: false) { () throws(StoreError) in
      try loadHistory(try chooseWorkspace(name).id, last: last)
    }
  }

  /// The same, for showing: an entry that cannot be read (a file made up or damaged by hand, a
  /// merge gone wrong) is passed over and reported with why, so that one bad file does not hide
  /// the whole history. Undo still refuses such a history (it must know every change).
  public func readableHistory(workspace name: String?, last: Int? = nil) throws(StoreError) -> (
    entries: [HistoryEntry], unreadable: [StoreError]
  ) {
    try locked(exclusive: false) { () throws(StoreError) in
      let id = try chooseWorkspace(name).id
      do throws(StoreError) {
        return (try loadHistory(id, last: last), [])
      } catch {
        let directory = layout.history(id)
        var entries: [HistoryEntry] = []
        var unreadable: [StoreError] = []
        // The newest entries that can be read: one that cannot (made up with a late name, say)
        // takes no place among the `last`.
        for name in try FileSystem.jsonFiles(in: directory).reversed() {
          if let last, entries.count >= last { break }
          do throws(StoreError) {
            _ = try Self.historySequence(name, in: directory)
            let path = directory + "/" + name
            entries.append(
              try Self.historyEntry(
                decoding: try FileSystem.read(path, limit: Limits.historyFileBytes), named: name, path: path))
          } catch {
            unreadable.append(error)
          }
        }
        return (entries.sorted(by: HistoryEntry.precedes), unreadable)
      }
    }
  }

  /// The files of a history entry: the entry and, when its user's identity is held here, its
  /// signature (see `HistorySignature`), both for the same journal commit.
  func historyWrites(_ entry: HistoryEntry, named fileName: String, workspace: WorkspaceID) throws(StoreError)
    -> [(path: String, bytes: [UInt8])]
  {
    let bytes = StoredFile.encode(entry)
    var writes = [(path: layout.history(workspace) + "/" + fileName, bytes: bytes)]
    if let signer = held.identity(of: entry.user) {
      writes.append(
        (
          path: layout.history(workspace) + "/" + HistorySignature.fileName(forEntry: fileName),
          bytes: try HistorySignature.make(for: bytes, workspace: workspace, fileName: fileName, by: signer)
        ))
    }
    return writes
  }

  /// Whether each entry (by name) is signed by the member it names, as the Workspace records
  /// their keys now: each entry file is read again as bytes, with its signature file.
  public func verification(of entries: [HistoryEntry], workspace name: String?) throws(StoreError)
    -> [String: HistoryVerification]
  {
    try locked(exclusive: false) { () throws(StoreError) in
      let id = try chooseWorkspace(name).id
      let recorded = try loadHeader(id).memberKeys ?? [:]
      let directory = layout.history(id)
      var verdicts: [String: HistoryVerification] = [:]
      for entry in entries {
        let fileName = entry.name + ".json"
        let bytes = try FileSystem.read(directory + "/" + fileName, limit: Limits.historyFileBytes)
        let signaturePath = directory + "/" + HistorySignature.fileName(forEntry: fileName)
        var signature: [UInt8]?
        if FileSystem.exists(signaturePath) || FileSystem.isLink(signaturePath) {
          // A signature file that cannot be read (a link, a directory, too large) proves nothing,
          // and says so, without stopping the history.
          do throws(StoreError) {
            signature = try FileSystem.read(signaturePath, limit: HistorySignature.largestFile)
          } catch {
            verdicts[entry.name] = .notVerifiable("its signature file cannot be read: \(error.message)")
            continue
          }
        }
        verdicts[entry.name] = HistoryVerification.of(
          entry: bytes, workspace: id, fileName: fileName, user: entry.user, signature: signature,
          recorded: recorded)
      }
      return verdicts
    }
  }

  /// Entries are decoded on every core and kept between reads (an entry file is never
  /// rewritten), so a session that shows the history re-reads only the new entry after a save.
  func loadHistory(_ id: WorkspaceID, last: Int? = nil) throws(StoreError) -> [HistoryEntry] {
    let directory = layout.history(id)
    let names = Array(try FileSystem.jsonFiles(in: directory).suffix(last ?? .max))
    for name in names { _ = try Self.historySequence(name, in: directory) }
    return try decodeFiles(
      names, in: directory, cache: historyFiles, variant: "", limit: Limits.historyFileBytes,
      Self.historyEntry(decoding:named:path:)
    ).sorted(by: HistoryEntry.precedes)
  }

  /// An entry read from the file `name`, checked against what the name says (sequence and
  /// time: a renamed file would be shown out of place) and given its name.
  /// The entry the file `name` at `path` holds (its bytes), checked against its name.
  @Sendable static func historyEntry(decoding bytes: [UInt8], named name: String, path: String)
    throws(StoreError) -> HistoryEntry
  {
    try historyEntry(StoredFile.read(HistoryEntry.self, from: bytes, path: path), named: name, path: path)
  }

  static func historyEntry(_ read: HistoryEntry, named name: String, path: String) throws(StoreError)
    -> HistoryEntry
  {
    var entry = read
    guard let named = RepositoryLayout.historyName(fileName: name) else {
      _ = try historySequence(name, in: path.parent)  // refuses the name, saying why
      throw .corrupt(path: path, line: nil, column: nil, reason: "not a history entry's name")
    }
    guard entry.sequence == named.sequence else {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason: "its sequence \(entry.sequence) does not match its name (renamed by hand?)")
    }
    if let time = named.time, time != RepositoryLayout.historyTimeText(entry.time) {
      throw .corrupt(
        path: path, line: nil, column: nil,
        reason: "its time \(entry.time.formatted(.iso8601)) does not match its name (renamed by hand?)")
    }
    entry.name = String(name.dropLast(5))
    return entry
  }

  /// Where the next entry goes: its sequence (one past the largest), its time and file name.
  /// The time is now, or the latest entry's if that is later (this clock went back, or a clone
  /// with a clock ahead was merged): a new entry is always the newest, so undo finds it last.
  func nextHistoryEntry(_ id: WorkspaceID, at now: Date) throws(StoreError) -> (
    sequence: Int, time: Date, fileName: String
  ) {
    let directory = layout.history(id)
    var largest = 0
    var largestName = ""
    var latest = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
    for name in try FileSystem.jsonFiles(in: directory) {
      let sequence = try Self.historySequence(name, in: directory)
      if sequence > largest { (largest, largestName) = (sequence, name) }
      if let text = RepositoryLayout.historyName(fileName: name)?.time,
        let time = RepositoryLayout.historyTime(fromText: text), time > latest
      {
        latest = time
      }
    }
    let sequence = largest + 1
    guard sequence <= RepositoryLayout.largestHistorySequence else {
      throw .io(
        path: directory,
        reason: "not saved: the history has reached entry \(largest) (\(largestName)), the "
          + "last airenv numbers; if no change of yours made it (put there by hand, or by a merge), remove it in "
          + "git, else move old entries out of the directory")
    }
    return (sequence, latest, RepositoryLayout.historyFileName(sequence, time: latest))
  }

  // MARK: Locking

  func withLock<Result>(exclusive: Bool, _ body: () throws -> Result) throws -> Result {
    try requireExisting()
    let lock = try RepositoryLock(path: layout.lock, exclusive: exclusive)
    let stagedKey = keyring.stagedPath(forRepository: root).map(FileSystem.exists) ?? false
    let interrupted = FileSystem.exists(layout.journal) || FileSystem.exists(layout.journalData)
    if finishesInterruptedChanges && (interrupted || stagedKey) {
      if !exclusive { try lock.lock(exclusive: true) }
      try Journal.recover(layout: layout)
      try recoverRotation()
    }
    return try withExtendedLifetime(lock) { try body() }
  }

  /// Whether a change of several files was interrupted and is not finished yet (a read-only
  /// command leaves it; any other finishes it).
  public var hasInterruptedChange: Bool { FileSystem.exists(layout.journal) }

  func locked<Result>(exclusive: Bool, _ body: () throws(StoreError) -> Result)
    throws(StoreError) -> Result
  {
    do {
      return try withLock(exclusive: exclusive) { () throws -> Result in try body() }
    } catch let error as StoreError {
      // A read-only command leaves an interrupted change as it is: a file it finds damaged may
      // be one the journal rewrites whole.
      if !finishesInterruptedChanges, FileSystem.exists(layout.journal) {
        let pending =
          "an interrupted change is pending (\(layout.journal)), which any command without --readonly finishes"
        switch error {
        case .corrupt(let path, let line, let column, let reason):
          throw .corrupt(path: path, line: line, column: column, reason: reason + "; " + pending)
        case .keyProblem(let reason): throw .keyProblem(reason + "; " + pending)
        default: break
        }
      }
      throw error
    } catch {
      throw .io(path: root, reason: "\(error)")
    }
  }

  private func checkWorkspaceName(_ name: String) throws(ModelError) {
    if let reason = IdentifierRules.problem(withDeploymentName: name) {
      throw .invalidName(what: "Workspace", name: name, reason: reason)
    }
  }
}

extension String {
  /// The path without trailing slashes ("/" stays "/").
  private var withoutTrailingSlashes: Substring {
    var path = Substring(self)
    while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
    return path
  }

  /// The directory part of a path: "." for a bare name, "/" for a name at the root.
  /// (Foundation's `deletingLastPathComponent` trapped on a one-character relative path.)
  var parent: String {
    let path = withoutTrailingSlashes
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The last component of a path.
  var lastComponent: String {
    let path = withoutTrailingSlashes
    guard let slash = path.lastIndex(of: "/") else { return String(path) }
    return String(path[path.index(after: slash)...])
  }
}

/// Who made a change and with which command, for its history entry.
struct HistoryNote {
  var user: String
  var command: String
  var deployment: String?
  var time = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
  var undoes: Int?
  var redoes: Int?
  var undoesEntry: String?
  var redoesEntry: String?
}

struct RepositoryIndex: Codable, Equatable {
  var format = "airenv-repository"
  var defaultWorkspace: WorkspaceID?
  /// The fingerprint of the key the secrets are encrypted with; nil before the first secret.
  var keyFingerprint: String?
  /// True where Workspaces are created with a data key of their own (`airenv init`, `key migrate`).
  var dataKeys: Bool?
}

/// The Workspace's own file: what is not a Deployment or an object.
struct WorkspaceHeader: Codable, Equatable {
  /// Who may read secrets by this member list (see `Workspace.secretReaders`).
  static func readers(_ header: WorkspaceHeader) -> [String: String] { header.workspace.secretReaders }

  /// The Workspace this header describes, without Deployments or objects.
  var workspace: Workspace {
    var workspace = Workspace(
      id: id, name: name, stamp: stamp, members: members, memberKeys: memberKeys ?? [:], settings: settings)
    workspace.dataKeyFingerprint = dataKey
    return workspace
  }

  var id: WorkspaceID
  var name: String
  var stamp: Stamp
  var members: [String: Role]
  /// Left out while no member has one, so that a Workspace without identities is stored as before.
  var memberKeys: [String: String]?
  var settings: WorkspaceSettings
  /// The fingerprint of the Workspace's data key (see `Workspace.dataKeyFingerprint`).
  var dataKey: String?

  init(_ workspace: Workspace) {
    id = workspace.id
    name = workspace.name
    stamp = workspace.stamp
    members = workspace.members
    memberKeys = workspace.memberKeys.isEmpty ? nil : workspace.memberKeys
    settings = workspace.settings
    dataKey = workspace.dataKeyFingerprint
  }

  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    id = try container.decode(String.self, forKey: .id)
    name = try container.decode(String.self, forKey: .name)
    stamp = try container.decode(Stamp.self, forKey: .stamp)
    members = try container.decodeIfPresent([String: Role].self, forKey: .members) ?? [:]
    memberKeys = try container.decodeIfPresent([String: String].self, forKey: .memberKeys)
    settings = try container.decodeIfPresent(WorkspaceSettings.self, forKey: .settings) ?? WorkspaceSettings()
    dataKey = try container.decodeIfPresent(String.self, forKey: .dataKey)
  }
}

/// What `airenv key status` reports.
public struct KeyStatus: Equatable, Sendable {
  public var location: String
  public var origin: Keyring.Origin
  public var fingerprint: String?
  public var repositoryFingerprint: String?
  /// Secrets that do not decrypt, each with its object, field and why (locked or tampered).
  public var undecryptable: [String]
  /// What is loose about the key file (its group can read it, someone else owns it).
  public var warnings: [String]
  /// The fingerprints of the key file's other keys, newest first: keys that rotations replaced,
  /// kept for other repositories that share the file.
  public var otherFingerprints: [String] = []

  public var matches: Bool { repositoryFingerprint == nil || fingerprint == repositoryFingerprint }
}
