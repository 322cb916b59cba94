import Foundation
import Testing

/// Targets beyond one password login: a token from the environment, TLS that is verified, and
/// `--all` over several targets of which one is dead. Part of the serialized delivery suite,
/// since the servers are shared.
extension DeliveryTests {
  @Test(.enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"))
  func aTokenFromTheEnvironmentIsUsedAndNeverStored() throws {
    let server = try AirflowServer.shared("3.3.2")
    try server.reset()
    let cli = try InteropTests.fixture()
    let token = try server.token()
    try cli.ok(
      "target", "set", "full", "--airflow-url", server.url, "--token-env", "AIRFLOW_TOKEN",
      environment: ["AIRFLOW_TOKEN": token])
    let check = try cli.run("target", "check", "full")
    #expect(check.status == 0 && check.stdout.contains("Airflow 3.3.2"), "\(check.stdout)\(check.stderr)")
    let applied = try cli.run("apply", "--deployment", "full", "--yes")
    #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
    #expect(try plan(cli).status == 0)
    try expectReadBackEqualsResolved(cli, server, "applied with a token")

    // The token is sealed in the repository and appears in no output.
    let show = try cli.run("target", "show", "full")
    #expect(show.stdout.contains("set (hidden)"))
    let stored = try FileManager.default.subpathsOfDirectory(atPath: cli.repository).filter {
      $0.hasSuffix(".json")
    }.map { try String(contentsOfFile: cli.repository + "/" + $0, encoding: .utf8) }.joined()
    let outputs = [check, applied, show, try cli.run("history")].map { $0.stdout + $0.stderr }.joined()
    #expect(!stored.contains(token) && !outputs.contains(token))
    #expect(!stored.contains(String(token.suffix(20))))

    // A token the server did not sign: refused, saying so and what to do.
    let forged = String(token.dropLast(4)) + (token.hasSuffix("AAAA") ? "BBBB" : "AAAA")
    try cli.ok(
      "target", "set", "full", "--airflow-url", server.url, "--token-env", "AIRFLOW_TOKEN",
      environment: ["AIRFLOW_TOKEN": forged])
    let refused = try cli.run("plan", "--deployment", "full")
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("airenv target set"), "\(refused.stderr)")
    #expect(!refused.stderr.contains(forged))
  }

  @Test(
    .enabled(
      if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
      "needs openssl (.ci/run installs it)"))
  func aCertificateThatIsNotTrustedIsRefusedBeforeAnyCredentialIsSent() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("variable", "create", "v", "--value", "1", "--link-all")
    // A real TLS server on 127.0.0.1 with a self-signed certificate that names 127.0.0.1: all
    // it lacks is trust.
    let port = try AirflowServer.freePort()
    let certificate = cli.scratch + "/cert.pem"
    let key = cli.scratch + "/key.pem"
    let generate = Process()
    generate.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    generate.arguments = [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ]
    generate.standardOutput = FileHandle.nullDevice
    generate.standardError = FileHandle.nullDevice
    try generate.run()
    generate.waitUntilExit()
    #expect(generate.terminationStatus == 0)
    let requests = cli.scratch + "/requests.log"
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    server.arguments = [
      "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet",
    ]
    _ = FileManager.default.createFile(atPath: requests, contents: nil)
    server.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: requests))
    server.standardError = FileHandle.nullDevice
    server.standardInput = FileHandle.nullDevice
    try server.run()
    defer {
      // SIGKILL: the test process's threads block SIGTERM, and a child keeps that mask.
      kill(server.processIdentifier, SIGKILL)
      server.waitUntilExit()
    }
    try AirflowServer.waitForListener(port: port)

    try cli.ok(
      "target", "set", "prod", "--airflow-url", "https://127.0.0.1:\(port)", "--username", "u",
      "--password-env", "PW", "--timeout", "5", environment: ["PW": "tls-secret-pw"])
    for command in [["target", "check", "prod"], ["plan", "--deployment", "prod"]] {
      let result = try cli.run(command)
      #expect(result.status == 1, "\(command): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("TLS certificate is not trusted"), "\(command): \(result.stderr)")
      #expect(!result.stderr.contains("tls-secret-pw"))
    }
    // The handshake failed, so no request (and no password) ever reached the server.
    let received = try String(contentsOfFile: requests, encoding: .utf8)
    #expect(!received.contains("GET") && !received.contains("POST"), "\(received)")
  }

  @Test(.enabled(if: enabled, "needs real Airflow: run scripts/setup-airflow.sh"))
  func allPlansAndAppliesEveryTargetAndReportsTheOneThatIsDown() throws {
    let three = try AirflowServer.shared("3.3.2")
    let two = try AirflowServer.shared("2.10.5")
    try three.reset()
    try two.reset()
    let cli = try InteropTests.fixture()
    try cli.ok("deployment", "create", "files")
    try cli.ok("deployment", "create", "dead")
    for (deployment, server) in [("full", three), ("portable", two)] {
      try cli.ok(
        "target", "set", deployment, "--airflow-url", server.url, "--username", server.username,
        "--password-env", "PW", environment: ["PW": server.password])
    }
    let directory = cli.scratch + "/delivered"
    try cli.ok("target", "set", "files", "--directory", directory, "--format", "airflow-yaml")
    try cli.ok(
      "target", "set", "dead", "--airflow-url", "http://127.0.0.1:\(try AirflowServer.freePort())",
      "--username", "u", "--password-env", "PW", "--timeout", "2", environment: ["PW": "pw"])

    // The dead target is reported; the three others are planned. Its error decides the status.
    let planned = try cli.run("plan", "--all", "--output", "json")
    #expect(planned.status == 1, "\(planned.stderr)")
    #expect(planned.stderr.contains("Deployment dead: ") && planned.stderr.contains("cannot reach"))
    let plans = try #require(planned.json as? [[String: Any]], "\(planned.stdout)")
    #expect(plans.compactMap { $0["deployment"] as? String }.sorted() == ["files", "full", "portable"])
    for plan in plans {
      let states = Set((plan["objects"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String })
      #expect(states == ["create"], "\(plan["deployment"] ?? ""): \(states)")
    }

    let applied = try cli.run("apply", "--all", "--yes")
    #expect(applied.status == 1, "\(applied.stdout)\(applied.stderr)")
    for name in ["files", "full", "portable"] {
      #expect(applied.stdout.contains("applied to \(name): "), "\(applied.stdout)")
    }
    #expect(applied.stderr.contains("Deployment dead: "), "\(applied.stderr)")

    // Without the dead target everything is in sync, and each Airflow holds its Deployment's set.
    try cli.ok("target", "remove", "dead")
    let again = try cli.run("plan", "--all")
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    try expectReadBackEqualsResolved(cli, three, "--all, Airflow 3.3.2")
    let portable = try cli.json("resolve", "--deployment", "portable", "--reveal")
    try InteropTests().check(
      try two.databaseView(), against: portable, format: "airflow-json", label: "--all, Airflow 2.10.5")
    let written = try String(contentsOfFile: directory + "/connections.yaml", encoding: .utf8)
    #expect(written.contains("tricky_pg"), "\(written)")
  }
}
