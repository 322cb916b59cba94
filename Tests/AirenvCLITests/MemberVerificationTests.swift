import Foundation
import Testing

/// The member list holds without trusting the file that stores it (issue 13, parts 4–6): roles
/// and keys are replayed from the Workspace's signed changes, each counting only when an Owner of
/// the list as it stood made it. A member list edited by hand, or an older one put back by a
/// removed member, is unverified, and grants nothing its roles or keys would.
@Suite("The member list, verified")
struct MemberVerificationTests {
  /// A repository made by `init` with Workspace team, Deployment prod, a secret connection and a
  /// variable; bob holds an identity and is recorded as `role`. The Workspace's directory.
  private func team(_ cli: CLI, bob role: String) throws -> String {
    try cli.ok("init")
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "prod")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "db.internal", "--password-env", "PW",
      "--link-all", environment: ["PW": "pw-Ωmega"])
    try cli.ok("variable", "create", "region", "--value", "eu-west-1", "--link-all")
    let bob = cli.person("bob")
    #expect(try cli.run(["identity", "create"], environment: bob).status == 0)
    try cli.ok("workspace", "member", "set", "bob", role, "--public-key", try cli.publicKey(bob))
    let workspaces = cli.repository + "/workspaces"
    return workspaces + "/"
      + (try #require(try FileManager.default.contentsOfDirectory(atPath: workspaces).first))
  }

  private func setRole(_ role: String, of user: String, in header: String) throws {
    let url = URL(fileURLWithPath: header)
    var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var members = object["members"] as! [String: Any]
    members[user] = role
    object["members"] = members
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
  }

  /// Why the variable `key` is unverified, as `variable list` says; nil when it is verified.
  private func unverified(_ cli: CLI, _ key: String = "region") throws -> String? {
    let items = try #require(try cli.run("variable", "list", "--output", "json").json as? [[String: Any]])
    let item = try #require(items.first { $0["key"] as? String == key })
    return item["unverified"] as? String
  }

  /// While secretsFetching is on every member holds the data key, so the key check alone let a
  /// Member who made himself Operator in his copy of `workspace.json` sign changes that verified.
  @Test func aMemberWhoPromotesHimselfByHandGainsNothing() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try cli.ok("workspace", "settings", "--secrets-fetching", "on")
    let bob = cli.person("bob")
    let header = directory + "/workspace.json"
    try setRole("operator", of: "bob", in: header)
    let changed = try cli.run(["variable", "update", "region", "--value", "us-east-1"], environment: bob)
    #expect(changed.status == 0, "\(changed.stderr)")

    // His change is judged by the role signed changes gave him, and the list itself is unverified.
    #expect(try unverified(cli)?.contains("made by a Member, who may not change") == true)
    let listed = try cli.run("connection", "list")
    #expect(
      listed.status == 0 && listed.stderr.contains("unverified") && listed.stderr.contains("workspace team"))
    let export = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(export.status == 4, "\(export)")
    #expect(export.stderr.contains("it makes bob Operator, though signed changes by Owners made them Member"))
    #expect(export.stderr.contains("airenv approve --all"))
    // He can approve neither the list nor his change; the list says Operator, signed changes do not.
    let selfApproved = try cli.run(["approve", "workspace"], environment: bob)
    #expect(selfApproved.status != 0, "\(selfApproved)")
    #expect(try cli.run(["approve", "variable", "region"], environment: bob).status != 0)
    // A save by the Owner does not vouch for his edit either: only what it changed counts.
    try cli.ok("variable", "create", "other", "--value", "1", "--link-all")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 4)

    // The Owner sets bob back to Member: the list is verified again; his change stays unverified.
    try cli.ok("workspace", "member", "set", "bob", "member")
    let after = try cli.run("connection", "list")
    #expect(after.status == 0 && after.stderr.isEmpty, "\(after)")
    #expect(try unverified(cli) != nil)
    try cli.ok("approve", "variable", "region")
    #expect(try cli.ok("export", "--deployment", "prod", "--format", "env").contains("us-east-1"))
  }

  /// A Member made Owner by hand changes the member list: his entry is signed with his recorded
  /// key, so its signature holds, but it counts for nothing, and `history` says so and why.
  @Test func aChangeOfTheMemberListThatDoesNotCountIsShownSo() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try setRole("owner", of: "bob", in: directory + "/workspace.json")
    let changed = try cli.run(
      ["workspace", "member", "set", "carol", "operator"], environment: cli.person("bob"))
    #expect(changed.status == 0, "\(changed.stderr)")
    let table = try cli.ok("history", "--limit", "2")
    let lines = table.split(separator: "\n")
    #expect(lines.count == 3 && lines[1].contains("bob") && lines[1].contains("not counted"), "\(table)")
    #expect(lines[2].contains("alice") && lines[2].contains("verified") && !lines[2].contains("not counted"))
    let items = try #require(
      try cli.run("history", "--limit", "2", "--output", "json").json as? [[String: Any]])
    #expect(items[0]["signature"] as? String == "verified")
    #expect(
      (items[0]["notCounted"] as? String)?.hasPrefix("bob was no Owner of the member list it followed")
        == true)
    #expect(items[1]["notCounted"] == nil)
  }

  /// A removed Operator puts back the member list and envelope of a commit from when he was one
  /// (both signed by an Owner then): his old data key would seal the next secret an Owner saves,
  /// and his role would vouch for his changes. Both files are refused, by every client.
  @Test func aRemovedMemberWhoPutsBackAnOlderMemberListGainsNothing() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "operator")
    let bob = cli.person("bob")
    let names = ["workspace.json", "keys.json"]
    let old = try names.map { try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)) }
    try cli.ok("workspace", "member", "remove", "bob")
    let current = try names.map { try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $0)) }
    for (name, data) in zip(names, old) { try data.write(to: URL(fileURLWithPath: directory + "/" + name)) }
    let changed = try cli.run(["variable", "update", "region", "--value", "evil"], environment: bob)
    #expect(changed.status != 0 && changed.stderr.contains("brought back from an older state"), "\(changed)")
    let sealed = try cli.run(
      ["connection", "update", "db", "--password-env", "PW"], environment: ["PW": "new"])
    #expect(sealed.status != 0 && sealed.stderr.contains("neither opened nor sealed"), "\(sealed)")
    let export = try cli.run("export", "--deployment", "prod", "--format", "env", "--include-secrets")
    #expect(export.status != 0 && !export.stdout.contains("pw-Ωmega"), "\(export)")
    for (name, data) in zip(names, current) {
      try data.write(to: URL(fileURLWithPath: directory + "/" + name))
    }
    let restored = try cli.run("export", "--deployment", "prod", "--format", "env", "--include-secrets")
    #expect(restored.status == 0 && restored.stdout.contains("pw-Ωmega"), "\(restored)")
  }

  /// An Owner who has checked a member list changed by hand approves it: a signed change that
  /// takes the list as stored.
  @Test func anOwnerApprovesAMemberListChangedByHand() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try setRole("operator", of: "bob", in: directory + "/workspace.json")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 4)
    let doctor = try cli.run("doctor")
    #expect(doctor.status != 0 && doctor.stdout.contains("it makes bob Operator"), "\(doctor)")
    let approved = try cli.ok("approve", "workspace")
    #expect(approved.contains("approved workspace team"), "\(approved)")
    #expect(try cli.ok("approve", "workspace").contains("verified already"))
    let listed = try cli.run("workspace", "member", "list")
    #expect(listed.stdout.contains("Operator") && listed.stderr.isEmpty, "\(listed)")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
    let history = try cli.ok("history", "--limit", "1")
    #expect(history.contains("approve") && history.contains("verified"), "\(history)")
    #expect(try cli.run("approve", "workspace", "team").status == 2)
  }

  /// The TUI says so in its header line while the member list is unverified, and the mark goes
  /// once an Owner approves it from the CLI.
  @Test func theTerminalUIMarksAnUnverifiedMemberList() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try setRole("owner", of: "bob", in: directory + "/workspace.json")
    let tui = try TmuxSession(cli: cli, width: 140, height: 30, command: CLI.binary)
    let screen = try tui.settled(for: "the header's mark") { $0.contains("! member list unverified") }
    #expect(
      screen.components(separatedBy: "\n").first?.contains("airenv approve workspace") == true, "\(screen)")
    try cli.ok("approve", "workspace")
    let approved = try tui.settled(for: "the mark gone") { !$0.contains("member list unverified") }
    #expect(approved.contains("Workspace team"), "\(approved)")
  }

  /// The Workspace's signed creation anchors its member list, and undo passes over it; a copy
  /// of it under an earlier name (a history made up by hand) proves nothing.
  @Test func theCreationAnchorsTheMemberListAndUndoPassesOverIt() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    #expect(try cli.ok("history").contains("workspace create"))
    // Undo takes back alice's changes one by one, never the creation.
    for _ in 0..<8 { _ = try cli.run("undo") }
    let history = try cli.ok("history")
    #expect(history.contains("workspace create") && history.contains("undo #2"), "\(history)")
    #expect(try cli.run("undo").stderr.contains("no change left to undo"))
    try cli.ok("deployment", "create", "prod")
    let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/history").sorted()
    let creation = try #require(names.first)
    let copy = "20000101T000000Z" + creation.dropFirst("20000101T000000Z".count)
    for suffix in [".json", ".sig"] {
      try FileManager.default.copyItem(
        atPath: directory + "/history/" + creation.dropLast(5) + suffix,
        toPath: directory + "/history/" + copy.dropLast(5) + suffix)
    }
    let listed = try cli.run("connection", "list")
    #expect(listed.status == 0 && listed.stderr.isEmpty, "\(listed)")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
    #expect(try cli.run("history").stderr.contains("does not match its name"))
  }

  /// Removing the signed changes of the member list (the creation with them) does not make
  /// `workspace.json` trusted as it stands: the machine that saw them says the anchor is gone,
  /// and one that never did finds no signed member list; either way nothing is exported.
  @Test func deletingTheSignedChangesOfTheMemberListTrustsNothing() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try cli.ok("connection", "list")
    let history = directory + "/history/"
    for name in try FileManager.default.contentsOfDirectory(atPath: history) where name.hasSuffix(".json") {
      let text = try String(contentsOfFile: history + name, encoding: .utf8)
      guard text.contains("\"workspace\"") && text.contains("\"kind\" : \"workspace\"") else { continue }
      try FileManager.default.removeItem(atPath: history + name)
      try? FileManager.default.removeItem(atPath: history + name.dropLast(5) + ".sig")
    }
    try setRole("owner", of: "bob", in: directory + "/workspace.json")
    let seen = try cli.run("export", "--deployment", "prod", "--format", "env", "--include-secrets")
    #expect(seen.status != 0 && !seen.stdout.contains("pw-Ωmega"), "\(seen)")
    #expect(seen.stderr.contains("which this machine saw before"), "\(seen)")
    let bob = cli.person("bob")
    let bobs = try cli.run(
      ["export", "--deployment", "prod", "--format", "env"],
      environment: bob.merging(["XDG_CACHE_HOME": cli.scratch + "/bob-cache"]) { $1 })
    #expect(bobs.status == 4 && bobs.stderr.contains("no signed change records its member list"), "\(bobs)")
  }

  /// A change of the member list by an Owner who has left since keeps counting: it is judged by
  /// the key the list recorded for them then, not by the keys recorded now.
  @Test func whatAnOwnerWhoLeftChangedStillCounts() throws {
    let cli = CLI()
    _ = try team(cli, bob: "member")
    let olga = cli.person("olga")
    #expect(try cli.run(["identity", "create"], environment: olga).status == 0)
    try cli.ok("workspace", "member", "set", "olga", "owner", "--public-key", try cli.publicKey(olga))
    let dave = cli.person("dave")
    #expect(try cli.run(["identity", "create"], environment: dave).status == 0)
    let added = try cli.run(
      ["workspace", "member", "set", "dave", "author", "--public-key", try cli.publicKey(dave)],
      environment: olga)
    #expect(added.status == 0, "\(added)")
    try cli.ok("workspace", "member", "remove", "olga")
    let listed = try cli.run("connection", "list")
    #expect(listed.status == 0 && listed.stderr.isEmpty, "\(listed)")
    #expect(try cli.ok("workspace", "member", "list").contains("dave"))
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
  }

  /// Each change of the header names the changes it follows, which readers replay by (not by the
  /// entries' times): the creation none, each later one the change before it, and an undo too.
  @Test func eachChangeOfTheMemberListNamesTheChangesItFollows() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try cli.ok("workspace", "member", "set", "bob", "author")
    try cli.ok("undo")
    let history = directory + "/history/"
    var headerChanges: [(name: String, parents: [String]?)] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: history).sorted()
    where name.hasSuffix(".json") {
      let entry = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: history + name)))
          as? [String: Any])
      for change in entry["changes"] as? [[String: Any]] ?? [] where change["kind"] as? String == "workspace"
      {
        #expect(change["after"] is [String: Any], "\(name) records the header after it")
        headerChanges.append((String(name.dropLast(5)), change["parents"] as? [String]))
      }
    }
    // The creation, bob added, his key recorded, his role changed, the undo.
    #expect(headerChanges.count == 5, "\(headerChanges)")
    #expect(headerChanges.first?.parents == [])
    for (previous, next) in zip(headerChanges, headerChanges.dropFirst()) {
      #expect(next.parents == [previous.name], "\(next.name) follows \(previous.name)")
    }
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
  }
}
