import Foundation
import Testing

/// Changes that can be verified (issue 13, part 6): an object is verified when the signed history
/// entry its file names wrote exactly what the file holds and was made by an Owner or Operator.
/// One edited by hand, or last written by someone whose role may not change it, is marked in
/// listings and the TUI, and export and delivery refuse it until an Owner or Operator approves it.
@Suite("Unverified objects and approval")
struct ObjectVerificationTests {
  /// A repository made by `init` (identities, data keys) with two Deployments, a connection with a
  /// password and a variable, all linked to both.
  private func repository(_ cli: CLI) throws -> (workspace: String, connection: String, variable: String) {
    try cli.ok("init")
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("deployment", "create", "prod")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "db.internal", "--password-env", "PW",
      "--link-all", environment: ["PW": "pw-Ωmega"])
    try cli.ok("variable", "create", "region", "--value", "eu-west-1", "--link-all")
    let workspaces = cli.repository + "/workspaces"
    let workspace = try #require(try FileManager.default.contentsOfDirectory(atPath: workspaces).first)
    let directory = workspaces + "/" + workspace
    let connection = try #require(
      try FileManager.default.contentsOfDirectory(atPath: directory + "/connections").first)
    let variable = try #require(
      try FileManager.default.contentsOfDirectory(atPath: directory + "/variables").first)
    return (directory, directory + "/connections/" + connection, directory + "/variables/" + variable)
  }

  private func edit(_ path: String, _ change: (inout [String: Any]) -> Void) throws {
    var object = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    change(&object)
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
      .write(to: URL(fileURLWithPath: path))
  }

  @Test func everythingAirenvWroteIsVerified() throws {
    let cli = CLI()
    _ = try repository(cli)
    let listed = try cli.run("connection", "list")
    #expect(listed.status == 0 && !listed.stdout.contains("unverified") && listed.stderr.isEmpty, "\(listed)")
    #expect(try cli.run("export", "--all", "--format", "env", "--out", cli.scratch + "/out").status == 0)
    #expect(try cli.ok("approve", "connection", "db").contains("verified already"))
  }

  @Test func aHandEditedObjectIsRefusedByExportAndDeliveryUntilApproved() throws {
    let cli = CLI()
    let (_, connection, _) = try repository(cli)
    try cli.ok(
      "target", "set", "prod", "--directory", cli.scratch + "/delivered", "--format", "airflow-json")
    try edit(connection) { object in
      var base = object["base"] as! [String: Any]
      base["host"] = "attacker.example"
      object["base"] = base
    }
    // Marked in listings, text and JSON, and in the object's own view; the variable is not.
    let listed = try cli.run("connection", "list")
    #expect(listed.stdout.contains("db (unverified)"), "\(listed.stdout)")
    #expect(listed.stderr.contains("1 object is unverified") && listed.stderr.contains("connection db"))
    let items = try #require(try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
    #expect((items.first?["unverified"] as? String)?.contains("edited outside airenv") == true, "\(items)")
    #expect(try cli.ok("connection", "get", "db").contains("unverified   it is not what change #"))
    #expect(!(try cli.run("variable", "list").stdout.contains("unverified")))
    // Export and delivery of every Deployment it reaches are refused, naming the file and the way out.
    let export = try cli.run("export", "--deployment", "dev", "--format", "env")
    #expect(export.status == 4 && export.stdout.isEmpty, "\(export)")
    #expect(
      export.stderr.contains("connections/con_") && export.stderr.contains("airenv approve connection db"))
    for arguments in [["plan", "--deployment", "prod"], ["apply", "--deployment", "prod", "--yes"]] {
      let refused = try cli.run(arguments)
      #expect(
        refused.status == 4 && refused.stderr.contains("nobody allowed to has vouched for"), "\(refused)")
    }
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/delivered/connections.json"))
    // A Member may not approve; an Owner does, with a signed entry, and export takes it again.
    let approved = try cli.ok("approve", "connection", "db")
    #expect(approved.contains("approved connection db") && approved.contains("revision 2"), "\(approved)")
    let exported = try cli.run("export", "--deployment", "dev", "--format", "env")
    #expect(exported.status == 0 && exported.stdout.contains("attacker.example"), "\(exported)")
    #expect(try cli.ok("history", "--limit", "1").contains("verified  approve"))
    let applied = try cli.run("apply", "--deployment", "prod", "--yes")
    #expect(applied.status == 0, "\(applied.stderr)")
  }

  @Test func aForgedAuthorOrAnEntryThatIsNotThereIsUnverified() throws {
    let cli = CLI()
    let (_, connection, variable) = try repository(cli)
    // Only the stamp's author changed: the content is what the entry wrote, but not by them.
    try edit(variable) { object in
      var stamp = object["stamp"] as! [String: Any]
      stamp["updatedBy"] = "carol"
      object["stamp"] = stamp
    }
    // The connection names an entry that does not exist.
    try edit(connection) { object in
      var stamp = object["stamp"] as! [String: Any]
      stamp["entry"] = "20991231T235959Z-0000000099-deadbeef"
      object["stamp"] = stamp
    }
    let items = try #require(try cli.run("variable", "list", "--output", "json").json as? [[String: Any]])
    #expect(
      (items.first?["unverified"] as? String)?.contains("names carol as its author") == true, "\(items)")
    let connections = try #require(
      try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
    #expect((connections.first?["unverified"] as? String)?.contains("is not in the history") == true)
    // An entry name that is a path is refused on reading, like any malformed file.
    try edit(connection) { object in
      var stamp = object["stamp"] as! [String: Any]
      stamp["entry"] = "../../../../etc/passwd"
      object["stamp"] = stamp
    }
    let refused = try cli.run("connection", "list")
    #expect(refused.status == 1 && refused.stderr.contains("stamp.entry"), "\(refused.stderr)")
    try edit(connection) { object in
      var stamp = object["stamp"] as! [String: Any]
      stamp["entry"] = nil
      object["stamp"] = stamp
    }
    // `approve --all` approves both, listing each with why it was unverified.
    let approved = try cli.ok("approve", "--all")
    #expect(approved.contains("approved connection db") && approved.contains("approved variable region"))
    #expect(try cli.run("export", "--all", "--format", "env", "--out", cli.scratch + "/out").status == 0)
    #expect(try cli.ok("approve", "--all").contains("nothing to approve"))
  }

  @Test func aChangeSignedByAMemberIsUnverifiedAndAMemberCannotApprove() throws {
    let cli = CLI()
    let (workspace, _, _) = try repository(cli)
    let bob = cli.person("bob")
    #expect(try cli.run(["identity", "create"], environment: bob).status == 0)
    try cli.ok("workspace", "member", "set", "bob", "member", "--public-key", try cli.publicKey(bob))
    // Bob's own client, his member list edited to make him Operator: the change is signed by him.
    let header = workspace + "/workspace.json"
    let original = try Data(contentsOf: URL(fileURLWithPath: header))
    try edit(header) { object in
      var members = object["members"] as! [String: Any]
      members["bob"] = "operator"
      object["members"] = members
    }
    let forged = try cli.run(["variable", "update", "region", "--value", "us-east-1"], environment: bob)
    #expect(forged.status == 0, "\(forged.stderr)")
    try original.write(to: URL(fileURLWithPath: header))
    let latest = try cli.ok("history", "--limit", "1")
    #expect(
      latest.contains("bob") && latest.contains("verified") && !latest.contains("not verifiable"), "\(latest)"
    )
    let items = try #require(try cli.run("variable", "list", "--output", "json").json as? [[String: Any]])
    #expect(
      (items.first?["unverified"] as? String)?.contains("made by a Member, who may not change") == true,
      "\(items)")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 4)
    let refused = try cli.run(["approve", "variable", "region"], environment: bob)
    #expect(refused.status == 5, "\(refused)")
    try cli.ok("approve", "variable", "region")
    #expect(try cli.ok("export", "--deployment", "prod", "--format", "env").contains("us-east-1"))
  }

  @Test func keyChangesUndoAndMigrationKeepObjectsVerified() throws {
    let cli = CLI()
    // A repository of the shared key, moved to identities: every object is stamped by the migration.
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "h", "--link-all")
    try cli.ok("variable", "create", "token", "--value", "t0", "--secret", "--link-all")
    try cli.ok("identity", "create")
    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", try cli.publicKey())
    try cli.ok("key", "migrate")
    func verified() throws -> Bool {
      let connections = try cli.run("connection", "list")
      let variables = try cli.run("variable", "list")
      let export = try cli.run("export", "--deployment", "dev", "--format", "env")
      return connections.stderr.isEmpty && variables.stderr.isEmpty && export.status == 0
    }
    #expect(try verified())
    // A reader added and removed (a new key, every secret sealed again), a rotation, an undo.
    let bob = cli.person("bob")
    #expect(try cli.run(["identity", "create"], environment: bob).status == 0)
    try cli.ok("workspace", "member", "set", "bob", "operator", "--public-key", try cli.publicKey(bob))
    try cli.ok("workspace", "member", "remove", "bob")
    #expect(try verified())
    try cli.ok("key", "rotate")
    #expect(try verified())
    try cli.ok("variable", "update", "token", "--value", "t1")
    try cli.ok("undo")
    #expect(try verified())
    #expect(try cli.ok("variable", "get", "token", "--reveal").contains("t0"))
  }
}
