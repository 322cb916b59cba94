import Foundation

/// Reads secret values from standard input or the environment, never from argv when it
/// can be helped: argv leaks into shell history and `ps`.
enum SecretInput {
  /// The value from stdin or an environment variable; nil means "no value given", so an
  /// empty pipe in CI never clears a stored secret.
  static func read(stdin: Bool, environmentVariable: String?, plain: String?, what: String, flag: String)
    throws -> String?
  {
    let sources = [stdin, environmentVariable != nil, plain != nil].filter { $0 }.count
    if sources > 1 { throw Failure.usage("give the \(what) in one way only") }
    if let plain {
      Console.error(
        "airenv: warning: --\(flag) leaks the \(what) into shell history and `ps`; "
          + "prefer --\(flag)-stdin or --\(flag)-env VAR")
      return plain
    }
    if stdin {
      var bytes = FileHandle.standardInput.readDataToEndOfFile()
      if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
      if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
      if bytes.isEmpty {
        Console.error("airenv: note: standard input was empty, so the \(what) is left as it was")
        return nil
      }
      guard let text = String(data: bytes, encoding: .utf8) else {
        throw Failure.validation("the \(what) on standard input is not UTF-8 text")
      }
      return text
    }
    if let name = environmentVariable {
      guard let value = ProcessInfo.processInfo.environment[name] else {
        throw Failure.validation("environment variable \(name) (for the \(what)) is not set")
      }
      if value.isEmpty {
        Console.error("airenv: note: \(name) is empty, so the \(what) is left as it was")
        return nil
      }
      return value
    }
    return nil
  }
}
