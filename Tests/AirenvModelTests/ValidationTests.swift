import AirenvModel
import Testing

@Suite("Validation: every refusal and its message")
struct ValidationTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var command: Command
    var message: String
    var category: ModelError.Category
    var testDescription: String { name }
  }

  static func create(_ key: String, _ fields: [ConnectionField: String] = [.connType: "postgres"]) -> Command
  {
    .createConnection(key: key, fields: ConnectionChanges(fields: fields), sharing: .restricted)
  }

  static let cases: [Case] = [
    Case(
      name: "conn_id with a space", command: create("my db"),
      message: #"conn_id "my db" is not allowed: it contains a space; use 1–200 ASCII characters"#,
      category: .validation),
    Case(
      name: "conn_id with ..", command: create("a..b"),
      message: #"conn_id "a..b" is not allowed: it contains "..""#, category: .validation),
    Case(
      name: "conn_id too long", command: create(String(repeating: "a", count: 201)),
      message: "it is 201 characters long", category: .validation),
    Case(
      name: "empty conn_id", command: create(""), message: "it is empty", category: .validation),
    Case(
      name: "non-ASCII conn_id", command: create("café"), message: #"it contains "é""#,
      category: .validation),
    Case(
      name: "variable key rule",
      command: .createVariable(key: "a/b", fields: VariableChanges(value: "x"), sharing: .restricted),
      message: #"key "a/b" is not allowed: it contains "/""#, category: .validation),
    Case(
      name: "duplicate conn_id ignoring case", command: create("EXISTING"),
      message: #"conn_id "EXISTING" is already used by the Workspace connection "existing""#,
      category: .conflict),
    Case(
      name: "missing type", command: create("new", [:]),
      message: "conn_type: a new connection needs a type", category: .validation),
    Case(
      name: "bad type", command: create("new", [.connType: "post gres"]),
      message: #"conn_type: "post gres" is not a connection type"#, category: .validation),
    Case(
      name: "port out of range", command: create("new", [.connType: "postgres", .port: "70000"]),
      message: #"port: "70000" is not a port number from 1 to 65535"#, category: .validation),
    Case(
      name: "port not a number", command: create("new", [.connType: "postgres", .port: "abc"]),
      message: #"port: "abc" is not a port number"#, category: .validation),
    Case(
      name: "variable without value",
      command: .createVariable(key: "v", fields: VariableChanges(), sharing: .restricted),
      message: "value: a new variable needs a value", category: .validation),
    Case(
      name: "unknown object", command: .delete(ObjectReference(.connection, "nope")),
      message: #"no connection "nope" in Workspace "test""#, category: .validation),
    Case(
      name: "unknown Deployment", command: link("existing", "qa"),
      message: #"no Deployment "qa" in Workspace "test""#, category: .validation),
    Case(
      name: "linking a scoped object", command: link("scratch", "prod"),
      message: #"connection "scratch" belongs to Deployment "dev" and cannot be linked"#,
      category: .validation),
    Case(
      name: "linked to all on a scoped object",
      command: .updateConnection(
        ObjectReference(.connection, "scratch"), ConnectionChanges(), linkedToAll: true),
      message: "cannot be linked, excluded or linked to all", category: .validation),
    Case(
      name: "scoped id that its Deployment already resolves",
      command: .createConnection(
        key: "Existing", fields: ConnectionChanges(fields: [.connType: "http"]),
        sharing: .scoped(toDeployment: "dev")),
      message:
        #"Deployment "dev" would get two connections with one conn_id: the Workspace connection "existing" and the connection "Existing" of Deployment "dev""#,
      category: .conflict),
    Case(
      name: "linking an object onto a scoped one with the same id", command: link("Scratch-twin", "dev"),
      message: #"Deployment "dev" would get two connections"#, category: .conflict),
    Case(
      name: "bad Deployment name",
      command: .createDeployment(name: "-prod", description: nil, tags: [], branch: nil),
      message: #"Deployment name "-prod" is not allowed: it starts with "-""#, category: .validation),
    Case(
      name: "duplicate Deployment ignoring case",
      command: .createDeployment(name: "PROD", description: nil, tags: [], branch: nil),
      message: #"Deployment "PROD" already exists as "prod""#, category: .conflict),
    Case(
      name: "unlink without a link",
      command: .unlink(ObjectReference(.connection, "existing"), deployment: "prod"),
      message: #"has no link to Deployment "prod""#, category: .validation),
    Case(
      name: "include without an exclusion",
      command: .include(ObjectReference(.connection, "existing"), deployment: "prod"),
      message: #"Deployment "prod" is not excluded"#, category: .validation),
    Case(
      name: "reset of an unknown field",
      command: .resetOverride(
        ObjectReference(.connection, "existing"), deployment: "staging", fields: ["colour"]),
      message: "a connection override field is one of", category: .validation),
    Case(
      name: "promote a Workspace object", command: .promote(ObjectReference(.connection, "existing")),
      message: #"connection "existing" is already Workspace-scoped"#, category: .validation),
    Case(
      name: "a field both set and cleared",
      command: .updateConnection(
        ObjectReference(.connection, "existing"), ConnectionChanges(fields: [.host: "h"], clear: [.host]),
        linkedToAll: nil),
      message: "host: it is both set and cleared", category: .validation),
    Case(
      name: "rename onto an existing id",
      command: .rename(ObjectReference(.connection, "scratch-twin"), newKey: "existing"),
      message: #"conn_id "existing" is already used"#, category: .conflict),
  ]

  static func fixture() throws -> Fixture {
    var fixture = Fixture()
    try fixture.run(create("existing"))
    try fixture.run(
      .updateConnection(ObjectReference(.connection, "existing"), ConnectionChanges(), linkedToAll: true))
    try fixture.run(link("existing", "staging"))
    try fixture.run(
      .createConnection(
        key: "scratch", fields: ConnectionChanges(fields: [.connType: "postgres"]),
        sharing: .scoped(toDeployment: "dev")))
    try fixture.run(create("scratch-twin"))
    try fixture.run(
      .createConnection(
        key: "Scratch-Twin", fields: ConnectionChanges(fields: [.connType: "http"]),
        sharing: .scoped(toDeployment: "dev")))
    return fixture
  }

  @Test(arguments: cases)
  func refusal(_ test: Case) throws {
    var fixture = try Self.fixture()
    let before = fixture.workspace
    do {
      try fixture.run(test.command)
      Issue.record("\(test.name) was accepted")
    } catch {
      #expect(error.message.contains(test.message), "\(error.message)")
      #expect(error.category == test.category)
    }
    #expect(fixture.workspace == before, "a refused command changed the Workspace")
  }

  @Test func connTypeIsNormalisedAsAirflowDoes() throws {
    var fixture = Fixture()
    try fixture.run(Self.create("a", [.connType: "PostgreSQL"]))
    try fixture.run(Self.create("b", [.connType: "google-cloud-platform"]))
    #expect(fixture.connection("a").base.connType == "postgres")
    #expect(fixture.connection("b").base.connType == "google_cloud_platform")
  }

  @Test func lookupPrefersExactCaseThenIgnoresCase() throws {
    var fixture = Fixture()
    try fixture.run(Self.create("Warehouse"))
    #expect(fixture.connection("warehouse").key == "Warehouse")
  }

  @Test(arguments: ["db_token", "Slack-Webhook-URL", "AWS_SECRET_ACCESS_KEY", "my.api_key"])
  func sensitiveNames(_ name: String) {
    #expect(SensitiveNames.isSensitive(name))
  }

  @Test(arguments: ["region_name", "key_path", "project", "host"])
  func ordinaryNames(_ name: String) {
    #expect(!SensitiveNames.isSensitive(name))
  }

  /// Names made of pieces of the words, separators and case: the answer is Airflow's rule
  /// spelt out plainly (lower-case, fold runs of non-word characters to `_`, search).
  @Test func sensitiveNamesFollowTheRuleForEveryMixOfPieces() {
    let pieces = [
      "pass", "word", "PASS", "_", "-", "..", " ", "api", "key", "Key", "tok", "en", "x", "ï", "K",
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<5_000 {
      let name = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
        pieces.randomElement(using: &generator)!
      }.joined()
      var folded = ""
      var afterSeparator = false
      for character in name.lowercased() {
        if character.isLetter || character.isNumber || character == "_" {
          folded.append(character)
          afterSeparator = false
        } else if !afterSeparator {
          folded.append("_")
          afterSeparator = true
        }
      }
      let expected = SensitiveNames.words.contains { folded.contains($0) }
      #expect(SensitiveNames.isSensitive(name) == expected, "\(name)")
    }
  }
}
