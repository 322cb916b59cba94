import Foundation
import Testing

@Suite("CLI: the branch-deploy workflow and the CLI contract")
struct BranchDeployTests {
  @Test func devCredentialsLinkedToAllProdOverriddenOneFeatureExcluded() throws {
    let cli = CLI()
    try cli.ok("init")
    try cli.ok("workspace", "create", "data")
    for name in ["dev", "prod", "feature-a", "feature-b"] { try cli.ok("deployment", "create", name) }
    try cli.ok(
      "connection", "create", "warehouse", "--type", "postgres", "--host", "dev-db", "--port", "5432",
      "--login",
      "app", "--password-stdin", "--link-all", input: "dev-pw\n")
    try cli.ok(
      "connection", "link", "warehouse", "--deployment", "prod", "--host", "prod-db", "--password-env",
      "PROD_PW",
      environment: ["PROD_PW": "p@ss/w:rd"])
    try cli.ok("connection", "exclude", "warehouse", "--deployment", "feature-b")

    let prod = try cli.json("resolve", "--deployment", "prod", "--reveal")
    let connection = try #require((prod["connections"] as? [[String: Any]])?.first)
    #expect(connection["conn_id"] as? String == "warehouse")
    let fields = try #require(connection["fields"] as? [String: Any])
    #expect(fields["host"] as? String == "prod-db")
    #expect(fields["password"] as? String == "p@ss/w:rd")
    #expect(fields["login"] as? String == "app")
    #expect(fields["port"] as? Int == 5432)
    let provenance = try #require(connection["provenance"] as? [String: String])
    #expect(provenance["host"] == "override")
    #expect(provenance["login"] == "base")

    let masked = try cli.json("resolve", "--deployment", "prod")
    let maskedFields = try #require(
      ((masked["connections"] as? [[String: Any]])?.first)?["fields"] as? [String: Any])
    #expect(maskedFields["password"] == nil || maskedFields["password"] is NSNull)
    #expect(maskedFields["masked"] as? [String] == ["password"])
    #expect(!(try cli.ok("resolve", "--deployment", "prod")).contains("p@ss"))

    let dev = try cli.json("resolve", "--deployment", "feature-a", "--reveal")
    let devFields = try #require(
      ((dev["connections"] as? [[String: Any]])?.first)?["fields"] as? [String: Any])
    #expect(devFields["host"] as? String == "dev-db")
    #expect(devFields["password"] as? String == "dev-pw")
    let excluded = try cli.json("resolve", "--deployment", "feature-b")
    #expect((excluded["connections"] as? [Any])?.isEmpty == true)

    let matrix = try cli.json("matrix")
    let row = try #require((matrix["rows"] as? [[String: Any]])?.first)
    #expect(
      row["cells"] as? [String: String] == [
        "dev": "linked-via-all", "feature-a": "linked-via-all", "feature-b": "excluded", "prod": "overridden",
      ])

    // A new branch Deployment gets the dev credentials at once.
    try cli.ok("deployment", "create", "feature-c", "--branch", "feature/c", "--tag", "development")
    let fresh = try cli.json("resolve", "--deployment", "feature-c")
    #expect((fresh["connections"] as? [[String: Any]])?.first?["conn_id"] as? String == "warehouse")
  }

  @Test func anEmptyStdinLeavesThePasswordAsItWas() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("connection", "create", "db", "--type", "postgres", "--password-stdin", input: "secret-1\n")
    let result = try cli.run("connection", "update", "db", "--password-stdin", "--host", "h2", input: "")
    #expect(result.status == 0)
    #expect(result.stderr.contains("standard input was empty, so the password is left as it was"))
    let connection = try cli.json("connection", "get", "db", "--reveal")
    let base = try #require(connection["base"] as? [String: Any])
    #expect(base["password"] as? String == "secret-1")
    #expect(base["host"] as? String == "h2")
  }

  @Test func uriCreatesEveryFieldAndFlagsWinOverIt() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok(
      "connection", "create", "db", "--uri",
      "postgres://u%40x:p%2Fw@Db.Example.com:6432/analytics?sslmode=require",
      "--port", "5433")
    let base = try #require(try cli.json("connection", "get", "db", "--reveal")["base"] as? [String: Any])
    #expect(base["conn_type"] as? String == "postgres")
    #expect(base["login"] as? String == "u@x")
    #expect(base["password"] as? String == "p/w")
    #expect(base["host"] as? String == "db.example.com")
    #expect(base["port"] as? Int == 5433)
    #expect(base["schema"] as? String == "analytics")
    #expect(base["extra"] as? [String: String] == ["sslmode": "require"])
  }

  @Test func listingsInJsonAndYaml() throws {
    let cli = CLI()
    try cli.ok("demo")
    let list = try cli.run("connection", "list", "--output", "json")
    let items = try #require(list.json as? [[String: Any]])
    #expect(items.count == 13)
    #expect(
      items.map { $0["conn_id"] as? String ?? "" } == items.map { $0["conn_id"] as? String ?? "" }.sorted())
    let yaml = try cli.ok("deployment", "list", "--output", "yaml")
    #expect(yaml.contains("- branch: feature/billing-v2"))
    let variables = try cli.run("variable", "list", "--output", "json")
    let partner = try #require(
      (variables.json as? [[String: Any]])?.first { $0["key"] as? String == "partner_api_key" })
    #expect(partner["masked"] as? Bool == true)
    #expect(partner["value"] == nil || partner["value"] is NSNull)
  }

  @Test func diffSaysDiffersForSecretsWithoutRevealingThem() throws {
    let cli = CLI()
    try cli.ok("demo")
    let text = try cli.ok("diff", "dev", "prod")
    #expect(text.contains("differs (secret)"))
    for secret in ["dev-password-not-secret", "Pr0d#p@ss", "snow-prod-pass"] {
      #expect(!text.contains(secret))
    }
    let json = try cli.json("diff", "dev", "prod")
    let entry = try #require(
      (json["entries"] as? [[String: Any]])?.first { $0["id"] as? String == "warehouse_db" })
    let password = try #require(
      (entry["changes"] as? [[String: Any]])?.first { $0["field"] as? String == "password" })
    #expect(password["secret"] as? Bool == true)
    #expect(password["from"] == nil || password["from"] is NSNull)
  }

  @Test func destructiveCommandsNeedYesWithoutATerminalAndSayTheBlastRadius() throws {
    let cli = CLI()
    try cli.ok("demo")
    let refused = try cli.run("connection", "delete", "warehouse_db")
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("Delete the Workspace connection \"warehouse_db\"? 4 Deployments"))
    #expect(refused.stderr.contains("pass --yes"))
    #expect(try cli.run("connection", "get", "warehouse_db").status == 0)
    let deleted = try cli.ok("connection", "delete", "warehouse_db", "--yes")
    #expect(deleted.contains("it was received by 4 Deployments"))
    #expect(try cli.run("connection", "get", "warehouse_db").status == 3)

    let deployment = try cli.run("deployment", "delete", "dev")
    #expect(deployment.status == 2)
    #expect(deployment.stderr.contains("1 Deployment-scoped object"))
    try cli.ok("deployment", "delete", "dev", "--yes")
    #expect(try cli.run("connection", "get", "scratch_db").status == 3)
  }
}
