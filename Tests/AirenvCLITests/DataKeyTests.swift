import Foundation
import Testing

/// Secrets readable only by those allowed, by cryptography (issue 13, part 5): after `key
/// migrate` each Workspace's secrets are sealed with a data key wrapped for each member who may
/// read them. A process that holds the whole repository and an identity the key is not wrapped
/// for decrypts nothing, whatever it claims; removing a reader makes a new key.
@Suite("Data keys wrapped per member")
struct DataKeyTests {
  /// Every secret the Workspace below holds, one per kind of secret field.
  static let secrets = [
    "base-password-Ωmega", "override-password-ψ", "extra-api-key-7f3a", "secret-variable-value",
    "override-variable-value", "target-token-bearer",
  ]

  /// A Workspace holding a secret in each kind of field, with alice's identity recorded as its
  /// Owner and the key migrated; bob's identity made in `bob-config`.
  private func team(_ cli: CLI) throws -> (alice: String, bob: String) {
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("deployment", "create", "prod")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "db", "--password", Self.secrets[0],
      "--extra-set", "api_key=\(Self.secrets[2])", "--link-all")
    try cli.ok("connection", "link", "db", "--deployment", "prod", "--password", Self.secrets[1])
    try cli.ok("variable", "create", "token", "--value", Self.secrets[3], "--secret", "--link-all")
    try cli.ok("variable", "link", "token", "--deployment", "prod", "--value", Self.secrets[4])
    let target = try cli.run(
      ["target", "set", "prod", "--airflow-url", "http://127.0.0.1:9", "--token-env", "TOKEN"],
      environment: ["TOKEN": Self.secrets[5]])
    #expect(target.status == 0, "\(target.stderr)")
    try cli.ok("identity", "create")
    let bobCreated = try cli.run(["identity", "create"], environment: cli.person("bob"))
    #expect(bobCreated.status == 0, "\(bobCreated.stderr)")
    let alice = try cli.publicKey()
    try cli.ok("workspace", "member", "set", "alice", "owner", "--public-key", alice)
    let migrated = try cli.ok("key", "migrate")
    #expect(migrated.contains("Workspace team: a new data key"), "\(migrated)")
    return (alice, try cli.publicKey(cli.person("bob")))
  }

  /// Everything a process can print of every secret: each object revealed, each Deployment
  /// resolved revealed and exported with secrets, stdout and stderr together.
  private func everythingShown(_ cli: CLI, _ environment: [String: String]) throws -> String {
    var shown = ""
    for arguments in [
      ["connection", "get", "db", "--reveal"],
      ["connection", "get", "db", "--deployment", "prod", "--reveal"],
      ["variable", "get", "token", "--reveal"],
      ["variable", "get", "token", "--deployment", "prod", "--reveal"],
      ["resolve", "--deployment", "prod", "--reveal", "--output", "json"],
      ["export", "--deployment", "prod", "--format", "airflow-json", "--include-secrets"],
      ["target", "show", "prod"], ["key", "status"], ["doctor"],
    ] {
      let result = try cli.run(arguments, environment: environment)
      shown += result.stdout + result.stderr
    }
    let (files, result) = try exportAll(cli, environment)
    return shown + files + result.stderr
  }

  /// `export --all` with secrets into a fresh directory: every file's text, in name order.
  private func exportAll(_ cli: CLI, _ environment: [String: String] = [:]) throws -> (String, CLI.Result) {
    let directory = cli.scratch + "/export-\(UUID().uuidString)"
    let result = try cli.run(
      ["export", "--all", "--format", "airflow-json", "--out", directory, "--include-secrets"],
      environment: environment)
    let names = ((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []).sorted()
    let text = names.map { name in
      name + "\n"
        + String(
          decoding: FileManager.default.contents(atPath: directory + "/" + name) ?? Data(), as: UTF8.self)
    }.joined(separator: "\n")
    return (text, result)
  }

  @Test func aMemberHoldingTheWholeRepositoryDecryptsNoSecret() throws {
    let cli = CLI()
    let (_, bobKey) = try team(cli)
    try cli.ok("workspace", "member", "set", "bob", "member", "--public-key", bobKey)
    // The Owner sees every secret: the search below could find them.
    let owners = try everythingShown(cli, [:])
    for secret in Self.secrets.dropLast() { #expect(owners.contains(secret), "\(secret)") }

    // Bob's own copy, with a client that ignores roles: his copy's header makes him an Owner
    // and he also holds the shared key that encrypted everything before the migration.
    let copy = cli.scratch + "/bobs-copy"
    try FileManager.default.copyItem(atPath: cli.repository, toPath: copy)
    let header = try #require(
      try FileManager.default.subpathsOfDirectory(atPath: copy).first { $0.hasSuffix("/workspace.json") })
    let text = try String(contentsOfFile: copy + "/" + header, encoding: .utf8)
    try text.replacingOccurrences(of: "\"bob\" : \"member\"", with: "\"bob\" : \"owner\"")
      .write(toFile: copy + "/" + header, atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
      atPath: cli.scratch + "/bob-config/airenv", withIntermediateDirectories: true)
    let sharedKey = cli.scratch + "/bob-config/shared.key"
    try FileManager.default.copyItem(atPath: cli.scratch + "/.config/airenv/key", toPath: sharedKey)
    chmod(sharedKey, 0o600)
    var hostile = cli.person("bob")
    hostile["AIRENV_REPO"] = copy
    hostile["AIRENV_KEY_FILE"] = sharedKey
    #expect(try cli.run(["variable", "list"], environment: hostile).status == 0)
    let shown = try everythingShown(cli, hostile)
    for secret in Self.secrets { #expect(!shown.contains(secret), "bob read \(secret)") }
    #expect(shown.contains("data key is not wrapped for bob"), "\(shown)")
    // Nor is any secret on disk in the clear.
    for path in try FileManager.default.subpathsOfDirectory(atPath: copy) {
      let bytes = FileManager.default.contents(atPath: copy + "/" + path) ?? Data()
      for secret in Self.secrets {
        #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "\(path)")
      }
    }
  }

  @Test func removingAReaderMakesANewKeyTheirOldCopyCannotOpen() throws {
    let cli = CLI()
    let (_, bobKey) = try team(cli)
    try cli.ok("workspace", "member", "set", "bob", "operator", "--public-key", bobKey)
    // Bob, an Operator, reads every secret with his identity.
    let asOperator = try everythingShown(cli, cli.person("bob"))
    for secret in Self.secrets.dropLast() { #expect(asOperator.contains(secret), "\(secret)") }
    let keys = try #require(
      try FileManager.default.subpathsOfDirectory(atPath: cli.repository).first { $0.hasSuffix("/keys.json") }
    )
    let bobsOldKeys = try Data(contentsOf: URL(fileURLWithPath: cli.repository + "/" + keys))

    try cli.ok("workspace", "member", "remove", "bob")
    #expect(try cli.ok("history", "--limit", "1").contains("a new data key (3 files sealed again)"))
    try cli.ok("variable", "update", "token", "--value", "written-after-bob-left")
    // Bob's old wrap put back beside the new files, with his membership restored by hand:
    // what was sealed before or after his removal stays shut.
    let copy = cli.scratch + "/bobs-view"
    try FileManager.default.copyItem(atPath: cli.repository, toPath: copy)
    try bobsOldKeys.write(to: URL(fileURLWithPath: copy + "/" + keys))
    let header = try #require(
      try FileManager.default.subpathsOfDirectory(atPath: copy).first { $0.hasSuffix("/workspace.json") })
    var stored = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: copy + "/" + header)))
        as? [String: Any])
    var members = try #require(stored["members"] as? [String: String])
    var memberKeys = try #require(stored["memberKeys"] as? [String: String])
    members["bob"] = "owner"
    memberKeys["bob"] = bobKey
    stored["members"] = members
    stored["memberKeys"] = memberKeys
    try JSONSerialization.data(withJSONObject: stored).write(to: URL(fileURLWithPath: copy + "/" + header))
    var hostile = cli.person("bob")
    hostile["AIRENV_REPO"] = copy
    let shown = try everythingShown(cli, hostile)
    for secret in Self.secrets + ["written-after-bob-left"] {
      #expect(!shown.contains(secret), "bob read \(secret)")
    }
    // The Owner still reads everything, the new value included.
    let owners = try everythingShown(cli, [:])
    #expect(owners.contains("written-after-bob-left") && owners.contains(Self.secrets[0]))
    // Without his key recorded again, bob gets nothing; with it, the new key.
    try cli.ok("workspace", "member", "set", "bob", "operator")
    let nameOnly = try cli.run(["variable", "get", "token", "--reveal"], environment: cli.person("bob"))
    #expect(
      nameOnly.status == 1 && nameOnly.stderr.contains("data key is not wrapped for bob"),
      "\(nameOnly.stderr)")
    try cli.ok("workspace", "member", "set", "bob", "operator", "--public-key", bobKey)
    #expect(
      try cli.run(["variable", "get", "token", "--reveal"], environment: cli.person("bob")).stdout
        .contains("written-after-bob-left"))
  }

  @Test func loweringARoleOrTurningOffSecretsFetchingRenewsTheKey() throws {
    let cli = CLI()
    let (_, bobKey) = try team(cli)
    try cli.ok("workspace", "member", "set", "bob", "author", "--public-key", bobKey)
    func wrappedFor() throws -> [String] {
      let status = try cli.run("key", "status", "--output", "json")
      let view = try #require(status.json as? [String: Any], "\(status.stderr)")
      let dataKeys = try #require(view["dataKeys"] as? [[String: Any]])
      return try #require(dataKeys.first?["wrappedFor"] as? [String])
    }
    func fingerprint() throws -> String {
      let view = try #require(try cli.run("key", "status", "--output", "json").json as? [String: Any])
      return try #require((view["dataKeys"] as? [[String: Any]])?.first?["fingerprint"] as? String)
    }
    #expect(try wrappedFor() == ["alice"])
    let first = try fingerprint()
    // secretsFetching lets Authors export secrets: the same key is wrapped for bob too.
    try cli.ok("workspace", "settings", "--secrets-fetching", "on")
    #expect(try wrappedFor() == ["alice", "bob"])
    #expect(try fingerprint() == first)
    let exported = try cli.run(
      ["export", "--deployment", "dev", "--format", "env", "--include-secrets"],
      environment: cli.person("bob"))
    #expect(exported.stdout.contains(Self.secrets[0]), "\(exported.stderr)")
    // Off again: bob may no longer read, so the key is new and his wrap gone.
    try cli.ok("workspace", "settings", "--secrets-fetching", "off")
    #expect(try wrappedFor() == ["alice"])
    #expect(try fingerprint() != first)
    // Made Owner, bob receives the same key; lowered to Member, he leaves it behind.
    try cli.ok("workspace", "member", "set", "bob", "owner")
    #expect(try wrappedFor() == ["alice", "bob"])
    let second = try fingerprint()
    try cli.ok("workspace", "member", "set", "bob", "member")
    #expect(try wrappedFor() == ["alice"])
    let third = try fingerprint()
    #expect(third != second)
    // Secrets bob may not open are his role, not a problem doctor reports to him.
    let doctor = try cli.run(["doctor"], environment: cli.person("bob"))
    #expect(!doctor.stdout.contains("do not decrypt"), "\(doctor.stdout)")
    // A rotation makes a new key for the same readers; every secret still opens.
    #expect(try cli.ok("key", "rotate").contains("wrapped for alice"))
    #expect(try fingerprint() != third && (try wrappedFor()) == ["alice"])
    let rotatedExport = try cli.ok("export", "--deployment", "prod", "--format", "env", "--include-secrets")
    let base =
      try cli.ok("connection", "get", "db", "--reveal") + cli.ok("variable", "get", "token", "--reveal")
    for secret in Self.secrets.dropLast() {
      #expect(rotatedExport.contains(secret) || base.contains(secret), "\(secret)")
    }
  }

  @Test func migrationKeepsEverySecretAndTheSharedKeyOpensNothingAfter() throws {
    let cli = CLI()
    try cli.ok("demo")
    func exported() throws -> String {
      let (files, result) = try exportAll(cli)
      #expect(result.status == 0, "\(result.stderr)")
      return files
    }
    let before = try exported()
    // Without an identity there is nothing to wrap the keys for.
    let refused = try cli.run("key", "migrate")
    #expect(refused.status != 0 && refused.stderr.contains("airenv identity create"), "\(refused.stderr)")
    try cli.ok("identity", "create")
    let migrated = try cli.ok("key", "migrate")
    #expect(migrated.contains("wrapped for alice"), "\(migrated)")
    #expect(try exported() == before)
    #expect(try cli.ok("key", "migrate").contains("nothing changed"))
    // The shared key alone (no identity) opens nothing now (aMemberHoldingTheWholeRepository…
    // shows the same for a client that ignores who may act).
    let keyOnly = cli.scratch + "/key-only"
    try FileManager.default.createDirectory(atPath: keyOnly + "/airenv", withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: cli.scratch + "/.config/airenv/key", toPath: keyOnly + "/airenv/key")
    let (files, withKeyOnly) = try exportAll(cli, ["XDG_CONFIG_HOME": keyOnly])
    #expect(withKeyOnly.status != 0 && files.isEmpty, "\(files)")
    #expect(try cli.ok("history", "--limit", "1").contains("key migrate"))
  }

  @Test func aHandEditedKeyFileIsRefusedNamingIt() throws {
    let cli = CLI()
    _ = try team(cli)
    let keys = try #require(
      try FileManager.default.subpathsOfDirectory(atPath: cli.repository).first { $0.hasSuffix("/keys.json") }
    )
    let path = cli.repository + "/" + keys
    let original = try String(contentsOfFile: path, encoding: .utf8)
    var stored = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
    var wrapped = try #require(stored["wrapped"] as? [String: [String: String]])
    // A ciphertext of the right size that is not the one airenv wrote.
    wrapped["alice"]?["ciphertext"] = Data(repeating: 7, count: 48).base64EncodedString()
    stored["wrapped"] = wrapped
    try JSONSerialization.data(withJSONObject: stored).write(to: URL(fileURLWithPath: path))
    let result = try cli.run("variable", "get", "token", "--reveal")
    #expect(result.status == 1 && result.stderr.contains(path), "\(result.stderr)")
    #expect(result.stderr.contains("its signature by alice does not match it"))
    // An unknown member is refused like any other stored file's.
    try original.replacingOccurrences(of: "\"wrapped\"", with: "\"wraped\"").write(
      toFile: path, atomically: true, encoding: .utf8)
    let misspelt = try cli.run("variable", "list")
    #expect(
      misspelt.status == 1 && misspelt.stderr.contains("unknown member \"wraped\""), "\(misspelt.stderr)")
  }
}

