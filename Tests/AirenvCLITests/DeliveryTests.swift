import Foundation
import Testing

/// `target`, `plan` and `apply` against real Airflow servers (3.3.2 api-server and 2.10.5
/// webserver on 127.0.0.1), read back through Airflow's own models.
@Suite("Delivery to a running Airflow", .serialized)
struct DeliveryTests {
  static var enabled: Bool { InteropTests.available || InteropTests.required }

  /// The interop fixture's "full" Deployment, bound to `server`.
  func boundFixture(_ server: AirflowServer) throws -> CLI {
    try server.reset()
    let cli = try InteropTests.fixture()
    try cli.ok(
      "target", "set", "full", "--airflow-url", server.url, "--username", server.username, "--password-env",
      "PW",
      environment: ["PW": server.password])
    return cli
  }

  func plan(_ cli: CLI, _ extra: String...) throws -> (status: Int32, objects: [[String: Any]]) {
    let result = try cli.run(["plan", "--deployment", "full", "--output", "json"] + extra)
    let plans = try #require(result.json as? [[String: Any]], "\(result.stderr)")
    return (result.status, try #require(plans.first?["objects"] as? [[String: Any]]))
  }

  func differences(_ objects: [[String: Any]]) -> [String] {
    objects.filter { $0["state"] as? String != "unchanged" }.map {
      "\($0["kind"]!) \($0["id"]!) \($0["state"]!) \(($0["fields"] as? [String] ?? []).joined(separator: ","))"
    }.sorted()
  }

  func expectReadBackEqualsResolved(_ cli: CLI, _ server: AirflowServer, _ label: String) throws {
    let resolved = try cli.json("resolve", "--deployment", "full", "--reveal")
    try InteropTests().check(
      try server.databaseView(), against: resolved, format: "airflow-json", label: label)
  }

  @Test(
    .enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: InteropTests.versions)
  func applyPlanDriftPruneAdoptAndSecrets(version: String) throws {
    let server = try AirflowServer.shared(version)
    let cli = try boundFixture(server)
    let check = try cli.run("target", "check", "full")
    #expect(
      check.status == 0 && check.stdout.contains("Airflow \(version)"), "\(check.stdout)\(check.stderr)")

    // Empty Airflow: everything is created; afterwards the plan is empty and Airflow holds exactly
    // the resolved set, hostile passwords, IPv6 hosts, nested extras and YAML-looking values included.
    let first = try plan(cli)
    #expect(first.status == 6)
    #expect(first.objects.allSatisfy { $0["state"] as? String == "create" })
    let applied = try cli.run("apply", "--deployment", "full", "--yes")
    #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
    #expect(try plan(cli).status == 0)
    try expectReadBackEqualsResolved(cli, server, "Airflow \(version) after the first apply")

    // An override changes exactly that field.
    try cli.ok("connection", "link", "tricky_pg", "--deployment", "full", "--host", "prod-db.example.com")
    #expect(differences(try plan(cli).objects) == ["connection tricky_pg update host"])

    // A new password in airenv is an update of the password, and Airflow then holds it.
    try cli.ok("connection", "update", "tricky_pg", "--password-stdin", input: "n€w:p@ss/%#")
    #expect(differences(try plan(cli).objects) == ["connection tricky_pg update host,password"])
    #expect(try cli.run("apply", "--deployment", "full", "--yes").status == 0)
    let afterPassword = try server.databaseView()
    let tricky = (afterPassword["connections"] as? [String: Any])?["tricky_pg"] as? [String: Any]
    #expect(tricky?["password"] as? String == "n€w:p@ss/%#")
    #expect(tricky?["host"] as? String == "prod-db.example.com")

    // Someone edits an object in Airflow through its own API: drift, and apply restores it.
    let path = "/connections/ipv6_db"
    let body = #"{"connection_id":"ipv6_db","conn_type":"mysql","login":"intruder"}"#
    try server.call("PATCH", path + "?update_mask=login", body: body)
    let drift = try plan(cli).objects.first { $0["id"] as? String == "ipv6_db" }
    #expect(drift?["state"] as? String == "drifted")
    #expect((drift?["drifted"] as? [String])?.contains("login") == true)

    // An object airenv did not create: a conflict, left alone without --adopt, taken with it.
    try server.call(
      "POST", "/variables", body: #"{"key":"taken","value":"theirs","description":"made in the UI"}"#)
    try cli.ok("variable", "create", "taken", "--value", "ours", "--link-all")
    try server.call("POST", "/variables", body: #"{"key":"unmanaged","value":"keep me"}"#)
    let conflict = try plan(cli).objects.first { $0["id"] as? String == "taken" }
    #expect(conflict?["state"] as? String == "conflict")
    // The shadowing said plainly: which copy Airflow uses.
    #expect(
      (conflict?["notes"] as? [String] ?? []).contains { $0.contains("Airflow uses that row, not airenv's") },
      "\(conflict ?? [:])")
    #expect(try cli.run("apply", "--deployment", "full", "--yes").status == 0)
    var variables = try server.databaseView()["variables"] as? [String: String]
    #expect(variables?["taken"] == "theirs")
    #expect(try cli.run("apply", "--deployment", "full", "--yes", "--adopt").status == 0)
    variables = try server.databaseView()["variables"] as? [String: String]
    #expect(variables?["taken"] == "ours")

    // --prune deletes only what airenv applied: the unmanaged variable stays.
    try cli.ok("variable", "delete", "plain", "--yes")
    let orphan = try plan(cli).objects.first { $0["id"] as? String == "plain" }
    #expect(orphan?["state"] as? String == "orphaned")
    #expect(
      try plan(cli, "--prune").objects.first { $0["id"] as? String == "plain" }?["state"] as? String
        == "delete")
    #expect(try cli.run("apply", "--deployment", "full", "--yes", "--prune").status == 0)
    variables = try server.databaseView()["variables"] as? [String: String]
    #expect(variables?["plain"] == nil)
    #expect(variables?["unmanaged"] == "keep me")

    // Clearing a password: gone in Airflow (the API cannot clear one; airenv re-creates).
    try cli.ok("connection", "update", "unicode_conn", "--clear", "password")
    #expect(try cli.run("apply", "--deployment", "full", "--yes").status == 0)
    let cleared =
      (try server.databaseView()["connections"] as? [String: Any])?["unicode_conn"] as? [String: Any]
    #expect(cleared != nil)
    #expect(cleared?["password"] is NSNull || (cleared?["password"] as? String ?? "").isEmpty)

    // Everything converged: Airflow equals resolve --reveal again (the unmanaged variable aside).
    #expect(try plan(cli).status == 0)
    try server.call("DELETE", "/variables/unmanaged")
    try expectReadBackEqualsResolved(cli, server, "Airflow \(version) at the end")

    // The apply is one history entry each, and no secret reached the output or the record.
    let history = try cli.run("history")
    #expect(history.stdout.contains("apply full"))
    let record = try FileManager.default.subpathsOfDirectory(atPath: cli.repository).filter {
      $0.contains("/delivery/")
    }.map { try String(contentsOfFile: cli.repository + "/" + $0, encoding: .utf8) }.joined()
    #expect(!record.isEmpty)
    for secret in ["n€w:p@ss/%#", "pw with spaces", server.password, "tok:en/with?query#frag"] {
      #expect(!record.contains(secret))
      #expect(!history.stdout.contains(secret))
    }
  }

