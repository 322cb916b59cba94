import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

/// Names one object; `--scope-deployment` picks a Deployment-scoped one.
struct ObjectSelector: ParsableArguments {
  @Argument(help: "The conn_id or variable key.") var id: String
  @Option(name: .customLong("scope-deployment"), help: "The Deployment that owns a Deployment-scoped object.")
  var scopeDeployment: String?
  @Option(help: "Refuse the change if the object's revision is no longer N (as read by `get`).")
  var expectRevision: Int?

  func reference(_ kind: ObjectKind) -> ObjectReference {
    ObjectReference(kind, id, scopeDeployment: scopeDeployment, expectedRevision: expectRevision)
  }
}

/// The field flags that create, update and link share for connections.
struct ConnectionFieldOptions: ParsableArguments {
  @Option(help: "conn_type, e.g. postgres, snowflake, aws, google_cloud_platform, http.") var type: String?
  @Option var host: String?
  @Option(help: "1–65535.") var port: String?
  @Option(help: "Schema (the database for most SQL types).") var schema: String?
  @Option var login: String?
  @Flag(help: "Read the password from standard input (an empty input leaves it as it was).")
  var passwordStdin = false
  @Option(help: "Read the password from environment variable VAR.") var passwordEnv: String?
  @Option(help: "The password (warns: it leaks into shell history and `ps`).") var password: String?
  @Option var description: String?
  @Option(
    help: "Set an extra key: K=V, V read as JSON when it is JSON (30, true, {…}), else as text (repeatable).")
  var extraSet: [String] = []
  @Option(
    help: ArgumentHelp(
      "Set an extra key from environment variable VAR: K=VAR, read like --extra-set (repeatable).",
      valueName: "K=VAR"))
  var extraSetEnv: [String] = []
  @Option(help: "Remove an extra key (repeatable); on a link: do not inherit it.")
  var extraUnset: [String] = []
  @Option(help: "Mark an extra key secret: encrypted at rest and masked (repeatable; not on a link).")
  var secretExtra: [String] = []

  func changes() throws -> ConnectionChanges {
    var changes = ConnectionChanges()
    changes.fields[.connType] = type
    changes.fields[.host] = host
    changes.fields[.port] = port
    changes.fields[.schema] = schema
    changes.fields[.login] = login
    changes.fields[.description] = description
    changes.fields[.password] = try SecretInput.read(
      stdin: passwordStdin, environmentVariable: passwordEnv, plain: password, what: "password",
      flag: "password")
    for assignment in extraSet {
      guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
        throw Failure.usage("--extra-set takes KEY=VALUE, got \"\(assignment)\"")
      }
      let key = String(assignment[..<equals])
      changes.extraSet[key] = JSONValue.parseLenient(String(assignment[assignment.index(after: equals)...]))
    }
    let exposed = ArgvSecrets.extraKeys(changes.extraSet, marked: Set(secretExtra), type: type)
    if !exposed.isEmpty {
      Console.error(
        "airenv: warning: --extra-set puts the secret \(exposed.joined(separator: ", ")) into shell history "
          + "and `ps`; prefer --extra-set-env KEY=VAR")
    }
    for assignment in extraSetEnv {
      guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex,
        assignment.index(after: equals) != assignment.endIndex
      else {
        throw Failure.usage("--extra-set-env takes KEY=VAR, got \"\(assignment)\"")
      }
      let name = String(assignment[assignment.index(after: equals)...])
      guard let value = ProcessInfo.processInfo.environment[name] else {
        throw Failure.validation("environment variable \(name) (for --extra-set-env) is not set")
      }
      changes.extraSet[String(assignment[..<equals])] = JSONValue.parseLenient(value)
    }
    changes.extraUnset = Set(extraUnset)
    changes.secretExtraKeys = Set(secretExtra)
    return changes
  }
}

/// The value flags that create, update and link share for variables.
struct VariableValueOptions: ParsableArguments {
  @Option(help: "The value (for a secret, prefer --value-stdin or --value-env).") var value: String?
  @Flag(help: "Read the value from standard input (an empty input leaves it as it was).") var valueStdin =
    false
  @Option(help: "Read the value from environment variable VAR.") var valueEnv: String?

  /// The value from whichever flag gave it; `secret` says whether to warn that `--value`
  /// exposed it (see `warnIfExposed` for a variable whose secrecy is known only later).
  func read(secret: Bool) throws -> String? {
    let sources = [value != nil, valueStdin, valueEnv != nil].filter { $0 }.count
    if sources > 1 { throw Failure.usage("give the value in one way only") }
    if let value {
      warnIfExposed(secret: secret)
      return value
    }
    return try SecretInput.read(
      stdin: valueStdin, environmentVariable: valueEnv, plain: nil, what: "value", flag: "value")
  }

  func warnIfExposed(secret: Bool) {
    guard value != nil, secret else { return }
    Console.error("airenv: warning: --value leaks a secret into shell history and `ps`; prefer --value-stdin")
  }
}

/// The Deployment a linking command acts on.
struct DeploymentTarget: ParsableArguments {
  @Option(help: "The Deployment's name.") var deployment: String
}

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
