import AirenvFormats
import AirenvModel
import ArgumentParser
import Foundation

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