  @Test(
    .enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: InteropTests.versions)
  func rolesReadonlyAndWrongCredentials(version: String) throws {
    let server = try AirflowServer.shared(version)
    let cli = try boundFixture(server)
    try cli.ok("workspace", "member", "set", "alice", "owner")
    try cli.ok("workspace", "member", "set", "mia", "member")
    // A Member sees the plan; applying or changing the target is refused.
    let asMember = ["AIRENV_USER": "mia"]
    #expect(try cli.run(["plan", "--deployment", "full"], environment: asMember).status == 6)
    let refused = try cli.run(["apply", "--deployment", "full", "--yes"], environment: asMember)
    #expect(refused.status == 5, "\(refused.stderr)")
    #expect(try cli.run(["target", "remove", "full"], environment: asMember).status == 5)
    #expect(try cli.run("--readonly", "apply", "--deployment", "full", "--yes").status == 5)
    #expect((try server.databaseView()["connections"] as? [String: Any])?.isEmpty == true)

    // Wrong credentials: said so, with what to do; nothing recorded.
    try cli.ok(
      "target", "set", "full", "--airflow-url", server.url, "--username", server.username, "--password-env",
      "PW",
      environment: ["PW": "Wr0ng-Pässword!"])
    let wrong = try cli.run("apply", "--deployment", "full", "--yes")
    #expect(wrong.status == 1)
    #expect(wrong.stderr.contains("rejected the credentials") && wrong.stderr.contains("airenv target set"))
    #expect(!wrong.stderr.contains("Wr0ng-Pässword!") && !wrong.stdout.contains("Wr0ng-Pässword!"))
    let files = try FileManager.default.subpathsOfDirectory(atPath: cli.repository)
    #expect(files.allSatisfy { !$0.contains("/delivery/") })
  }

