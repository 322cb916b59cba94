import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real binary in a real terminal: a private tmux server, keys sent with send-keys and
/// the screen read with capture-pane, waiting on conditions rather than sleeping.
final class TmuxSession {
  let socket = "airenv-test-\(UUID().uuidString.prefix(8))"
  let cli: CLI

  init(cli: CLI, width: Int = 100, height: Int = 30, environment: [String: String] = [:], command: String)
    throws
  {
    self.cli = cli
    var variables = cli.environment.merging(["TERM": "xterm-256color"]) { _, new in new }
    variables.merge(environment) { _, new in new }
    let exports = variables.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
    // A clean environment: nothing of the test runner (which sets NO_COLOR, say) leaks in.
    let shell = "env -i \(exports) sh -c \"\(command); echo AIRENV-EXITED \\$?; sleep 600\""
    try tmux(["new-session", "-d", "-s", "main", "-x", String(width), "-y", String(height), shell])
  }

  deinit { _ = try? tmux(["kill-server"]) }

  /// Runs tmux through the C library's popen: Foundation's Process leaves a pipe that the
  /// daemonised tmux server inherits, and then waits on it for as long as the server lives.
  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    let quoted = (["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments)
      .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    guard let pipe = popen(quoted + " 2>/dev/null", "r") else { throw CancellationError() }
    var output = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = fread(&buffer, 1, buffer.count, pipe)
      if count == 0 { break }
      output.append(contentsOf: buffer[0..<count])
    }
    pclose(pipe)
    return String(decoding: output, as: UTF8.self)
  }

  func screen(escapes: Bool = false) throws -> String {
    try tmux(["capture-pane", "-p", "-t", "main"] + (escapes ? ["-e"] : []))
  }

  /// Keys by tmux name (Enter, Tab, Escape, C-s, Left …).
  func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "main"] + keys) }

  /// Literal text.
  func type(_ text: String) throws { try tmux(["send-keys", "-t", "main", "-l", "--", text]) }

  func resize(width: Int, height: Int) throws {
    try tmux(["resize-window", "-t", "main", "-x", String(width), "-y", String(height)])
  }

  /// Waits until the screen satisfies `condition`; fails with the last screen after `seconds`.
  @discardableResult
  func wait(
    for description: String, seconds: Double = 15, _ condition: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(seconds)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if condition(last) { return last }
      usleep(40_000)
    }
    Issue.record("timed out waiting for \(description); the screen was:\n\(last)")
    throw CancellationError()
  }

  /// Waits until the screen satisfies `condition` and then stops changing (two captures alike):
  /// a frame is written in pieces, and a capture in the middle of one shows half of it.
  @discardableResult
  func settled(for description: String, seconds: Double = 15, _ condition: (String) -> Bool) throws -> String
  {
    var last = try wait(for: description, seconds: seconds, condition)
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      usleep(60_000)
      let now = try screen()
      if now == last && condition(now) { return now }
      last = now
    }
    Issue.record("the screen never settled after \(description); the last was:\n\(last)")
    throw CancellationError()
  }

  @discardableResult
  func wait(for text: String, seconds: Double = 15) throws -> String {
    try wait(for: "\"\(text)\"", seconds: seconds) { $0.contains(text) }
  }
}
