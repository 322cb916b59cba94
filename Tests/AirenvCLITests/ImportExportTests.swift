import Foundation
import Testing

@Suite("CLI: export and import")
struct ImportExportTests {
  /// Exports a Deployment, imports the files into an empty repository with one Deployment and
  /// checks that it resolves to the same set, for every format that carries enough to do so.
  @Test(arguments: [
    ("full", "airflow-json"), ("full", "airflow-yaml"), ("full", "env"), ("full", "airflow-settings"),
    ("full", "uri"), ("portable", "airflow-env"),
  ])
  func exportThenImportResolvesToTheSameSet(deployment: String, format: String) throws {
    let source = try InteropTests.fixture()
    let pair = ["airflow-json", "airflow-yaml", "airflow-env"].contains(format)
    let out = source.scratch + "/export-\(format)" + (pair ? "" : ".out")
    try source.ok("export", "--deployment", deployment, "--format", format, "--out", out, "--include-secrets")
    let target = CLI()
    try target.ok("workspace", "create", "copy")
    try target.ok("deployment", "create", "d")
    let files =
      pair
      ? ["connections", "variables"].map {
        "\(out)/\($0).\(format == "airflow-env" ? "env" : String(format.dropFirst(8)))"
      }
      : [out]
    for file in files { try target.ok("import", file, "--format", format, "--link-all") }

    let expected = try source.json("resolve", "--deployment", deployment, "--reveal")
    let actual = try target.json("resolve", "--deployment", "d", "--reveal")
    func connections(_ set: [String: Any]) -> [String: String] {
      Dictionary(
        uniqueKeysWithValues: (set["connections"] as! [[String: Any]]).map {
          ($0["conn_id"] as! String, InteropTests.canonical($0["fields"] as! [String: Any], format: format))
        })
    }
    func variables(_ set: [String: Any]) -> [String: String] {
      Dictionary(
        uniqueKeysWithValues: (set["variables"] as! [[String: Any]]).map {
          ($0["key"] as! String, $0["value"] as! String)
        })
    }
    #expect(connections(actual) == connections(expected))
    var expectedVariables = variables(expected)
    if format == "uri" { expectedVariables = [:] }
    if format == "airflow-settings" { expectedVariables = expectedVariables.filter { !$0.value.isEmpty } }
    #expect(variables(actual) == expectedVariables)
  }

