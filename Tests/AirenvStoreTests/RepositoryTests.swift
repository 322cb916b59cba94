import AirenvModel
import Foundation
import Testing

@testable import AirenvStore

/// A fresh repository in a temporary directory, removed afterwards.
final class TemporaryRepository {
  let path: String
  let repository: Repository
  static let actor = Actor(user: "alice", time: Date(timeIntervalSince1970: 1_800_000_000))

  init() throws {
    path = NSTemporaryDirectory() + "airenv-store-\(UUID().uuidString)"
    repository = Repository(root: path, keyring: Keyring(environment: ["AIRENV_KEY_FILE": path + ".key"]))
    try repository.initialize()
    _ = try repository.createWorkspace(named: "main", by: Self.actor)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.removeItem(atPath: path + ".key")
  }

  /// A repository holding the demo Workspace.
  static func demo() throws -> TemporaryRepository {
    let temporary = try TemporaryRepository()
    try temporary.repository.update(workspace: nil) { workspace in
      try DemoWorkspace.build(into: &workspace, by: actor)
    }
    return temporary
  }

  func apply(_ command: Command, confirmed: Bool = true) throws {
    try repository.update(workspace: nil) { workspace in
      try workspace.apply(command, by: Self.actor, confirmed: confirmed)
    }
  }

  func files(under directory: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: path + "/" + directory)
    return (enumerator?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }.sorted()
  }

  func bytes(_ relative: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path + "/" + relative))
  }

  func mode(_ relative: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path + "/" + relative)
    return (attributes[.posixPermissions] as! NSNumber).intValue
  }
}

@Suite("JSON repository")
struct RepositoryTests {
  func demo() throws -> TemporaryRepository { try TemporaryRepository.demo() }

  /// A listing that shows no secret reads without decrypting any: each secret holds its
  /// stored ciphertext, never the plaintext; only the kind asked for is read.
  @Test func aReadWithoutOpeningSecretsHoldsNoPlaintext() throws {
    let temporary = try TemporaryRepository()
    try temporary.apply(
      .createConnection(
        key: "db", fields: ConnectionChanges(fields: [.connType: "postgres", .password: "hunter2-plain"]),
        sharing: .restricted))
    try temporary.apply(
      .createVariable(key: "api_token", fields: VariableChanges(value: "tok-plain"), sharing: .restricted))
    let opened = try temporary.repository.read(workspace: nil)
    #expect(opened.connections.first?.base.fields[.password] == "hunter2-plain")
    let sealed = try temporary.repository.read(workspace: nil, onlyKind: .connection, openingSecrets: false)
    let password = try #require(sealed.connections.first?.base.fields[.password])
    #expect(password.hasPrefix(Secrecy.sealedPrefix) && !password.contains("hunter2"))
    #expect(sealed.variables.isEmpty)
    // Read the usual way again, the same repository still opens them.
    #expect(try temporary.repository.read(workspace: nil).variables.first?.base.value == "tok-plain")
  }

