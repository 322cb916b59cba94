import AirenvModel
import Foundation

/// One thing wrong with a repository, with where it is.
public struct DoctorProblem: Equatable, Sendable, Encodable {
  /// version, json, schema, dangling-reference, duplicate-id, resolves-twice, secret,
  /// permissions, interrupted-change, leftover-file.
  public var kind: String
  public var file: String?
  public var object: String?
  public var problem: String
  /// Whether `doctor --fix` repairs it without losing anything.
  public var fixable: Bool
  public var fixed = false
}

extension Repository {
  /// Checks the whole repository and reports every problem it finds; with `fix`, repairs only
  /// what loses nothing: tightens modes, removes references to Deployments that do not
  /// exist, finishes an interrupted change and removes leftover temporary files.
  public func diagnose(fix: Bool) throws -> [DoctorProblem] {
    try requireExisting()
    let lock = try RepositoryLock(path: layout.lock, exclusive: fix)
    return try withExtendedLifetime(lock) { () throws -> [DoctorProblem] in
      var problems: [DoctorProblem] = []
      do {
        if try Journal.load(layout: layout) != nil {
          problems.append(
            DoctorProblem(
              kind: "interrupted-change", file: layout.journal, object: nil,
              problem:
                "a change that spans several files was interrupted; finishing it completes that change",
              fixable: true, fixed: fix))
          if fix { try Journal.recover(layout: layout) }
        }
      } catch let error as StoreError {
        problems.append(
          DoctorProblem(
            kind: "journal", file: layout.journal, object: nil, problem: error.message, fixable: false))
      }
      problems += keyProblems()
      problems += try checkFiles(fix: fix)
      // A linked Workspace directory is reported above and not followed.
      for id in (try? FileSystem.directories(in: layout.workspaces)) ?? []
      where !FileSystem.isLink(layout.workspaceDirectory(id)) && !FileSystem.isLink(layout.workspaces) {
        problems += try checkWorkspace(id, fix: fix)
        problems += checkMembers(id)
      }
      return problems
    }
  }

  /// A key file that airenv refuses, or that is looser than it should be.
  private func keyProblems() -> [DoctorProblem] {
    var problems = keyring.warnings().map {
      DoctorProblem(kind: "key", file: keyring.location, object: nil, problem: $0, fixable: false)
    }
    do {
      _ = try keyring.load()
    } catch {
      problems.append(
        DoctorProblem(
          kind: "key", file: keyring.location, object: nil, problem: error.message, fixable: false))
    }
    return problems
  }

  /// The key that opens a Workspace's secrets, for checking values as the commands see them.
  private func sealer(for workspace: WorkspaceID) -> SecretSealer {
    let (key, isTheWorkspaces) = (try? secretKey(for: workspace)) ?? (nil, false)
    return SecretSealer(workspace: workspace, key: key, keyIsRepositorys: isTheWorkspaces)
  }

  /// The files airenv keeps at the top of a repository.
  private static let rootFiles: Set<String> = ["airenv.json", ".lock", ".journal.json", ".journal.data"]

  /// Whether `root` is inside a git working tree (a `.git` in it or in a directory above).
  private static func isInGitWorkTree(_ root: String) -> Bool {
    var directory = root
    while true {
      if FileSystem.exists(directory + "/.git") { return true }
      let parent = directory.parent
      if parent == directory || parent == "." { return false }
      directory = parent
    }
  }

