import Foundation
import Testing

@Suite("CLI: concurrent writers and crashes during saves", .serialized)
struct DurabilityTests {
  @Test func twoProcessesMaking200ChangesEachLoseNone() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("variable", "create", "left", "--value", "0")
    try cli.ok("variable", "create", "right", "--value", "0")
    let writers = try ["left", "right"].map { key in
      try cli.spawnShell("for i in $(seq 1 200); do airenv variable update \(key) --value $i || exit 1; done")
    }
    for writer in writers {
      writer.waitUntilExit()
      #expect(writer.terminationStatus == 0)
    }
    for key in ["left", "right"] {
      let variable = try cli.json("variable", "get", key)
      #expect(variable["value"] as? String == "200")
      #expect(variable["revision"] as? Int == 201, "\(key) lost changes")
    }
  }

  @Test func killingASaverAtAnyPointLeavesALoadableConsistentRepository() throws {
    let cli = CLI()
    try cli.ok("demo")
    // With an identity held every save also writes its history entry's signature through the
    // journal: a kill between the two must leave a journal the next command finishes.
    try cli.ok("identity", "create")
    try cli.ok("variable", "update", "alert_email", "--value", "signed")
    // Each round creates a Deployment, links to it and deletes it: the delete rewrites
    // several files through the journal, so kills land inside multi-file commits too.
    // Every command names the test's own repository, so the kill below reaches only them
    // and never another test's airenv running at the same time.
    let loop = """
      n=0
      while :; do
        n=$((n+1))
        airenv deployment create tmp-$n --repo "$AIRENV_REPO" >/dev/null
        airenv connection link warehouse_db --deployment tmp-$n --host h$n --repo "$AIRENV_REPO" >/dev/null
        airenv variable update alert_email --value v$n --repo "$AIRENV_REPO" >/dev/null
        airenv deployment delete tmp-$n --yes --repo "$AIRENV_REPO" >/dev/null
      done
      """
    var generator = SystemRandomNumberGenerator()
    for round in 0..<12 {
      let saver = try cli.spawnShell(loop)
      // Random kill points are the point of this test, not a synchronisation.
      usleep(UInt32.random(in: 80_000...400_000, using: &generator))
      kill(-saver.processIdentifier, SIGKILL)
      kill(saver.processIdentifier, SIGKILL)
      let pkill = try cli.spawnShell("pkill -9 -f -- \"--repo $AIRENV_REPO\" || true")
      pkill.waitUntilExit()
      saver.waitUntilExit()

      let matrix = try cli.run("matrix", "--output", "json")
      #expect(matrix.status == 0, "round \(round): \(matrix.stderr)")
      let deployments = try #require(
        try cli.run("deployment", "list", "--output", "json").json as? [[String: Any]])
      let ids = Set(deployments.compactMap { $0["id"] as? String })
      // No link or exclusion may name a Deployment that does not exist.
      // History and state agree: the newest entry for an object ends at its current revision.
      let revision = try cli.json("variable", "get", "alert_email")["revision"] as? Int
      let entries = try #require(
        try cli.run("history", "--object", "alert_email", "--limit", "1", "--output", "json").json
          as? [[String: Any]])
      let change = (entries.first?["changes"] as? [[String: Any]])?.first {
        $0["key"] as? String == "alert_email"
      }
      #expect(change?["revision"] as? Int == revision, "round \(round): history and state disagree")
      #expect(
        entries.first?["signature"] as? String != "unsigned", "round \(round): the entry lost its signature")
      let connection = try cli.json("connection", "get", "warehouse_db")
      let sharing = try #require(connection["sharing"] as? [String: Any])
      for name in (sharing["links"] as? [String] ?? []) + (sharing["exclusions"] as? [String] ?? []) {
        #expect(!name.hasPrefix("dep_"), "round \(round): dangling reference \(name) (Deployments \(ids))")
      }
    }
  }

  /// A repository with a data key whose Workspace holds 60 connections with passwords, linked
  /// to Deployment prod: a new data key seals them again in one change of many files.
  private func manySecrets(_ cli: CLI) throws {
    try cli.ok("init")
    try cli.ok("workspace", "create", "team")
    try cli.ok("deployment", "create", "prod")
    let lines = (0..<60).map { "AIRFLOW_CONN_DB_\($0)=postgres://user:pw-\($0)-Ωmega@host-\($0):5432/db" }
    let file = cli.scratch + "/connections.env"
    try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("import", file, "--link-all")
  }

  /// Every password opens and is the one imported; nothing is left of an interrupted change.
  private func expectEverySecretOpens(_ cli: CLI, _ round: String) throws {
    #expect(!FileManager.default.fileExists(atPath: cli.repository + "/.journal.json"), "\(round)")
    #expect(!FileManager.default.fileExists(atPath: cli.repository + "/.journal.data"), "\(round)")
    let status = try cli.run("key", "status")
    #expect(
      status.status == 0 && status.stdout.contains("no secret fails authentication"), "\(round): \(status)")
    let exported = try cli.ok("export", "--deployment", "prod", "--format", "env", "--include-secrets")
    for index in 0..<60 {
      #expect(
        exported.contains(#""host":"host-\#(index)","login":"user","password":"pw-\#(index)-Ωmega""#),
        "\(round): db_\(index) lost")
    }
  }

  /// A change of many files is written in place under a journal that holds their bytes: killed
  /// at any point of a key rotation, the next command finishes it and every secret opens.
  @Test func killingARotationOfManySecretsLosesNone() throws {
    let cli = CLI()
    try manySecrets(cli)
    try expectEverySecretOpens(cli, "before")
    let loop = """
      while :; do airenv key rotate --repo "$AIRENV_REPO" >/dev/null || exit 1; done
      """
    var generator = SystemRandomNumberGenerator()
    var interrupted = 0
    for round in 0..<12 {
      let rotator = try cli.spawnShell(loop)
      if round.isMultiple(of: 2) {
        // Random kill points are the point of this test, not a synchronisation.
        usleep(UInt32.random(in: 100_000...600_000, using: &generator))
      } else {
        // Inside the commit: as soon as its journal is there, while files are written in place.
        let journal = cli.repository + "/.journal.json"
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: journal) && Date() < deadline { usleep(200) }
      }
      kill(-rotator.processIdentifier, SIGKILL)
      kill(rotator.processIdentifier, SIGKILL)
      let pkill = try cli.spawnShell("pkill -9 -f -- \"key rotate --repo $AIRENV_REPO\" || true")
      pkill.waitUntilExit()
      rotator.waitUntilExit()
      if FileManager.default.fileExists(atPath: cli.repository + "/.journal.json") { interrupted += 1 }
      try cli.ok("connection", "list")
      try expectEverySecretOpens(cli, "round \(round)")
    }
    // Most kills that waited for the journal left one for the next command to finish.
    #expect(interrupted >= 3, "only \(interrupted) kills landed inside a commit")
  }

  /// The same, made exact: a journal whose files were torn halfway through being written in
  /// place is rolled forward from its data by the next command, whatever it reads.
  @Test func filesTornWhileWrittenInPlaceAreRolledForward() throws {
    let cli = CLI()
    try manySecrets(cli)
    let workspaces = cli.repository + "/workspaces"
    let workspace = try #require(try FileManager.default.contentsOfDirectory(atPath: workspaces).first)
    let directory = "workspaces/\(workspace)/connections"
    let names = try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/" + directory).filter {
      $0.hasSuffix(".json")
    }.sorted()
    var data = Data()
    var writes: [[String: Any]] = []
    for name in names {
      let url = URL(fileURLWithPath: cli.repository + "/" + directory + "/" + name)
      let bytes = try Data(contentsOf: url)
      writes.append(["path": directory + "/" + name, "offset": data.count, "length": bytes.count])
      data.append(bytes)
      // Torn: the first half written, the rest not yet.
      try bytes.prefix(bytes.count / 2).write(to: url)
    }
    try data.write(to: URL(fileURLWithPath: cli.repository + "/.journal.data"))
    try JSONSerialization.data(withJSONObject: ["version": 1, "writes": writes, "deletes": [String]()])
      .write(to: URL(fileURLWithPath: cli.repository + "/.journal.json"))
    let readOnly = try cli.run("--readonly", "connection", "list")
    #expect(
      readOnly.status != 0 && readOnly.stderr.contains("an interrupted change is pending"), "\(readOnly)")
    try cli.ok("connection", "list")
    try expectEverySecretOpens(cli, "rolled forward")
    // A journal naming bytes its data file does not hold is refused, and names both files.
    try data.prefix(10).write(to: URL(fileURLWithPath: cli.repository + "/.journal.data"))
    try JSONSerialization.data(withJSONObject: ["version": 1, "writes": writes, "deletes": [String]()])
      .write(to: URL(fileURLWithPath: cli.repository + "/.journal.json"))
    let refused = try cli.run("connection", "list")
    #expect(refused.status != 0 && refused.stderr.contains(".journal.json"), "\(refused)")
    #expect(refused.stderr.contains("does not hold"))
  }
}
