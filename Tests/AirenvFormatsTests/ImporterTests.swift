import AirenvModel
import Foundation
import Testing

@testable import AirenvFormats

@Suite("Import: hostile and real-world files")
struct ImporterTests {
  static func lines(_ set: ImportSet) -> [Int?] { set.problems.map(\.line) }

  /// "Billion laughs": nine lines that expand to 9^9 strings. Refused at the line where the
  /// expansion passes the limit, in milliseconds, before anything is built.
  @Test func anAliasBombIsRefusedBeforeItExpands() {
    var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for (previous, name) in zip("abcdefgh", "bcdefghi") {
      text +=
        "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
    }
    let started = Date()
    for format in [ImportFormat.airflowYAML, .airflowSettings] {
      let set = Importer.read(text, file: "bomb.yaml", format: format)
      #expect(set.connections.isEmpty && set.variables.isEmpty)
      #expect(set.problems.count == 1)
      #expect(set.problems.first?.reason.contains("aliases expand to more than") == true)
      #expect(set.problems.first?.line == 6)
    }
    #expect(Date().timeIntervalSince(started) < 1)
  }

  @Test(arguments: [300, 100_000])
  func nestingDeeperThanTheStackCanTakeIsRefused(depth: Int) {
    let deep = "a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    let set = Importer.read(deep, file: "deep.yaml", format: .airflowYAML)
    #expect(set.problems.count == 1, "\(set.problems)")
    #expect(set.problems.first.map { $0.reason.contains("nested") || $0.reason.contains("nesting") } == true)
  }

  /// PyYAML, and so Airflow, reads merge keys; a connections file written with them imports.
  @Test func mergeKeysAreReadAsAirflowReadsThem() throws {
    let yaml = """
      base: &base
        conn_type: postgres
        host: db.example.com
        port: 5432
      db_a:
        <<: *base
        login: a
      db_b:
        <<: [*base, {schema: analytics}]
        host: other
      """
    let set = Importer.read(yaml, file: "connections.yaml", format: .auto)
    #expect(set.problems.isEmpty, "\(set.problems)")
    let b = try #require(set.connections.first { $0.connId == "db_b" })
    #expect(b.fields.fields[.host] == "other")
    #expect(b.fields.fields[.port] == "5432")
    #expect(b.fields.fields[.schema] == "analytics")
    let a = try #require(set.connections.first { $0.connId == "db_a" })
    #expect(a.fields.fields[.login] == "a" && a.fields.fields[.host] == "db.example.com")

    let settings = """
      airflow:
        connections:
          - &pg
            conn_id: warehouse
            conn_type: postgres
            conn_host: h
          - <<: *pg
            conn_id: replica
        variables: []
      """
    let read = Importer.read(settings, file: "airflow_settings.yaml", format: .auto)
    #expect(read.problems.isEmpty, "\(read.problems)")
    #expect(read.connections.map(\.connId) == ["warehouse", "replica"])
    #expect(read.connections[1].fields.fields[.host] == "h")
  }

  /// One bad entry never turns a connections file into variables (with the passwords stored as
  /// plaintext values): it is an error at its own line.
  @Test(arguments: [
    #"{"db": {"conn_type": "postgres", "password": "pw"}, "x": null}"#,
    #"{"db": {"conn_type": "postgres", "password": "pw"}, "x": ""}"#,
    #"{"db": {"conn_type": "postgres", "password": "pw"}, "x": {}}"#,
    #"{"db": {"conn_type": "postgres", "password": "pw"}, "x": 42}"#,
    #"{"db": "postgres://u:pw@h/d", "x": null}"#,
  ])
  func oneBadEntryDoesNotMakeConnectionsVariables(json: String) {
    let set = Importer.read(json, file: "export.json", format: .auto)
    #expect(set.variables.isEmpty, "\(set.variables)")
    #expect(set.connections.map(\.connId) == ["db"])
    #expect(set.problems.count == 1 && set.problems.first?.reason.contains("connection x") == true)
  }

  @Test func aConnectionsEnvFileWithAnEmptyLineValueStaysConnections() {
    let set = Importer.read("db=postgres://u:pw@h/d\nx=\n", file: "export.env", format: .airflowEnv)
    #expect(set.variables.isEmpty)
    #expect(set.problems.map(\.line) == [2])
  }

