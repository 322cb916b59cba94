import Foundation
import Testing

/// Values from the data reach a terminal in every listing: an OSC title or clipboard write, a
/// CSI clear, a carriage return or a backspace in a value must be shown, never obeyed.
@Suite("CLI output: control characters from the data are escaped")
struct ControlCharacterOutputTests {
  /// OSC title, OSC 52 clipboard, CSI clear, 8-bit CSI (U+009B), CR, BS, DEL, a bidi override.
  static let hostile =
    "a\u{1B}]0;owned\u{7}b\u{1B}]52;c;aGk=\u{7}c\u{1B}[2Jd\u{9B}2Je\rf\u{8}g\u{7F}h\u{202E}i"

  /// What no human-readable output may contain: C0 controls but the line feed, DEL, C1.
  static func forbidden(_ text: String) -> [String] {
    text.unicodeScalars.filter { scalar in
      (scalar.value < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(scalar.value)
    }.map { "U+" + String($0.value, radix: 16) }
  }

  func repository() throws -> CLI {
    let cli = CLI()
    try cli.ok("workspace", "create", "data")
    try cli.ok("deployment", "create", "dev", "--description", Self.hostile)
    try cli.ok("deployment", "create", "prod")
    try cli.ok(
      "connection", "create", "db", "--type", "postgres", "--host", Self.hostile, "--login", Self.hostile,
      "--description", Self.hostile, "--extra-set", "note=\(Self.hostile)", "--link-all")
    try cli.ok("connection", "link", "db", "--deployment", "prod", "--host", Self.hostile + "prod")
    try cli.ok(
      "variable", "create", "region", "--value", Self.hostile, "--description", Self.hostile, "--link-all")
    try cli.ok("variable", "link", "region", "--deployment", "prod", "--value", Self.hostile + "prod")
    return cli
  }

  @Test func everyListingShowsControlsAsEscapes() throws {
    let cli = try repository()
    let commands: [[String]] = [
      ["connection", "list"], ["connection", "get", "db"], ["connection", "get", "db", "--reveal"],
      ["connection", "get", "db", "--deployment", "prod"], ["variable", "list"],
      ["variable", "get", "region"],
      ["variable", "list", "--deployment", "prod"], ["resolve", "--deployment", "prod", "--reveal"],
      ["resolve", "--deployment", "dev"], ["diff", "dev", "prod"], ["deployment", "list"],
      ["workspace", "member", "list"], ["history"], ["matrix"], ["matrix", "--variables"], ["doctor"],
      ["key", "status"], ["workspace", "list"],
    ]
    for arguments in commands {
      for output in [[], ["--output", "json"], ["--output", "yaml"]] {
        let result = try cli.run(arguments + output)
        if result.status == 2 && result.stderr.contains("--output") { continue }  // not a listing
        let said = result.stdout + result.stderr
        #expect(
          Self.forbidden(said).isEmpty,
          "airenv \((arguments + output).joined(separator: " ")): \(Self.forbidden(said))")
      }
    }
    // The value is still all there, escaped, where a person reads it.
    let shown = try cli.ok("variable", "get", "region")
    #expect(shown.contains("a\\x1B]0;owned\\x07b\\x1B]52;c;aGk=\\x07c\\x1B[2Jd\\u009B2Je\\rf\\x08g\\x7Fh"))
    // And JSON keeps it exactly, as JSON escapes.
    let json = try #require(
      try cli.run("variable", "get", "region", "--output", "json").json as? [String: Any])
    #expect(json["value"] as? String == Self.hostile)
  }

  @Test func errorsEchoingRefusedInputEscapeIt() throws {
    let cli = try repository()
    for arguments in [
      ["connection", "create", "x\u{1B}]0;t\u{7}", "--type", "http"],
      ["deployment", "create", "d\u{1B}[2J"],
      ["connection", "get", "nope\u{9B}2J"],
      ["resolve", "--deployment", "\u{1B}]52;c;aGk=\u{7}"],
      ["no\u{1B}[31msuch"],
      ["variable", "list", "--output", "t\u{1B}[2J"],
      ["import", "/nonexistent/\u{1B}]0;x\u{7}.env"],
      ["--user", "u\u{1B}[2J", "connection", "list"],
    ] {
      let result = try cli.run(arguments)
      #expect(result.status != 0, "\(arguments)")
      #expect(Self.forbidden(result.stdout + result.stderr).isEmpty, "\(arguments): \(result.stderr)")
    }
  }

  /// An export written to a terminal shows the escapes; the same export into a pipe is the
  /// exact bytes, for the program that reads it.
  @Test func anExportOnATerminalShowsEscapesAndInAPipeTheBytes() throws {
    let cli = try repository()
    let terminal = try TmuxSession(
      cli: cli, width: 200, command: "\(CLI.binary) export --deployment dev --format env")
    let screen = try terminal.wait(for: "AIRENV-EXITED")
    #expect(screen.contains("\\x1B]52;c;aGk="), "\(screen)")
    #expect(screen.contains("shown as escapes on this terminal"))
    let title = try terminal.tmux(["display-message", "-p", "-t", "main", "#{pane_title}"])
    #expect(!title.contains("owned"))
    let piped = try cli.ok("export", "--deployment", "dev", "--format", "env")
    #expect(piped.contains("\u{1B}]52;c;aGk=\u{7}"))
  }

}