  @Test(
    .enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: InteropTests.versions)
  func anApplyKilledHalfWayIsFinishedByTheNext(version: String) throws {
    let server = try AirflowServer.shared(version)
    try server.reset()
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "full")
    let lines = (0..<300).map { String(format: "AIRFLOW_VAR_BULK_%04d=value-%d", $0, $0) }
    let file = cli.scratch + "/bulk.env"
    try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("import", file, "--link-all")
    try cli.ok(
      "target", "set", "full", "--airflow-url", server.url, "--username", server.username, "--password-env",
      "PW",
      environment: ["PW": server.password])

    let apply = Process()
    apply.executableURL = URL(fileURLWithPath: CLI.binary)
    apply.arguments = ["apply", "--deployment", "full", "--yes"]
    apply.environment = cli.environment
    apply.standardOutput = FileHandle.nullDevice
    apply.standardError = FileHandle.nullDevice
    try apply.run()
    // Killed as soon as Airflow holds some but not all of the variables.
    var seen = 0
    while apply.isRunning {
      let page = try server.call("GET", "/variables?limit=1")
      seen =
        (try? JSONSerialization.jsonObject(with: Data(page.utf8)) as? [String: Any])?["total_entries"] as? Int
        ?? 0
      if seen > 0 { break }
    }
    kill(apply.processIdentifier, SIGKILL)
    apply.waitUntilExit()
    if version.hasPrefix("2") {
      // One request per object: the kill lands in the middle.
      #expect(apply.terminationReason == .uncaughtSignal && seen > 0 && seen < 300, "\(seen)")
    }

