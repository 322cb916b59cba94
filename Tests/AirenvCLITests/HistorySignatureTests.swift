import Foundation
import Testing

/// Each change is signed by the identity that made it, in a file beside its history entry, and
/// `history` says whether the Workspace's record of that member's key proves it.
@Suite("History entries signed by who made them")
struct HistorySignatureTests {
  private func publicKey(_ cli: CLI, _ environment: [String: String] = [:]) throws -> String {
    let shown = try cli.run(["identity", "show", "--output", "json"], environment: environment)
    let items = try #require(shown.json as? [[String: String]], "\(shown.stderr)")
    return try #require(items.first?["public_key"])
  }

  private func signatures(_ cli: CLI) throws -> [Int: (String, String?)] {
    let entries = try #require(try cli.run("history", "--output", "json").json as? [[String: Any]])
    var found: [Int: (String, String?)] = [:]
    for entry in entries {
      found[entry["sequence"] as? Int ?? -1] = (
        entry["signature"] as? String ?? "", entry["signatureProblem"] as? String
      )
    }
    return found
  }

  private func historyFiles(_ cli: CLI, ending suffix: String) throws -> [String] {
    let workspaces = cli.repository + "/workspaces"
    let workspace = try #require(try FileManager.default.contentsOfDirectory(atPath: workspaces).first)
    let directory = workspaces + "/" + workspace + "/history"
    return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(suffix) }
      .sorted()
      .map { directory + "/" + $0 }
  }

  @Test func changesAreVerifiedUnsignedOrNotVerifiableAndATamperedEntryIsCaught() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    // Alice has no identity yet: her change is unsigned.
    try cli.ok("variable", "create", "before", "--value", "1")
    try cli.ok("identity", "create")
    // Signed, but the Workspace records no key for her yet.
    try cli.ok("variable", "create", "a", "--value", "1")
    var found = try signatures(cli)
    #expect(found[1]?.0 == "unsigned", "\(found)")
    #expect(
      found[2]?.0 == "not verifiable" && found[2]?.1?.contains("records no public key") == true, "\(found)")

    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", try publicKey(cli))
    try cli.ok("variable", "update", "a", "--value", "2")
    found = try signatures(cli)
    #expect(found[1]?.0 == "unsigned")
    for sequence in 2...found.keys.max()! {
      #expect(found[sequence]?.0 == "verified", "\(sequence): \(found)")
    }
    #expect(try cli.ok("history").contains("verified"))

    // An entry edited by hand after it was signed.
    let entries = try historyFiles(cli, ending: ".json")
    let last = try #require(entries.last)
    let text = try String(contentsOfFile: last, encoding: .utf8)
    try text.replacingOccurrences(of: "variable update", with: "variable create")
      .write(toFile: last, atomically: true, encoding: .utf8)
    found = try signatures(cli)
    let newest = found.keys.max()!
    #expect(found[newest]?.0 == "not verifiable", "\(found)")
    #expect(
      found[newest]?.1?.contains("was changed (or copied here from elsewhere) after it was signed") == true,
      "\(found)")

    // doctor names the edited entry.
    let doctor = try cli.run("doctor")
    #expect(doctor.status != 0, "\(doctor.stdout)")
    #expect(doctor.stdout.contains("its signature does not prove it is alice's change"), "\(doctor.stdout)")

    // A signature copied onto another entry proves nothing about it.
    let signatures = try historyFiles(cli, ending: ".sig")
    let first = try #require(signatures.first)
    let second = try #require(signatures.dropFirst().first)
    try FileManager.default.removeItem(atPath: second)
    try FileManager.default.copyItem(atPath: first, toPath: second)
    found = try self.signatures(cli)
    #expect(found.values.contains { $0.1?.contains("changed (or copied here from elsewhere)") == true })

    // A signed entry and its signature copied beside themselves under another name: the copy
    // does not verify (the file name is signed too), while the original still does.
    func verified() throws -> Int {
      let entries = try #require(try cli.run("history", "--output", "json").json as? [[String: Any]])
      return entries.count { $0["signature"] as? String == "verified" }
    }
    let verifiedBefore = try verified()
    let original = try #require(try historyFiles(cli, ending: ".json").dropFirst().first)
    let copy = String(original.replacingOccurrences(of: ".json", with: "").dropLast(8)) + "deadbeef"
    try FileManager.default.copyItem(atPath: original, toPath: copy + ".json")
    try FileManager.default.copyItem(
      atPath: original.replacingOccurrences(of: ".json", with: ".sig"), toPath: copy + ".sig")
    #expect(try verified() == verifiedBefore, "the copy verified")

    // A signature whose entry is gone is named by doctor.
    try FileManager.default.removeItem(atPath: copy + ".json")
    #expect(try cli.run("doctor").stdout.contains("a signature with no history entry"))
    try FileManager.default.copyItem(atPath: original, toPath: copy + ".json")

    // A signature file that cannot be read is said so; the history still shows.
    try FileManager.default.removeItem(atPath: copy + ".sig")
    try FileManager.default.createDirectory(atPath: copy + ".sig", withIntermediateDirectories: false)
    let listed = try cli.run("history", "--output", "json")
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("its signature file cannot be read"), "\(listed.stdout)")
  }

  @Test func aSignatureByAnotherUsersKeyIsNotTheirs() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("identity", "create")
    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", try publicKey(cli))
    // Bob has his own identity; his recorded key is not the one Alice signs with.
    let bob = ["AIRENV_USER": "bob", "XDG_CONFIG_HOME": cli.scratch + "/bob-config"]
    try cli.ok("identity", "create", environment: bob)
    try cli.ok("workspace", "member", "set", "bob", "operator", "--public-key", try publicKey(cli, bob))
    try cli.ok("variable", "create", "b", "--value", "1", environment: bob)
    let found = try signatures(cli)
    #expect(found.values.allSatisfy { $0.0 == "verified" }, "\(found)")
    // Bob's signature file replaced by one Alice made: her key is not the one recorded for bob.
    let signatures = try historyFiles(cli, ending: ".sig")
    let bobs = try #require(signatures.last)
    let alices = try #require(signatures.first)
    let forged = try String(contentsOfFile: alices, encoding: .utf8)
      .replacingOccurrences(of: "\"alice\"", with: "\"bob\"")
    try forged.write(toFile: bobs, atomically: true, encoding: .utf8)
    let after = try self.signatures(cli)
    let newest = after.keys.max()!
    #expect(after[newest]?.1?.contains("a key the Workspace does not record for bob") == true, "\(after)")
  }
}
