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

  /// Sets one field of an object file's `base` by hand.
  private func edit(_ path: String, base field: String, to value: String) throws {
    try edit(path) { object in
      var base = object["base"] as! [String: Any]
      base[field] = value
      object["base"] = base
    }
  }

  /// Bob, recorded as a Member with his key, whose own client's member list is edited to call
  /// him Operator (what he signs then is his, by a role signed changes did not give him). His
  /// environment and `workspace.json` as it was, to put back.
  private func memberActingAsOperator(_ cli: CLI, in workspace: String) throws -> (
    bob: [String: String], header: String, original: Data
  ) {
    let bob = cli.person("bob")
    #expect(try cli.run(["identity", "create"], environment: bob).status == 0)
    try cli.ok("workspace", "member", "set", "bob", "member", "--public-key", try cli.publicKey(bob))
    let header = workspace + "/workspace.json"
    let original = try Data(contentsOf: URL(fileURLWithPath: header))
    try edit(header) { object in
      var members = object["members"] as! [String: Any]
      members["bob"] = "operator"
      object["members"] = members
    }
    return (bob, header, original)
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
    try edit(connection, base: "host", to: "attacker.example")
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
    // Any other change to it would vouch for it as stored: refused, pointing at approve.
    let update = try cli.run("connection", "update", "db", "--port", "5433")
    #expect(update.status == 4 && update.stderr.contains("would vouch for an object"), "\(update)")
    #expect(update.stderr.contains("airenv approve connection db"))
    // A new data key seals its secret again, without vouching for it.
    try cli.ok("key", "rotate")
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env").status == 4)
    #expect(try cli.ok("connection", "get", "db", "--reveal").contains("pw-Ωmega"))
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
    let (workspace, connection, variable) = try repository(cli)
    // The variable reaches every Deployment; edited to leave prod, it would be deleted from prod's
    // Airflow by the next apply: every Deployment waits, not only those it reaches now.
    let prod = try FileManager.default.contentsOfDirectory(atPath: workspace + "/deployments").first { name in
      (try? String(contentsOfFile: workspace + "/deployments/" + name, encoding: .utf8))?
        .contains("\"name\" : \"prod\"") == true
    }
    let prodID = String(try #require(prod).dropLast(".json".count))
    let original = try Data(contentsOf: URL(fileURLWithPath: variable))
    try edit(variable) { object in object["exclusions"] = [prodID] }
    let excluded = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(excluded.status == 4 && excluded.stderr.contains("variable region"), "\(excluded)")
    try original.write(to: URL(fileURLWithPath: variable))
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
    // Bob's own client, his member list edited to make him Operator: the change is signed by him.
    let (bob, header, original) = try memberActingAsOperator(cli, in: workspace)
    let forged = try cli.run(["variable", "update", "region", "--value", "us-east-1"], environment: bob)
    #expect(forged.status == 0, "\(forged.stderr)")
    // While the member list still says Operator, his change is judged by the role signed changes
    // gave him (see MemberVerificationTests).
    let promoted = try #require(try cli.run("variable", "list", "--output", "json").json as? [[String: Any]])
    #expect(
      (promoted.first?["unverified"] as? String)?.contains("made by a Member, who may not change") == true,
      "\(promoted)")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 4)
    // Nor can he approve it: his approval would verify nothing.
    let selfApproved = try cli.run(["approve", "variable", "region"], environment: bob)
    #expect(
      selfApproved.status == 5 && selfApproved.stderr.contains("would verify nothing"), "\(selfApproved)")
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

  /// Review 13: a key swapped into the member list by hand (for an Operator's name) signs a change
  /// that no read vouches for, neither while it is there nor after it is put back, when a read in
  /// between kept its verdicts.
  @Test func aKeySwappedInAndPutBackVouchesForNothingItSigned() throws {
    let cli = CLI()
    let (workspace, connection, _) = try repository(cli)
    let ci = cli.person("ci")
    #expect(try cli.run(["identity", "create"], environment: ci).status == 0)
    try cli.ok("workspace", "member", "set", "ci", "operator", "--public-key", try cli.publicKey(ci))
    // Mallory, no member, makes an identity called ci and swaps its key in for the Operator's.
    var mallory = ci
    mallory["XDG_CONFIG_HOME"] = cli.scratch + "/mallory-config"
    #expect(try cli.run(["identity", "create"], environment: mallory).status == 0)
    let forgedKey = try cli.publicKey(mallory)
    let header = workspace + "/workspace.json"
    let original = try Data(contentsOf: URL(fileURLWithPath: header))
    try edit(header) { object in
      var keys = object["memberKeys"] as! [String: Any]
      keys["ci"] = forgedKey
      object["memberKeys"] = keys
    }
    let forged = try cli.run(
      ["connection", "update", "db", "--host", "attacker.example"], environment: mallory)
    #expect(forged.status == 0, "\(forged.stderr)")
    #expect(try String(contentsOfFile: connection, encoding: .utf8).contains("attacker.example"))
    func unverified() throws -> String? {
      let items = try #require(try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
      return items.first?["unverified"] as? String
    }
    #expect(try unverified()?.contains("with a key no Owner wrapped the data key for") == true)
    try original.write(to: URL(fileURLWithPath: header))
    let after = try unverified()
    #expect(
      after?.contains("signed with a key the Workspace does not record for ci") == true, "\(after ?? "")")
    let export = try cli.run("export", "--deployment", "prod", "--format", "env", "--include-secrets")
    #expect(export.status == 4 && !export.stdout.contains("pw-Ωmega"), "\(export)")
  }

  /// Reviews 13 and 14: a deletion counts as a write does, made by someone the member list lets
  /// change the Workspace now: one a Member signed (their own client, their member list edited),
  /// or an Operator's after they are lowered, holds back export as a file removed by hand does,
  /// until the file is restored or an Owner or Operator approves the deletion.
  @Test func aDeletionCountsOnlyBySomeoneAllowedToChangeTheWorkspace() throws {
    let cli = CLI()
    let (workspace, connection, variable) = try repository(cli)
    let kept = try Data(contentsOf: URL(fileURLWithPath: connection))
    let (bob, header, original) = try memberActingAsOperator(cli, in: workspace)
    let deleted = try cli.run(["connection", "delete", "db", "--yes"], environment: bob)
    #expect(deleted.status == 0 && !FileManager.default.fileExists(atPath: connection), "\(deleted)")
    try original.write(to: URL(fileURLWithPath: header))
    let refused = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(
      refused.status == 4 && refused.stderr.contains("its file is gone, deleted by change")
        && refused.stderr.contains("by bob"), "\(refused)")
    // Put back from git and approved, it is exported again.
    try kept.write(to: URL(fileURLWithPath: connection))
    try cli.ok("approve", "connection", "db")
    #expect(try cli.ok("export", "--deployment", "prod", "--format", "env").contains("AIRFLOW_CONN_DB"))
    // An Operator deletes the variable and is lowered: their deletion counts no more, as what
    // they wrote would not, until an Owner approves it.
    let ci = cli.person("ci")
    #expect(try cli.run(["identity", "create"], environment: ci).status == 0)
    try cli.ok("workspace", "member", "set", "ci", "operator", "--public-key", try cli.publicKey(ci))
    #expect(try cli.run(["variable", "delete", "region", "--yes"], environment: ci).status == 0)
    #expect(!FileManager.default.fileExists(atPath: variable))
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
    try cli.ok("workspace", "member", "set", "ci", "member")
    let lowered = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(
      lowered.status == 4 && lowered.stderr.contains("deleted by change")
        && lowered.stderr.contains("by ci, who may not change this Workspace"), "\(lowered)")
    // No listing shows it, so --all leaves it out and names it; it is approved by its id.
    let all = try cli.run("approve", "--all")
    let id = String((variable as NSString).lastPathComponent.dropLast(".json".count))
    #expect(
      all.stderr.contains("--all approves no deletion")
        && all.stderr.contains("`airenv approve variable \(id)`"),
      "\(all)")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 4)
    // By its key, which is gone with its file, it says how.
    let byKey = try cli.run("approve", "variable", "region")
    #expect(
      byKey.status == 3
        && byKey.stderr.contains("whose file is gone is approved by id: `airenv approve variable \(id)`"),
      "\(byKey)")
    let approved = try cli.ok("approve", "variable", id)
    #expect(approved.contains("approved the deletion of variable \(id)"), "\(approved)")
    let exported = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(exported.status == 0 && !exported.stdout.contains("AIRFLOW_VAR_REGION"), "\(exported)")
    let shown = try cli.ok("history", "--limit", "1")
    #expect(shown.contains("approve") && shown.contains("deleted"), "\(shown)")
    // Nothing to undo there: undo passes over it to alice's own earlier change.
    #expect(!(try cli.ok("undo")).contains("approve"))
  }

  /// Review 14: `approve connection NAME` takes the connection of that name, never a file put in
  /// by hand that calls itself by that name as its id (approving it would vouch for the wrong one).
  @Test func approvingByNameTakesTheNamedObjectNotAFileCalledSo() throws {
    let cli = CLI()
    let (workspace, connection, _) = try repository(cli)
    let forged = workspace + "/connections/db.json"
    try FileManager.default.copyItem(atPath: connection, toPath: forged)
    try edit(forged) { object in
      object["id"] = "db"
      object["key"] = "evil"
    }
    try edit(connection, base: "host", to: "db.example")
    let approved = try cli.run("approve", "connection", "db")
    #expect(approved.status == 0 && approved.stdout.contains("approved connection db"), "\(approved)")
    #expect(!approved.stdout.contains("evil"))
    let items = try #require(try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
    #expect(items.first { $0["conn_id"] as? String == "db" }?["unverified"] == nil, "\(items)")
    #expect(items.first { $0["conn_id"] as? String == "evil" }?["unverified"] != nil, "\(items)")
  }

  /// Review 15: entries this machine saw, removed from the history (by hand, or by a push) with
  /// the object put back as it was before them, or removed with them, leave the object in doubt:
  /// export refuses until the history is restored or an Owner or Operator approves.
  @Test func changesThisMachineSawThatLeaveTheHistoryLeaveTheirObjectsInDoubt() throws {
    let cli = CLI()
    let (workspace, connection, variable) = try repository(cli)
    let history = workspace + "/history/"
    let earlier = try Data(contentsOf: URL(fileURLWithPath: connection))
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: history))
    try cli.ok("connection", "update", "db", "--host", "new-db.internal")
    let added = Set(try FileManager.default.contentsOfDirectory(atPath: history)).subtracting(before)
    #expect(added.count == 2, "\(added)")
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
    // The rollback: the newer entry gone, the earlier file back.
    var removed: [String: Data] = [:]
    for name in added {
      removed[name] = try Data(contentsOf: URL(fileURLWithPath: history + name))
      try FileManager.default.removeItem(atPath: history + name)
    }
    try earlier.write(to: URL(fileURLWithPath: connection))
    let refused = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(
      refused.status == 4 && refused.stderr.contains("which this machine saw, is gone from the history"),
      "\(refused)")
    // Review 16: the entry put back without its signature vouches for nothing: still in doubt.
    for (name, bytes) in removed where name.hasSuffix(".json") {
      try bytes.write(to: URL(fileURLWithPath: history + name))
    }
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 4)
    let listed = try #require(try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
    #expect((listed.first?["unverified"] as? String)?.contains("gone from the history") == true, "\(listed)")
    let approved = try cli.run("approve", "connection", "db")
    #expect(approved.status == 0, "\(approved)")
    #expect(try cli.ok("export", "--deployment", "prod", "--format", "env").contains("db.internal"))
    // The variable's every entry and its file removed: its deletion is in doubt too.
    let id = String((variable as NSString).lastPathComponent.dropLast(".json".count))
    for name in try FileManager.default.contentsOfDirectory(atPath: history) where name.hasSuffix(".json") {
      let text = try String(contentsOfFile: history + name, encoding: .utf8)
      guard text.contains(id), !text.contains("\"workspace create\"") else { continue }
      try FileManager.default.removeItem(atPath: history + name)
      try? FileManager.default.removeItem(atPath: history + name.dropLast(".json".count) + ".sig")
    }
    try FileManager.default.removeItem(atPath: variable)
    let gone = try cli.run("export", "--deployment", "prod", "--format", "env")
    #expect(gone.status == 4 && gone.stderr.contains("variable \(id)"), "\(gone)")
    try cli.ok("approve", "variable", id)
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
  }

  @Test func keyChangesUndoAndMigrationKeepObjectsVerified() throws {
    let cli = CLI()
    // A repository of the shared key, moved to identities: every object is stamped by the migration.
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "dev")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "h", "--extra-set", "timeout=1.5",
      "--link-all")
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

  @Test func aPurgeSignsWhatItRewritesAndLeavesItVerified() throws {
    let cli = CLI()
    _ = try repository(cli)
    try cli.ok("variable", "create", "pin", "--value", "1234", "--link-all")
    try cli.ok("variable", "update", "pin", "--secret")
    try cli.ok("history", "purge", "--variable", "pin")
    let listed = try cli.run("variable", "list")
    #expect(listed.status == 0 && listed.stderr.isEmpty && !listed.stdout.contains("unverified"), "\(listed)")
    #expect(try cli.run("export", "--all", "--format", "env", "--out", cli.scratch + "/out").status == 0)
    let history = try cli.ok("history")
    #expect(history.contains("rewritten") && !history.contains("not verifiable"), "\(history)")
    let doctor = try cli.run("doctor")
    #expect(!(doctor.stdout + doctor.stderr).contains("signature"), "\(doctor)")
    // A purge's signature proves nothing once the entry is changed again.
    let entries = try FileManager.default.subpathsOfDirectory(atPath: cli.repository).filter {
      $0.contains("/history/") && $0.hasSuffix(".json")
    }.sorted()
    let rewritten = try #require(
      entries.first { name in
        let signature = (name as NSString).deletingPathExtension + ".sig"
        return (try? String(contentsOfFile: cli.repository + "/" + signature, encoding: .utf8))?
          .contains("rewrite") == true
      })
    let path = cli.repository + "/" + rewritten
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try (text + " ").write(toFile: path, atomically: false, encoding: .utf8)
    #expect(try cli.ok("history").contains("not verifiable"))
  }

  @Test func theTerminalUIMarksAnUnverifiedObjectAndClearsTheMarkOnceApproved() throws {
    let cli = CLI()
    let (_, connection, _) = try repository(cli)
    try edit(connection, base: "host", to: "attacker.example")
    let tui = try TmuxSession(cli: cli, width: 100, height: 30, command: CLI.binary)
    // Marked in the list's first column, and the detail pane says why and what to do (wrapped to
    // its width, so that the way out is never cut off).
    let screen = try tui.settled(for: "the mark and the reason") {
      $0.contains("! unverified:") && $0.contains("airenv approve")
    }
    let rows = screen.components(separatedBy: "\n")
    #expect(rows.contains { $0.hasPrefix("!db ") }, "\(screen)")
    #expect(!rows.contains { $0.hasPrefix("!region") })
    // Approved from the CLI while the TUI is open: the mark goes with the reload.
    try cli.ok("approve", "connection", "db")
    let approved = try tui.settled(for: "the mark gone") { !$0.contains("unverified") }
    #expect(approved.components(separatedBy: "\n").contains { $0.hasPrefix(" db ") }, "\(approved)")
  }

  @Test func anEarlierVersionPutBackOrADeletedObjectBroughtBackIsUnverified() throws {
    let cli = CLI()
    let (_, connection, variable) = try repository(cli)
    // Each file is exactly what a signed change wrote, but a later signed change replaced it.
    let earlier = try Data(contentsOf: URL(fileURLWithPath: connection))
    try cli.ok("connection", "update", "db", "--host", "db2.internal")
    #expect(try cli.run("connection", "list").stderr.isEmpty)
    try earlier.write(to: URL(fileURLWithPath: connection))
    let connections = try #require(
      try cli.run("connection", "list", "--output", "json").json as? [[String: Any]])
    #expect(
      (connections.first?["unverified"] as? String)?.contains("changed or deleted it since") == true,
      "\(connections)")
    let deleted = try Data(contentsOf: URL(fileURLWithPath: variable))
    try cli.ok("variable", "delete", "region", "--yes")
    try deleted.write(to: URL(fileURLWithPath: variable))
    let variables = try #require(try cli.run("variable", "list", "--output", "json").json as? [[String: Any]])
    #expect(
      (variables.first?["unverified"] as? String)?.contains("changed or deleted it since") == true,
      "\(variables)")
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env").status == 4)
    // Approving the earlier version is a change of its own, the latest: verified again.
    try cli.ok("approve", "--all")
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env").status == 0)
  }

  @Test func undoingADeletionDoesNotVouchForWhatWasPutThereByHand() throws {
    let cli = CLI()
    let (_, _, variable) = try repository(cli)
    try edit(variable, base: "value", to: "EVIL")
    // Deleting it is allowed (nothing of it is vouched for); bringing it back is not.
    try cli.ok("variable", "delete", "region", "--yes")
    let undo = try cli.run("undo")
    #expect(undo.status != 0 && undo.stderr.contains("nobody allowed to had vouched for"), "\(undo)")
    #expect(!FileManager.default.fileExists(atPath: variable))
  }

  @Test func verificationCannotBeSwitchedOffNorAFileRemovedUnseen() throws {
    let cli = CLI()
    let (workspace, _, variable) = try repository(cli)
    // Without its object file, the variable a signed change wrote would be pruned from Airflow.
    let kept = try Data(contentsOf: URL(fileURLWithPath: variable))
    try FileManager.default.removeItem(atPath: variable)
    let export = try cli.run("export", "--deployment", "dev", "--format", "env")
    #expect(export.status == 4 && export.stderr.contains("its file is gone"), "\(export)")
    try kept.write(to: URL(fileURLWithPath: variable))
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env").status == 0)
    // The index's mark and keys.json removed: the header still records the data key.
    let index = try String(contentsOfFile: cli.repository + "/airenv.json", encoding: .utf8)
    try index.replacingOccurrences(of: "\"dataKeys\" : true,", with: "").write(
      toFile: cli.repository + "/airenv.json", atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: workspace + "/keys.json")
    try edit(variable, base: "value", to: "EVIL")
    let refused = try cli.run("export", "--deployment", "dev", "--format", "env")
    #expect(refused.status != 0 && refused.stderr.contains("keys.json: it is missing"), "\(refused)")
  }

  @Test func aSignatureFileNamingAUserWithALineBreakProvesNothing() throws {
    let cli = CLI()
    let (_, _, _) = try repository(cli)
    let entries = try FileManager.default.subpathsOfDirectory(atPath: cli.repository).filter {
      $0.hasSuffix(".sig")
    }
    .sorted()
    let path = cli.repository + "/" + (try #require(entries.last))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try text.replacingOccurrences(
      of: "\"user\" : \"alice\"", with: "\"user\" : \"alice\\nunverified   none\""
    )
    .write(toFile: path, atomically: true, encoding: .utf8)
    let shown = try cli.run("variable", "get", "region")
    #expect(shown.stdout.contains("signature file is damaged"), "\(shown)")
    #expect(!shown.stdout.contains("\nunverified   none"))
  }

  @Test func aDeploymentEditedByHandIsMarkedAndHoldsBackOnlyItself() throws {
    let cli = CLI()
    let (workspace, _, _) = try repository(cli)
    let dev = try #require(
      try FileManager.default.contentsOfDirectory(atPath: workspace + "/deployments").first { name in
        (try? String(contentsOfFile: workspace + "/deployments/" + name, encoding: .utf8))?
          .contains("\"name\" : \"dev\"") == true
      })
    try edit(workspace + "/deployments/" + dev) { object in object["description"] = "moved" }
    let listed = try cli.run("deployment", "list")
    #expect(
      listed.stdout.contains("dev (unverified)") && !listed.stdout.contains("prod (unverified)"), "\(listed)")
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env").status == 4)
    #expect(try cli.run("export", "--deployment", "prod", "--format", "env").status == 0)
    try cli.ok("approve", "deployment", "dev")
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env").status == 0)
  }
}
