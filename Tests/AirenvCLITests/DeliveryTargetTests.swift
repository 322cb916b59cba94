import Foundation
import Testing

/// Targets beyond one password login: a token from the environment, and `--all` over several
/// targets of which one is dead (TLS is in TLSTests). Part of the serialized delivery suite,
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
    let entries = try #require(planned.json as? [[String: Any]], "\(planned.stdout)")
    // A script reading only stdout still learns that "dead" was not planned, and why.
    let failed = try #require(entries.first { $0["deployment"] as? String == "dead" }, "\(planned.stdout)")
    #expect((failed["error"] as? String)?.contains("cannot reach") == true, "\(failed)")
    #expect(failed["exitCode"] as? Int == 1 && failed["status"] as? String == "error", "\(failed)")
    #expect((failed["objects"] as? [Any])?.isEmpty == true && failed["inSync"] as? Bool == false)
    // In the order of the Deployments, the failed one in its place.
    #expect(entries.compactMap { $0["deployment"] as? String } == ["dead", "files", "full", "portable"])
    let plans = entries.filter { $0["status"] as? String == "planned" }
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
