import Foundation
import Testing

/// Files given to `airenv import` are bounded in size, time and memory, and every problem is
/// named with its line; on any problem nothing is written.
@Suite("Import: bounded, and all or nothing")
struct ImportBoundsTests {
  func repository() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    try cli.ok("deployment", "create", "dev")
    return cli
  }

  /// With a 1 GB address-space limit on the process, as the reproduction grew past 1.6 GB.
  @Test func anAliasBombIsRefusedWithinAMemoryLimit() throws {
    let cli = try repository()
    var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
    for (previous, name) in zip("abcdefgh", "bcdefghi") {
      text +=
        "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
    }
    let path = cli.scratch + "/bomb.yaml"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let started = Date()
    let limited = Process()
    limited.executableURL = URL(fileURLWithPath: "/bin/bash")
    limited.arguments = ["-c", "ulimit -v 1000000; exec \"$0\" import \"$1\"", CLI.binary, path]
    limited.environment = cli.environment
    let errors = Pipe()
    limited.standardError = errors
    limited.standardOutput = FileHandle.nullDevice
    try limited.run()
    let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    limited.waitUntilExit()
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(limited.terminationStatus == 3, "\(said)")
    #expect(said.contains("bomb.yaml:6: its aliases expand to more than 100000 nodes"))
    #expect(
      try cli.ok("variable", "list").contains("KEY") && !(try cli.ok("variable", "list").contains("lol")))
  }

  @Test func oversizedAndEndlessInputsAreRefusedWithoutBeingReadWhole() throws {
    let cli = try repository()
    let big = cli.scratch + "/big.env"
    // A sparse 100 MB file: one value as large as the reproduction.
    #expect(FileManager.default.createFile(atPath: big, contents: Data("AIRFLOW_VAR_X=".utf8)))
    #expect(truncate(big, 100 << 20) == 0)
    for path in [big, "/dev/zero"] {
      let started = Date()
      let result = try cli.run("import", path, "--format", "env")
      #expect(Date().timeIntervalSince(started) < 10, "\(path)")
      #expect(result.status == 3, "\(path): \(result.stderr)")
      #expect(result.stderr.contains("larger than 64 MiB"), "\(path): \(result.stderr)")
    }
    let directory = try cli.run("import", cli.scratch)
    #expect(directory.status == 1 && directory.stderr.contains("is a directory"))
  }

  @Test func aValueOverOneMebibyteIsRefusedAtItsLine() throws {
    let cli = try repository()
    let path = cli.scratch + "/values.env"
    try ("AIRFLOW_VAR_OK=1\nAIRFLOW_VAR_BIG=" + String(repeating: "x", count: (1 << 20) + 1) + "\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    let result = try cli.run("import", path)
    #expect(result.status == 3)
    #expect(result.stderr.contains("values.env:2: value: it is 1048577 bytes long; the limit is 1 MiB"))
    #expect(!(try cli.ok("variable", "list").contains("ok")))
  }

  @Test func invalidUTF8IsRefusedWithItsLine() throws {
    let cli = try repository()
    let path = cli.scratch + "/latin1.env"
    try Data("AIRFLOW_VAR_A=1\nAIRFLOW_VAR_B=caf\u{E9}\n".data(using: .isoLatin1)!).write(
      to: URL(fileURLWithPath: path))
    let result = try cli.run("import", path)
    #expect(result.status == 3)
    #expect(result.stderr.contains("latin1.env:2: not UTF-8 text"))
  }

  /// A connections file with one broken entry: the whole import is refused with every
  /// problem, and no password ever lands in a variable.
  @Test func aBrokenConnectionsFileImportsNothingAndSaysEverything() throws {
    let cli = try repository()
    let path = cli.scratch + "/export.json"
    try """
    {
      "db": {"conn_type": "postgres", "password": "secret-pw"},
      "x": null,
      "p": {"conn_type": "http", "port": 99999}
    }
    """.write(toFile: path, atomically: true, encoding: .utf8)
    let result = try cli.run("import", path)
    #expect(result.status == 3)
    #expect(result.stderr.contains("export.json:3: connection x: it is null"))
    #expect(result.stderr.contains("export.json:4: port"))
    #expect(result.stderr.contains("nothing was imported (2 problems)"))
    #expect(!(try cli.ok("variable", "list").contains("db")))
    #expect(!(try cli.ok("connection", "list").contains("db")))
  }
}
