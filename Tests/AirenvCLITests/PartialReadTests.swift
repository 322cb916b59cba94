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
