import Foundation
import Testing

/// Exports read back through real Airflow (3.3.2 and 2.10.5, installed by
/// scripts/setup-airflow.sh) must give exactly what `airenv resolve --reveal` says.
@Suite("Interop: real Airflow reads every export", .serialized)
struct InteropTests {
  static let root: String = {
    var directory = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { directory.deleteLastPathComponent() }
    return directory.path
  }()
  static let versions = ["3.3.2", "2.10.5"]
  static let required = ProcessInfo.processInfo.environment["AIRENV_REQUIRE_AIRFLOW"] == "1"

  static func python(_ version: String) -> String? {
    let path = "\(root)/.airflow/\(version)/bin/python"
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
  }

  static var available: Bool { versions.allSatisfy { python($0) != nil } }

  /// Connections that break naive encoders, and variables that break naive YAML and dotenv.
  static func fixture() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "interop")
    try cli.ok("deployment", "create", "full")
    try cli.ok("deployment", "create", "portable")
    func connection(_ id: String, _ arguments: [String], password: String?, everywhere: Bool) throws {
      var all = ["connection", "create", id] + arguments + (everywhere ? ["--link-all"] : [])
      if password != nil { all.append("--password-stdin") }
      let result = try cli.run(all, input: password ?? "")
      #expect(result.status == 0, "\(result.stderr)")
      if !everywhere { try cli.ok("connection", "link", id, "--deployment", "full") }
    }
    try connection(
      "tricky_pg",
      [
        "--type", "postgres", "--host", "db.example.com", "--login", "app@corp", "--schema", "analytics db",
        "--port", "5432", "--description", "Ünïcode & spaces",
        "--extra", #"{"sslmode": "require", "options": {"nested": [1, 2.5, true, null]}, "timeout": 30}"#,
      ], password: "p@ss/w:rd%#x y+ü€?&=", everywhere: true)
    try connection(
      "ipv6_db", ["--type", "mysql", "--host", "::1", "--port", "3306", "--login", "root"],
      password: "pw with spaces", everywhere: true)
    try connection(
      "unicode_conn", ["--type", "postgres", "--host", "db.example.com", "--login", "üser"],
      password: "пароль€", everywhere: true)
    try connection(
      "gcp_conn",
      [
        "--type", "google_cloud_platform",
        "--extra",
        #"{"project": "p-1", "num_retries": 5, "keyfile_dict": {"type": "service_account", "private_key": "-----BEGIN-----\nabc\n"}}"#,
      ], password: nil, everywhere: true)
    try connection(
      "api.partner",
      [
        "--type", "http", "--host", "https://api.example.com", "--schema", "v1",
        "--extra", #"{"headers": {"X-Key": "a b"}, "verify": false}"#,
      ], password: "tok:en/with?query#frag", everywhere: false)
    try connection(
      "empty-fields", ["--type", "generic", "--host", "", "--login", "", "--schema", ""], password: nil,
      everywhere: false)
    let variables: [(String, String, Bool)] = [
      ("plain", "value", true), ("json_var", #"{"a": [1, 2]}"#, true), ("yes_var", "yes", true),
      ("zero_lead", "0123", true), ("none_var", "None", true), ("date_var", "2024-01-01", true),
      ("quote_var", #"it's "quoted" $HOME \ #hash"#, true), ("multi_line", "line1\nline2", false),
      ("empty_var", "", false),
    ]
    for (key, value, everywhere) in variables {
      let result = try cli.run(
        ["variable", "create", key, "--value", value] + (everywhere ? ["--link-all"] : []))
      #expect(result.status == 0, "\(result.stderr)")
      if !everywhere { try cli.ok("variable", "link", key, "--deployment", "full") }
    }
    return cli
  }

  /// What a format can carry: URIs cannot tell an empty host from none and hold no
  /// description; airflow_settings.yaml holds no description. Airflow's own Connection
  /// drops an empty password in every format.
  static func canonical(_ connection: [String: Any], format: String) -> String {
    let uriBased = ["airflow-env", "uri"].contains(format)
    let carriesDescription = !["airflow-env", "uri", "airflow-settings"].contains(format)
    var result: [String: Any] = [:]
    for name in ["conn_type", "description", "host", "schema", "login", "password", "port"] {
      var value = connection[name]
      if value is NSNull { value = nil }
      if let text = value as? String, text.isEmpty, name == "password" || (uriBased && name != "conn_type") {
        value = nil
      }
      if name == "description" && !carriesDescription { value = nil }
      if let value { result[name] = value }
    }
    if let extra = connection["extra"] as? [String: Any], !extra.isEmpty { result["extra"] = extra }
    let data = try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
  }

  func airflowView(_ version: String, _ format: String, _ path: String, ids: String) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(Self.python(version)))
    process.arguments = ["\(Self.root)/Tests/Interop/airflow_view.py", format, path, ids]
    return try run(process)
  }

  func run(_ process: Process) throws -> [String: Any] {
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(errorText.suffix(2000))")
    return try #require(
      try? JSONSerialization.jsonObject(with: data) as? [String: Any], "\(errorText.suffix(2000))")
  }

  func check(
    _ seen: [String: Any], against expected: [String: Any], format: String, label: String
  ) throws {
    let expectedConnections = try #require(expected["connections"] as? [[String: Any]])
    let seenConnections = try #require(seen["connections"] as? [String: Any])
    #expect(
      Set(seenConnections.keys) == Set(expectedConnections.compactMap { $0["conn_id"] as? String }),
      "\(label)")
    for entry in expectedConnections {
      let id = try #require(entry["conn_id"] as? String)
      let fields = try #require(entry["fields"] as? [String: Any])
      let airflow = seenConnections[id] as? [String: Any] ?? [:]
      #expect(
        Self.canonical(airflow, format: format) == Self.canonical(fields, format: format), "\(label): \(id)")
    }
    if format == "uri" { return }
    var expectedVariables: [String: String] = [:]
    for entry in try #require(expected["variables"] as? [[String: Any]]) {
      expectedVariables[entry["key"] as! String] = entry["value"] as? String
    }
    // The Astro CLI skips empty variables, so airflow_settings.yaml never carries them.
    if format == "airflow-settings" { expectedVariables = expectedVariables.filter { !$0.value.isEmpty } }
    let seenVariables = seen["variables"] as? [String: String] ?? [:]
    #expect(seenVariables == expectedVariables, "\(label): variables")
  }

  @Test(
    .enabled(if: available || required, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: versions)
  func everyExportFormatLoadsToExactlyTheResolvedSet(version: String) throws {
    _ = try #require(Self.python(version), "Airflow \(version) is missing: run scripts/setup-airflow.sh")
    let cli = try Self.fixture()
    let plan: [(String, [String])] = [
      ("full", ["airflow-json", "airflow-yaml", "env", "airflow-settings", "uri", "k8s-secret"]),
      (
        "portable",
        [
          "airflow-json", "airflow-yaml", "airflow-env", "env", "shell", "airflow-settings", "uri",
          "k8s-secret",
        ]
      ),
    ]
    for (deployment, formats) in plan {
      let resolved = try cli.json("resolve", "--deployment", deployment, "--reveal")
      let ids = try JSONSerialization.data(withJSONObject: [
        "connections": (resolved["connections"] as! [[String: Any]]).map { $0["conn_id"]! },
        "variables": (resolved["variables"] as! [[String: Any]]).map { $0["key"]! },
      ])
      let idsText = String(decoding: ids, as: UTF8.self)
      for format in formats {
        let out = cli.scratch + "/\(version)-\(deployment)-\(format)"
        let pair = ["airflow-json", "airflow-yaml", "airflow-env"].contains(format)
        let target = pair ? out : out + ".out"
        try cli.ok(
          "export", "--deployment", deployment, "--format", format, "--out", target, "--include-secrets")
        let label = "Airflow \(version), \(deployment), \(format)"
        if format == "shell" {
          for shell in ["/bin/bash", "/bin/dash"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: shell)
            process.arguments = [
              "-c", ". \"$1\" && exec \"$2\" \"$3\" shell-environ - \"$4\"", "sh", target,
              try #require(Self.python(version)), "\(Self.root)/Tests/Interop/airflow_view.py", idsText,
            ]
            try check(try run(process), against: resolved, format: format, label: "\(label) (\(shell))")
          }
        } else {
          try check(
            try airflowView(version, format, target, ids: idsText), against: resolved, format: format,
            label: label)
        }
      }
    }
  }
}