    let again = try cli.run("apply", "--deployment", "full", "--yes")
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(!again.stdout.contains("conflict"))
    #expect(try plan(cli).status == 0)
    let variables = try server.databaseView()["variables"] as? [String: String] ?? [:]
    #expect(variables.count == 300)
    #expect(
      variables["bulk_0299"] == "value-299" && variables["bulk_0000"] == "value-0",
      "\(variables.keys.sorted().prefix(3))")
  }

  @Test(.enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"))
  func aDirectoryTargetIsWhatLocalFilesystemBackendReads() throws {
    let cli = try InteropTests.fixture()
    let directory = cli.scratch + "/delivered"
    try cli.ok("target", "set", "full", "--directory", directory, "--format", "airflow-json")
    #expect(try plan(cli).status == 6)
    let applied = try cli.run("apply", "--deployment", "full", "--yes")
    #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
    #expect(try plan(cli).status == 0)
    for name in ["connections.json", "variables.json"] {
      let mode =
        try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(name)")
    }
    // Airflow's own LocalFilesystemBackend reads exactly the resolved set.
    let resolved = try cli.json("resolve", "--deployment", "full", "--reveal")
    let ids = #"{"connections": [], "variables": []}"#
    for version in InteropTests.versions {
      try InteropTests().check(
        try InteropTests().airflowView(version, "airflow-json", directory, ids: ids), against: resolved,
        format: "airflow-json", label: "directory target, Airflow \(version)")
    }
    // A hand edit is drift; apply rewrites it. A deleted object leaves the files.
    try "{}".write(toFile: directory + "/variables.json", atomically: true, encoding: .utf8)
    let drifted = try cli.run("plan", "--deployment", "full")
    #expect(drifted.status == 6 && drifted.stdout.contains("variables.json was changed outside airenv"))
    try cli.ok("variable", "delete", "plain", "--yes")
    #expect(try cli.run("apply", "--deployment", "full", "--yes").status == 0)
    let variables = try String(contentsOfFile: directory + "/variables.json", encoding: .utf8)
    #expect(variables.contains("json_var") && !variables.contains("\"plain\""))
    #expect(try plan(cli).status == 0)
    // Undo cannot reach a target: it skips the apply entry and takes back the deletion before it.
    let undo = try cli.run("undo")
    #expect(undo.status == 0, "\(undo.stderr)")
    #expect(try cli.run("variable", "get", "plain").status == 0)
    #expect(try plan(cli).objects.first { $0["id"] as? String == "plain" }?["state"] as? String == "create")
  }

  @Test(
    .enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: InteropTests.versions)
  func pullBringsWhatAirflowHoldsAndNeverStoresAMask(version: String) throws {
    let server = try AirflowServer.shared(version)
    try server.reset()
    let v3 = version.hasPrefix("3")
    try server.call(
      "POST", "/connections",
      body: #"{"connection_id":"legacy_db","conn_type":"postgres","host":"old.example.com","login":"app","#
        + #""password":"s3cret!","port":5432,"extra":"{\"sslmode\": \"require\", \"api_token\": \"tk-1\"}"}"#)
    try server.call("POST", "/variables", body: #"{"key":"region","value":"eu"}"#)
    try server.call("POST", "/variables", body: #"{"key":"api_key","value":"k-123-secret"}"#)
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "full")
    try cli.ok(
      "target", "set", "full", "--airflow-url", server.url, "--username", server.username, "--password-env",
      "PW",
      environment: ["PW": server.password])

    let dry = try cli.run("pull", "--deployment", "full", "--dry-run")
    #expect(
      dry.status == 0 && dry.stdout.contains("would add connection legacy_db"), "\(dry.stdout)\(dry.stderr)")
    #expect((try cli.json("resolve", "--deployment", "full")["connections"] as? [Any])?.isEmpty == true)

    let pulled = try cli.run("pull", "--deployment", "full")
    #expect(pulled.status == 0, "\(pulled.stdout)\(pulled.stderr)")
    let stored = try FileManager.default.subpathsOfDirectory(atPath: cli.repository).filter {
      $0.hasSuffix(".json")
    }
    .map { try String(contentsOfFile: cli.repository + "/" + $0, encoding: .utf8) }.joined()
    #expect(!stored.contains("***"))
    #expect(!stored.contains("k-123-secret"))
    let resolved = try cli.json("resolve", "--deployment", "full")
    #expect((resolved["connections"] as? [[String: Any]])?.map { $0["conn_id"] as? String } == ["legacy_db"])
    if v3 {
      // 3.x shows the password and the secret extra masked: stored as missing, refused until set.
      #expect(pulled.stdout.contains("secret missing: connection legacy_db: password"))
      let export = try cli.run("export", "--deployment", "full", "--format", "env", "--include-secrets")
      #expect(export.status != 0 && export.stderr.contains("is missing"), "\(export.stderr)")
      let plan = try cli.run("plan", "--deployment", "full")
      #expect(plan.status == 3 && plan.stderr.contains("is missing"), "\(plan.stderr)")
      try cli.ok(
        "connection", "update", "legacy_db", "--scope-deployment", "full", "--password-stdin",
        input: "s3cret!")
      try cli.ok(
        "connection", "update", "legacy_db", "--scope-deployment", "full", "--extra-set-env",
        "api_token=TOKEN",
        environment: ["TOKEN": "tk-1"])
      try cli.ok(
        "variable", "update", "api_key", "--scope-deployment", "full", "--value-stdin", input: "k-123-secret")
    } else {
      // 2.10 shows variables in plain text: kept encrypted, with a warning.
      #expect(pulled.stderr.contains("api_key") && pulled.stderr.contains("plain text"), "\(pulled.stderr)")
    }
    // Now airenv holds what Airflow holds; adopting changes nothing there.
    #expect(try cli.run("apply", "--deployment", "full", "--yes", "--adopt").status == 0)
    #expect(try plan(cli).status == 0)

    // A change made in Airflow is shown, and taken over only when asked.
    try server.call("PATCH", "/variables/region", body: #"{"key":"region","value":"us"}"#)
    let shown = try cli.run("pull", "--deployment", "full")
    #expect(shown.stdout.contains("differs: variable region: value"), "\(shown.stdout)")
    #expect(try cli.run("variable", "get", "region", "--scope-deployment", "full").stdout.contains("eu"))
    try cli.ok("pull", "--deployment", "full", "--take", "value")
    #expect(try cli.run("variable", "get", "region", "--scope-deployment", "full").stdout.contains("us"))
    #expect(try cli.run("history").stdout.contains("pull"))
  }

  @Test(.enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"))
  func theTUIShowsSyncStatesAndAppliesAfterConfirmation() throws {
    let server = try AirflowServer.shared("3.3.2")
    try server.reset()
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("deployment", "create", "dev")
    try cli.ok("variable", "create", "region", "--value", "eu", "--link-all")
    try cli.ok("connection", "create", "db", "--type", "postgres", "--host", "h", "--link-all")
    try cli.ok(
      "target", "set", "prod", "--airflow-url", server.url, "--username", server.username, "--password-env",
      "PW",
      environment: ["PW": server.password])
    let tui = try TmuxSession(cli: cli, width: 120, height: 30, command: CLI.binary)
    try tui.wait(for: "Connections (1)")
    try tui.press("3")
    // prod is measured in the background; dev has no target.
    var screen = try tui.wait(for: "2 to apply")
    #expect(screen.contains("no target"))
    // An object's detail pane says where it is out of sync.
    try tui.press("2")
    try tui.wait(for: "[create in its Airflow]")
    try tui.press("3")
    try tui.press("j")  // prod (sorted after dev)
    try tui.press("p")
    screen = try tui.wait(for: "Plan of prod")
    #expect(screen.contains("create") && screen.contains("connection db"))
    // A asks first, with No focused: Enter keeps everything as it is.
    try tui.press("A")
    screen = try tui.wait(for: "It creates 2")
    try tui.press("Enter")
    try tui.wait(for: "cancelled")
    #expect((try server.databaseView()["variables"] as? [String: Any])?.isEmpty == true)
    // The apply runs beside the keys: with the server hung, keys still move the screen.
    try tui.press("A")
    try tui.wait(for: "It creates 2")
    try server.freeze(true)
    var frozen = true
    defer { if frozen { try? server.freeze(false) } }
    try tui.press("y")
    try tui.wait(for: "applying to")
    try tui.press("Escape")
    try tui.press("2")
    // Well within the target's 10 s timeout: a key thread waiting on the server would miss it.
    screen = try tui.wait(for: "the Variables tab", seconds: 5) {
      $0.contains(" KEY ") && $0.contains("region")
    }
    #expect(!screen.contains("applied to prod"), "the apply ended against a stopped server: \(screen)")
    #expect((try server.databaseView()["variables"] as? [String: Any])?.isEmpty == true)
    // Quitting now would end the apply half-way: the first q only says so.
    try tui.press("q")
    try tui.wait(for: "q again quits anyway")
    try server.freeze(false)
    frozen = false
    try tui.wait(for: "applied to prod: 2 created")
    try tui.press("3")
    try tui.wait(for: "in sync")
    #expect((try server.databaseView()["variables"] as? [String: String])?["region"] == "eu")
  }

  @Test func aStoppedServerIsAClearErrorAndTheRecordIsUnchanged() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("variable", "create", "v", "--value", "1", "--link-all")
    let port = try AirflowServer.freePort()
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "http://127.0.0.1:\(port)", "--username", "u",
      "--password-env", "PW",
      "--timeout", "2", environment: ["PW": "secret-pw"])
    for command in [["plan", "--deployment", "prod"], ["apply", "--deployment", "prod", "--yes"]] {
      let result = try cli.run(command)
      #expect(result.status == 1)
      #expect(result.stderr.contains("cannot reach http://127.0.0.1:\(port)"), "\(result.stderr)")
      #expect(!result.stderr.contains("secret-pw"))
    }
    let show = try cli.run("target", "show", "prod")
    #expect(show.stdout.contains("set (hidden)") && !show.stdout.contains("secret-pw"))
    // A key rotation re-seals the credential: it still opens (the error is the network's).
    try cli.ok("key", "rotate")
    let rotated = try cli.run("plan", "--deployment", "prod")
    #expect(rotated.status == 1 && rotated.stderr.contains("cannot reach"), "\(rotated.stderr)")
    let files = try FileManager.default.subpathsOfDirectory(atPath: cli.repository)
    #expect(files.allSatisfy { !$0.contains("/delivery/") })
    // The credential is sealed on disk.
    let stored = try files.filter { $0.contains("/deployments/") && $0.hasSuffix(".json") }.map {
      try String(contentsOfFile: cli.repository + "/" + $0, encoding: .utf8)
    }.joined()
    #expect(stored.contains("enc:v1:") && !stored.contains("secret-pw"))
  }

  @Test func aDeliveryRecordNamingAnImpossibleIdIsRefused() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    let port = try AirflowServer.freePort()
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "http://127.0.0.1:\(port)", "--username", "u",
      "--password-env", "PW",
      environment: ["PW": "pw"])
    // What --prune may delete comes from this file: a hand edit naming an id airenv could not
    // have applied is refused before anything is sent.
    let workspace = try #require(
      try FileManager.default.contentsOfDirectory(atPath: cli.repository + "/workspaces").first)
    let deployment = try #require(
      try FileManager.default.contentsOfDirectory(
        atPath: cli.repository + "/workspaces/\(workspace)/deployments"
      )
      .first)
    let records = cli.repository + "/workspaces/\(workspace)/delivery"
    try FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
    try
      #"{"version": 1, "target": "http://127.0.0.1:\#(port)", "connections": {"../../x y": {"fields": {}, "secrets": {}}}, "variables": {}}"#
      .write(toFile: records + "/" + deployment, atomically: true, encoding: .utf8)
    let plan = try cli.run("plan", "--deployment", "prod")
    #expect(
      plan.status != 0 && plan.stderr.contains("is not an id airenv could have applied"), "\(plan.stderr)")
  }

  @Test func aDirectoryThatCannotBeWrittenIsAFailureNotASuccess() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("variable", "create", "v", "--value", "1", "--link-all")
    let file = cli.scratch + "/a-file"
    try "x".write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("target", "set", "prod", "--directory", file + "/secrets", "--format", "airflow-json")
    let apply = try cli.run("apply", "--deployment", "prod", "--yes")
    #expect(apply.status == 1, "\(apply.stdout)\(apply.stderr)")
    #expect(apply.stdout.contains("not written"), "\(apply.stdout)")
    // Nothing was recorded as written: the next plan still has everything to do.
    #expect(try cli.run("plan", "--deployment", "prod").stdout.contains("has not written here yet"))
  }

  @Test func targetsAreCheckedLikeAnyInput() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    let cases: [([String], String)] = [
      (["--airflow-url", "ftp://x", "--username", "u", "--password-env", "PW"], "http:// or https://"),
      (
        ["--airflow-url", "https://u:p@host", "--username", "u", "--password-env", "PW"],
        "must not hold credentials"
      ),
      (
        ["--airflow-url", "https://host\u{1B}[2J", "--username", "u", "--password-env", "PW"],
        "printable ASCII"
      ),
      (["--airflow-url", "https://host"], "--username"),
      (
        ["--airflow-url", "https://host", "--username", "u", "--password-env", "PW", "--timeout", "0"],
        "timeout"
      ),
      (["--directory", "/tmp/x", "--format", "uri"], "airflow-json, airflow-yaml, airflow-env"),
      (["--directory", "/tmp/x"], "--format"),
    ]
    for (arguments, expected) in cases {
      let result = try cli.run(["target", "set", "prod"] + arguments, environment: ["PW": "pw"])
      #expect(result.status != 0, "\(arguments)")
      #expect(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
      #expect(!result.stderr.contains("\u{1B}"))
    }
    let none = try cli.run("plan", "--deployment", "prod")
    #expect(none.status == 3 && none.stderr.contains("has no target"), "\(none.stderr)")
  }
}
