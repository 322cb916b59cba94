import AirenvApp
import AirenvModel
import AirenvStore
import AirenvTerminal
import AirenvUI
import ArgumentParser
import Foundation

/// Finds a theme by name or path; a bad theme is reported and the built-in one is used.
enum ThemeLoader {
  static func load(_ requested: String?, environment: [String: String]) -> (Theme, String?) {
    let name = requested ?? "default"
    var candidates: [String] = []
    if name.contains("/") || name.hasSuffix(".json") {
      candidates = [name]
    } else {
      let config =
        environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
        ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
      candidates.append("\(config)/airenv/themes/\(name).json")
      // The themes/ folder of the source tree, found from the built binary (swift run, .build).
      var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent()
      for _ in 0..<5 {
        candidates.append(directory.appendingPathComponent("themes/\(name).json").path)
        directory.deleteLastPathComponent()
      }
    }
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
}
