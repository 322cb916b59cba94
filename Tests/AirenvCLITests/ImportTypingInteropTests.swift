import Foundation
import Testing

/// An imported YAML file must give each extra value the type and value Airflow's own reader
/// (PyYAML's safe_load, YAML 1.1) gives it: checked against real Airflow, not a list of rules.
@Suite("Interop: imported YAML is typed as Airflow types it", .serialized)
struct ImportTypingInteropTests {
  static let scalars = [
    "0o17", "5e10", "!!str 0x1F", "0x1F", "1_000", "yes", "1.5", "190:20:30", "\"0x1F\"", "!!int \"12\"",
    "off", "017", "-0b101", "1.5e+3", ".5", "~", "NULL", "1e3", "+12", "-.5", "0.", "On", "'yes'",
    "9223372036854775807", "-9223372036854775808", "1_2.5_0", "2024-01-01x", "0x_1F", "[1, two, 3.0]",
    "{x: On, y: '2'}", "null", "Null", "True", "FALSE", "1:2.5", "12e3", "-0", "00", "0b",
  ]

  @Test(
    .enabled(
      if: InteropTests.available || InteropTests.required, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: InteropTests.versions)
  func everyScalarGetsAirflowsTypeAndValue(version: String) throws {
    let python = try #require(InteropTests.python(version), "Airflow \(version) is missing")
    let cli = CLI()
    try cli.ok("workspace", "create", "typing")
    let directory = cli.scratch + "/files"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let extra = Self.scalars.enumerated().map { "    k\($0.offset): \($0.element)" }.joined(separator: "\n")
    try "tricky:\n  conn_type: http\n  extra:\n\(extra)\n".write(
      toFile: directory + "/connections.yaml", atomically: true, encoding: .utf8)
    try "{}\n".write(toFile: directory + "/variables.yaml", atomically: true, encoding: .utf8)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [
      "\(InteropTests.root)/Tests/Interop/airflow_view.py", "airflow-yaml", directory,
      "{\"connections\": [], \"variables\": []}",
    ]
    let seen = try InteropTests().run(process)
    let airflow = try #require((seen["connections"] as? [String: Any])?["tricky"] as? [String: Any])

    try cli.ok("import", directory + "/connections.yaml")
    let stored = try cli.json("connection", "get", "tricky", "--reveal")
    let ours = try #require((stored["base"] as? [String: Any])?["extra"])
    #expect(try Self.canonical(ours) == Self.canonical(airflow["extra"] ?? [:]))
  }

  /// What Python calls infinity, NaN or a whole number past 64 bits cannot be stored as it is:
  /// the import is refused with the line, and nothing is written.
  @Test(arguments: [".inf", "-.Inf", ".NaN", "99999999999999999999", "1.0e+4000", "0x1_0000_0000_0000_0000"])
  func aNumberJSONCannotHoldIsRefused(scalar: String) throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "typing")
    let file = cli.scratch + "/connections.yaml"
    try "c:\n  conn_type: http\n  extra:\n    ok: 1\n    bad: \(scalar)\n".write(
      toFile: file, atomically: true, encoding: .utf8)
    let result = try cli.run("import", file)
    #expect(result.status == 3, "\(result.stderr)")
    #expect(result.stderr.contains("connections.yaml:5") && result.stderr.contains("quote it"))
    #expect(try cli.run("connection", "get", "c").status == 3)
  }

  static func canonical(_ value: Any) throws -> String {
    String(
      decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]),
      as: UTF8.self)
  }
}