  @Test func variablesWithURLsStayVariables() {
    let set = Importer.read(
      #"{"api_url": "https://api.example.com", "region": "eu"}"#, file: "vars.json", format: .auto)
    #expect(set.connections.isEmpty && set.variables.count == 2 && set.problems.isEmpty)
  }

  /// Every problem of a file in one pass, each at its line, in line order.
  @Test func everyProblemIsReportedInOnePassWithItsLine() {
    let json = """
      {
        "db": {"conn_type": "postgres"},
        "DB": {"conn_type": "mysql"},
        "h": {"conn_type": "http", "host": {"a": 1}},
        "l": {"conn_type": "http", "login": ["x"]},
        "e": {"conn_type": "http", "extra": "{\\"a\\": 1,}"},
        "u": {"conn_type": "http", "pasword": "x"}
      }
      """
    let set = Importer.read(json, file: "c.json", format: .airflowJSON)
    let reasons = set.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }.map {
      "\($0.line ?? 0): \($0.reason)"
    }
    #expect(reasons.count == 5, "\(reasons)")
    #expect(reasons.contains { $0.hasPrefix("3:") && $0.contains("ignoring case") })
    #expect(reasons.contains { $0.hasPrefix("4:") && $0.contains("host must be text, not an object") })
    #expect(reasons.contains { $0.hasPrefix("5:") && $0.contains("login must be text, not a list") })
    #expect(reasons.contains { $0.hasPrefix("6:") && $0.contains("extra is not valid JSON") })
    #expect(reasons.contains { $0.hasPrefix("7:") && $0.contains("unknown key \"pasword\"") })
  }

  /// Airflow's `json.loads` refuses a trailing comma in `AIRFLOW_CONN_*`; so does the import.
  @Test func jsonInAnEnvironmentVariableIsReadStrictly() {
    let set = Importer.read(
      "AIRFLOW_CONN_A={\"conn_type\": \"http\",}\nAIRFLOW_CONN_B={\"conn_type\": \"http\", \"port\": 01}\n",
      file: ".env", format: .env)
    #expect(set.problems.map(\.line) == [1, 2])
    #expect(set.connections.isEmpty)
  }