  @Test func anAirflowSettingsFileAsTheAstroCLIWritesIt() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    let file = cli.scratch + "/airflow_settings.yaml"
    try """
    # This file allows you to configure Airflow Connections, Pools, and Variables in a single place for local development only.
    airflow:
      connections:
        - conn_id:
          conn_type:
          conn_host:
          conn_schema:
          conn_login:
          conn_password:
          conn_port:
          conn_extra:
            example_extra_field: example-value
        - conn_id: my_pg
          conn_type: postgres
          conn_host: 123.0.0.4
          conn_schema: airflow
          conn_login: user
          conn_password: yes
          conn_port: 5432
          conn_extra: '{"sslmode": "require", "connect_timeout": 10}'
        - conn_id: from_uri
          conn_uri: mysql://reader:s%40cret@mysql.example.com:3306/orders
      pools:
        - pool_name: my_pool
          pool_slot: 5
          pool_description:
      variables:
        - variable_name: my_variable
          variable_value: my_value
        - variable_name: empty_one
          variable_value:
    """.write(toFile: file, atomically: true, encoding: .utf8)
    let output = try cli.ok("import", file, "--link-all")
    #expect(output.contains("imported \(file) (airflow-settings): created 3"))
    #expect(output.contains("ignored 1 pool "))
    #expect(output.contains("variable empty_one has no value"))
    let resolved = try cli.ok("resolve", "--deployment", "dev", "--reveal", "--output", "json")
    #expect(resolved.contains("\"password\" : \"yes\""))
    #expect(resolved.contains("\"connect_timeout\" : 10"))
    #expect(resolved.contains("\"password\" : \"s@cret\""))
    #expect(resolved.contains("\"value\" : \"my_value\""))
  }

  @Test func aDotenvFileWithCommentsAndQuotes() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    let file = cli.scratch + "/.env"
    try #"""
    # local development
    export AIRFLOW_CONN_WAREHOUSE='{"conn_type": "postgres", "host": "db", "password": "it\'s $secret", "port": 5432}'
    AIRFLOW_CONN_API=http://user:p%23ss@api.example.com   # trailing comment
    AIRFLOW_VAR_GREETING="hello\nworld"
    AIRFLOW_VAR_PLAIN=plain value # comment
    AIRFLOW_VAR_HASH='a # not a comment'
    AIRFLOW_VAR_MULTI='line one
    line two'
    OTHER_SETTING=1
    """#.write(toFile: file, atomically: true, encoding: .utf8)
    let output = try cli.ok("import", file, "--link-all")
    #expect(output.contains("created 6"))
    #expect(output.contains("OTHER_SETTING (line 9) is not an AIRFLOW_CONN_ or AIRFLOW_VAR_ variable"))
    let resolved = try cli.json("resolve", "--deployment", "dev", "--reveal")
    let variables = Dictionary(
      uniqueKeysWithValues: (resolved["variables"] as! [[String: Any]]).map {
        ($0["key"] as! String, $0["value"] as! String)
      })
    #expect(
      variables == [
        "greeting": "hello\nworld", "plain": "plain value", "hash": "a # not a comment",
        "multi": "line one\nline two",
      ])
    let warehouse = try #require(
      (resolved["connections"] as! [[String: Any]]).first { $0["conn_id"] as? String == "warehouse" })
    #expect((warehouse["fields"] as! [String: Any])["password"] as? String == "it's $secret")
    let api = try #require(
      (resolved["connections"] as! [[String: Any]]).first { $0["conn_id"] as? String == "api" })
    #expect((api["fields"] as! [String: Any])["password"] as? String == "p#ss")
  }

  struct Broken: CustomTestStringConvertible, Sendable {
    var name: String
    var file: String
    var text: String
    var message: String
    var testDescription: String { name }
  }

  static let broken: [Broken] = [
    Broken(
      name: "bad YAML", file: "airflow_settings.yaml",
      text: "airflow:\n  connections:\n    - conn_id: [oops\n",
      message: "airflow_settings.yaml:4: not valid YAML"),
    Broken(
      name: "duplicate YAML key", file: "connections.yaml",
      text: "a:\n  conn_type: http\na:\n  conn_type: postgres\n",
      message: "connections.yaml:3: the key \"a\" appears twice"),
    Broken(
      name: "duplicate JSON key", file: "connections.json",
      text: "{\n  \"a\": \"http://h\",\n  \"a\": \"http://g\"\n}\n",
      message: "connections.json:3: not valid JSON: the member \"a\" appears twice"),
    Broken(
      name: "invalid conn_id", file: "connections.json",
      text: "{\n  \"ok\": {\"conn_type\": \"http\"},\n  \"bad id\": {\"conn_type\": \"http\"}\n}\n",
      message: "connections.json:3: conn_id \"bad id\" is not allowed: it contains a space"),
    Broken(
      name: "bad port", file: "connections.yaml", text: "db:\n  conn_type: postgres\n  port: 70000\n",
      message: "connections.yaml:1: port: \"70000\" is not a port number from 1 to 65535"),
    Broken(
      name: "URI Airflow rejects", file: "connections.uri",
      text: "good\thttp://h\nbad\tpostgres://u:p#w@h/db\n",
      message: "connections.uri:2: connection bad: the URI is not one Airflow reads"),
    Broken(
      name: "unknown key", file: "connections.json",
      text: "{\"x\": {\"conn_type\": \"http\", \"hots\": \"h\"}}",
      message: "connections.json:1: connection x: unknown key \"hots\""),
    Broken(
      name: "dotenv without closing quote", file: "dev.env", text: "AIRFLOW_VAR_A=1\nAIRFLOW_VAR_B='open\n",
      message: "dev.env:2: the value of AIRFLOW_VAR_B has no closing '"),
    // Nesting that a recursive reader would follow until the stack ran out.
    Broken(
      name: "JSON nested 100,000 deep", file: "connections.json",
      text: "{\"a\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        + "}",
      message: "connections.json:1: not valid JSON: objects and arrays are nested more than 512 levels deep"),
    Broken(
      name: "YAML nested 100,000 deep", file: "connections.yaml",
      text: "a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
      message: "connections.yaml:1: not valid YAML"),
  ]

  @Test(arguments: broken)
  func brokenInputsAreRefusedWithFileAndLineAndNothingIsWritten(_ test: Broken) throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("connection", "create", "existing", "--type", "http")
    let before = try cli.ok("connection", "list", "--output", "json")
    let path = cli.scratch + "/" + test.file
    try test.text.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try cli.run("import", path)
    #expect(result.status == 3, "\(result.stderr)")
    #expect(result.stderr.contains(cli.scratch + "/" + test.message), "\(result.stderr)")
    #expect(result.stderr.contains("nothing was imported"))
    #expect(try cli.ok("connection", "list", "--output", "json") == before)
  }

  @Test func importedSecretsAreStoredEncrypted() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    let file = cli.scratch + "/connections.json"
    try
      #"{"db": {"conn_type": "postgres", "password": "imported-Ω-pass", "extra": {"api_token": "imported-Ω-token"}}}"#
      .write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("import", file)
    let variables = cli.scratch + "/.env"
    try "AIRFLOW_VAR_SERVICE_TOKEN=imported-Ω-variable\n".write(
      toFile: variables, atomically: true, encoding: .utf8)
    try cli.ok("import", variables)
    let everything = (FileManager.default.enumerator(atPath: cli.repository)?.allObjects as? [String] ?? [])
      .compactMap { FileManager.default.contents(atPath: cli.repository + "/" + $0) }
    for secret in ["imported-Ω-pass", "imported-Ω-token", "imported-Ω-variable"] {
      #expect(everything.allSatisfy { $0.range(of: Data(secret.utf8)) == nil }, "\(secret)")
    }
    #expect(try cli.ok("variable", "get", "service_token", "--reveal").contains("imported-Ω-variable"))
  }

  @Test func secretsFetchingGatesExportWithSecretsForAuthorsAndMembers() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "dev")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--password-stdin", "--link-all", input: "pw-Ω")
    try cli.ok("workspace", "member", "set", "bob", "author")
    try cli.ok("workspace", "member", "set", "carol", "member")
    for user in ["bob", "carol"] {
      let refused = try cli.run(
        "export", "--deployment", "dev", "--format", "env", "--include-secrets", "--user", user)
      #expect(refused.status == 5, "\(user)")
      #expect(refused.stderr.contains("export secrets (secretsFetching is off)"))
    }
    let masked = try cli.run("export", "--deployment", "dev", "--format", "env", "--user", "bob")
    #expect(masked.status == 0)
    #expect(!masked.stdout.contains("pw-Ω"))
    #expect(masked.stderr.contains("withheld 1 secret field of 1 object "))
    #expect(try cli.run("export", "--deployment", "dev", "--format", "env", "--user", "carol").status == 5)
    #expect(
      try cli.ok("export", "--deployment", "dev", "--format", "env", "--include-secrets").contains("pw-Ω"))

    try cli.ok("workspace", "settings", "--secrets-fetching", "on")
    let fetched = try cli.run(
      "export", "--deployment", "dev", "--format", "env", "--include-secrets", "--user", "bob")
    #expect(fetched.status == 0)
    #expect(fetched.stdout.contains("pw-Ω"))
    #expect(
      try cli.run("export", "--deployment", "dev", "--format", "env", "--include-secrets", "--user", "carol")
        .status == 0)
  }

  @Test func exportWritesPrivateFilesAndPerDeploymentDirectories() throws {
    let cli = CLI()
    try cli.ok("demo")
    let out = cli.scratch + "/all"
    let result = try cli.run("export", "--all", "--format", "airflow-json", "--out", out)
    #expect(result.status == 0)
    for deployment in ["dev", "staging", "prod", "feature-login-flow", "feature-billing-v2"] {
      for file in ["connections.json", "variables.json"] {
        let path = "\(out)/\(deployment)/\(file)"
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber
        #expect(mode.intValue == 0o600, "\(path)")
      }
    }
    #expect(try cli.run("export", "--deployment", "prod", "--format", "airflow-json").status == 2)
    let env = try cli.run(
      "export", "--deployment", "dev", "--format", "airflow-env", "--out", cli.scratch + "/e")
    #expect(env.status == 0)
    let shell = try cli.run("export", "--deployment", "dev", "--format", "shell")
    #expect(shell.status == 0)
  }

  /// A file Airflow re-reads whole is worth a warning, said once for all the Deployments it
  /// concerns rather than once per Deployment.
  @Test func theReadWholeWarningIsSaidOnceForEveryDeployment() throws {
    let cli = CLI()
    try cli.ok("demo")
    let lines = (0..<101).map { "AIRFLOW_CONN_BULK_\($0)=postgres://u:p@h/db" }.joined(separator: "\n")
    let file = cli.scratch + "/bulk.env"
    try lines.write(toFile: file, atomically: true, encoding: .utf8)
    try cli.ok("import", file, "--link-all")
    let result = try cli.run("export", "--all", "--format", "airflow-json", "--out", cli.scratch + "/all")
    #expect(result.status == 0)
    let warnings = result.stderr.components(separatedBy: "\n").filter {
      $0.contains("re-reads the whole file")
    }
    #expect(warnings.count == 1, "\(result.stderr)")
    let warning = warnings.first ?? ""
    #expect(warning.contains("connections in the file of Deployments "))
    for deployment in ["dev", "staging", "prod", "feature-login-flow", "feature-billing-v2"] {
      #expect(warning.contains(deployment + " ("), "\(deployment): \(warning)")
    }
    let single = try cli.run(
      "export", "--deployment", "dev", "--format", "airflow-json", "--out", cli.scratch + "/d")
    #expect(single.stderr.contains("connections in the file of Deployment dev ("), "\(single.stderr)")
  }
}
