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
}
