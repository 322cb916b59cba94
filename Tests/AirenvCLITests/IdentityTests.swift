import Foundation
import Testing

/// Identities instead of names (issue 13, part 4): a member whose public key the Workspace
/// records acts only where their private key is held; `--user` and `AIRENV_USER` only choose
/// among the identities held here.
@Suite("Identities: a recorded member acts only with their private key")
struct IdentityTests {
  @Test func anIdentityIsPrivateAndItsPublicPartIsWhatIsShown() throws {
    let cli = CLI()
    let created = try cli.ok("identity", "create")
    let file = cli.scratch + "/.config/airenv/identity"
    #expect(created.contains("created an identity for alice in \(file)"))
    let attributes = try FileManager.default.attributesOfItem(atPath: file)
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let directory = try FileManager.default.attributesOfItem(atPath: cli.scratch + "/.config/airenv")
    #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    let key = try cli.publicKey()
    #expect(key.hasPrefix("airenv-id1:") && created.contains(key))
    // No private key is ever printed.
    let stored = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any])
    let entry = try #require((stored["identities"] as? [[String: String]])?.first)
    for part in [entry["signing"], entry["agreement"]] {
      let part = try #require(part)
      #expect(!created.contains(part) && !key.contains(part))
    }
    let again = try cli.run("identity", "create")
    #expect(again.status == 1 && again.stderr.contains("already held"), "\(again.stderr)")
    #expect(FileManager.default.contents(atPath: file) == (try Data(contentsOf: URL(fileURLWithPath: file))))
  }

  @Test func aMemberKnownByAKeyIsRefusedWithoutItAndActsWithIt() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "team")
    try cli.ok("identity", "create")
    #expect(try cli.run(["identity", "create"], environment: cli.person("bob")).status == 0)
    let alice = try cli.publicKey()
    let bobs = try cli.publicKey(cli.person("bob"))
    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", alice)
    try cli.ok("workspace", "member", "set", "bob", "operator", "--public-key", bobs)
    let members = try cli.ok("workspace", "member", "list")
    #expect(members.contains("key ") && !members.contains("name only"), "\(members)")
    try cli.ok("variable", "create", "region", "--value", "eu")

    // Naming bob is not enough: every way in refuses, and nothing is written.
    let before = try cli.ok("history")
    for arguments in [
      ["variable", "list"], ["variable", "create", "bobs", "--value", "1"], ["undo"],
      ["history", "purge", "--variable", "region"], ["key", "rotate"],
    ] {
      for (flag, environment) in [([String](), ["AIRENV_USER": "bob"]), (["--user", "bob"], [:])] {
        let result = try cli.run(arguments + flag, environment: environment)
        #expect(result.status == 5, "\(arguments): \(result.status) \(result.stderr)")
        #expect(
          result.stderr.contains("bob's private key is not held here"), "\(arguments): \(result.stderr)")
      }
    }
    #expect(try cli.ok("history") == before)
    // Bob, where his identity is, acts as the Operator he is.
    #expect(
      try cli.run(["variable", "create", "bobs", "--value", "1"], environment: cli.person("bob")).status == 0)
    #expect(try cli.ok("variable", "list").contains("bobs"))
    // With one identity held and no name given, the acting user is that identity's.
    let unnamed = try cli.run(
      ["variable", "update", "region", "--value", "us"], environment: ["AIRENV_USER": ""])
    #expect(unnamed.status == 0, "\(unnamed.stderr)")
    #expect(try cli.ok("history", "--limit", "1").contains("alice"))
  }

  /// Someone known by name only can be claimed by anyone: through them no one replaces,
  /// drops or demotes a member known by a key, or records a key for another person.
  @Test func aNameOnlyOwnerCannotTouchAMemberKnownByAKey() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "team")
    try cli.ok("identity", "create")
    let alice = try cli.publicKey()
    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", alice)
    try cli.ok("workspace", "member", "set", "bob", "owner")
    try cli.ok("workspace", "member", "set", "carol", "author")
    let other = cli.scratch + "/other-config"
    #expect(try cli.run(["identity", "create"], environment: ["XDG_CONFIG_HOME": other]).status == 0)
    let impostor = try cli.publicKey(["XDG_CONFIG_HOME": other])
    let asBob = ["AIRENV_USER": "bob", "XDG_CONFIG_HOME": cli.scratch + "/nobody"]
    for arguments in [
      ["workspace", "member", "set", "alice", "owner", "--public-key", impostor],
      ["workspace", "member", "set", "alice", "member"], ["workspace", "member", "remove", "alice"],
      ["workspace", "member", "set", "carol", "author", "--public-key", impostor],
    ] {
      let result = try cli.run(arguments, environment: asBob)
      #expect(result.status == 3, "\(arguments): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains("known by a public key"), "\(arguments): \(result.stderr)")
    }
    let listed = try cli.ok("workspace", "member", "list", "--output", "json")
    #expect(listed.contains(alice) && !listed.contains(impostor))
    // Bob may record his own key; then, known by one, he may record others'.
    try cli.ok("identity", "create", "--user", "bob")
    let bobs = try #require(
      (try cli.run(["identity", "show", "--output", "json"]).json as? [[String: String]])?
        .first { $0["user"] == "bob" }?["public_key"])
    try cli.ok("workspace", "member", "set", "bob", "owner", "--public-key", bobs, "--user", "bob")
    try cli.ok("workspace", "member", "set", "carol", "author", "--public-key", impostor, "--user", "bob")
  }

  /// Two identities made at the same moment are both kept.
  @Test func identitiesCreatedAtOnceAreBothKept() throws {
    let cli = CLI()
    let processes = (0..<4).map { index -> Process in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: CLI.binary)
      process.arguments = ["identity", "create"]
      process.environment = cli.environment.merging(["AIRENV_USER": "user\(index)"]) { _, new in new }
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      return process
    }
    for process in processes { try process.run() }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let shown = try cli.ok("identity", "show")
    #expect((0..<4).allSatisfy { shown.contains("user\($0) airenv-id1:") }, "\(shown)")
  }

  @Test func anIdentityFileOthersCanReadHoldsNothingAndAWrongKeyIsRefused() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "team")
    try cli.ok("identity", "create")
    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", try cli.publicKey())
    let file = cli.scratch + "/.config/airenv/identity"
    chmod(file, 0o644)
    let loose = try cli.run("variable", "list")
    #expect(loose.status == 5 && loose.stderr.contains(file), "\(loose.stderr)")
    #expect(loose.stderr.contains("the identity file cannot be used") && loose.stderr.contains("chmod 600"))
    let shown = try cli.run("identity", "show")
    #expect(shown.status == 1 && shown.stderr.contains("chmod 600"), "\(shown.stderr)")
    chmod(file, 0o600)
    try cli.ok("variable", "list")
    for wrong in [
      "airenv-id1:abc:def", "ssh-ed25519 AAAA", "airenv-id1:" + String(repeating: "A", count: 44) + ":",
    ] {
      let refused = try cli.run("workspace", "member", "set", "bob", "author", "--public-key", wrong)
      #expect(refused.status == 3 && refused.stderr.contains("not a public identity"), "\(refused.stderr)")
    }
    #expect(!(try cli.ok("workspace", "member", "list")).contains("bob"))
  }
}
