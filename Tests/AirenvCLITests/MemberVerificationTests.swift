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

  /// Changes the member list as stored at `header`, by hand: `edit` is given its roles and keys.
  private func editMembers(
    in header: String, _ edit: (inout [String: Any], inout [String: Any]) throws -> Void
  ) throws {
    let url = URL(fileURLWithPath: header)
    var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    var members = object["members"] as? [String: Any] ?? [:]
    var keys = object["memberKeys"] as? [String: Any] ?? [:]
    try edit(&members, &keys)
    object["members"] = members
    object["memberKeys"] = keys
    try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(to: url)
  }

  private func setRole(_ role: String, of user: String, in header: String) throws {
    try editMembers(in: header) { members, _ in members[user] = role }
  }

  /// Replaces `old` with `new` in the file of the variable region, by hand.
  private func editRegion(in directory: String, _ old: String, _ new: String) throws {
    let region =
      directory + "/variables/"
      + (try #require(try FileManager.default.contentsOfDirectory(atPath: directory + "/variables").first))
    let text = try String(contentsOfFile: region, encoding: .utf8)
    #expect(text.contains(old))
    try text.replacingOccurrences(of: old, with: new).write(toFile: region, atomically: true, encoding: .utf8)
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

  /// bob, an Owner, changes the member list on a copy of the repository from before alice
  /// demoted him (a branch), and his entry is merged in: its signature holds, but it counts for
  /// nothing, and `history` says so and why. Made Owner again by hand, he cannot change the
  /// member list at all.
  @Test func aChangeOfTheMemberListThatDoesNotCountIsShownSo() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "owner")
    let copy = cli.scratch + "/branch"
    try FileManager.default.copyItem(atPath: cli.repository, toPath: copy)
    try cli.ok("workspace", "member", "set", "bob", "member")
    let bob = cli.person("bob")
    let branched = try cli.run(
      ["workspace", "member", "set", "carol", "operator"],
      environment: bob.merging(["AIRENV_REPO": copy]) { $1 })
    #expect(branched.status == 0, "\(branched.stderr)")
    let history = directory + "/history/"
    let branchHistory = copy + "/" + directory.dropFirst(cli.repository.count + 1) + "/history/"
    let merged = Set(try FileManager.default.contentsOfDirectory(atPath: branchHistory)).subtracting(
      try FileManager.default.contentsOfDirectory(atPath: history))
    #expect(merged.count == 2, "\(merged)")
    for name in merged {
      try FileManager.default.copyItem(atPath: branchHistory + name, toPath: history + name)
    }

    // Both are dated the same second: which is first is up to their random ids.
    let table = try cli.ok("history", "--limit", "2").split(separator: "\n")
    #expect(table.contains { $0.contains(" bob ") && $0.contains("not counted") }, "\(table)")
    #expect(
      table.contains { $0.contains(" alice ") && $0.contains("verified") && !$0.contains("not counted") })
    let items = try #require(
      try cli.run("history", "--limit", "2", "--output", "json").json as? [[String: Any]])
    let voided = try #require(items.first { $0["user"] as? String == "bob" })
    #expect(voided["signature"] as? String == "verified")
    #expect((voided["notCounted"] as? String)?.hasPrefix("voided by change ") == true, "\(voided)")
    #expect(items.first { $0["user"] as? String == "alice" }?["notCounted"] == nil)
    #expect(try cli.run("connection", "list").stderr.isEmpty)

    try setRole("owner", of: "bob", in: directory + "/workspace.json")
    let refused = try cli.run(["workspace", "member", "set", "carol", "operator"], environment: bob)
    #expect(refused.status == 5, "\(refused)")
    #expect(refused.stderr.contains("signed changes by Owners did not make bob one"), "\(refused.stderr)")
    // Nor may he make a new data key (he would sign its envelope).
    let rotated = try cli.run(["key", "rotate"], environment: bob)
    #expect(rotated.status == 5 && rotated.stderr.contains("did not make bob one"), "\(rotated)")
    let listed = try cli.run("workspace", "member", "list")
    #expect(
      listed.stderr.contains("Workspace team: its member list is not what signed changes"), "\(listed.stderr)"
    )
  }

  /// Someone who can write the repository puts a reader into `workspace.json` by hand, or
  /// swaps their own public key in for a member's. An Owner's next save, whatever it changes,
  /// wraps the data key only for the readers and keys signed changes by Owners made (with
  /// what that save itself changes): neither gets a secret.
  /// Two Owners each make a member an Operator on two branches, each wrapping the data key for
  /// their own (alice makes dave one, bob in a copy makes carol one), merged as git would: both
  /// sides' entries, the member list as both changes make it, this side's `keys.json`. Carol and
  /// dave's environments.
  private func mergedOperators(_ cli: CLI) throws -> (carol: [String: String], dave: [String: String]) {
    let directory = try team(cli, bob: "owner")
    let carol = cli.person("carol")
    let dave = cli.person("dave")
    for person in [carol, dave] {
      #expect(try cli.run(["identity", "create"], environment: person).status == 0)
    }
    let carolsKey = try cli.publicKey(carol)
    let copy = cli.scratch + "/branch"
    try FileManager.default.copyItem(atPath: cli.repository, toPath: copy)
    try cli.ok("workspace", "member", "set", "dave", "operator", "--public-key", try cli.publicKey(dave))
    let branched = try cli.run(
      ["workspace", "member", "set", "carol", "operator", "--public-key", carolsKey],
      environment: cli.person("bob").merging(["AIRENV_REPO": copy]) { $1 })
    #expect(branched.status == 0, "\(branched.stderr)")
    let history = directory + "/history/"
    let branchHistory = copy + "/" + directory.dropFirst(cli.repository.count + 1) + "/history/"
    for name in Set(try FileManager.default.contentsOfDirectory(atPath: branchHistory)).subtracting(
      try FileManager.default.contentsOfDirectory(atPath: history))
    {
      try FileManager.default.copyItem(atPath: branchHistory + name, toPath: history + name)
    }
    try editMembers(in: directory + "/workspace.json") { members, keys in
      members["carol"] = "operator"
      keys["carol"] = carolsKey
    }
    #expect(try cli.run("workspace", "member", "list").stderr.isEmpty)
    return (carol, dave)
  }

  /// Review 13: after such a merge both changes count, and the next save of an Owner the list
  /// trusts wraps the key for the one who lacks it (before, only `key migrate` did, and nothing
  /// said so).
  @Test func aMergedOperatorReceivesTheDataKeyWithAnOwnersNextSave() throws {
    let cli = CLI()
    let (carol, dave) = try mergedOperators(cli)
    let before = try cli.run(["connection", "get", "db", "--reveal"], environment: carol)
    #expect(before.status != 0 && before.stderr.contains("an Owner's save wraps it for them"), "\(before)")
    try cli.ok("variable", "update", "region", "--value", "us-east-1")
    let revealed = try cli.run(["connection", "get", "db", "--reveal"], environment: carol)
    #expect(revealed.status == 0 && revealed.stdout.contains("pw-Ωmega"), "\(revealed)")
    #expect(try cli.ok("key", "status").contains("carol"))
    #expect(
      try cli.run(["connection", "get", "db", "--reveal"], environment: dave).stdout.contains("pw-Ωmega"))
  }

  /// Review 13 and 14: `key migrate` in such a Workspace wraps the key it has, and says so (not
  /// "a new data key, 0 files sealed again", nor a note on a shared key there never was).
  @Test func keyMigrateSaysItOnlyWrappedTheKeyItHad() throws {
    let cli = CLI()
    let (carol, _) = try mergedOperators(cli)
    let migrated = try cli.ok("key", "migrate")
    #expect(
      migrated.contains("the data key it has (no file sealed again), wrapped for")
        && migrated.contains("carol") && !migrated.contains("shared key"), "\(migrated)")
    #expect(
      try cli.run(["connection", "get", "db", "--reveal"], environment: carol).stdout.contains("pw-Ωmega"))
  }

  @Test func anOwnersSaveWrapsTheDataKeyForNobodyPutInByHand() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "author")
    let header = directory + "/workspace.json"
    let mallory = cli.person("mallory")
    #expect(try cli.run(["identity", "create"], environment: mallory).status == 0)
    // Mallory's own identity under bob's name, in a directory of hers.
    let malloryAsBob = ["AIRENV_USER": "bob", "XDG_CONFIG_HOME": cli.scratch + "/mallory-as-bob"]
    #expect(try cli.run(["identity", "create"], environment: malloryAsBob).status == 0)
    try editMembers(in: header) { members, keys in
      members["mallory"] = "member"
      keys["mallory"] = try cli.publicKey(mallory)
      keys["bob"] = try cli.publicKey(malloryAsBob)
    }

    try cli.ok("workspace", "settings", "--secrets-fetching", "on")
    try cli.ok("workspace", "member", "set", "bob", "operator")
    // Approving an object (here one edited by hand) is no approval of the member list.
    try cli.ok("variable", "update", "region", "--value", "eu-west-2")
    try editRegion(in: directory, "eu-west-2", "eu-west-3")
    try cli.ok("approve", "variable", "region")
    try cli.ok(
      "connection", "update", "db", "--password-env", "PW", environment: ["PW": "after-the-edit-Ωmega"])
    let status = try cli.ok("key", "status")
    #expect(status.contains("wrapped for alice, bob;"), "\(status)")
    // Neither opens a secret with the key they put in, whatever role their copy claims.
    try setRole("owner", of: "mallory", in: directory + "/workspace.json")
    try setRole("owner", of: "bob", in: directory + "/workspace.json")
    for environment in [mallory, malloryAsBob] {
      let revealed = try cli.run(["connection", "get", "db", "--reveal"], environment: environment)
      #expect(revealed.status != 0 && !revealed.stdout.contains("Ωmega"), "\(revealed)")
      let exported = try cli.run(
        ["export", "--deployment", "prod", "--format", "env", "--include-secrets"], environment: environment)
      #expect(!exported.stdout.contains("Ωmega"), "\(exported)")
    }
  }

  /// Someone who can push makes himself Owner in `workspace.json` and removes a member, and
  /// edits an object by hand. An Owner approves that object: an approval of an object is no
  /// approval of the member list, so the hand-made Owner gains nothing, the key stays wrapped
  /// for the member the edit left out, and the list stays unverified.
  @Test func approvingAnObjectApprovesNothingOfTheMemberList() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "operator")
    let mallory = cli.person("mallory")
    #expect(try cli.run(["identity", "create"], environment: mallory).status == 0)
    try editMembers(in: directory + "/workspace.json") { members, keys in
      members["mallory"] = "owner"
      keys["mallory"] = try cli.publicKey(mallory)
      members["bob"] = nil
      keys["bob"] = nil
    }
    try editRegion(in: directory, "eu-west-1", "eu-west-9")

    try cli.ok("approve", "variable", "region")
    let status = try cli.ok("key", "status")
    #expect(status.contains("wrapped for alice, bob;"), "\(status)")
    let demoted = try cli.run(["workspace", "member", "set", "alice", "member"], environment: mallory)
    #expect(demoted.status == 5, "\(demoted)")
    let revealed = try cli.run(["connection", "get", "db", "--reveal"], environment: mallory)
    #expect(revealed.status != 0 && !revealed.stdout.contains("Ωmega"), "\(revealed)")
    #expect(try cli.run("workspace", "member", "list").stderr.contains("its member list is not what signed"))
    let history = try #require(
      try cli.run("history", "--limit", "1", "--output", "json").json as? [[String: Any]])
    #expect(history.first?["command"] as? String == "approve")
  }

  /// Adds `user` to the member list as stored, by hand, as `role` with the public key of the
  /// identity `environment` holds.
  private func addByHand(
    _ user: String, _ role: String, key environment: [String: String]?, in directory: String
  ) throws {
    let key = try environment.map { try CLI().publicKey($0) }
    try editMembers(in: directory + "/workspace.json") { members, keys in
      members[user] = role
      if let key { keys[user] = key }
    }
  }

  /// Someone who can push makes himself Owner by hand; the Owner sees the warning and removes
  /// him. Undoing that removal would bring the hand edit back as a change the Owner signs: it
  /// is refused, as is undoing an approval of the member list; a legitimate undo still works.
  @Test func undoBringsBackNoMemberListSignedChangesDidNotMake() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "operator")
    let mallory = cli.person("mallory")
    #expect(try cli.run(["identity", "create"], environment: mallory).status == 0)
    try addByHand("aaron", "member", key: nil, in: directory)
    try addByHand("mallory", "owner", key: mallory, in: directory)
    // Every difference is named, the hand-made Owner first.
    let warned = try cli.run("workspace", "member", "list").stderr
    #expect(
      warned.contains("it makes mallory Owner, which no signed change by an Owner did; it makes aaron Member")
    )
    try cli.ok("workspace", "member", "remove", "mallory")
    let undone = try cli.run("undo")
    #expect(
      undone.status != 0 && undone.stderr.contains("would bring back the member list as stored then"),
      "\(undone)")
    #expect(undone.stderr.contains("it makes mallory Owner"))
    #expect(try cli.ok("key", "status").contains("wrapped for alice, bob;"))
    // `approve --all` leaves the member list out, and says so.
    let all = try cli.run("approve", "--all")
    #expect(all.status == 0 && all.stderr.contains("not approved by --all"), "\(all)")
    #expect(try cli.run("workspace", "member", "list").stderr.contains("it makes aaron Member"))
    // Approved by name, the list is not taken back by undo.
    try cli.ok("approve", "workspace")
    let unapproved = try cli.run("undo")
    #expect(unapproved.status != 0 && unapproved.stderr.contains("not taken back by undo"), "\(unapproved)")
    // A change made on the trusted list is undone and redone as before.
    try cli.ok("workspace", "member", "set", "bob", "author")
    try cli.ok("undo")
    let bobIs = { (role: String) throws -> Bool in
      try cli.ok("workspace", "member", "list").split(separator: "\n").contains {
        $0.hasPrefix("bob ") && $0.contains(" \(role) ")
      }
    }
    #expect(try bobIs("Operator"))
    try cli.ok("redo")
    #expect(try bobIs("Author"))
    #expect(try cli.run("workspace", "member", "list").stderr.isEmpty)
  }

  /// A delivery record says which objects in Airflow are airenv's (what `apply --prune`
  /// deletes, what an apply overwrites without --adopt): it counts only as an Owner or Operator
  /// signed it. One edited, or written without a signature, by someone who can push is refused.
  @Test func aDeliveryRecordCountsOnlyAsSigned() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "member")
    try cli.ok("target", "set", "prod", "--directory", cli.scratch + "/out", "--format", "airflow-env")
    try cli.ok("apply", "--deployment", "prod", "--yes")
    let delivery = directory + "/delivery/"
    let names = try FileManager.default.contentsOfDirectory(atPath: delivery).sorted()
    #expect(names.count == 2 && names[0].hasSuffix(".json") && names[1].hasSuffix(".sig"), "\(names)")
    let record = delivery + names[0]
    let signed = try Data(contentsOf: URL(fileURLWithPath: record))
    #expect(try cli.run("plan", "--deployment", "prod").status == 0)
    // bob (a Member) names rows of someone else's as airenv's.
    let text = String(decoding: signed, as: UTF8.self)
    let forged = text.replacingOccurrences(
      of: "\"connections\" : {", with: #""connections" : { "aws_prod" : { "fields" : {}, "secrets" : {} },"#)
    #expect(forged != text)
    try forged.write(toFile: record, atomically: true, encoding: .utf8)
    let refused = try cli.run("plan", "--deployment", "prod")
    #expect(refused.status == 4 && refused.stderr.contains("the record was changed"), "\(refused)")
    #expect(try cli.run("apply", "--deployment", "prod", "--yes", "--prune").status == 4)
    try FileManager.default.removeItem(atPath: delivery + names[1])
    let unsigned = try cli.run("plan", "--deployment", "prod")
    #expect(unsigned.status == 4 && unsigned.stderr.contains("it is not signed"), "\(unsigned)")
    // Removed, the next apply records (and signs) anew.
    try FileManager.default.removeItem(atPath: record)
    try cli.ok("apply", "--deployment", "prod", "--yes")
    #expect(try cli.run("plan", "--deployment", "prod").status == 0)
  }

  /// Someone who can push removes every marker of a data key (the index's mark, the header's
  /// fingerprint, `keys.json`) to turn verification off, and edits an object. The Workspace still
  /// verifies, here (its anchor seen) and on a machine that never saw it (its history begins with
  /// a signed creation under a data key): the edit is unverified and export refuses.
  @Test func removingTheMarksOfADataKeyTurnsNoCheckOff() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "operator")
    try cli.ok("variable", "list")
    let index = cli.repository + "/airenv.json"
    let unmarked = try String(contentsOfFile: index, encoding: .utf8).replacingOccurrences(
      of: #""dataKeys" : true,"#, with: "")
    try unmarked.write(toFile: index, atomically: true, encoding: .utf8)
    let header = directory + "/workspace.json"
    let unrecorded = try String(contentsOfFile: header, encoding: .utf8).replacingOccurrences(
      of: #""dataKey" : "[0-9a-f]{16}",\n *"#, with: "", options: .regularExpression)
    try unrecorded.write(toFile: header, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: directory + "/keys.json")
    try editRegion(in: directory, "eu-west-1", "attacker-region")
    for cache in [cli.scratch + "/.cache", cli.scratch + "/a-new-machine"] {
      let environment = ["XDG_CACHE_HOME": cache]
      let listed = try cli.run(["variable", "list"], environment: environment)
      #expect(listed.stderr.contains("unverified") && listed.stderr.contains("workspace team"), "\(listed)")
      let exported = try cli.run(
        ["export", "--deployment", "prod", "--format", "env"], environment: environment)
      #expect(exported.status == 4 && !exported.stdout.contains("attacker-region"), "\(exported)")
    }
    // With the signed creation gone too, a machine that never saw the Workspace cannot tell it
    // from a shared-key one, unless told to require verification (as CI should be).
    let history = directory + "/history/"
    let creation = try #require(try FileManager.default.contentsOfDirectory(atPath: history).sorted().first)
    for name in [creation, String(creation.dropLast(5)) + ".sig"] {
      try FileManager.default.removeItem(atPath: history + name)
    }
    let required = ["XDG_CACHE_HOME": cli.scratch + "/a-ci-runner", "AIRENV_REQUIRE_VERIFIED": "1"]
    let exported = try cli.run(["export", "--deployment", "prod", "--format", "env"], environment: required)
    #expect(exported.status == 4 && !exported.stdout.contains("attacker-region"), "\(exported)")
  }

  /// `history purge` signs again only the entries whose signature held: one nobody can show is
  /// its author's (its signature removed, or made up by hand) stays unsigned.
  @Test func aPurgeVouchesForNoEntryNobodySigned() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "operator")
    try cli.ok("variable", "update", "region", "--value", "a-pin-1234")
    let history = directory + "/history/"
    let unsigned = try #require(
      try FileManager.default.contentsOfDirectory(atPath: history).filter { $0.hasSuffix(".sig") }.sorted()
        .last)
    try cli.ok("variable", "update", "region", "--value", "a-pin-5678")
    try FileManager.default.removeItem(atPath: history + unsigned)
    try cli.ok("variable", "update", "region", "--secret")
    let purged = try cli.run("history", "purge", "--variable", "region")
    #expect(purged.status == 0, "\(purged)")
    let entries = try #require(try cli.run("history", "--output", "json").json as? [[String: Any]])
    let signatures = Dictionary(
      uniqueKeysWithValues: entries.map { ($0["sequence"] as! Int, $0["signature"] as! String) })
    let sequence = Int(unsigned.split(separator: "-")[1])!
    #expect(signatures[sequence] == "unsigned", "\(signatures)")
    #expect(signatures.values.contains("rewritten"), "\(signatures)")
  }

  /// A Deployment whose file was edited by hand (its target's address) is not connected to:
  /// neither `target check` nor `pull` sends its credentials there.
  @Test func anUnverifiedTargetIsNotConnectedTo() throws {
    let cli = CLI()
    let directory = try team(cli, bob: "operator")
    let set = try cli.run(
      ["target", "set", "prod", "--airflow-url", "http://127.0.0.1:9/", "--token-env", "TOKEN"],
      environment: ["TOKEN": "a-token-123"])
    #expect(set.status == 0, "\(set)")
    let deployments = directory + "/deployments/"
    let file =
      deployments + (try #require(try FileManager.default.contentsOfDirectory(atPath: deployments).first))
    let text = try String(contentsOfFile: file, encoding: .utf8)
    try text.replacingOccurrences(of: "127.0.0.1:9", with: "127.0.0.1:7").write(
      toFile: file, atomically: true, encoding: .utf8)
    for arguments in [["target", "check", "prod"], ["pull", "--deployment", "prod", "--dry-run"]] {
      let refused = try cli.run(arguments)
      #expect(refused.status == 4 && refused.stderr.contains("deployment prod ("), "\(arguments): \(refused)")
    }
    #expect(try cli.ok("target", "show", "prod").contains("127.0.0.1:7"))
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