  /// Modes, owners, leftover temporary files, and every file that does not read.
  private func checkFiles(fix: Bool) throws -> [DoctorProblem] {
    var problems: [DoctorProblem] = []
    let enumerator = FileManager.default.enumerator(atPath: root)
    var paths = [root]
    while let relative = enumerator?.nextObject() as? String {
      // Only what airenv writes: a `.git` directory, a README or a CI file beside it is not
      // airenv's to judge or to chmod.
      let first = relative.split(separator: "/", maxSplits: 1).first.map(String.init) ?? relative
      let isLeftover = first.hasPrefix(".") && first.contains(".tmp-") || first.hasPrefix(".deleted-")
      guard first == "workspaces" || Self.rootFiles.contains(first) || isLeftover else {
        if first == relative, enumerator?.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
          enumerator?.skipDescendants()
        }
        continue
      }
      paths.append(root + "/" + relative)
    }
    // Git writes what it checks out with the user's umask (0644) and keeps every version in
    // .git/objects (0444): modes of single files protect nothing there, the directory does.
    let inGitWorkTree = Self.isInGitWorkTree(root)
    for path in paths {
      // Nothing below a link is looked at (the link itself is reported).
      let parent = path.parent
      if parent.hasPrefix(root + "/"),
        (try? FileSystem.refuseLinks(in: layout.relative(parent), under: root)) == nil
      {
        continue
      }
      let name = path.lastComponent
      var info = stat()
      guard lstat(path, &info) == 0 else { continue }
      let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
      if (info.st_mode & S_IFMT) == S_IFLNK {
        // Never followed, never changed: a link leads reads and writes outside the repository.
        problems.append(
          DoctorProblem(
            kind: "link", file: path, object: nil,
            problem: "a symbolic link, which airenv never makes: every command refuses it; replace it with "
              + "what it points to, or remove it", fixable: false))
        continue
      }
      if name.hasPrefix(".") && name.contains(".tmp-") || name.hasPrefix(".deleted-") {
        problems.append(
          DoctorProblem(
            kind: "leftover-file", file: path, object: nil,
            problem: "left behind by an interrupted write; it is not part of the repository", fixable: true,
            fixed: fix))
        if fix { try? FileManager.default.removeItem(atPath: path) }
        continue
      }
      if info.st_uid != geteuid() {
        problems.append(
          DoctorProblem(
            kind: "ownership", file: path, object: nil,
            problem: "it belongs to \(KeyFileAccess.userName(info.st_uid)), not to you "
              + "(\(KeyFileAccess.userName(geteuid()))): its owner can change it behind airenv's back",
            fixable: false))
      }
      if !isDirectory && info.st_nlink > 1 {
        // Another name of the same file may be outside the repository: never chmod through it.
        problems.append(
          DoctorProblem(
            kind: "link", file: path, object: nil,
            problem:
              "it has \(info.st_nlink) hard links, which airenv never makes (another name of it may be "
              + "outside the repository); the next save replaces it with a file of its own", fixable: false))
        continue
      }
      let mode = Int(info.st_mode & 0o777)
      if mode & 0o077 != 0 && (!inGitWorkTree || path == root) {
        let wanted = isDirectory ? 0o700 : 0o600
        let advice =
          inGitWorkTree
          ? "; git checks files out readable by others, so keep the repository's directory closed"
          : ""
        problems.append(
          DoctorProblem(
            kind: "permissions", file: path, object: nil,
            problem:
              "mode \(String(mode, radix: 8)) lets others read it; it should be \(String(wanted, radix: 8))"
              + advice,
            fixable: true, fixed: fix))
        if fix { chmod(path, mode_t(wanted)) }
      }
      guard !isDirectory, name.hasSuffix(".json"), !name.hasPrefix(".") else { continue }
      do throws(StoreError) {
        // The same strict reading as every command: syntax, members, types and rules.
        let bytes = try FileSystem.read(
          path, limit: path.contains("/history/") ? Limits.historyFileBytes : Limits.objectFileBytes)
        let workspace = layout.workspace(containing: path)
        if path == layout.index {
          _ = try StoredFile.read(RepositoryIndex.self, from: bytes, path: path)
        } else if path.hasSuffix("/workspace.json") {
          _ = try StoredFile.read(WorkspaceHeader.self, from: bytes, path: path)
        } else if let workspace, path == layout.dataKeys(workspace) {
          _ = try StoredFile.read(DataKeyEnvelope.self, from: bytes, path: path)
        } else if path.contains("/deployments/") {
          _ = try StoredFile.read(Deployment.self, from: bytes, path: path)
        } else if path.contains("/connections/"), let workspace {
          _ = try StoredFile.read(
            Connection.self, from: bytes, path: path, opening: sealer(for: workspace).unseal)
        } else if path.contains("/variables/"), let workspace {
          _ = try StoredFile.read(
            Variable.self, from: bytes, path: path, opening: sealer(for: workspace).unseal)
        } else if path.contains("/history/") {
          // As the history reads it: the name must be one airenv writes and say what the entry does.
          _ = try Repository.historyEntry(
            StoredFile.read(HistoryEntry.self, from: bytes, path: path), named: name, path: path)
        }
      } catch {
        let kind: String
        switch error {
        case .newerFormat: kind = "version"
        case .corrupt(_, _, _, let reason)
        where reason.hasPrefix("not valid JSON") || reason == "the file is empty":
          kind = "json"
        default: kind = "schema"
        }
        problems.append(
          DoctorProblem(kind: kind, file: path, object: nil, problem: error.message, fixable: false))
      }
    }
    return problems
  }

  /// The rules across objects, on every file that reads.
  private func checkWorkspace(_ id: WorkspaceID, fix: Bool) throws -> [DoctorProblem] {
    var problems: [DoctorProblem] = []
    // The files that read as strictly as every command reads them; the others are reported above.
    func readable<Value: StoredRecord & StrictlyReadable>(_ type: Value.Type, _ directory: String) -> [(
      String, Value
    )] {
      if FileSystem.isLink(directory) { return [] }
      return ((try? FileSystem.jsonFiles(in: directory)) ?? []).compactMap { name in
        let path = directory + "/" + name
        return
          (try? StoredFile.read(
            type, from: FileSystem.read(path, limit: Limits.objectFileBytes), path: path))
          .map { (path, $0) }
      }
    }
    if let header = try? StoredFile.read(
      WorkspaceHeader.self, from: FileSystem.read(layout.workspaceFile(id), limit: Limits.objectFileBytes),
      path: layout.workspaceFile(id)), header.id != id
    {
      problems.append(
        DoctorProblem(
          kind: "schema", file: layout.workspaceFile(id), object: nil,
          problem: "its id \"\(header.id)\" does not match its directory's name \"\(id)\"", fixable: false))
    }
    let deployments = readable(Deployment.self, layout.deployments(id))
    let known = Set(deployments.map(\.1.id))
    var names: [String: String] = [:]
    for (path, deployment) in deployments {
      if let first = names[deployment.name.lowercased()] {
        problems.append(
          DoctorProblem(
            kind: "duplicate-name", file: path, object: "Deployment \(deployment.name)",
            problem: "its name is the same ignoring case as the one in \(first)", fixable: false))
      } else {
        names[deployment.name.lowercased()] = path
      }
    }
    let sealer = sealer(for: id)
    // Under a data key, a secret this user's identity cannot open is their role, not a problem:
    // only one that the key they hold does not open is.
    let dataKey = (try? usesDataKeys()) == true
    // One that does not read at all is reported with the other files above.
    let unreadable = FileSystem.exists(layout.dataKeys(id)) && (try? dataKeyEnvelope(id)) == nil
    if dataKey && !unreadable {
      // An envelope that reads but does not count (unsigned, signed by a non-Owner, not the key the
      // header records, or missing) stops every command that opens or seals a secret.
      do { _ = try verifiedEnvelope(id) } catch {
        problems.append(
          DoctorProblem(
            kind: "key", file: layout.dataKeys(id), object: nil, problem: error.message, fixable: false))
      }
    }
    let context = DoctorContext(
      known: known, deployments: deployments.map(\.1), fix: fix,
      keyLocation: dataKey ? "the Workspace's data key (\(layout.dataKeys(id)))" : keyring.location,
      reported: dataKey ? [.tampered, .missing] : [.locked, .tampered, .missing])
    problems += context.check(readable(Connection.self, layout.connections(id)), unseal: sealer.unseal)
    problems += context.check(readable(Variable.self, layout.variables(id)), unseal: sealer.unseal)
    problems += checkSignatures(id)
    return problems
  }

  /// A member list that is not what the Workspace's signed changes made it (see `TrustedMembers`).
  private func checkMembers(_ id: WorkspaceID) -> [DoctorProblem] {
    guard let header = try? loadHeader(id) else { return [] }
    let workspace = header.workspace
    guard (try? verifies(workspace)) == true, let problem = trustedMembers(of: workspace)?.problem else {
      return []
    }
    return [
      DoctorProblem(
        kind: "members", file: layout.workspaceFile(id), object: nil,
        problem:
          "its member list is not what signed changes by Owners made it: \(problem) (`airenv approve workspace` "
          + "by an Owner who has checked it, or restore it from git)",
        fixable: false)
    ]
  }

  /// A signature file with no entry beside it, and a signed entry whose signature does not prove
  /// it is the work of the member it names (by the key the Workspace records for them). An entry
  /// signed by someone whose key is not recorded is not a problem: it is how one person works.
  private func checkSignatures(_ id: WorkspaceID) -> [DoctorProblem] {
    let directory = layout.history(id)
    guard !FileSystem.isLink(directory),
      let names = try? FileManager.default.contentsOfDirectory(atPath: directory)
    else { return [] }
    let recorded =
      (try? StoredFile.read(
        WorkspaceHeader.self, from: FileSystem.read(layout.workspaceFile(id), limit: Limits.objectFileBytes),
        path: layout.workspaceFile(id)))?.memberKeys ?? [:]
    let present = Set(names)
    var problems: [DoctorProblem] = []
    for name in names.sorted() where name.hasSuffix(HistorySignature.fileExtension) && !name.hasPrefix(".") {
      let path = directory + "/" + name
      let entryName = String(name.dropLast(HistorySignature.fileExtension.count)) + ".json"
      guard present.contains(entryName) else {
        problems.append(
          DoctorProblem(
            kind: "signature", file: path, object: nil,
            problem: "a signature with no history entry \(entryName) beside it; remove it", fixable: false))
        continue
      }
      let entryPath = directory + "/" + entryName
      // An entry that does not read is reported with the files above.
      guard let bytes = try? FileSystem.read(entryPath, limit: Limits.historyFileBytes),
        let entry = try? StoredFile.read(HistoryEntry.self, from: bytes, path: entryPath),
        recorded[entry.user] != nil
      else { continue }
      let reason: String?
      do throws(StoreError) {
        let signature = try FileSystem.read(path, limit: HistorySignature.largestFile)
        reason =
          HistoryVerification.of(
            entry: bytes, workspace: id, fileName: entryName, user: entry.user, signature: signature,
            recorded: recorded
          ).reason
      } catch {
        reason = "its signature file cannot be read: \(error.message)"
      }
      if let reason {
        problems.append(
          DoctorProblem(
            kind: "signature", file: entryPath, object: nil,
            problem: "its signature does not prove it is \(entry.user)'s change: \(reason)", fixable: false))
      }
    }
    return problems
  }
}

