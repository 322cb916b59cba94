import AirenvTerminal
import AirenvUI
import Foundation

/// Finds a theme by name or path; a bad theme is reported and the built-in one is used.
enum ThemeLoader {
  static func load(_ requested: String?, environment: [String: String]) -> (Theme, String?) {
    let name = requested ?? "default"
    let candidates =
      name.contains("/") || name.hasSuffix(".json")
      ? [name] : candidates(for: name, environment: environment, executable: executablePath)
    guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }),
      let data = FileManager.default.contents(atPath: path)
    else {
      return (
        Theme.builtIn,
        requested == nil || name == "default" ? nil : "theme \(name): not found; using the default theme"
      )
    }
    do {
      return (try Theme.parse(data, file: path), nil)
    } catch {
      return (Theme.builtIn, error.message)
    }
  }

  /// Where a theme called `name` is looked for, the first found winning: the user's own
  /// ($XDG_CONFIG_HOME, $XDG_DATA_HOME), the share/ folder beside the installed binary
  /// (scripts/install.sh), the source tree's themes/ (swift run), then $XDG_DATA_DIRS.
  static func candidates(for name: String, environment: [String: String], executable: String) -> [String] {
    let file = "airenv/themes/\(name).json"
    let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    func directory(_ variable: String, _ fallback: String) -> String {
      environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }
    var candidates = [
      directory("XDG_CONFIG_HOME", home + "/.config") + "/" + file,
      directory("XDG_DATA_HOME", home + "/.local/share") + "/" + file,
    ]
    var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
    candidates.append(folder.deletingLastPathComponent().appendingPathComponent("share/" + file).path)
    for _ in 0..<5 {
      candidates.append(folder.appendingPathComponent("themes/\(name).json").path)
      folder.deleteLastPathComponent()
    }
    for data in directory("XDG_DATA_DIRS", "/usr/local/share:/usr/share").split(separator: ":") {
      candidates.append(data + "/" + file)
    }
    return candidates
  }

  /// The running binary itself, wherever the shell found it (argv[0] may be a bare name).
  private static var executablePath: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }
}
