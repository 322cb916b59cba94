import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Secrets: stable ciphertexts, key file modes, plaintext left behind")
struct SecretHardeningTests {
  func repository() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    for name in ["dev", "prod"] { try cli.ok("deployment", "create", name) }
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", "h", "--password-stdin", "--extra-set",
      "api_key=k-1", "--link-all", input: "pw-1")
    try cli.ok("connection", "link", "db", "--deployment", "prod", "--password-stdin", input: "pw-prod")
    try cli.ok("variable", "create", "token", "--value-stdin", "--secret", "--link-all", input: "t-1")
    return cli
  }

  func file(_ cli: CLI, _ directory: String) throws -> String {
    let files = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .filter { $0.contains("/\(directory)/") && $0.hasSuffix(".json") }
    return cli.repository + "/" + (try #require(files.first))
  }

  func ciphertexts(_ path: String) throws -> [String] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return text.components(separatedBy: "\"").filter { $0.hasPrefix("enc:v1:") }.sorted()
  }

  /// A save that does not change a secret keeps its ciphertext: git diffs show what changed,
  /// and the history and undo claim no secret change that did not happen.
  @Test func unchangedSecretsKeepTheirCiphertexts() throws {
    let cli = try repository()
    let connection = try file(cli, "connections")
    let variable = try file(cli, "variables")
    let sealed = try ciphertexts(connection)
    let sealedVariable = try ciphertexts(variable)
    #expect(sealed.count == 3 && sealedVariable.count == 1)

    try cli.ok("connection", "update", "db", "--description", "the warehouse")
    try cli.ok("connection", "exclude", "db", "--deployment", "dev")
    try cli.ok("connection", "link", "db", "--deployment", "prod", "--host", "prod-h")
    try cli.ok("variable", "update", "token", "--description", "ci token")
    try cli.ok("variable", "link", "token", "--deployment", "prod")
    #expect(try ciphertexts(connection) == sealed)
    #expect(try ciphertexts(variable) == sealedVariable)
    let history = try cli.ok("history", "--limit", "5")
    #expect(!history.contains("password") && !history.contains("api_key") && !history.contains("base.value"))

    try cli.ok("undo")
    try cli.ok("undo")
    let undone = try cli.ok("history", "--limit", "2")
    #expect(undone.contains("undo") && !undone.contains("api_key") && !undone.contains("password"))
    #expect(try ciphertexts(connection) == sealed)

    // A changed secret gets a new ciphertext, and only that one.
    try cli.ok("connection", "update", "db", "--password-stdin", input: "pw-2")
    let after = try ciphertexts(connection)
    #expect(Set(after).intersection(sealed).count == 2)
    #expect(try cli.ok("connection", "get", "db", "--reveal").contains("pw-2"))
  }

  @Test func aKeyFileOthersCanReadIsRefusedAndALooseOneIsReported() throws {
    let cli = try repository()
    let key = cli.scratch + "/.config/airenv/key"
    #expect(chmod(key, 0o644) == 0)
    for arguments in [
      ["connection", "get", "db", "--reveal"], ["key", "status"],
      ["variable", "create", "x", "--value-stdin", "--secret"],
    ] {
      let result = try cli.run(arguments, input: "v")
      #expect(result.status == 1, "\(arguments)")
      #expect(
        result.stderr.contains("every user of this machine can read it")
          && result.stderr.contains("chmod 600"))
    }
    let doctor = try cli.run("doctor")
    #expect(doctor.status == 1 && doctor.stdout.contains("key: \(key)"))

    #expect(chmod(key, 0o640) == 0)
    #expect(try cli.ok("connection", "get", "db", "--reveal").contains("pw-1"))
    #expect(try cli.ok("key", "status").contains("its group can read it"))
    let loose = try cli.run("doctor")
    #expect(loose.status == 1 && loose.stdout.contains("its group can read it"))
    #expect(chmod(key, 0o600) == 0)
    #expect(try cli.run("doctor").status == 0)
  }

  @Test(.enabled(if: geteuid() == 0, "only root can give a file to another user"))
  func filesOwnedBySomeoneElseAreReported() throws {
    let cli = try repository()
    let connection = try file(cli, "connections")
    #expect(chown(connection, 65534, 65534) == 0)
    let key = cli.scratch + "/.config/airenv/key"
    #expect(chown(key, 65534, 65534) == 0)
    let doctor = try cli.run("doctor")
    #expect(doctor.status == 1)
    #expect(doctor.stdout.contains("ownership: \(connection)") && doctor.stdout.contains("uid 65534"))
    #expect(try cli.ok("key", "status").contains("belongs to"))
  }

  @Test func secretsOnTheCommandLineAreWarnedAbout() throws {
    let cli = try repository()
    let uri = try cli.run("connection", "create", "u", "--uri", "postgres://app:pw@host/db")
    #expect(uri.status == 0 && uri.stderr.contains("--uri puts the secret password into shell history"))
    let extra = try cli.run("connection", "create", "x", "--type", "http", "--extra-set", "api_key=k")
    #expect(extra.stderr.contains("--extra-set puts the secret extra.api_key into shell history"))
    let nested = try cli.run(
      "connection", "update", "x", "--extra", #"{"auth": {"token": "t"}, "timeout": 3}"#)
    #expect(nested.stderr.contains("--extra puts the secret extra.auth into shell history"))
    let plain = try cli.run("connection", "update", "x", "--extra-set", "timeout=5")
    #expect(plain.status == 0 && !plain.stderr.contains("warning"))
    let fromEnvironment = try cli.run(
      "connection", "update", "x", "--extra-set-env", "client_secret=CLIENT_SECRET",
      environment: ["CLIENT_SECRET": "cs-9"])
    #expect(fromEnvironment.status == 0 && !fromEnvironment.stderr.contains("warning"))
    #expect(try cli.ok("connection", "get", "x", "--reveal").contains("cs-9"))
  }

  @Test func aValueThatBecomesSecretCanBePurgedFromTheHistory() throws {
    let cli = try repository()
    try cli.ok("variable", "create", "region", "--value", "plain-1", "--link-all")
    try cli.ok("variable", "update", "region", "--value", "plain-2")
    let flagged = try cli.run("variable", "update", "region", "--secret", "--value-stdin", input: "s-3")
    #expect(flagged.stdout.contains("its earlier plaintext stays in the history"))
    #expect(flagged.stdout.contains("airenv history purge --variable region"))
    let renamed = try cli.ok("variable", "rename", "region", "region_api_key")
    _ = renamed
    let history = cli.repository
    func plaintextInHistory() throws -> Bool {
      let files = (FileManager.default.enumerator(atPath: history)?.allObjects as? [String] ?? [])
        .filter { $0.contains("/history/") }
      return try files.contains {
        try String(contentsOfFile: history + "/" + $0, encoding: .utf8).contains("plain-")
      }
    }
    #expect(try plaintextInHistory())
    let purged = try cli.ok("history", "purge", "--variable", "region_api_key")
    #expect(purged.contains("purged"))
    #expect(try !plaintextInHistory())
    #expect(try cli.ok("doctor").contains("no problems"))
    // The history still says what changed; undo restores the earlier value, kept secret.
    #expect(try cli.ok("history").contains("changed variable region (base.value)"))
    try cli.ok("undo")
    try cli.ok("undo")
    let restored = try cli.ok("variable", "get", "region", "--reveal")
    #expect(restored.contains("plain-2") && restored.contains("secret       yes"))
    #expect(try !plaintextInHistory())
  }

  @Test func aMarkedExtraKeyIsPurgedToo() throws {
    let cli = try repository()
    try cli.ok("connection", "create", "api", "--type", "http", "--extra-set", "client_ref=plain-ref")
    let marked = try cli.ok("connection", "update", "api", "--secret-extra", "client_ref")
    #expect(marked.contains("extra.client_ref is secret now"))
    try cli.ok("history", "purge", "--connection", "api")
    let files = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
    for file in files where file.hasSuffix(".json") {
      #expect(
        try !String(contentsOfFile: cli.repository + "/" + file, encoding: .utf8).contains("plain-ref"),
        "\(file)")
    }
    #expect(try cli.ok("connection", "get", "api", "--reveal").contains("plain-ref"))
  }

  /// An extra key set only on a link is purged too, and no digest of a state that held the old
  /// plaintext is left (a low-entropy value, a PIN, could be found from it by trying them all).
  @Test func purgingLeavesNoPlaintextNorADigestOfIt() throws {
    let cli = try repository()
    try cli.ok("connection", "create", "c", "--type", "http")
    try cli.ok("connection", "link", "c", "--deployment", "dev", "--extra-set", "x=PLAIN1")
    try cli.ok("connection", "update", "c", "--secret-extra", "x")
    try cli.ok("variable", "create", "pin", "--value", "4821")
    try cli.ok("variable", "update", "pin", "--value", "4822")
    try cli.ok("variable", "update", "pin", "--secret")
    try cli.ok("history", "purge", "--connection", "c")
    try cli.ok("history", "purge", "--variable", "pin")
    let files = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .filter { $0.hasSuffix(".json") }
    // The digests a purge keeps are of states without the old values: none matches a guess.
    var digests: Set<String> = []
    for file in files {
      let text = try String(contentsOfFile: cli.repository + "/" + file, encoding: .utf8)
      // Whole words: a random id or ciphertext may hold "4822" inside a longer run.
      let plaintext = ["PLAIN1", "4821", "4822"].filter { text.containsWord($0) }
      #expect(plaintext.isEmpty, "\(file): \(plaintext)")
      for line in text.components(separatedBy: "\n") where line.contains("\"afterDigest\"") {
        digests.insert(line)
      }
    }
    #expect(digests.contains { $0.contains("\"purged\"") })
    // Undo goes back to the purge and no further, saying why.
    try cli.ok("undo")
    let refused = try cli.run("undo")
    #expect(refused.status == 4)
    #expect(refused.stderr.contains("purged from the history"), "\(refused.stderr)")
  }

  /// A link-only extra key marked secret later: the note says its plaintext stays, and purging
  /// works in a repository that never stored a secret (it failed for want of a key).
  @Test func aLinkOnlyValueMarkedSecretInARepositoryWithoutAKeyCanBePurged() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("connection", "create", "c", "--type", "http")
    try cli.ok("connection", "link", "c", "--deployment", "dev", "--extra-set", "onlylink=PLAIN-7")
    let keyFile = cli.scratch + "/.config/airenv/key"
    #expect(!FileManager.default.fileExists(atPath: keyFile))
    let marked = try cli.ok("connection", "update", "c", "--secret-extra", "onlylink")
    #expect(
      marked.contains("extra.onlylink is secret now") && marked.contains("history purge --connection c"))
    let purged = try cli.ok("history", "purge", "--connection", "c")
    #expect(purged.contains("1 recorded value and"), "\(purged)")
    #expect(FileManager.default.fileExists(atPath: keyFile))
    let files = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
    for file in files where file.hasSuffix(".json") {
      let text = try String(contentsOfFile: cli.repository + "/" + file, encoding: .utf8)
      #expect(!text.contains("PLAIN-7"), "\(file)")
    }
    #expect(try cli.ok("connection", "get", "c", "--reveal").contains("PLAIN-7"))
  }

}

extension String {
  /// Whether `word` occurs with no letter or digit directly before or after it.
  fileprivate func containsWord(_ word: String) -> Bool {
    var searchRange = startIndex..<endIndex
    while let found = range(of: word, range: searchRange) {
      let before = found.lowerBound > startIndex ? self[index(before: found.lowerBound)] : " "
      let after = found.upperBound < endIndex ? self[found.upperBound] : " "
      if !before.isLetter && !before.isNumber && !after.isLetter && !after.isNumber { return true }
      searchRange = index(after: found.lowerBound)..<endIndex
    }
    return false
  }
}
