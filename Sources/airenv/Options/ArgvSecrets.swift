import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

/// Secrets given on the command line, where shell history and `ps` can read them.
enum ArgvSecrets {
  /// The extra keys of `extra` that are secret: by name at any depth, marked, or by the type.
  static func extraKeys(_ extra: [String: JSONValue], marked: Set<String>, type: String?) -> [String] {
    let catalogue = type.flatMap { ConnectionTypeCatalogue.type($0)?.secretExtraKeys } ?? []
    return extra.keys.sorted().filter { key in
      marked.contains(key) || catalogue.contains(key) || Secrecy.containsSecret(extra[key]!, key: key)
    }.map { "extra.\($0)" }
  }

  /// Warns when `--extra` (a whole JSON object) holds a secret.
  static func warnAboutExtra(_ extra: [String: JSONValue], type: String?) {
    let exposed = extraKeys(extra, marked: [], type: type)
    guard !exposed.isEmpty else { return }
    Console.error(
      "airenv: warning: --extra puts the secret \(exposed.joined(separator: ", ")) into shell history and "
        + "`ps`; prefer --extra-set-env KEY=VAR")
  }
}
