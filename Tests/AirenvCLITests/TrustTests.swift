import Foundation
import Testing

@Suite("CLI: secrets at rest, keys, roles and read-only mode")
struct TrustTests {
  static let secrets = [
    "stdin-pass-Ω1", "env-pass-Ω2", "override-pass-Ω3", "token-in-extra-Ω4", "marked-extra-Ω5",
    "secret-variable-Ω6", "named-secret-Ω7", "override-value-Ω8", "nested-token-Ω9",
  ]

  /// Every kind of secret field, given through stdin, the environment and flags.
  func repositoryWithSecrets() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("deployment", "create", "prod")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "db.example.com", "--password-stdin",
      "--link-all", "--extra", #"{"api_token": "token-in-extra-Ω4", "auth": {"bearer": "nested-token-Ω9"}}"#,
      "--extra-set", "cert=marked-extra-Ω5", "--secret-extra", "cert", input: "stdin-pass-Ω1\n")
    try cli.ok(
      "connection", "create", "api", "--type", "http", "--password-env", "API_PW",
      environment: ["API_PW": "env-pass-Ω2"])
    try cli.ok(
      "connection", "link", "db", "--deployment", "prod", "--password-stdin", input: "override-pass-Ω3")
    try cli.ok(
      "variable", "create", "vault", "--secret", "--value-stdin", "--link-all", input: "secret-variable-Ω6\n")
    try cli.ok(
      "variable", "create", "slack_webhook_url", "--value-env", "HOOK",
      environment: ["HOOK": "named-secret-Ω7"])
    try cli.ok(
      "variable", "link", "vault", "--deployment", "prod", "--value-stdin", input: "override-value-Ω8")
    return cli
  }

  func allBytes(under directory: String) throws -> [(String, Data)] {
    let files = FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []
    return try files.compactMap { name in
      let path = directory + "/" + name
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
      else {
        return nil
      }
      return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
    }
  }

  @Test func noSecretPlaintextAppearsAnywhereInTheRepository() throws {
    let cli = try repositoryWithSecrets()
    let files = try allBytes(under: cli.repository)
    #expect(files.count > 5)
    for secret in Self.secrets {
      for (path, bytes) in files {
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in plain text in \(path)")
      }
    }
    // …and every one of them reads back with the key.
    let prod = try cli.ok("resolve", "--deployment", "prod", "--reveal", "--output", "json")
    for secret in [
      "override-pass-Ω3", "token-in-extra-Ω4", "marked-extra-Ω5", "override-value-Ω8", "nested-token-Ω9",
    ] {
      #expect(prod.contains(secret), "\(secret) does not read back")
    }
    let dev = try cli.ok("resolve", "--deployment", "dev", "--reveal", "--output", "json")
    #expect(dev.contains("stdin-pass-Ω1") && dev.contains("secret-variable-Ω6"))
    // Masked output says which fields are withheld, without their values.
    let masked = try cli.ok("resolve", "--deployment", "prod", "--output", "json")
    for secret in Self.secrets { #expect(!masked.contains(secret)) }
    #expect(masked.contains("\"extra.cert\""))
  }

  @Test func aSecretValueOnTheCommandLineIsWarnedAboutOnce() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("variable", "create", "pager_key", "--value-stdin", "--secret", input: "s1")
    try cli.ok("variable", "create", "region", "--value", "eu")
    let warning = "--value leaks a secret into shell history"
    for arguments in [
      ["variable", "update", "pager_key", "--value", "s2"],
      ["variable", "link", "pager_key", "--deployment", "prod", "--value", "s3"],
      ["variable", "create", "api_token", "--value", "s4"],
    ] {
      let result = try cli.run(arguments)
      #expect(result.status == 0)
      #expect(result.stderr.components(separatedBy: warning).count == 2, "\(arguments): \(result.stderr)")
    }
    for arguments in [
      ["variable", "update", "region", "--value", "us"],
      ["variable", "link", "region", "--deployment", "prod", "--value", "eu-west"],
      ["variable", "update", "pager_key", "--value-stdin"],
    ] {
      let result = try cli.run(arguments, input: "s5")
      #expect(result.status == 0)
      #expect(!result.stderr.contains(warning), "\(arguments)")
    }
  }

  @Test func keyAndRepositoryFilesAre0600AndDirectories0700() throws {
    let cli = try repositoryWithSecrets()
    let key = cli.scratch + "/.config/airenv/key"
    for path in [key] + (try allBytes(under: cli.repository)).map(\.0) {
      let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber
      #expect(mode.intValue == 0o600, "\(path)")
    }
    let directories = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .map { cli.repository + "/" + $0 }.filter { path in
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
          && isDirectory.boolValue
      }
    for path in [cli.repository, cli.scratch + "/.config/airenv"] + directories {
      let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber
      #expect(mode.intValue == 0o700, "\(path)")
    }
  }

  @Test func aCiphertextMovedToAnotherFieldOrObjectFailsAuthentication() throws {
    let cli = try repositoryWithSecrets()
    let files = try allBytes(under: cli.repository).filter { $0.0.contains("/connections/") }
    func ciphertext(of path: String, field: String) throws -> String {
      let text = String(decoding: try #require(FileManager.default.contents(atPath: path)), as: UTF8.self)
      let pattern = try NSRegularExpression(pattern: "\"\(field)\" : \"(enc:v1:[^\"]+)\"")
      let match = try #require(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)))
      return String(text[Range(match.range(at: 1), in: text)!])
    }
    let db = try #require(files.first { String(decoding: $0.1, as: UTF8.self).contains("\"key\" : \"db\"") })
      .0
    let api = try #require(
      files.first { String(decoding: $0.1, as: UTF8.self).contains("\"key\" : \"api\"") }
    ).0
    let dbText = String(decoding: try Data(contentsOf: URL(fileURLWithPath: db)), as: UTF8.self)
    let basePassword = try ciphertext(of: db, field: "password")
    // Object swap: db's base password into api's base password.
    let apiText = String(decoding: try Data(contentsOf: URL(fileURLWithPath: api)), as: UTF8.self)
    try Data(
      apiText.replacingOccurrences(of: try ciphertext(of: api, field: "password"), with: basePassword).utf8
    )
    .write(to: URL(fileURLWithPath: api))
    // Field swap: db's base password into its api_token extra.
    try Data(
      dbText.replacingOccurrences(of: try ciphertext(of: db, field: "api_token"), with: basePassword).utf8
    )
    .write(to: URL(fileURLWithPath: db))

    let reveal = try cli.run("connection", "get", "api", "--reveal")
    #expect(reveal.status == 1)
    #expect(reveal.stderr.contains("cannot reveal password"))
    #expect(!reveal.stdout.contains("stdin-pass-Ω1"))
    let status = try cli.ok("key", "status")
    #expect(status.contains(#"connection "api" base/password: tampered"#))
    #expect(status.contains(#"connection "db" base/extra/api_token: tampered"#))
    // Everything else still lists and reads.
    #expect(try cli.run("connection", "list").status == 0)
    #expect(try cli.ok("connection", "get", "api").contains("password = (locked)"))
  }

  @Test func aWrongOrMissingKeyLocksSecretsButKeepsEverythingElseWorking() throws {
    let cli = try repositoryWithSecrets()
    let wrong = ["AIRENV_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()]
    let missing = ["AIRENV_KEY_FILE": cli.scratch + "/no-such-key"]
    for environment in [wrong, missing] {
      let list = try cli.run("connection", "list", environment: environment)
      #expect(list.status == 0, "\(list.stderr)")
      let get = try cli.run("connection", "get", "db", environment: environment)
      #expect(get.status == 0)
      #expect(get.stdout.contains("password = (locked)"))
      let reveal = try cli.run("resolve", "--deployment", "prod", "--reveal", environment: environment)
      #expect(reveal.status == 1)
      #expect(reveal.stderr.contains(environment["AIRENV_KEY"] != nil ? "key in AIRENV_KEY" : "no-such-key"))
      // A new secret cannot be stored under another key…
      let store = try cli.run(
        "connection", "update", "api", "--password-stdin", input: "x", environment: environment)
      #expect(store.status == 1)
      #expect(store.stderr.contains("fingerprint"))
    }
    // …but a change that needs no plaintext goes through and keeps the ciphertexts intact.
    try cli.ok("connection", "update", "db", "--host", "other.example.com", environment: wrong)
    let revealed = try cli.ok("connection", "get", "db", "--reveal", "--output", "json")
    #expect(revealed.contains("stdin-pass-Ω1") && revealed.contains("other.example.com"))
  }

  @Test func rotationKeepsEverySecretReadableWithTheNewKeyAndNoneWithTheOld() throws {
    let cli = try repositoryWithSecrets()
    let keyFile = cli.scratch + "/.config/airenv/key"
    let oldKey = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let before = try cli.ok("resolve", "--deployment", "prod", "--reveal", "--output", "json")
    let output = try cli.ok("key", "rotate")
    #expect(output.contains("every secret is re-encrypted"))
    // The new key comes first; the old one stays after it for other repositories sharing the file.
    let keys = try String(contentsOfFile: keyFile, encoding: .utf8).split(separator: "\n").map(String.init)
    let newKey = try #require(keys.first)
    #expect(keys == [newKey, oldKey] && newKey != oldKey)
    #expect(output.contains("keeps the earlier key"))
    #expect(try cli.ok("resolve", "--deployment", "prod", "--reveal", "--output", "json") == before)
    let old = try cli.run("resolve", "--deployment", "prod", "--reveal", environment: ["AIRENV_KEY": oldKey])
    #expect(old.status == 1)
    for secret in Self.secrets { #expect(!old.stdout.contains(secret)) }
    let status = try cli.ok("key", "status", "--output", "json")
    #expect(status.contains("\"matches\" : true"))
    #expect(!status.contains(newKey) && !status.contains(oldKey))
  }

  @Test func rolesAreEnforcedInEveryCommand() throws {
    let cli = try repositoryWithSecrets()
    try cli.ok("workspace", "member", "set", "bob", "author")
    try cli.ok("workspace", "member", "set", "carol", "member")
    try cli.ok("workspace", "member", "set", "dave", "operator")
    let members = try cli.ok("workspace", "member", "list")
    #expect(members.contains("alice") && members.contains("Owner"))

    let changes: [[String]] = [
      ["connection", "update", "db", "--host", "x"], ["connection", "create", "n", "--type", "http"],
      ["connection", "link", "api", "--deployment", "dev"],
      ["connection", "exclude", "db", "--deployment", "dev"],
      ["connection", "delete", "api", "--yes"], ["variable", "update", "vault", "--value", "x"],
      ["deployment", "create", "qa"], ["deployment", "delete", "dev", "--yes"],
      ["workspace", "member", "set", "bob", "owner"], ["workspace", "settings", "--secrets-fetching", "on"],
    ]
    for user in ["bob", "carol"] {
      for change in changes {
        let result = try cli.run(change + ["--user", user])
        #expect(result.status == 5, "\(user): \(change) → \(result.status) \(result.stderr)")
        #expect(result.stderr.contains("needs Operator or higher") || result.stderr.contains("needs Owner"))
      }
    }
    // An Author reads everything with secrets masked, and may not reveal.
    let author = try cli.ok("connection", "get", "db", "--user", "bob")
    #expect(author.contains("host = db.example.com") && author.contains("password = ••••••••"))
    let reveal = try cli.run("connection", "get", "db", "--reveal", "--user", "bob")
    #expect(reveal.status == 5)
    #expect(
      reveal.stderr.contains("bob is an Author of this Workspace; to reveal secret values needs Operator"))
    // A Member sees names, types and links, and no values at all.
    let member = try cli.ok("connection", "get", "db", "--user", "carol", "--output", "json")
    #expect(!member.contains("db.example.com"))
    #expect(member.contains("\"conn_type\" : \"postgres\"") && member.contains("\"linkedToAll\" : true"))
    let memberVariables = try cli.ok("variable", "list", "--user", "carol", "--output", "json")
    #expect(!memberVariables.contains("\"value\" : \""))
    #expect(try cli.run("diff", "dev", "prod", "--user", "carol").status == 5)
    // An Operator changes and reveals, but does not manage members.
    try cli.ok("connection", "update", "api", "--host", "api.example.com", "--user", "dave")
    #expect(try cli.ok("connection", "get", "db", "--reveal", "--user", "dave").contains("stdin-pass-Ω1"))
    #expect(try cli.run("workspace", "member", "set", "eve", "member", "--user", "dave").status == 5)
    // Someone who is not a member is refused outright.
    let outsider = try cli.run("connection", "list", "--user", "eve")
    #expect(outsider.status == 5)
    #expect(outsider.stderr.contains("eve is not a member of Workspace \"w\"; ask an Owner (alice)"))
    // The last Owner cannot be demoted.
    #expect(try cli.run("workspace", "member", "set", "alice", "author").status == 3)
  }

  @Test func readonlyRefusesEveryChangeAndChangesNothing() throws {
    let cli = try repositoryWithSecrets()
    let before = try allBytes(under: cli.repository).map { $0.1 }
    let changes: [[String]] = [
      ["init"], ["demo"], ["workspace", "create", "x"], ["workspace", "rename", "w", "v"],
      ["workspace", "delete", "w", "--yes"], ["workspace", "use", "w"],
      ["workspace", "member", "set", "x", "author"],
      ["workspace", "settings", "--secrets-fetching", "on"], ["deployment", "create", "qa"],
      ["deployment", "rename", "dev", "dev2"], ["deployment", "delete", "dev", "--yes"],
      ["connection", "create", "n", "--type", "http"], ["connection", "update", "db", "--host", "h"],
      ["connection", "delete", "db", "--yes"], ["connection", "link", "api", "--deployment", "dev"],
      ["connection", "unlink", "db", "--deployment", "prod", "--yes"],
      ["connection", "exclude", "db", "--deployment", "dev"],
      ["connection", "reset", "db", "--deployment", "prod"], ["connection", "rename", "db", "db2"],
      ["variable", "create", "v", "--value", "1"], ["variable", "update", "vault", "--value", "x"],
      ["variable", "delete", "vault", "--yes"], ["key", "rotate"], ["key", "migrate"],
    ]
    for change in changes {
      let result = try cli.run(change + ["--readonly"])
      #expect(result.status == 5, "\(change) → \(result.status) \(result.stderr)")
      #expect(result.stderr.contains("read-only mode"), "\(change)")
    }
    #expect(try allBytes(under: cli.repository).map { $0.1 } == before)
  }
}
