import Foundation
import Testing

/// Files written by the real `airflow connections export` and `airflow variables export`
/// import into airenv with every field and type intact.
@Suite("Interop: importing what Airflow's own CLI exports", .serialized)
struct AirflowExportImportTests {
  static let script = """
    set -euo pipefail
    export AIRFLOW_HOME="$1/home" AIRFLOW__CORE__LOAD_EXAMPLES=False
    airflow db migrate >/dev/null 2>&1
    airflow connections add tricky --conn-json '{"conn_type": "postgres", "host": "db.example.com", "login": "app@corp", "password": "p@ss/w:rd%#x y+ü", "port": 5432, "schema": "analytics", "extra": {"sslmode": "require", "retries": 3, "flags": {"a": true}}}' >/dev/null
    airflow connections add gcp --conn-json '{"conn_type": "google_cloud_platform", "extra": {"project": "p-1", "num_retries": 5}}' >/dev/null
    airflow connections add api --conn-uri 'http://user:tok%3Aen@api.example.com:8443/v1' >/dev/null
    airflow variables set plain value >/dev/null
    airflow variables set number 123 >/dev/null
    airflow variables set settings '{"a": [1, 2]}' >/dev/null
    airflow connections export "$1/connections.json" >/dev/null
    airflow connections export "$1/connections.yaml" >/dev/null
    airflow connections export "$1/connections.env" >/dev/null
    airflow connections export "$1/connections-json.env" --serialization-format json >/dev/null
    airflow variables export "$1/variables.json" >/dev/null
    """

  @Test(
    .enabled(
      if: InteropTests.available || InteropTests.required, "needs real Airflow: run scripts/setup-airflow.sh"),
    arguments: InteropTests.versions)
  func filesFromAirflowsExportImportExactly(version: String) throws {
    let python = try #require(
      InteropTests.python(version), "Airflow \(version) is missing: run scripts/setup-airflow.sh")
    let cli = CLI()
    let directory = cli.scratch + "/airflow-export"
    try FileManager.default.createDirectory(atPath: directory + "/home", withIntermediateDirectories: true)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", Self.script, "bash", directory]
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = URL(fileURLWithPath: python).deletingLastPathComponent().path + ":/usr/bin:/bin"
    process.environment = environment
    let errors = Pipe()
    process.standardError = errors
    try process.run()
    let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "airflow CLI failed: \(errorText.suffix(1500))")

    for file in ["connections.json", "connections.yaml", "connections.env", "connections-json.env"] {
      let target = CLI()
      try target.ok("workspace", "create", "w")
      try target.ok("deployment", "create", "d")
      try target.ok("import", "\(directory)/\(file)", "--link-all")
      let resolved = try target.json("resolve", "--deployment", "d", "--reveal")
      var seen: [String: [String: Any]] = [:]
      for entry in resolved["connections"] as! [[String: Any]] {
        seen[entry["conn_id"] as! String] = entry["fields"] as? [String: Any]
      }
      let tricky = try #require(seen["tricky"], "\(file)")
      #expect(tricky["password"] as? String == "p@ss/w:rd%#x y+ü", "\(file)")
      #expect(tricky["login"] as? String == "app@corp", "\(file)")
      #expect(tricky["port"] as? Int == 5432, "\(file)")
      #expect(tricky["schema"] as? String == "analytics", "\(file)")
      let extra = try #require(tricky["extra"] as? [String: Any], "\(file)")
      #expect(extra["retries"] as? Int == 3, "\(file)")
      #expect((extra["flags"] as? [String: Any])?["a"] as? Bool == true, "\(file)")
      #expect((seen["gcp"]?["extra"] as? [String: Any])?["num_retries"] as? Int == 5, "\(file)")
      #expect(seen["gcp"]?["conn_type"] as? String == "google_cloud_platform", "\(file)")
      #expect(seen["api"]?["password"] as? String == "tok:en", "\(file)")
      #expect(seen["api"]?["port"] as? Int == 8443, "\(file)")
    }

    let target = CLI()
    try target.ok("workspace", "create", "w")
    try target.ok("deployment", "create", "d")
    try target.ok("import", "\(directory)/variables.json", "--link-all")
    let resolved = try target.json("resolve", "--deployment", "d")
    let values = Dictionary(
      uniqueKeysWithValues: (resolved["variables"] as! [[String: Any]]).map {
        ($0["key"] as! String, $0["value"] as! String)
      })
    #expect(values["plain"] == "value")
    #expect(values["number"] == "123")
    #expect(
      try JSONSerialization.jsonObject(with: Data((values["settings"] ?? "").utf8)) as? [String: [Int]] == [
        "a": [1, 2]
      ])
  }
}