  @Test func aWorkspaceReadsBackExactlyAsWritten() throws {
    let temporary = try demo()
    let workspace = try temporary.repository.read(workspace: nil)
    #expect(workspace.deployments.count == 5)
    #expect(workspace.connections.count == 13)
    var expected = Workspace(id: workspace.id, name: "main", stamp: workspace.stamp)
    try DemoWorkspace.build(into: &expected, by: TemporaryRepository.actor)
    // Ids are random; compare everything else through resolution of every Deployment.
    for deployment in workspace.deployments {
      let other = try #require(expected.deployment(named: deployment.name))
      #expect(
        workspace.resolvedConnections(for: deployment.id).map { $0.1 }
          == expected.resolvedConnections(for: other.id).map { $0.1 })
      #expect(
        workspace.resolvedVariables(for: deployment.id).map { $0.1 }
          == expected.resolvedVariables(for: other.id).map { $0.1 })
    }
  }

  @Test func filesArePrettySortedVersionedAndDeterministic() throws {
    let temporary = try demo()
    let file = try #require(temporary.files(under: "workspaces").first { $0.contains("connections/") })
    let first = try temporary.bytes("workspaces/" + file)
    let text = String(decoding: first, as: UTF8.self)
    #expect(text.contains("\n  \"base\" : {"))
    #expect(text.contains("\"version\" : 1"))
    let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
      $0.split(separator: "\"")[1]
    }
    #expect(keys == keys.sorted())
    // Re-saving an unchanged object rewrites nothing; re-encoding gives the same bytes.
    try temporary.repository.update(workspace: nil) { _ in }
    #expect(try temporary.bytes("workspaces/" + file) == first)
  }

  @Test func onlyTheChangedObjectsFileIsRewritten() throws {
    let temporary = try demo()
    let before = try Dictionary(
      uniqueKeysWithValues: temporary.files(under: "workspaces").map {
        ($0, try temporary.bytes("workspaces/" + $0))
      })
    try temporary.apply(
      .updateVariable(
        ObjectReference(.variable, "alert_email"), VariableChanges(value: "x@example.com"), linkedToAll: nil))
    let changed = try temporary.files(under: "workspaces").filter {
      try temporary.bytes("workspaces/" + $0) != before[$0]
    }
    let id = try temporary.repository.read(workspace: nil).id
    // The variable's own file, and the history entry written with it; nothing else.
    #expect(changed.count == 2, "\(changed)")
    #expect(changed.contains { $0.hasPrefix(id + "/variables/") })
    #expect(changed.contains { $0.hasPrefix(id + "/history/") && before[$0] == nil })
  }

  @Test func theNewestHistoryEntriesAreReadWithoutTheRest() throws {
    let temporary = try TemporaryRepository()
    for value in ["a", "b", "c"] {
      try temporary.repository.update(workspace: nil, command: "variable update", by: "alice") { workspace in
        if workspace.variables.isEmpty {
          try workspace.apply(
            .createVariable(key: "v", fields: VariableChanges(value: value), sharing: .restricted),
            by: TemporaryRepository.actor)
        } else {
          try workspace.apply(
            .updateVariable(ObjectReference(.variable, "v"), VariableChanges(value: value), linkedToAll: nil),
            by: TemporaryRepository.actor)
        }
      }
    }
    #expect(try temporary.repository.history(workspace: nil).map(\.sequence) == [1, 2, 3])
    #expect(try temporary.repository.history(workspace: nil, last: 2).map(\.sequence) == [2, 3])
    #expect(try temporary.repository.history(workspace: nil, last: 2).last?.user == "alice")
  }

  @Test func filesAre0600AndDirectories0700() throws {
    let temporary = try demo()
    #expect(try temporary.mode("") == 0o700)
    #expect(try temporary.mode("airenv.json") == 0o600)
    for file in temporary.files(under: "workspaces") {
      #expect(try temporary.mode("workspaces/" + file) == 0o600, "\(file)")
      let directory = ("workspaces/" + file as NSString).deletingLastPathComponent
      #expect(try temporary.mode(directory) == 0o700, "\(directory)")
    }
  }

  enum Damage: String, CaseIterable, Sendable {
    case truncated, trailingComma, wrongType, newerVersion, empty

    func apply(to text: String) -> String {
      switch self {
      case .truncated: String(text.prefix(text.count / 2))
      case .trailingComma: text.replacingOccurrences(of: "\"key\"", with: ",\"key\"")
      case .wrongType:
        text.replacingOccurrences(of: "\"linkedToAll\" : true", with: "\"linkedToAll\" : \"yes\"")
      case .newerVersion: text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 9")
      case .empty: ""
      }
    }

    var reason: String {
      switch self {
      case .truncated: "not valid JSON: the file ends"
      case .trailingComma: "not valid JSON"
      case .wrongType: "expected true or false at linkedToAll"
      case .newerVersion: "format version 9, newer than this airenv reads"
      case .empty: "the file is empty"
      }
    }
  }

  @Test(arguments: Damage.allCases)
  func corruptFilesAreRefusedWithPathAndReasonAndLeftUntouched(damage: Damage) throws {
    let temporary = try demo()
    let workspace = try temporary.repository.read(workspace: nil)
    let connection = try workspace.connection(ObjectReference(.connection, "warehouse_db"))
    let relative = "workspaces/\(workspace.id)/connections/\(connection.id).json"
    let damaged = damage.apply(to: String(decoding: try temporary.bytes(relative), as: UTF8.self))
    try Data(damaged.utf8).write(to: URL(fileURLWithPath: temporary.path + "/" + relative))

    #expect {
      try temporary.apply(
        .updateVariable(
          ObjectReference(.variable, "alert_email"), VariableChanges(value: "x"), linkedToAll: nil))
    } throws: { error in
      let message = (error as? StoreError)?.message ?? ""
      return message.hasPrefix(temporary.path + "/" + relative) && message.contains(damage.reason)
    }
    #expect(try temporary.bytes(relative) == Data(damaged.utf8))
  }

  @Test func aCorruptFileNamesItsLineAndColumn() throws {
    let temporary = try demo()
    let workspace = try temporary.repository.read(workspace: nil)
    let relative = "workspaces/\(workspace.id)/deployments/\(workspace.deployments[0].id).json"
    var lines = String(decoding: try temporary.bytes(relative), as: UTF8.self).components(separatedBy: "\n")
    lines[2] = "  oops,"
    try Data(lines.joined(separator: "\n").utf8).write(
      to: URL(fileURLWithPath: temporary.path + "/" + relative))
    #expect {
      try temporary.repository.read(workspace: nil)
    } throws: { error in
      (error as? StoreError)?.message.hasPrefix(temporary.path + "/" + relative + ":3:3: not valid JSON")
        ?? false
    }
  }

  @Test func anInterruptedMultiFileCommitIsRolledForward() throws {
    let temporary = try demo()
    let layout = RepositoryLayout(root: temporary.path)
    let workspace = try temporary.repository.read(workspace: nil)
    var changed = workspace
    try changed.apply(.deleteDeployment(name: "prod"), by: TemporaryRepository.actor, confirmed: true)
    // Stage the temporary files and the journal, as a commit killed before the renames would.
    let prod = try #require(workspace.deployment(named: "prod"))
    var writes: [Journal.Write] = []
    for connection in changed.connections
    where connection != workspace.connections.first(where: { $0.id == connection.id }) {
      let path = layout.connections(workspace.id) + "/\(connection.id).json"
      let staged = try FileSystem.writeTemporary(StoredFile.encode(connection), besides: path)
      writes.append(Journal.Write(path: layout.relative(path), temporary: layout.relative(staged)))
    }
    let deletes = [layout.relative(layout.deployments(workspace.id) + "/\(prod.id).json")]
    try FileSystem.writeAtomically(
      StoredFile.encode(Journal(writes: writes, deletes: deletes)), to: layout.journal)

    let recovered = try temporary.repository.read(workspace: nil)
    #expect(recovered.deployment(named: "prod") == nil)
    #expect(recovered.connections.allSatisfy { $0.links[prod.id] == nil && !$0.exclusions.contains(prod.id) })
    #expect(!FileSystem.exists(layout.journal))
  }

  @Test func workspacesAreChosenByNameDefaultOrTheOnlyOne() throws {
    let temporary = try TemporaryRepository()
    #expect(try temporary.repository.read(workspace: nil).name == "main")
    _ = try temporary.repository.createWorkspace(named: "other", by: TemporaryRepository.actor)
    #expect(try temporary.repository.read(workspace: nil).name == "main")
    try temporary.repository.useWorkspace("other")
    #expect(try temporary.repository.read(workspace: nil).name == "other")
    #expect(try temporary.repository.read(workspace: "MAIN").name == "main")
    #expect(throws: StoreError.workspaceNotFound(name: "nope", available: ["main", "other"])) {
      try temporary.repository.read(workspace: "nope")
    }
    #expect(throws: ModelError.self) {
      try temporary.repository.createWorkspace(named: "Main", by: TemporaryRepository.actor)
    }
  }

  @Test func aMissingRepositoryIsReportedWithWhatToDo() {
    let repository = Repository(root: "/nonexistent/airenv", keyring: Keyring(environment: [:]))
    #expect {
      try repository.read(workspace: nil)
    } throws: { error in
      (error as? StoreError)?.message.contains(
        "no airenv repository at /nonexistent/airenv; create one with `airenv init`") == true
    }
  }
}
