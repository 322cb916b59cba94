import Foundation
import Testing

/// A real Airflow API server on 127.0.0.1 for the delivery tests: 3.3.2's `api-server` (JWT
/// from /auth/token) or 2.10.5's webserver (basic auth), each in its own AIRFLOW_HOME. Started
/// once per test process and version; a watchdog shell stops it (by PID) when the test process
/// ends, however it ends.
final class AirflowServer: @unchecked Sendable {
  let version: String
  let home: String
  let port: Int
  let username = "airenv"
  let password = "airenv-pw"
  private var process: Process?

  var url: String { "http://127.0.0.1:\(port)" }
  var api: String { version.hasPrefix("3") ? "/api/v2" : "/api/v1" }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var servers: [String: AirflowServer] = [:]

  /// The running server of `version`, started on first use.
  static func shared(_ version: String) throws -> AirflowServer {
    lock.lock()
    defer { lock.unlock() }
    if let server = servers[version] { return server }
    let server = try AirflowServer(version: version)
    try server.start()
    servers[version] = server
    return server
  }

  private init(version: String) throws {
    self.version = version
    home = NSTemporaryDirectory() + "airenv-airflow-\(version)-\(UUID().uuidString)"
    port = try Self.freePort()
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
  }

  static func bin(_ version: String) -> String { "\(InteropTests.root)/.airflow/\(version)/bin" }

  var environment: [String: String] {
    var environment = [
      "AIRFLOW_HOME": home, "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
      "PATH": "\(Self.bin(version)):/usr/bin:/bin",
      "HOME": home, "LANG": "C.UTF-8",
    ]
    if version.hasPrefix("3") {
      environment["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = "admin:admin,\(username):admin,viewer:viewer"
      // Pages of at most 300 (100 by default, which the 2.10 server keeps): airenv asks for more
      // and must step by what the server gives, here a number that 1,000 objects do not divide.
      environment["AIRFLOW__API__MAXIMUM_PAGE_LIMIT"] = "300"
    } else {
      environment["AIRFLOW__API__AUTH_BACKENDS"] =
        "airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session"
    }
    return environment
  }

  private func start() throws {
    if version.hasPrefix("3") {
      let passwords = #"{"admin":"admin","\#(username)":"\#(password)","viewer":"viewer-pw"}"#
      try passwords.write(
        toFile: home + "/simple_auth_manager_passwords.json.generated", atomically: true, encoding: .utf8)
    }
    try shell("airflow db migrate")
    if !version.hasPrefix("3") {
      try shell(
        "airflow users create --username \(username) --password \(password) --role Admin --firstname a "
          + "--lastname b --email a@example.com")
    }
    let serve =
      version.hasPrefix("3")
      ? "airflow api-server --host 127.0.0.1 --port \(port)"
      : "airflow webserver --hostname 127.0.0.1 --port \(port) --workers 1"
    // The server runs in its own process group; the watchdog kills the group when the test
    // process (the watchdog's parent) is gone.
    let watchdog = Process()
    watchdog.executableURL = URL(fileURLWithPath: "/bin/bash")
    watchdog.arguments = [
      "-c",
      """
      setsid \(serve) > "$AIRFLOW_HOME/server.log" 2>&1 < /dev/null &
      server=$!
      echo $server > "$AIRFLOW_HOME/server.pid"
      alive() { state=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$state" ] && [ "${state#Z}" = "$state" ]; }
      while alive \(ProcessInfo.processInfo.processIdentifier) && alive $server; do
        sleep 1
      done
      kill -TERM -- -$server 2>/dev/null; sleep 2; kill -KILL -- -$server 2>/dev/null
      """,
    ]
    watchdog.environment = environment
    // Nothing of the test process's output may stay open in the server, or the test runner
    // waits for it to close.
    watchdog.standardInput = FileHandle.nullDevice
    watchdog.standardOutput = FileHandle.nullDevice
    watchdog.standardError = FileHandle.nullDevice
    try watchdog.run()
    process = watchdog
    let deadline = Date().addingTimeInterval(180)
    while Date() < deadline {
      if let status = try? curl(["-o", "/dev/null", "-w", "%{http_code}", url + api + "/version"]),
        status == "200"
      {
        return
      }
      guard watchdog.isRunning else { break }
      Thread.sleep(forTimeInterval: 0.5)
    }
    let log = (try? String(contentsOfFile: home + "/server.log", encoding: .utf8)) ?? ""
    throw ServerError(message: "Airflow \(version) did not start on \(url): \(log.suffix(2000))")
  }

  struct ServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  @discardableResult
  func shell(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", command]
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw ServerError(message: "`\(command)` failed: \(text.suffix(2000))")
    }
    return text
  }

  /// What the database holds, read through Airflow's own models.
  func databaseView() throws -> [String: Any] {
    let text = try shell("python \(InteropTests.root)/Tests/Interop/airflow_db_view.py view 2>/dev/null")
    return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// Stops or continues the server's whole process group: a stopped server still has its
  /// connections accepted by the kernel, but nothing answers them (a hung server).
  func freeze(_ frozen: Bool) throws {
    let pid = try String(contentsOfFile: home + "/server.pid", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    _ = try shell("kill -\(frozen ? "STOP" : "CONT") -- -\(pid)")
  }

  /// Empties the database of connections and variables.
  func reset() throws {
    try shell("python \(InteropTests.root)/Tests/Interop/airflow_db_view.py reset >/dev/null 2>&1")
  }

  /// A fresh token for the airenv user, as `POST /auth/token` hands it out (3.x only).
  func token() throws -> String {
    let login = try curl([
      "-s", "-X", "POST", url + "/auth/token", "-H", "Content-Type: application/json", "-d",
      #"{"username":"\#(username)","password":"\#(password)"}"#,
    ])
    return try #require(
      (try JSONSerialization.jsonObject(with: Data(login.utf8)) as? [String: Any])?["access_token"]
        as? String,
      "\(login)")
  }

  /// A REST call as another Airflow client would make it (curl, the user's own credentials).
  @discardableResult
  func call(_ method: String, _ path: String, body: String? = nil) throws -> String {
    var arguments = ["-s", "-X", method, url + api + path]
    if version.hasPrefix("3") {
      arguments += ["-H", "Authorization: Bearer \(try token())"]
    } else {
      arguments += ["-u", "\(username):\(password)"]
    }
    if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
    return try curl(arguments)
  }

  private func curl(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--max-time", "10"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// Returns once something accepts connections on 127.0.0.1:`port` (ten seconds at most).
  static func waitForListener(port: Int) throws {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      defer { close(handle) }
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = UInt16(port).bigEndian
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(handle, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      if connected { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
    throw AirflowServer.ServerError(message: "nothing listens on 127.0.0.1:\(port)")
  }

  static func freePort() throws -> Int {
    let handle = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(handle) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(handle, pointer, length) == 0 && getsockname(handle, pointer, &length) == 0
      }
    }
    guard bound else { throw ServerError(message: "no free port on 127.0.0.1") }
    return Int(UInt16(bigEndian: address.sin_port))
  }
}