  @Test func theRulesOfTheModelAreReportedWithTheReadingProblems() throws {
    var workspace = Workspace(id: "ws", name: "w", stamp: Stamp(by: Actor(user: "a", time: Date())))
    let set = Importer.read(
      #"{"a": {"conn_type": "http", "port": 70000}, "b": null, "c d": {"conn_type": "http"}}"#,
      file: "x.json",
      format: .airflowJSON)
    #expect {
      try workspace.importing(
        set, from: "x.json", conflicts: .fail, sharing: .restricted, by: Actor(user: "a", time: Date()))
    } throws: { error in
      guard let problems = (error as? ImportProblems)?.problems else { return false }
      return problems.count == 3 && problems.contains { $0.reason.contains("port") }
        && problems.contains { $0.reason.contains("is null") }
        && problems.contains { $0.reason.contains("not allowed") }
    }
    #expect(workspace.connections.isEmpty)
  }

  @Test func aValueOverTheLimitIsRefusedAtItsLine() throws {
    let huge = String(repeating: "x", count: Limits.valueBytes + 1)
    var workspace = Workspace(id: "ws", name: "w", stamp: Stamp(by: Actor(user: "a", time: Date())))
    let set = Importer.read("AIRFLOW_VAR_SMALL=1\nAIRFLOW_VAR_BIG=\(huge)\n", file: ".env", format: .env)
    #expect {
      try workspace.importing(
        set, from: ".env", conflicts: .fail, sharing: .restricted, by: Actor(user: "a", time: Date()))
    } throws: { error in
      (error as? ImportProblems)?.problems.map(\.line) == [2]
    }
  }

  /// A URI with a password, or of a connection type, can only be a connection: a file holding
  /// one with a broken neighbour stays a connections file, the neighbour an error.
  @Test(arguments: [
    "warehouse=postgres://airflow:S3cretPW@db:5432/a\nbroken=postgres:/x:y@h\n",
    "gcp=google_cloud_platform://?__extra__=%7B%7D\nbroken=nothing\n",
    "api=https://user:token@api.example.com/v1\nregion=eu\n",
  ])
  func aConnectionURIMakesAConnectionsFile(text: String) {
    let set = Importer.read(text, file: "backend.env", format: .airflowEnv)
    #expect(set.variables.isEmpty, "\(set.variables)")
    #expect(
      !set.problems.isEmpty && set.problems.allSatisfy { $0.reason.hasPrefix("connection ") },
      "\(set.problems)")
  }

  @Test func addressesAloneStayVariables() {
    let set = Importer.read(
      "api=https://api.example.com\nregion=eu\n", file: "backend.env", format: .airflowEnv)
    #expect(set.connections.isEmpty && set.variables.count == 2 && set.problems.isEmpty)
  }

  /// Merging a mapping of 40,000 keys is linear (it was quadratic: 40,000 keys did not finish
  /// in two minutes).
  @Test func mergingALargeMappingIsLinear() {
    let keys = (0..<40_000).map { "  k\($0): v\($0)" }.joined(separator: "\n")
    let started = Date()
    let set = Importer.read(
      "a: &a\n" + keys + "\nmerged:\n  <<: *a\n", file: "vars.yaml", format: .airflowYAML)
    #expect(set.problems.isEmpty)
    #expect(Date().timeIntervalSince(started) < 20)
  }

  /// Python's json reads any whole number exactly and 1e400 as infinity; airenv refuses both
  /// at their line instead of storing 1.2345678901234568e+22 or saying the file is not an object.
  @Test(arguments: ["12345678901234567890123", "-9223372036854775809", "1e400", "-1.5e999"])
  func aNumberOutOfRangeIsRefusedAtItsLine(number: String) {
    let json = "{\n  \"c\": {\n    \"conn_type\": \"http\",\n    \"password\": \(number)\n  }\n}\n"
    let set = Importer.read(json, file: "c.json", format: .airflowJSON)
    #expect(set.connections.isEmpty)
    #expect(set.problems.count == 1)
    #expect(set.problems.first?.line == 4)
    #expect(set.problems.first?.reason.contains("quote it to keep it as text") == true, "\(set.problems)")
  }

  /// A connection named `airflow` is not airflow_settings.yaml: with others beside it the file
  /// is a connections file; alone, the settings reading says why it does not fit.
  @Test func aConnectionNamedAirflowIsNotTakenForTheSettingsFile() {
    let both = Importer.read(
      "airflow:\n  conn_type: postgres\n  host: h\nwh:\n  conn_type: postgres\n", file: "connections.yaml",
      format: .auto)
    #expect(both.format == .airflowYAML && both.problems.isEmpty)
    #expect(both.connections.map(\.connId).sorted() == ["airflow", "wh"])
    let alone = Importer.read("airflow:\n  conn_type: postgres\n", file: "c.yaml", format: .auto)
    #expect(alone.connections.isEmpty)
    #expect(alone.problems.first?.reason.contains("--format airflow-yaml") == true, "\(alone.problems)")
  }

  /// Airflow's .env reader splits with Python's splitlines; python-dotenv with universal
  /// newlines. Each reads as many entries as they do.
  @Test func linesEndWhereAirflowAndPythonDotenvEndThem() {
    let airflow = Importer.read(
      "alpha=one\u{2028}beta=two\rgamma=three\u{1C}delta=four\u{85}eps=5\u{0B}zeta=6\r\neta=7\n",
      file: "variables.env", format: .auto)
    #expect(airflow.format == .airflowEnv && airflow.problems.isEmpty, "\(airflow.problems)")
    #expect(airflow.variables.map(\.value) == ["one", "two", "three", "four", "5", "6", "7"])
    let dotenv = Importer.read("AIRFLOW_VAR_A=x\rAIRFLOW_VAR_B=y\r", file: "cr.env", format: .auto)
    #expect(dotenv.format == .env)
    #expect(dotenv.variables.map(\.value) == ["x", "y"], "\(dotenv.variables)")
  }

  /// A project's .env is not read as Airflow variables with their quotes kept.
  @Test(arguments: [
    (".env", "SNOWFLAKE_PASSWORD=hunter2\n"), ("app.env", "SNOWFLAKE_PASSWORD=\"hunter2\"\n"),
    ("app.env", "export REGION=eu\n"),
  ])
  func aDotenvFileWithoutAirflowLinesNeedsItsFormatNamed(file: String, text: String) {
    let set = Importer.read(text, file: file, format: .auto)
    #expect(set.variables.isEmpty && set.connections.isEmpty)
    #expect(set.problems.first?.reason.contains("name the format") == true)
    #expect(Importer.read(text, file: file, format: .airflowEnv).variables.count == 1)
  }

}
