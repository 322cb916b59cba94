import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

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
