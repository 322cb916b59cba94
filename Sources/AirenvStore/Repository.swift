import AirenvModel

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
  let layout: RepositoryLayout

  public init(root: String) {
    let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    self.root = trimmed
    layout = RepositoryLayout(root: trimmed)
  }

  public var exists: Bool { FileSystem.exists(layout.index) }

  /// Creates an empty repository; returns false when one was already there.
  @discardableResult
  public func initialize() throws(StoreError) -> Bool {
    if exists { return false }
    try FileSystem.makeDirectory(layout.workspaces)
    try FileSystem.writeAtomically(StoredFile.encode(RepositoryIndex()), to: layout.index)
    return true
  }

  // MARK: Workspaces

  public func workspaceSummaries() throws(StoreError) -> [WorkspaceSummary] {
    try locked(exclusive: false) { () throws(StoreError) in try summaries() }
  }

  public func read(workspace name: String?) throws(StoreError) -> Workspace {
    try locked(exclusive: false) { () throws(StoreError) in
      try loadWorkspace(try chooseWorkspace(name).id)
    }
  }

  /// Applies `body` to the latest state of a Workspace and writes what it changed.
  @discardableResult
  public func update<Result>(
    workspace name: String?, _ body: (inout Workspace) throws -> Result
  ) throws -> Result {
    try withLock(exclusive: true) { () throws in
      let id = try chooseWorkspace(name).id
      let before = try loadWorkspace(id)
      var after = before
      let result = try body(&after)
      try write(after, replacing: before)
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
      let workspace = Workspace(id: id, name: name, stamp: Stamp(by: actor))
      try FileSystem.makeDirectory(layout.workspaceDirectory(id))
      try FileSystem.writeAtomically(
        StoredFile.encode(WorkspaceHeader(workspace)), to: layout.workspaceFile(id))
      if existing.isEmpty { try writeIndex(defaultWorkspace: id) }
      return workspace
    }
  }

  public func renameWorkspace(_ name: String, to newName: String, by actor: Actor) throws {
    try checkWorkspaceName(newName)
    try withLock(exclusive: true) { () throws in
      let target = try chooseWorkspace(name)
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
      try FileSystem.writeAtomically(StoredFile.encode(header), to: layout.workspaceFile(target.id))
    }
  }

  /// Deletes a Workspace directory; the caller confirms first.
  public func deleteWorkspace(_ name: String) throws(StoreError) {
    try locked(exclusive: true) { () throws(StoreError) in
      let target = try chooseWorkspace(name)
      try FileSystem.removeTree(layout.workspaceDirectory(target.id))
      if try readIndex().defaultWorkspace == target.id { try writeIndex(defaultWorkspace: nil) }
    }
  }

  public func useWorkspace(_ name: String) throws(StoreError) {
    try locked(exclusive: true) { () throws(StoreError) in
      try writeIndex(defaultWorkspace: try chooseWorkspace(name).id)
    }
  }

  // MARK: Reading

  private func summaries() throws(StoreError) -> [WorkspaceSummary] {
    let index = try readIndex()
    var result: [WorkspaceSummary] = []
    for id in try workspaceIDs() {
      let header = try loadHeader(id)
      result.append(WorkspaceSummary(id: id, name: header.name, isDefault: index.defaultWorkspace == id))
    }
    return result.sorted { $0.name.lowercased() < $1.name.lowercased() }
  }

  private func workspaceIDs() throws(StoreError) -> [String] {
    guard FileSystem.isDirectory(layout.workspaces) else { return [] }
    var ids: [String] = []
    for id in try FileSystem.directories(in: layout.workspaces)
    where FileSystem.exists(layout.workspaceFile(id)) {
      ids.append(id)
    }
    return ids
  }

  /// The Workspace a command means: the named one, else the default, else the only one.
  private func chooseWorkspace(_ name: String?) throws(StoreError) -> WorkspaceSummary {
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

  private func readIndex() throws(StoreError) -> RepositoryIndex {
    try StoredFile.decode(RepositoryIndex.self, from: FileSystem.read(layout.index), path: layout.index)
  }

  private func writeIndex(defaultWorkspace: WorkspaceID?) throws(StoreError) {
    var index = try readIndex()
    index.defaultWorkspace = defaultWorkspace
    try FileSystem.writeAtomically(StoredFile.encode(index), to: layout.index)
  }

  private func loadHeader(_ id: WorkspaceID) throws(StoreError) -> WorkspaceHeader {
    let path = layout.workspaceFile(id)
    return try StoredFile.decode(WorkspaceHeader.self, from: FileSystem.read(path), path: path)
  }

  func loadWorkspace(_ id: WorkspaceID) throws(StoreError) -> Workspace {
    let header = try loadHeader(id)
    return Workspace(
      id: id, name: header.name, stamp: header.stamp,
      deployments: try loadAll(Deployment.self, in: layout.deployments(id)),
      connections: try loadAll(Connection.self, in: layout.connections(id)),
      variables: try loadAll(Variable.self, in: layout.variables(id)))
  }

  private func loadAll<Value: Decodable & Identifiable<String>>(
    _ type: Value.Type, in directory: String
  ) throws(StoreError) -> [Value] {
    var values: [Value] = []
    for name in try FileSystem.jsonFiles(in: directory) {
      let path = directory + "/" + name
      let value = try StoredFile.decode(type, from: FileSystem.read(path), path: path)
      guard value.id + ".json" == name else {
        throw .corrupt(
          path: path, line: nil, column: nil, reason: "its id \"\(value.id)\" does not match its file name")
      }
      values.append(value)
    }
    return values
  }

  // MARK: Writing

  /// Writes the files of the objects that differ between the two states, atomically.
  private func write(_ after: Workspace, replacing before: Workspace) throws(StoreError) {
    var writes: [(path: String, bytes: [UInt8])] = []
    var deletes: [String] = []
    if WorkspaceHeader(after) != WorkspaceHeader(before) {
      writes.append((layout.workspaceFile(after.id), StoredFile.encode(WorkspaceHeader(after))))
    }
    func collect<Value: Encodable & Equatable & Identifiable<String>>(
      _ old: [Value], _ new: [Value], _ directory: String
    ) {
      let oldByID = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
      let newIDs = Set(new.map(\.id))
      for value in new where oldByID[value.id] != value {
        writes.append((directory + "/" + value.id + ".json", StoredFile.encode(value)))
      }
      for value in old where !newIDs.contains(value.id) {
        deletes.append(directory + "/" + value.id + ".json")
      }
    }
    collect(before.deployments, after.deployments, layout.deployments(after.id))
    collect(before.connections, after.connections, layout.connections(after.id))
    collect(before.variables, after.variables, layout.variables(after.id))
    if writes.isEmpty && deletes.isEmpty { return }
    for directory in Set(writes.map(\.path.parent)) {
      try FileSystem.makeDirectory(directory)
    }
    try Journal.commit(writes: writes, deletes: deletes, layout: layout)
  }

  // MARK: Locking

  private func withLock<Result>(exclusive: Bool, _ body: () throws -> Result) throws -> Result {
    guard exists else { throw StoreError.notARepository(path: root) }
    let lock = try RepositoryLock(path: layout.lock, exclusive: exclusive)
    if FileSystem.exists(layout.journal) {
      if !exclusive { try lock.lock(exclusive: true) }
      try Journal.recover(layout: layout)
    }
    return try withExtendedLifetime(lock) { try body() }
  }

  private func locked<Result>(exclusive: Bool, _ body: () throws(StoreError) -> Result)
    throws(StoreError) -> Result
  {
    do {
      return try withLock(exclusive: exclusive) { () throws -> Result in try body() }
    } catch let error as StoreError {
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
  /// The directory part of a path.
  var parent: String {
    guard let slash = lastIndex(of: "/") else { return "." }
    return String(self[..<slash])
  }
}

struct RepositoryIndex: Codable, Equatable {
  var format = "airenv-repository"
  var defaultWorkspace: WorkspaceID?
}

/// The Workspace's own file: what is not a Deployment or an object.
struct WorkspaceHeader: Codable, Equatable {
  var id: WorkspaceID
  var name: String
  var stamp: Stamp

  init(_ workspace: Workspace) {
    id = workspace.id
    name = workspace.name
    stamp = workspace.stamp
  }
}
