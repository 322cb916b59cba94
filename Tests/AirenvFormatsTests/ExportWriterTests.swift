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
}
