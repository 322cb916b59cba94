import Foundation
import Testing

/// A server that answers like Airflow but lies about its lists: one that claims millions of
/// objects a handful at a time is not followed into a million requests, and one whose list
/// shrinks between pages is read with a warning that the plan may be wrong, and one that
/// redirects is not followed with the credentials.
@Suite("A hostile Airflow")
struct HostileServerTests {
  /// Answers `/api/v2/version` as Airflow 3.3.2, and the connection and variable lists as
  /// `mode` says; counts the list requests in `requests`.
  static let server = """
    import http.server, json, sys, urllib.parse
    port, mode, counter = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    listed = [0]
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            offset = int(urllib.parse.parse_qs(url.query).get("offset", ["0"])[0])
            if mode == "garbage":
                self.wfile.write(b"hello, this is not HTTP\\n")
                return
            if url.path == "/stolen":
                open(counter, "w").write("stolen " + str(self.headers.get("Authorization")))
                body = {}
            elif mode == "redirect" and url.path != "/api/v2/version":
                self.send_response(307)
                self.send_header("Location", "http://127.0.0.1:%d/stolen" % port)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            elif url.path == "/api/v2/config":
                body = {"sections": [{"name": "secrets", "options": [
                    {"key": "backend", "value": "airflow.secrets.local_filesystem.LocalFilesystemBackend"}]}]}
            elif url.path == "/api/v2/version":
                body = {"version": "3.3.2"}
            elif url.path in ("/api/v2/connections", "/api/v2/variables"):
                listed[0] += 1
                open(counter, "w").write(str(listed[0]))
                member = url.path.rsplit("/", 1)[1]
                item = ({"connection_id": "c%d" % offset, "conn_type": "http"} if member == "connections"
                        else {"key": "v%d" % offset, "value": "x"})
                if mode == "endless":
                    body = {member: [item], "total_entries": 900000}
                else:
                    body = {member: [item] if offset == 0 else [], "total_entries": 3}
            else:
                self.send_response(404); self.end_headers(); return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
    """

  static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }

  /// A CLI whose Deployment `prod` targets the hostile server, and the file that counts its
  /// list requests.
  private func target(_ mode: String) throws -> (CLI, String, Process) {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    try cli.ok("variable", "create", "v", "--value", "1", "--link-all")
    let port = try AirflowServer.freePort()
    let script = cli.scratch + "/hostile.py"
    let counter = cli.scratch + "/requests"
    try Self.server.write(toFile: script, atomically: true, encoding: .utf8)
    let server = Process()
    server.executableURL = URL(fileURLWithPath: try #require(Self.python))
    server.arguments = [script, String(port), mode, counter]
    // Not this process's output: a server holding it open would keep the test run waiting.
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    try AirflowServer.waitForListener(port: port)
    try cli.ok(
      "target", "set", "prod", "--airflow-url", "http://127.0.0.1:\(port)", "--token-env", "TOKEN",
      "--timeout", "5", environment: ["TOKEN": "not-a-real-token"])
    return (cli, counter, server)
  }

  /// SIGKILL: the test runner may leave SIGTERM ignored in what it starts.
  private static func stop(_ server: Process) {
    kill(server.processIdentifier, SIGKILL)
    server.waitUntilExit()
  }

  @Test(.enabled(if: python != nil, "needs python3 (the Airflow setup installs it)"))
  func millionsAHandfulAtATimeAreRefusedAfterTheFirstPages() throws {
    let (cli, counter, server) = try target("endless")
    defer { Self.stop(server) }
    let started = Date()
    let planned = try cli.run("plan", "--deployment", "prod")
    #expect(planned.status == 3, "\(planned.stdout)\(planned.stderr)")
    #expect(planned.stderr.contains("raise its [api] maximum_page_limit"), "\(planned.stderr)")
    #expect(Date().timeIntervalSince(started) < 30)
    // The first page of each list, and nothing after it.
    #expect(try String(contentsOfFile: counter, encoding: .utf8) == "2")
  }

  @Test(.enabled(if: python != nil, "needs python3 (the Airflow setup installs it)"))
  func aListThatChangesBetweenPagesIsReadWithAWarning() throws {
    let (cli, _, server) = try target("shrinking")
    defer { Self.stop(server) }
    let planned = try cli.run("plan", "--deployment", "prod")
    #expect(
      planned.stdout.contains("the server's connections changed while they were read (1 read, 3 listed)"),
      "\(planned.stdout)\(planned.stderr)")
    #expect(planned.stdout.contains("the server's variables changed while they were read"))
    // The server shows a secrets backend: plan and target check both say which copy Airflow uses.
    let shadowing =
      "Airflow reads airflow.secrets.local_filesystem.LocalFilesystemBackend before its database: "
      + "for an id defined there too, Airflow uses that copy"
    #expect(planned.stdout.contains(shadowing), "\(planned.stdout)")
    let checked = try cli.run("target", "check", "prod")
    #expect(checked.stdout.contains(shadowing), "\(checked.stdout)\(checked.stderr)")
  }

  @Test(.enabled(if: python != nil, "needs python3 (the Airflow setup installs it)"))
  func aRedirectIsNotFollowedWithTheToken() throws {
    let (cli, counter, server) = try target("redirect")
    defer { Self.stop(server) }
    let planned = try cli.run("plan", "--deployment", "prod")
    #expect(
      planned.status != 0 && planned.stderr.contains("answered 307"), "\(planned.stdout)\(planned.stderr)")
    #expect(!planned.stderr.contains("not-a-real-token"))
    // The redirect's target was never asked for: the token stayed with the host it was set for.
    #expect(!FileManager.default.fileExists(atPath: counter))
  }

  @Test func aTokenThatWouldSmuggleAHeaderIsRefused() throws {
    let cli = CLI()
    try cli.ok("workspace", "create", "w")
    try cli.ok("deployment", "create", "prod")
    for token in [
      "abc\r\nX-Injected: 1", "abc\nHost: elsewhere", "abc\u{7F}", "abc\u{2028}X-Injected: 1", "a b",
    ] {
      let refused = try cli.run(
        "target", "set", "prod", "--airflow-url", "http://127.0.0.1:9", "--token-env", "T",
        environment: ["T": token])
      #expect(refused.status == 3, "\(refused.stdout)\(refused.stderr)")
      #expect(
        refused.stderr.contains("printable ASCII without spaces or control characters"), "\(refused.stderr)")
      #expect(!refused.stderr.contains("Injected") && !refused.stderr.contains("elsewhere"))
    }
    #expect(try cli.run("target", "show", "prod").status != 0, "no target was set")
  }

  @Test(.enabled(if: python != nil, "needs python3 (the Airflow setup installs it)"))
  func aServerThatDoesNotSpeakHTTPIsSaidToBeOne() throws {
    let (cli, _, server) = try target("garbage")
    defer { Self.stop(server) }
    let checked = try cli.run("target", "check", "prod")
    #expect(checked.status == 1, "\(checked.stdout)\(checked.stderr)")
    #expect(checked.stderr.contains("does not speak HTTP"), "\(checked.stderr)")
  }

  @Test(.enabled(if: python != nil, "needs python3 (the Airflow setup installs it)"))
  func aTLSKeyLogIsRefusedBeforeAnyRequest() throws {
    let (cli, counter, server) = try target("shrinking")
    defer { Self.stop(server) }
    let refused = try cli.run(
      "plan", "--deployment", "prod", environment: ["SSLKEYLOGFILE": cli.scratch + "/keys.log"])
    #expect(refused.status == 3 && refused.stderr.contains("SSLKEYLOGFILE is set"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: counter), "no list was requested")
  }
}