/// What a teammate with write access to the files (or a git merge) can try against data keys.
@Suite("Data keys against hand edits")
struct DataKeyHandEditTests {
  /// What `user` is shown of variable `token` revealed (nothing when refused).
  private func revealedToken(_ cli: CLI, as user: String) throws -> String {
    try cli.run(["variable", "get", "token", "--reveal"], environment: cli.person(user)).stdout
  }

  /// alice, Owner with a data key and one secret; mallory a Member known by her key.
  private func team(_ cli: CLI) throws -> (keys: String, header: String) {
    try cli.ok("init")
    try cli.ok("workspace", "create", "team")
    try cli.ok("variable", "create", "token", "--value", "alice-secret-1", "--secret", "--link-all")
    #expect(try cli.run(["identity", "create"], environment: cli.person("mallory")).status == 0)
    let key = try cli.publicKey(cli.person("mallory"))
    try cli.ok("workspace", "member", "set", "mallory", "member", "--public-key", key)
    let files = try FileManager.default.subpathsOfDirectory(atPath: cli.repository)
    return (
      cli.repository + "/" + (try #require(files.first { $0.hasSuffix("/keys.json") })),
      cli.repository + "/" + (try #require(files.first { $0.hasSuffix("/workspace.json") }))
    )
  }

  private func promote(_ header: String, _ user: String, to role: String) throws {
    let text = try String(contentsOfFile: header, encoding: .utf8)
    let edited = text.replacingOccurrences(of: "\"\(user)\" : \"member\"", with: "\"\(user)\" : \"\(role)\"")
    #expect(edited != text)
    try edited.write(toFile: header, atomically: true, encoding: .utf8)
  }

  @Test func aMemberWhoMakesHerselfOperatorByHandIsGivenNothing() throws {
    let cli = CLI()
    let (_, header) = try team(cli)
    try promote(header, "mallory", to: "operator")
    // alice's next saves do not wrap the key for a reader no change of hers granted.
    try cli.ok("variable", "create", "plain", "--value", "hello")
    try cli.ok("variable", "update", "token", "--value", "alice-secret-2")
    #expect(!(try revealedToken(cli, as: "mallory")).contains("alice-secret"))
    #expect(try cli.ok("key", "status").contains("wrapped for alice;"))
    // Nor does `key migrate` while the member list is unverified: an Owner who means it
    // approves the list as stored, which grants the key.
    let migrated = try cli.run("key", "migrate")
    #expect(migrated.status != 0 && migrated.stderr.contains("approve it with `airenv approve workspace`"))
    #expect(try cli.ok("key", "status").contains("wrapped for alice;"))
    try cli.ok("approve", "workspace")
    #expect(try cli.ok("key", "status").contains("wrapped for alice, mallory;"))
    #expect(try revealedToken(cli, as: "mallory").contains("alice-secret-2"))
  }

  @Test func anEnvelopeNotSignedByAnOwnerIsRefusedAndNothingIsSealedWithIt() throws {
    let cli = CLI()
    let (keys, header) = try team(cli)
    // In a copy of her own, mallory is Owner, has removed the secrets and made a key she holds,
    // wrapped for alice too; she puts that envelope back into the shared repository.
    let copy = cli.scratch + "/mallorys-copy"
    try FileManager.default.copyItem(atPath: cli.repository, toPath: copy)
    let copied = copy + String(header.dropFirst(cli.repository.count))
    try promote(copied, "mallory", to: "owner")
    // Her copy no longer says it keeps a data key: the header's record of one goes too.
    let recorded = try String(contentsOfFile: copied, encoding: .utf8)
    let unrecorded = recorded.replacingOccurrences(
      of: #""dataKey" : "[0-9a-f]{16}",\n *"#, with: "", options: .regularExpression)
    #expect(unrecorded != recorded)
    try unrecorded.write(toFile: copied, atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(atPath: copy + String(keys.dropFirst(cli.repository.count)))
    let variables = copied.replacingOccurrences(of: "/workspace.json", with: "/variables")
    try FileManager.default.removeItem(atPath: variables)
    let index = try String(contentsOfFile: copy + "/airenv.json", encoding: .utf8)
    try index.replacingOccurrences(of: "\"dataKeys\" : true,", with: "").write(
      toFile: copy + "/airenv.json", atomically: true, encoding: .utf8)
    var environment = cli.person("mallory")
    environment["AIRENV_REPO"] = copy
    let made = try cli.run(["key", "migrate"], environment: environment)
    #expect(made.status == 0, "\(made.stderr)")
    let forged = try Data(
      contentsOf: URL(fileURLWithPath: copy + String(keys.dropFirst(cli.repository.count))))
    try forged.write(to: URL(fileURLWithPath: keys))
    let written = try cli.run("variable", "create", "new_token", "--value", "alice-new-secret", "--secret")
    #expect(written.status == 1 && written.stderr.contains("who is not an Owner"), "\(written.stderr)")
    #expect(written.stderr.contains(keys))
    let files = try FileManager.default.subpathsOfDirectory(atPath: cli.repository)
    for file in files {
      let text = String(
        decoding: FileManager.default.contents(atPath: cli.repository + "/" + file) ?? Data(), as: UTF8.self)
      #expect(!text.contains("new_token"), "\(file)")
    }
  }

  @Test func anOlderEnvelopeBroughtBackIsRefusedAndNamed() throws {
    let cli = CLI()
    let (keys, _) = try team(cli)
    let key = try cli.publicKey(cli.person("mallory"))
    let old = try Data(contentsOf: URL(fileURLWithPath: keys))
    // mallory reads secrets for a while, then is lowered again: a new key.
    try cli.ok("workspace", "member", "set", "mallory", "operator", "--public-key", key)
    try cli.ok("workspace", "member", "set", "mallory", "member")
    // She brings back the envelope from before (signed by alice, of a key she once held).
    try old.write(to: URL(fileURLWithPath: keys))
    let written = try cli.run("variable", "create", "later", "--value", "after-mallory-left", "--secret")
    #expect(written.status == 1 && written.stderr.contains(keys), "\(written.stderr)")
    #expect(written.stderr.contains("brought back from an older state"), "\(written.stderr)")
    let doctor = try cli.run("doctor")
    #expect(
      doctor.status == 1 && doctor.stdout.contains("brought back from an older state"), "\(doctor.stdout)")
  }

  @Test func anOwnerWhoSignedTheKeyCanBeLoweredByAnother() throws {
    let cli = CLI()
    _ = try team(cli)
    let bob = cli.person("bob")
    #expect(try cli.run(["identity", "create"], environment: bob).status == 0)
    let key = try cli.publicKey(bob)
    try cli.ok("workspace", "member", "set", "bob", "owner", "--public-key", key)
    // alice cannot lower herself: the envelope she signed needs an Owner's signature after.
    let herself = try cli.run("workspace", "member", "set", "alice", "operator")
    #expect(herself.status != 0 && herself.stderr.contains("another Owner must make it"), "\(herself.stderr)")
    // bob can: he signs the envelope anew, and everyone still reads what they may.
    let lowered = try cli.run(["workspace", "member", "set", "alice", "operator"], environment: bob)
    #expect(lowered.status == 0, "\(lowered.stderr)")
    #expect(try cli.ok("variable", "get", "token", "--reveal").contains("alice-secret-1"))
    #expect(try revealedToken(cli, as: "bob").contains("alice-secret-1"))
    #expect(try cli.ok("doctor").contains("no problems"))
  }

  @Test func aMissingEnvelopeIsRefusedNotReplacedByTheSharedKey() throws {
    let cli = CLI()
    let (keys, _) = try team(cli)
    try FileManager.default.removeItem(atPath: keys)
    let written = try cli.run("variable", "create", "x", "--value", "new-x", "--secret")
    #expect(written.status == 1 && written.stderr.contains(keys) && written.stderr.contains("missing"))
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/.config/airenv/key"))
    #expect(try cli.run("variable", "list").status == 1)
  }

  @Test func purgeAndUndoKeepTheDataKey() throws {
    let cli = CLI()
    _ = try team(cli)
    try cli.ok("variable", "create", "pin", "--value", "pin-1111", "--link-all")
    try cli.ok("variable", "update", "pin", "--secret")
    try cli.ok("history", "purge", "--variable", "pin")
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/.config/airenv/key"))
    try cli.ok("undo")
    try cli.ok("redo")
    #expect(try cli.ok("variable", "get", "pin", "--reveal").contains("pin-1111"))
    // An entry that kept a secret sealed with a key replaced since is not undone (a rotation
    // itself is passed over: there is no earlier key to go back to).
    try cli.ok("variable", "delete", "token", "--yes")
    #expect(try cli.ok("key", "rotate").contains("a new data key"))
    let undone = try cli.run("undo")
    #expect(
      undone.status != 0 && undone.stderr.contains("sealed with a key that was replaced since"),
      "\(undone.stderr)")
    #expect(try cli.run("variable", "get", "token").status != 0)
  }

  /// A redo refused because the object was stored anew since says it cannot be redone (it said
  /// "undone").
  @Test func aRedoOfAnObjectStoredAnewSaysItCannotBeRedone() throws {
    let cli = CLI()
    _ = try team(cli)
    try cli.ok("variable", "update", "token", "--value", "second")
    try cli.ok("undo")
    #expect(try cli.ok("key", "rotate").contains("a new data key"))
    let redone = try cli.run("redo")
    #expect(
      redone.status != 0 && redone.stderr.contains("so it cannot be redone")
        && !redone.stderr.contains("undone"), "\(redone.stderr)")
  }
}

/// Single-user use (issue 13, part 7): `init` makes the identity, and a Workspace is born with
/// its creator as Owner and a data key; no shared key is ever made.
@Suite("init: one person, no extra step")
struct SoloInitTests {
  @Test func initMakesAnIdentityAndWorkspacesAreBornWithADataKey() throws {
    let cli = CLI()
    let said = try cli.ok("init")
    #expect(
      said.contains("created an identity for alice") && said.contains("public key: airenv-id1:"), "\(said)")
    try cli.ok("workspace", "create", "solo")
    let members = try cli.ok("workspace", "member", "list")
    #expect(members.contains("alice") && members.contains("Owner"), "\(members)")
    try cli.ok("variable", "create", "api_token", "--value", "solo-secret-42", "--link-all")
    #expect(try cli.ok("variable", "get", "api_token", "--reveal").contains("solo-secret-42"))
    // The secret is sealed with the Workspace's data key: no shared key file was made.
    #expect(!FileManager.default.fileExists(atPath: cli.scratch + "/.config/airenv/key"))
    let files = try FileManager.default.subpathsOfDirectory(atPath: cli.repository)
    #expect(files.contains { $0.hasSuffix("/keys.json") })
    // Naming someone else is not enough to act, and init again changes nothing.
    #expect(try cli.run("variable", "list", "--user", "bob").status == 5)
    #expect(try cli.ok("init").contains("a repository exists"))
    #expect(try cli.run("identity", "create").status == 1)
    // Without the identity, a new Workspace cannot be made (nobody could open its secrets).
    let elsewhere = try cli.run(
      ["workspace", "create", "other"], environment: ["XDG_CONFIG_HOME": cli.scratch + "/nobody"])
    #expect(
      elsewhere.status != 0 && elsewhere.stderr.contains("airenv identity create"), "\(elsewhere.stderr)")
  }
}