/// What the object checks need to know about the Workspace.
private struct DoctorContext {
  var known: Set<DeploymentID>
  var deployments: [Deployment]
  var fix: Bool
  var keyLocation: String
  /// Which states of a secret that does not open are reported.
  var reported: Set<Secrecy.Lock>

  func check<P>(
    _ objects: [(String, EnvironmentObject<P>)], unseal: (EnvironmentObject<P>) -> EnvironmentObject<P>
  )
    -> [DoctorProblem]
  {
    var problems: [DoctorProblem] = []
    for (path, object) in objects {
      let name = "\(P.kind.rawValue) \(object.key)"
      let dangling = Set(object.links.keys).union(object.exclusions).subtracting(known).sorted()
      if !dangling.isEmpty {
        problems.append(
          DoctorProblem(
            kind: "dangling-reference", file: path, object: name,
            problem:
              "links or exclusions name Deployments that do not exist: \(dangling.joined(separator: ", "))",
            fixable: true, fixed: fix))
        if fix {
          var repaired = object
          for deployment in dangling {
            repaired.links[deployment] = nil
            repaired.exclusions.remove(deployment)
          }
          try? FileSystem.writeAtomically(StoredFile.encode(repaired), to: path)
        }
      }
      if let owner = object.scope.owningDeployment, !known.contains(owner) {
        problems.append(
          DoctorProblem(
            kind: "dangling-reference", file: path, object: name,
            problem: "it belongs to Deployment \(owner), which does not exist", fixable: false))
      }
    }
    var seen: [String: String] = [:]
    for (path, object) in objects where object.scope == .workspace {
      let lowered = object.key.lowercased()
      if let first = seen[lowered] {
        problems.append(
          DoctorProblem(
            kind: "duplicate-id", file: path, object: "\(P.kind.rawValue) \(object.key)",
            problem: "its \(P.kind.keyName) is the same ignoring case as the one in \(first)", fixable: false)
        )
      } else {
        seen[lowered] = path
      }
    }
    for deployment in known {
      var reaching: [String: String] = [:]
      for (path, object) in objects where object.reach(for: deployment) != nil {
        let lowered = object.key.lowercased()
        if let other = reaching[lowered], other != path {
          let name = deployments.first { $0.id == deployment }?.name ?? deployment
          problems.append(
            DoctorProblem(
              kind: "resolves-twice", file: path, object: "\(P.kind.rawValue) \(object.key)",
              problem:
                "Deployment \(name) gets two \(P.kind.plural) with this \(P.kind.keyName) (the other: \(other))",
              fixable: false))
        }
        reaching[lowered] = path
      }
    }
    for (path, object) in objects {
      // A secret stored as plaintext (written by hand, or before it was secret by name).
      var plaintext: [String] = []
      func notePlaintext(_ value: String, _ field: String) -> String {
        if !Secrecy.isCiphertext(value) { plaintext.append(field) }
        return value
      }
      if let connection = object as? Connection { _ = SecretSealer.mapSecrets(connection, notePlaintext) }
      if let variable = object as? Variable { _ = SecretSealer.mapSecrets(variable, notePlaintext) }
      if !plaintext.isEmpty {
        problems.append(
          DoctorProblem(
            kind: "secret", file: path, object: "\(P.kind.rawValue) \(object.key)",
            problem: "secrets stored as plaintext: \(plaintext.joined(separator: ", ")); `airenv key rotate` "
              + "encrypts every secret", fixable: false))
      }
      let opened = unseal(object)
      var locked: [String] = []
      if let connection = opened as? Connection {
        _ = SecretSealer.mapSecrets(connection) { value, field in
          if let (lock, _) = Secrecy.lock(of: value), reported.contains(lock) {
            locked.append("\(field) (\(lock.rawValue))")
          }
          return value
        }
      } else if let variable = opened as? Variable {
        _ = SecretSealer.mapSecrets(variable) { value, field in
          if let (lock, _) = Secrecy.lock(of: value), reported.contains(lock) {
            locked.append("\(field) (\(lock.rawValue))")
          }
          return value
        }
      }
      if !locked.isEmpty {
        problems.append(
          DoctorProblem(
            kind: "secret", file: path, object: "\(P.kind.rawValue) \(object.key)",
            problem: "secrets that do not decrypt with the key in \(keyLocation): "
              + locked.joined(separator: ", "), fixable: false))
      }
    }
    return problems
  }
}
