import Foundation
import Testing

/// A one-off change reads every object file but parses only those that may hold the keys it
/// names (issue 14). It must still see every object the rules read: any spelling of a key that
/// compares equal ignoring case, however the file writes it.
@Suite("CLI: a change parses only what may hold its keys")
struct PartialReadTests {
  private func file(holding key: String, kind: String, in cli: CLI) throws -> String {
    let directory = try #require(
      FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String]
    ).filter { $0.contains("/\(kind)/") && $0.hasSuffix(".json") }
    for name in directory {
      let path = cli.repository + "/" + name
      if try String(contentsOfFile: path, encoding: .utf8).contains("\"key\" : \"\(key)\"") { return path }
    }
    throw CocoaError(.fileNoSuchFile)
  }

  @Test func aKeyInAnyCaseOrSpellingIsStillTaken() throws {
    let cli = CLI()
    try cli.ok("demo")
    try cli.ok("variable", "create", "region_code", "--value", "eu")
    // Another case of the same key.
    let upper = try cli.run("variable", "create", "REGION_CODE", "--value", "us")
    #expect(upper.status != 0 && upper.stderr.contains("is already used by"), "\(upper.stderr)")
    // A hand edit that writes the key with a JSON escape ("r" as \u0072).
    let path = try file(holding: "region_code", kind: "variables", in: cli)
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(of: "\"key\" : \"region_code\"", with: "\"key\" : \"\\u0072egion_code\"")
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try cli.ok("variable", "list").contains("region_code"))
    let escaped = try cli.run("variable", "create", "region_code", "--value", "us")
    #expect(escaped.status != 0 && escaped.stderr.contains("is already used by"), "\(escaped.stderr)")
    // Updating and renaming through another spelling find the one object.
    try cli.ok("variable", "update", "REGION_CODE", "--value", "ap")
    #expect(try cli.ok("variable", "get", "region_code").contains("ap"))
    try cli.ok("variable", "create", "kms_key", "--value", "2")
    let rename = try cli.run("variable", "rename", "region_code", "KMS_KEY")
    #expect(rename.status != 0 && rename.stderr.contains("already"), "\(rename.stderr)")
    #expect(try cli.ok("doctor").contains("no problems"))
  }
}

/// The key index in the user's cache directory: used only for files that kept their signature,
/// replaced when damaged, never a reason to miss an object.
@Suite("CLI: the key index is a cache, never an authority")
struct KeyIndexTests {
  private func indexFile(_ cli: CLI) -> String? {
    let directory = cli.scratch + "/.cache/airenv"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.first { $0.hasSuffix(".keys") }.map { directory + "/" + $0 }
  }

  /// Files enter the index once they have settled (two seconds unchanged): a full read is run
  /// until the index names every key, up to thirty seconds (ten were once too few on a machine
  /// busy with the rest of the suite).
  private func waitForIndex(_ cli: CLI, holding keys: [String]) throws -> String {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      try cli.ok("variable", "list")
      if let path = indexFile(cli), let bytes = FileManager.default.contents(atPath: path),
        keys.allSatisfy({ String(decoding: bytes, as: UTF8.self).contains($0) })
      {
        return path
      }
      Thread.sleep(forTimeInterval: 0.2)
    }
    throw CocoaError(.fileReadNoSuchFile)
  }

  @Test func anEditedFileIsReadAgainAndADamagedIndexIsReplaced() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    for key in ["alpha", "beta", "delta"] { try cli.ok("variable", "create", key, "--value", "v") }
    let index = try waitForIndex(cli, holding: ["alpha", "beta", "delta"])
    #expect(try FileManager.default.attributesOfItem(atPath: index)[.posixPermissions] as? NSNumber == 0o600)
    #expect(!String(decoding: FileManager.default.contents(atPath: index)!, as: UTF8.self).contains("\"v\""))
    // The index says this file holds "beta"; an edit makes it hold "gamma".
    let files = try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/workspaces")
    let variables = cli.repository + "/workspaces/" + files.first { $0.hasPrefix("ws_") }! + "/variables"
    for name in try FileManager.default.contentsOfDirectory(atPath: variables) {
      let path = variables + "/" + name
      let text = try String(contentsOfFile: path, encoding: .utf8)
      if text.contains("\"key\" : \"beta\"") {
        try text.replacingOccurrences(of: "\"key\" : \"beta\"", with: "\"key\" : \"gamma\"")
          .write(toFile: path, atomically: false, encoding: .utf8)
      }
    }
    let taken = try cli.run("variable", "create", "gamma", "--value", "x")
    #expect(taken.status != 0 && taken.stderr.contains("is already used by"), "\(taken.stderr)")
    #expect(try cli.ok("variable", "get", "gamma").contains("gamma"))
    #expect(try cli.run("variable", "get", "beta").status != 0)
    // A damaged index is ignored, and the next full read writes a whole one.
    try Data("airenv key index 1\ngarbage".utf8).write(to: URL(fileURLWithPath: index))
    #expect(try cli.ok("variable", "get", "alpha").contains("alpha"))
    try cli.ok("variable", "list")
    let rewritten = try #require(FileManager.default.contents(atPath: index))
    #expect(rewritten.count > 100 && !String(decoding: rewritten, as: UTF8.self).contains("garbage"))
    #expect(try cli.run("variable", "create", "DELTA", "--value", "x").status != 0)
  }

  /// A listing reads one kind of object: when it writes the index again (it learnt a file),
  /// the other kind's entries stay in it.
  @Test func aListingOfOneKindKeepsTheOtherKindsEntries() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    for key in ["alpha", "beta"] { try cli.ok("variable", "create", key, "--value", "v") }
    try cli.ok("connection", "create", "first_db", "--type", "postgres")
    _ = try waitForIndex(cli, holding: ["alpha", "beta"])
    try cli.ok("connection", "create", "second_db", "--type", "postgres")
    let deadline = Date().addingTimeInterval(10)
    var text = ""
    while Date() < deadline && !text.contains("second_db") {
      try cli.ok("connection", "list")
      text =
        indexFile(cli).flatMap { FileManager.default.contents(atPath: $0) }
        .map { String(decoding: $0, as: UTF8.self) } ?? ""
      if !text.contains("second_db") { Thread.sleep(forTimeInterval: 0.2) }
    }
    #expect(text.contains("first_db") && text.contains("second_db"), "\(text)")
    #expect(text.contains("alpha") && text.contains("beta"), "\(text)")
  }
}
