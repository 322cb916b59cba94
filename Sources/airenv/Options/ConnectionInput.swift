import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

enum ConnectionInput {
  /// Fields from `--uri`, with explicit flags taking precedence over the URI's parts.
  static func merge(uri: String?, into flags: ConnectionChanges) throws -> ConnectionChanges {
    guard let uri else { return flags }
    var merged: ConnectionChanges
    do {
      merged = try AirflowURI.decode(uri)
    } catch {
      throw Failure.validation("--uri is not an Airflow connection URI: \(error.reason)")
    }
    let exposed =
      (merged.fields[.password].map { _ in ["password"] } ?? [])
      + ArgvSecrets.extraKeys(merged.extraSet, marked: [], type: merged.fields[.connType])
    if !exposed.isEmpty {
      Console.error(
        "airenv: warning: --uri puts the secret \(exposed.joined(separator: ", ")) into shell history and "
          + "`ps`; prefer --password-stdin or --password-env VAR (and --extra-set-env KEY=VAR)")
    }
    for (field, value) in flags.fields { merged.fields[field] = value }
    for (key, value) in flags.extraSet { merged.extraSet[key] = value }
    for key in flags.extraUnset { merged.extraSet[key] = nil }
    return merged
  }
}
