import Foundation
import Testing

/// TLS is verified against real HTTPS servers (Python's, with certificates made by openssl) on
/// 127.0.0.1: an untrusted, an
/// expired and a misnamed certificate are each refused before a byte of a request is sent, with
/// words that say which it is; `--ca-file` trusts a private CA for one target only.
@Suite("TLS to a target")
struct TLSTests {
  static let openssl = "/usr/bin/openssl"
  static let available =
    FileManager.default.isExecutableFile(atPath: openssl) && HostileServerTests.python != nil

  /// A certificate and key for CN and IP 127.0.0.1, valid from `start` to `end` (openssl's
  /// YYYYMMDDHHMMSSZ), self-signed through `openssl ca` since `req` cannot back-date.
  private static func certificate(in directory: String, named name: String, start: String, end: String) throws
    -> (certificate: String, key: String)
  {
    let folder = directory + "/" + name
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "".write(toFile: folder + "/index.txt", atomically: true, encoding: .utf8)
    try """
    [ca]
    default_ca = self
    [self]
    database = \(folder)/index.txt
    serial = \(folder)/serial
    new_certs_dir = \(folder)
    default_md = sha256
    policy = anything
    copy_extensions = copy
    [anything]
    commonName = supplied
    """.write(toFile: folder + "/ca.cnf", atomically: true, encoding: .utf8)
    let key = folder + "/key.pem"
    let certificate = folder + "/cert.pem"
    try run([
      "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", folder + "/request.csr",
      "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    ])
    try run([
      "ca", "-batch", "-config", folder + "/ca.cnf", "-selfsign", "-keyfile", key, "-in",
      folder + "/request.csr",
      "-out", certificate, "-startdate", start, "-enddate", end, "-rand_serial",
    ])
    return (certificate, key)
  }

  private static func run(_ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: openssl)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "openssl \(arguments.prefix(1))")
  }

  /// Serves HTTPS with the certificate it is given and writes each request line it receives to
  /// a log, so a test can tell that nothing got past a refused handshake. Answers "not airflow".
  static let server = """
    import http.server, ssl, sys
    port, certificate, key, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_GET(self): self.answer()
        def do_POST(self): self.answer()
        def answer(self):
            with open(log, "a") as file: file.write(self.command + " " + self.path + "\\n")
            body = b"not airflow"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()
    """

