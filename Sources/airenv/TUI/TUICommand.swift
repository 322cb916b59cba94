import AirenvApp
import AirenvModel
import AirenvStore
import AirenvTerminal
import AirenvUI
import ArgumentParser
import Foundation

struct TUICommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tui", abstract: "Open the terminal UI (the default when no command is given).")

  @OptionGroup var global: GlobalOptions
  @Flag(help: "Open a fresh demo Workspace in a temporary repository (your data is not touched).")
  var demo = false
  @Option(help: "A theme name (default, dark, light, high-contrast, colorblind, or yours) or a theme file.")
  var theme: String?
  @Flag(help: "Draw with ASCII only (automatic on a non-UTF-8 locale).") var ascii = false
  @Flag(help: "No colours (also when NO_COLOR is set).") var noColor = false

  func run() throws {
    let environment = ProcessInfo.processInfo.environment
    // Refuse before touching anything when there is no terminal to draw on.
    guard isatty(0) == 1, isatty(1) == 1 else {
      throw Failure(message: TerminalError.notATerminal.message, code: 1)
    }
    var session = global.longLivedSession
    let cleanup = demo ? try openDemo(in: &session) : nil
    defer { if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) } }
    let (chosenTheme, themeProblem) = ThemeLoader.load(theme, environment: environment)
    var workspace: Workspace
    var pick: [String] = []
    do {
      workspace = try session.read(allowingConflicts: true)
    } catch StoreError.workspaceNotChosen(let available) {
      pick = available
      workspace = Workspace(id: "", name: "", stamp: Stamp(by: session.actor))
    }
    let utf8 = Session.localeIsUTF8(environment)
    let useColor = !noColor && (environment["NO_COLOR"] ?? "").isEmpty
    QuitSignal.install()
    let terminal: Terminal
    do {
      terminal = try Terminal(theme: chosenTheme, useColor: useColor, environment: environment)
    } catch {
      throw Failure(message: error.message, code: 1)
    }
    if let cleanup { terminal.removeOnFatalSignal(cleanup) }
    let runtime = TUIRuntime(
      application: session.application, driver: terminal, stopRequested: { QuitSignal.pending != nil })
    if !pick.isEmpty {
      guard let name = runtime.choose(from: pick, ascii: ascii || !utf8) else {
        terminal.close()
        if let signal = QuitSignal.pending { throw ExitCode(128 + signal) }
        return
      }
      session.workspaceName = name
      workspace = try session.read(allowingConflicts: true)
    }
    // A Workspace a git merge left in conflict opens on the screen that settles it.
    if !workspace.conflicts().isEmpty {
      guard let settled = runtime.settle(workspace, ascii: ascii || !utf8) else {
        terminal.close()
        if let signal = QuitSignal.pending { throw ExitCode(128 + signal) }
        return
      }
      workspace = settled
    }
    let size = terminal.size
    var state = AppState(
      workspace: workspace,
      session: SessionInfo(
        repository: demo ? "demo (temporary)" : session.repository.root, user: session.actor.user,
        readonly: session.readonly),
      width: size.width, height: size.height, ascii: ascii || !utf8)
    if let themeProblem { state.message = Message(text: themeProblem, isError: true) }
    runtime.run(&state)
    terminal.close()
    if let signal = QuitSignal.pending { throw ExitCode(128 + signal) }
  }

  /// A demo Workspace in a new private directory (mkdtemp, mode 0700): a name made from the
  /// process id could meet one left by an earlier run that was killed, with a "demo" already in
  /// it. Returns the directory, which every way out removes.
  private func openDemo(in session: inout Session) throws -> String {
    var template = Array((NSTemporaryDirectory() + "airenv-demo-XXXXXX").utf8CString)
    guard mkdtemp(&template) != nil else {
      throw Failure(
        message: "cannot create a temporary directory for the demo: \(String(cString: strerror(errno)))",
        code: 1)
    }
    let directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    do {
      session.repository = Repository(
        root: directory + "/repo", keyring: Keyring(environment: ["AIRENV_KEY_FILE": directory + "/key"]))
      try session.repository.initialize()
      session.workspaceName = try session.createDemoWorkspace().name
      return directory
    } catch {
      try? FileManager.default.removeItem(atPath: directory)
      throw error
    }
  }
}
