import AirenvModel
import Foundation
import Testing

@testable import AirenvStore

#if canImport(Glibc)
  import Glibc
#endif

/// What verifying objects keeps between processes (`VerificationCache`): reused only while the
/// object's file, its entry's files and the member list are unchanged, never trusted otherwise.
@Suite struct VerificationCacheTests {
  private let scratch = NSTemporaryDirectory() + "airenv-verified-\(UUID().uuidString)"

  /// A repository of identities with one signed connection; each `open()` is a new process's view
  /// (nothing kept in memory), reusing files at once (no settle time).
  private func repository() throws -> (open: () -> Repository, workspace: WorkspaceID, file: String) {
    let identity = try IdentityFile(environment: ["XDG_CONFIG_HOME": scratch + "/config"]).create(
      for: "alice")
    let root = scratch + "/repo"
    let caches = scratch + "/cache/airenv"
    let open = {
      let repository = Repository(
        root: root, keyring: Keyring(environment: ["AIRENV_KEY_FILE": root + ".key"]), settleSeconds: 0,
        cacheDirectory: caches, keepsDecodedFiles: false)
      repository.hold([identity], actingAs: "alice")
      return repository
    }
    let repository = open()
    _ = try repository.initialize(dataKeys: true)
    let actor = Actor(user: "alice", time: Date(timeIntervalSinceNow: -60))
    let workspace = try repository.createWorkspace(named: "team", by: actor)
    try repository.update(workspace: "team", by: "alice") { workspace in
      _ = try workspace.apply(
        .createDeployment(name: "dev", description: nil, tags: [], branch: nil), by: actor)
      _ = try workspace.apply(
        .createConnection(
          key: "db", fields: ConnectionChanges(fields: [.connType: "postgres"]), sharing: .linkedToAll),
        by: actor)
    }
    let id = try #require(try repository.read(workspace: "team").connections.first?.id)
    return (open, workspace.id, root + "/workspaces/\(workspace.id)/connections/\(id).json")
  }

  private func cachePath(_ workspace: WorkspaceID) -> String {
    VerificationCache.path(in: scratch + "/cache/airenv", root: scratch + "/repo", workspace: workspace)
  }

