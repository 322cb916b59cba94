import Foundation
import Testing

@testable import airenv

/// What scripts/install.sh lays out: a binary in PREFIX/bin that finds its themes in
/// PREFIX/share/airenv/themes however it was started, and data directories searched after it.
@Suite("Installed layout: themes found beside the binary and in XDG data directories")
struct InstalledLayoutTests {
  @Test func themesAreLookedForInTheDocumentedOrder() {
    let candidates = ThemeLoader.candidates(
      for: "dark",
      environment: [
        "HOME": "/home/a", "XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "",
        "XDG_DATA_DIRS": "/opt/share:/usr/share",
      ],
      executable: "/opt/airenv/bin/airenv")
    #expect(
      Array(candidates.prefix(3)) == [
        "/cfg/airenv/themes/dark.json", "/home/a/.local/share/airenv/themes/dark.json",
        "/opt/airenv/share/airenv/themes/dark.json",
      ])
    #expect(candidates[3] == "/opt/airenv/bin/themes/dark.json")
    #expect(
      Array(candidates.suffix(2)) == [
        "/opt/share/airenv/themes/dark.json", "/usr/share/airenv/themes/dark.json",
      ])
  }

  /// Started by a bare name from PATH (argv[0] is then just "airenv"), the installed binary
  /// still finds a theme that exists only in its PREFIX/share. The probe theme is broken on
  /// purpose: the message that names its path proves which file was read.
  @Test func anInstalledBinaryStartedFromPATHFindsItsThemes() throws {
    let cli = CLI()
    let prefix = cli.scratch + "/prefix"
    let manager = FileManager.default
    try manager.createDirectory(atPath: prefix + "/bin", withIntermediateDirectories: true)
    try manager.createDirectory(atPath: prefix + "/share/airenv/themes", withIntermediateDirectories: true)
    if link(CLI.binary, prefix + "/bin/airenv") != 0 {
      try manager.copyItem(atPath: CLI.binary, toPath: prefix + "/bin/airenv")
    }
    try Data("{ not json".utf8).write(to: URL(fileURLWithPath: prefix + "/share/airenv/themes/probe.json"))
    let terminal = try TmuxSession(
      cli: cli, width: 160, height: 30, environment: ["PATH": prefix + "/bin:/usr/bin:/bin"],
      command: "cd / && airenv tui --demo --theme probe")
    // The message line is the last row a frame writes: wait for it rather than for the top.
    let screen = try terminal.wait(for: "the theme's path on the message line") {
      $0.contains("share/airenv/themes/probe.json")
    }
    #expect(!screen.contains("not found"))
    try terminal.press("q")
    try terminal.wait(for: "AIRENV-EXITED 0")
  }
}
