import Foundation
import Testing

@Suite("Doctor: every problem class, and --fix repairs only what loses nothing")
struct DoctorTests {
  enum Damage: String, CaseIterable, Sendable {
    case version, json, schema, danglingReference, duplicateID, resolvesTwice, secret, permissions
    case interruptedChange, leftoverFile

    var kind: String {
      switch self {
      case .danglingReference: "dangling-reference"
      case .duplicateID: "duplicate-id"
      case .resolvesTwice: "resolves-twice"
      case .interruptedChange: "interrupted-change"
      case .leftoverFile: "leftover-file"
      default: rawValue
      }
    }

    var fixable: Bool {
      [.danglingReference, .permissions, .interruptedChange, .leftoverFile].contains(self)
    }
  }

  func file(_ cli: CLI, _ directory: String, containing text: String) throws -> String {
    let files = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .filter { $0.contains("/\(directory)/") && $0.hasSuffix(".json") }
    for relative in files {
      let path = cli.repository + "/" + relative
      if try String(contentsOfFile: path, encoding: .utf8).contains(text) { return path }
    }
    throw CancellationError()
  }

  func edit(_ path: String, _ change: (inout [String: Any]) -> Void) throws {
    var object =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    change(&object)
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(
      to: URL(fileURLWithPath: path))
  }

  func damage(_ cli: CLI, _ damage: Damage) throws {
    let db = try file(cli, "connections", containing: "\"key\" : \"db\"")
    switch damage {
    case .version: try edit(db) { $0["version"] = 99 }
    case .json: try "{\n  \"key\": \"db\",\n}".write(toFile: db, atomically: true, encoding: .utf8)
    case .schema: try edit(db) { $0["linkedToAll"] = "sometimes" }
    case .danglingReference: try edit(db) { $0["exclusions"] = ["dep_gone"] }
    case .duplicateID:
      let api = try file(cli, "connections", containing: "\"key\" : \"api\"")
      try edit(api) { $0["key"] = "DB" }
    case .resolvesTwice:
      // A Deployment-scoped object with the id of an object linked to all.
      let scratch = try file(cli, "connections", containing: "\"key\" : \"scratch\"")
      try edit(scratch) { $0["key"] = "db" }
    case .secret:
      let api = try file(cli, "connections", containing: "\"key\" : \"api\"")
      let password = try String(contentsOfFile: db, encoding: .utf8).components(
        separatedBy: "\"password\" : \"")[1]
        .components(separatedBy: "\"")[0]
      try edit(api) { object in
        var base = object["base"] as! [String: Any]
        base["password"] = password
        object["base"] = base
      }
    case .permissions: chmod(db, 0o644)
    case .interruptedChange:
      try "{\"version\": 1, \"writes\": [], \"deletes\": []}".write(
        toFile: cli.repository + "/.journal.json", atomically: true, encoding: .utf8)
    case .leftoverFile:
      _ = FileManager.default.createFile(
        atPath: (db as NSString).deletingLastPathComponent + "/.db.json.tmp-42", contents: Data())
    }
  }

  func fixture() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--password-stdin", "--link-all", input: "pw-1")
    try cli.ok("connection", "create", "api", "--type", "http", "--password-stdin", input: "pw-2")
    try cli.ok("connection", "create", "scratch", "--type", "http", "--scope-deployment", "dev")
    return cli
  }

  @Test func aCleanRepositoryIsClean() throws {
    let cli = try fixture()
    let result = try cli.run("doctor")
    #expect(result.status == 0)
    #expect(result.stdout.contains("no problems found"))
  }

  @Test(arguments: Damage.allCases)
  func eachProblemIsFoundAndOnlySafeOnesAreFixed(_ damage: Damage) throws {
    let cli = try fixture()
    try self.damage(cli, damage)
    let before = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .sorted()
      .map { ($0, FileManager.default.contents(atPath: cli.repository + "/" + $0)) }
    let found = try cli.run("doctor", "--output", "json")
    #expect(found.status == 1, "\(damage): \(found.stderr)")
    let problems = try #require(found.json as? [[String: Any]])
    #expect(problems.contains { $0["kind"] as? String == damage.kind }, "\(damage) not found: \(problems)")
    // Without --fix nothing changes.
    let after = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .sorted()
      .map { ($0, FileManager.default.contents(atPath: cli.repository + "/" + $0)) }
    #expect(
      after.map(\.0) == before.map(\.0) && after.map(\.1) == before.map(\.1),
      "doctor without --fix changed files")

    let fixed = try cli.run("doctor", "--fix", "--output", "json")
    let results = try #require(fixed.json as? [[String: Any]])
    let mine = results.filter { $0["kind"] as? String == damage.kind }
    #expect(mine.allSatisfy { ($0["fixed"] as? Bool) == damage.fixable }, "\(damage): \(mine)")
    let again = try cli.run("doctor", "--output", "json")
    let remaining = (again.json as? [[String: Any]] ?? []).filter { $0["kind"] as? String == damage.kind }
    #expect(remaining.isEmpty == damage.fixable, "\(damage) after --fix: \(remaining)")
  }
}
