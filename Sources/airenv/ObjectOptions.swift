import AirenvFormats
import AirenvModel
import ArgumentParser

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
    for (field, value) in flags.fields { merged.fields[field] = value }
    for (key, value) in flags.extraSet { merged.extraSet[key] = value }
    for key in flags.extraUnset { merged.extraSet[key] = nil }
    return merged
  }
}