  /// A TLS server with that certificate, and the file that records what reached it.
  private static func serve(_ files: (certificate: String, key: String), log: String) throws -> (Process, Int)
  {
    let port = try AirflowServer.freePort()
    let script = log + ".py"
    try server.write(toFile: script, atomically: true, encoding: .utf8)
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(HostileServerTests.python))
    process.arguments = [script, String(port), files.certificate, files.key, log]
    // Not this process's output: a server holding it open would keep the test run waiting.
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try AirflowServer.waitForListener(port: port)
    return (process, port)
  }

  /// SIGKILL: the test process's threads block SIGTERM, and a child keeps that mask.
  private static func stop(_ server: Process) {
    kill(server.processIdentifier, SIGKILL)
    server.waitUntilExit()
  }

  private static func workspace() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("variable", "create", "v", "--value", "1", "--link-all")
    return cli
  }

  @Test(.enabled(if: available, "needs openssl and python3 (.ci/run installs them)"))
  func aCertificateThatIsNotTrustedIsRefusedBeforeAnyCredentialIsSent() throws {
    let cli = try Self.workspace()
    let files = try Self.certificate(
      in: cli.scratch, named: "valid", start: "20250101000000Z", end: "20991231000000Z")
    let requests = cli.scratch + "/requests.log"
    let (server, port) = try Self.serve(files, log: requests)
    defer { Self.stop(server) }

    try cli.ok(
      "target", "set", "prod", "--airflow-url", "https://127.0.0.1:\(port)", "--username", "u",
      "--password-env", "PW", "--timeout", "5", environment: ["PW": "tls-secret-pw"])
    for command in [["target", "check", "prod"], ["plan", "--deployment", "prod"]] {
      let result = try cli.run(command)
      #expect(result.status == 1, "\(command): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("TLS certificate is not trusted"), "\(command): \(result.stderr)")
      #expect(result.stderr.contains("--ca-file"), "\(result.stderr)")
      #expect(!result.stderr.contains("tls-secret-pw"))
    }
    // The handshake failed, so no request (and no password) ever reached the server.
    let received = try String(contentsOfFile: requests, encoding: .utf8)
    #expect(!received.contains("GET") && !received.contains("POST"), "\(received)")
  }

  @Test(.enabled(if: available, "needs openssl and python3 (.ci/run installs them)"))
  func aGivenCAIsTrustedAndExpiryAndHostNamesAreStillChecked() throws {
    let cli = try Self.workspace()
    let valid = try Self.certificate(
      in: cli.scratch, named: "valid", start: "20250101000000Z", end: "20991231000000Z")
    let expired = try Self.certificate(
      in: cli.scratch, named: "expired", start: "20200101000000Z", end: "20200102000000Z")
    let (good, goodPort) = try Self.serve(valid, log: cli.scratch + "/good.log")
    defer { Self.stop(good) }
    let (old, oldPort) = try Self.serve(expired, log: cli.scratch + "/old.log")
    defer { Self.stop(old) }

    // Trusted through --ca-file, the handshake succeeds: the server is reached, and found not
    // to be Airflow.
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "https://127.0.0.1:\(goodPort)", "--token-env", "T",
      "--ca-file", valid.certificate, "--timeout", "5", environment: ["T": "tok"])
    let shown = try cli.run("target", "show", "prod")
    #expect(
      shown.stdout.contains("the CA certificates given with --ca-file (1 certificate)"), "\(shown.stdout)")
    let reached = try cli.run("target", "check", "prod")
    #expect(
      reached.status == 1 && reached.stderr.contains("does not look like an Airflow API server"),
      "\(reached.stderr)")
    #expect(
      try String(contentsOfFile: cli.scratch + "/good.log", encoding: .utf8).contains("GET /api/v2/version"))

    // The same certificate under another name than the one it was issued for.
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "https://localhost:\(goodPort)", "--token-env", "T",
      "--ca-file", valid.certificate, "--timeout", "5", environment: ["T": "tok"])
    let misnamed = try cli.run("target", "check", "prod")
    #expect(
      misnamed.status == 1 && misnamed.stderr.contains("not issued for this host name"), "\(misnamed.stderr)")

    // Trusted but expired: said so, and not "install its CA".
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "https://127.0.0.1:\(oldPort)", "--token-env", "T",
      "--ca-file", expired.certificate, "--timeout", "5", environment: ["T": "tok"])
    let stale = try cli.run("plan", "--deployment", "prod")
    #expect(stale.status == 1 && stale.stderr.contains("TLS certificate has expired"), "\(stale.stderr)")
    #expect(!stale.stderr.contains("install its CA"))
    let received = try String(contentsOfFile: cli.scratch + "/old.log", encoding: .utf8)
    #expect(!received.contains("GET"), "\(received)")

    // Another server's CA does not vouch for this one.
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "https://127.0.0.1:\(goodPort)", "--token-env", "T",
      "--ca-file", expired.certificate, "--timeout", "5", environment: ["T": "tok"])
    let stranger = try cli.run("target", "check", "prod")
    #expect(
      stranger.status == 1 && stranger.stderr.contains("not signed by the certificates given with --ca-file"),
      "\(stranger.stderr)")
  }

  @Test func aCAFileThatIsNotCertificatesOnlyIsRefusedAndNothingChanges() throws {
    let cli = try Self.workspace()
    func file(_ name: String, _ text: String) throws -> String {
      try text.write(toFile: cli.scratch + "/" + name, atomically: true, encoding: .utf8)
      return cli.scratch + "/" + name
    }
    // A real certificate's PEM, to build the bad files around.
    let certificate = "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n"
    let key = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKz0\n-----END PRIVATE KEY-----\n"
    let fifo = cli.scratch + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let cases: [(String, String)] = [
      (try file("words.txt", "just words\n"), "no PEM certificate"),
      (try file("with-key.pem", certificate + key), "holds a PRIVATE KEY block: give certificates only"),
      (
        try file("bad-base64.pem", "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"),
        "not valid PEM"
      ),
      (try file("no-end.pem", "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n"), "has no END line"),
      (cli.scratch + "/missing.pem", "no such file"), ("/dev/zero", "larger than 256 KiB"),
      (cli.scratch, "is a directory"),
      // A FIFO nobody writes to: refused at once rather than waited on forever.
      (fifo, "no PEM certificate"),
    ]
    for (path, words) in cases {
      let refused = try cli.run(
        "target", "set", "prod", "--airflow-url", "https://airflow.example.com", "--token-env", "T",
        "--ca-file", path,
        environment: ["T": "tok"])
      #expect(refused.status != 0 && refused.stderr.contains(words), "\(path): \(refused.stderr)")
    }
    let shown = try cli.run("target", "show", "prod")
    #expect(shown.status != 0, "no target was set: \(shown.stdout)")
    // Nothing of the key reached the repository.
    let stored = try FileManager.default.subpathsOfDirectory(atPath: cli.repository)
    for path in stored {
      let text = (try? String(contentsOfFile: cli.repository + "/" + path, encoding: .utf8)) ?? ""
      #expect(!text.contains("PRIVATE KEY"), "\(path)")
    }
  }
}
