import AirenvModel
import Testing

@testable import AirenvFormats

/// Every writer checks names again, behind the checks on input and on load.
@Suite("Export writers: a second line of defence")
struct ExportWriterTests {
  static let hostileNames = ["db;touch pwned", "x$(id)", "a\nexport B=1", "é", "a b", "a'b", "../x", ""]

  @Test(arguments: ExportFormat.allCases)
  func noFormatWritesAHostileId(format: ExportFormat) {
    for name in Self.hostileNames {
      let connection = ExportSet(
        deployment: "dev", connections: [ExportConnection(connId: name, connType: "http")], variables: [],
        withheld: [])
      let variable = ExportSet(
        deployment: "dev", connections: [], variables: [ExportVariable(key: name, value: "v")], withheld: [])
      #expect(throws: ExportProblem.self, "\(format) wrote the id \(name)") {
        try Exporter.files(connection, as: format)
      }
      #expect(throws: ExportProblem.self, "\(format) wrote the key \(name)") {
        try Exporter.files(variable, as: format)
      }
    }
  }

  @Test(arguments: ExportFormat.allCases)
  func noFormatWritesAHostileDeploymentName(format: ExportFormat) {
    for name in ["../../x", "dev\n; rm -rf ~", "dev$(id)"] {
      let set = ExportSet(deployment: name, connections: [], variables: [], withheld: [])
      #expect(throws: ExportProblem.self, "\(format): \(name)") { try Exporter.files(set, as: format) }
    }
  }

  @Test func shellNamesAreLettersDigitsAndUnderscoresOnly() throws {
    let set = ExportSet(
      deployment: "dev", connections: [], variables: [ExportVariable(key: "a.b", value: "v")], withheld: [])
    #expect(throws: ExportProblem.self) { try Exporter.files(set, as: .shell) }
    let fine = ExportSet(
      deployment: "dev", connections: [], variables: [ExportVariable(key: "a_b9", value: "it's $HOME")],
      withheld: [])
    let text = try Exporter.files(fine, as: .shell)[0].contents
    #expect(text.contains("export AIRFLOW_VAR_A_B9='it'\\''s $HOME'"))
  }

  /// Airflow reads `.env` files with Python's `splitlines()`, which also breaks at the file,
  /// group and record separators: a value holding one would add a variable of its own.
  @Test(arguments: ["\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{0B}", "\u{0C}", "\r", "\n"])
  func anAirflowEnvValueNeverSpansLines(separator: String) {
    let set = ExportSet(
      deployment: "dev", connections: [],
      variables: [ExportVariable(key: "greeting", value: "hello" + separator + "admin_password=attacker")])
    #expect(throws: ExportProblem.self) { try Exporter.files(set, as: .airflowEnv) }
  }

  @Test(arguments: [ExportFormat.shell, .env])
  func aNULByteIsRefusedWhereAnEnvironmentCannotHoldIt(format: ExportFormat) {
    let set = ExportSet(
      deployment: "dev", connections: [], variables: [ExportVariable(key: "k", value: "a\u{0}b")])
    #expect(throws: ExportProblem.self) { try Exporter.files(set, as: format) }
  }
}