  @Test func aVerdictIsReusedOnlyWhileTheFilesAndMembersAreUnchanged() throws {
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (open, id, file) = try repository()
    let first = open()
    #expect(try first.unverifiedObjects(in: try first.read(workspace: "team")).isEmpty)
    var cache = try #require(VerificationCache(readingFrom: cachePath(id)))
    let name = "connections/" + (file as NSString).lastPathComponent
    #expect(cache.objects[name]?.reason == nil && cache.objects[name] != nil)
    // A verdict the cache holds for these very files is what the next process concludes: the
    // file is not read again (proved by a verdict no reading would reach).
    cache.objects[name]?.reason = "said by the cache"
    cache.write(to: cachePath(id))
    func reason() throws -> String? {
      let repository = open()
      let workspace = try repository.read(workspace: "team")
      return try repository.unverifiedObjects(in: workspace).values.first?.reason
    }
    #expect(try reason() == "said by the cache")
    // A session that read the cache before sees it replaced by another process.
    #expect(
      try first.unverifiedObjects(in: try first.read(workspace: "team")).values.first?.reason
        == "said by the cache")
    // An edit in place that keeps the size and the modification time changes the file's change
    // time: the cached verdict no longer counts, and the file is verified again.
    var status = stat()
    #expect(stat(file, &status) == 0)
    let text = try String(contentsOfFile: file, encoding: .utf8)
    try text.replacingOccurrences(of: "postgres", with: "postgrex").write(
      toFile: file, atomically: false, encoding: .utf8)
    var times = [status.st_atim, status.st_mtim]
    #expect(utimensat(AT_FDCWD, file, &times, 0) == 0)
    #expect(try reason()?.contains("edited outside airenv") == true)
    try text.write(toFile: file, atomically: false, encoding: .utf8)
    #expect(try reason() == nil)
    // Another member list (here: a role) makes every cached verdict void.
    cache = try #require(VerificationCache(readingFrom: cachePath(id)))
    cache.objects[name]?.reason = "said by the cache"
    cache.members = (cache.members.hasPrefix("0") ? "1" : "0") + cache.members.dropFirst()
    cache.write(to: cachePath(id))
    let afterMembers = try reason()
    #expect(afterMembers == nil, "\(afterMembers ?? "")")
    // A cache others may write is not read at all.
    cache = try #require(VerificationCache(readingFrom: cachePath(id)))
    cache.objects[name]?.reason = "said by the cache"
    cache.write(to: cachePath(id))
    #expect(chmod(cachePath(id), 0o666) == 0)
    #expect(VerificationCache(readingFrom: cachePath(id)) == nil)
    #expect(try reason() == nil)
  }

  /// Review 13: signatures are checked against the keys the stored member list records, so a
  /// verdict holds only for those keys too: one swapped in by hand is judged anew (and so is the
  /// list put back), never by what a read under the other keys concluded.
  @Test func aVerdictHoldsOnlyForTheKeysTheStoredListRecords() throws {
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (open, id, _) = try repository()
    func reason() throws -> String? {
      let repository = open()
      let workspace = try repository.read(workspace: "team")
      return try repository.unverifiedObjects(in: workspace).values.first { $0.kind == "connection" }?.reason
    }
    #expect(try reason() == nil)
    #expect(VerificationCache(readingFrom: cachePath(id))?.objects.isEmpty == false)
    let header = scratch + "/repo/workspaces/\(id)/workspace.json"
    let original = try Data(contentsOf: URL(fileURLWithPath: header))
    let stranger = try IdentityFile(environment: ["XDG_CONFIG_HOME": scratch + "/stranger"]).create(
      for: "alice")
    var stored = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
    stored["memberKeys"] = ["alice": stranger.publicText]
    try JSONSerialization.data(withJSONObject: stored, options: [.sortedKeys]).write(
      to: URL(fileURLWithPath: header))
    let swapped = try reason()
    #expect(swapped?.contains("not verifiable") == true, "\(swapped ?? "")")
    try original.write(to: URL(fileURLWithPath: header))
    #expect(try reason() == nil)
  }

  /// Review 16: a header change holding what no member list holds (megabytes of "key", made up
  /// and signed by a stranger) is no member list: nothing of it is kept, so it cannot swell the
  /// cache past what it may read (which would make a machine forget what it saw).
  @Test func aHeaderThatIsNoMemberListIsNotKept() throws {
    let key = try IdentityFile(environment: ["XDG_CONFIG_HOME": scratch + "/k"]).create(for: "alice")
      .publicText
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    func header(_ keys: [String: String], members: [String: String] = ["alice": "owner"]) -> JSONValue {
      .object([
        "members": .object(members.mapValues { .string($0) }),
        "memberKeys": .object(keys.mapValues { .string($0) }),
      ])
    }
    #expect(MemberState(stored: header(["alice": key])) != nil)
    #expect(MemberState(stored: header(["alice": String(repeating: "A", count: 1 << 20)])) == nil)
    #expect(MemberState(stored: header(["alice": key], members: ["ali\u{1B}ce": "owner"])) == nil)
    let many = Dictionary(uniqueKeysWithValues: (0...MemberState.largestList).map { ("u\($0)", "member") })
    #expect(MemberState(stored: header([:], members: many)) == nil)
  }

  /// Review 17: an entry signed by someone the member list does not let change the Workspace (put
  /// into the stored list by hand for a while, then taken out with the entry) clears no doubt a
  /// vanished change left, though it moved what the history says last touched the object.
  @Test func aStrangersEntryClearsNoDoubtAVanishedChangeLeft() throws {
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (open, id, file) = try repository()
    let directory = scratch + "/repo/workspaces/\(id)"
    let history = directory + "/history/"
    func reason() throws -> String? {
      let repository = open()
      let workspace = try repository.read(workspace: "team")
      let unverified = try repository.unverifiedObjects(in: workspace)
      return unverified.values.first { $0.kind == "connection" }?.reason
    }
    func entries() throws -> Set<String> { Set(try FileManager.default.contentsOfDirectory(atPath: history)) }
    let earlier = try Data(contentsOf: URL(fileURLWithPath: file))
    let before = try entries()
    let actor = Actor(user: "alice", time: Date())
    try open().update(workspace: "team", by: "alice") { workspace in
      _ = try workspace.apply(
        .updateConnection(
          ObjectReference(.connection, "db"), ConnectionChanges(fields: [.host: "new-db"]), linkedToAll: nil),
        by: actor)
    }
    #expect(try reason() == nil)
    for name in try entries().subtracting(before) {
      try FileManager.default.removeItem(atPath: history + name)
    }
    try earlier.write(to: URL(fileURLWithPath: file))
    #expect(try reason()?.contains("is gone from the history") == true)
    // Mallory, put into the stored list as an Operator by hand, signs an entry that names db.
    let mallory = try IdentityFile(environment: ["XDG_CONFIG_HOME": scratch + "/mallory"]).create(
      for: "mallory")
    let header = directory + "/workspace.json"
    let original = try Data(contentsOf: URL(fileURLWithPath: header))
    var stored = try #require(try JSONSerialization.jsonObject(with: original) as? [String: Any])
    var members = stored["members"] as? [String: Any] ?? [:]
    var keys = stored["memberKeys"] as? [String: Any] ?? [:]
    members["mallory"] = "operator"
    keys["mallory"] = mallory.publicText
    stored["members"] = members
    stored["memberKeys"] = keys
    try JSONSerialization.data(withJSONObject: stored, options: [.sortedKeys]).write(
      to: URL(fileURLWithPath: header))
    let connection = String((file as NSString).lastPathComponent.dropLast(".json".count))
    let name = "20991231T000000Z-0000000099-0000abcd.json"
    let entry: [String: Any] = [
      "changes": [
        [
          "id": connection, "kind": "connection", "key": "db", "fields": [], "afterDigest": "made-up",
          "revision": 9,
        ]
      ],
      "command": "connection update", "sequence": 99, "time": "2099-12-31T00:00:00Z", "user": "mallory",
      "version": 1,
    ]
    let bytes = try JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys])
    try bytes.write(to: URL(fileURLWithPath: history + name))
    try Data(HistorySignature.make(for: Array(bytes), workspace: id, fileName: name, by: mallory)).write(
      to: URL(fileURLWithPath: history + HistorySignature.fileName(forEntry: name)))
    _ = try reason()
    // Then all of it taken out again.
    try FileManager.default.removeItem(atPath: history + name)
    try FileManager.default.removeItem(atPath: history + HistorySignature.fileName(forEntry: name))
    try original.write(to: URL(fileURLWithPath: header))
    let after = try reason()
    #expect(after?.contains("is gone from the history") == true, "\(after ?? "")")
  }

  /// Review 17: a cache larger than a read takes is not written: the one there stays (a machine
  /// would otherwise forget what it saw at the next read).
  @Test func aCacheLargerThanAReadTakesIsNotWritten() throws {
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (open, id, _) = try repository()
    let repository = open()
    _ = try repository.unverifiedObjects(in: try repository.read(workspace: "team"))
    let path = cachePath(id)
    let before = try #require(FileManager.default.contents(atPath: path))
    var swollen = try #require(VerificationCache(readingFrom: path))
    let signature = FileSignature(device: 1, inode: 1, size: 1, modified: timespec(), changed: timespec())
    swollen.objects["connections/x.json"] = VerificationCache.Verdict(
      signature: signature, entry: "x", reason: String(repeating: "x", count: 65 << 20))
    #expect(!swollen.write(to: path))
    #expect(FileManager.default.contents(atPath: path) == before)
  }

  @Test func aDamagedCacheIsIgnored() throws {
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let (open, id, _) = try repository()
    let repository = open()
    _ = try repository.unverifiedObjects(in: try repository.read(workspace: "team"))
    let path = cachePath(id)
    let whole = try #require(FileManager.default.contents(atPath: path))
    #expect(VerificationCache(readingFrom: path) != nil)
    for damaged in [whole.dropLast(1), whole.prefix(30), Data(whole.map { $0 ^ 0x01 })] {
      try damaged.write(to: URL(fileURLWithPath: path))
      #expect(VerificationCache(readingFrom: path) == nil)
      #expect(try repository.unverifiedObjects(in: try repository.read(workspace: "team")).isEmpty)
    }
  }
}
