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
    var session = global.session
    var cleanup: String?
    if demo {
      // A new private directory each time (mkdtemp, mode 0700): a name made from the process id
      // could meet one left by an earlier run that was killed, with a "demo" already in it.
      var template = Array((NSTemporaryDirectory() + "airenv-demo-XXXXXX").utf8CString)
      guard mkdtemp(&template) != nil else {
        throw Failure(
          message: "cannot create a temporary directory for the demo: \(String(cString: strerror(errno)))",
          code: 1)
      }
      let directory = String(
        decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      cleanup = directory
      session.repository = Repository(
        root: directory + "/repo", keyring: Keyring(environment: ["AIRENV_KEY_FILE": directory + "/key"]))
      try session.repository.initialize()
      let workspace = try session.createDemoWorkspace()
      session.workspaceName = workspace.name
    }
    defer { if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) } }
    let (chosenTheme, themeProblem) = ThemeLoader.load(theme, environment: environment)
    var workspace: Workspace
    var pick: [String] = []
    do {
      workspace = try session.read()
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
    if !pick.isEmpty {
      var picker = WorkspacePicker(
        names: pick, width: terminal.size.width, height: terminal.size.height, ascii: ascii || !utf8)
      terminal.draw(picker.render())
      choosing: while true {
        if let signal = QuitSignal.pending {
          terminal.close()
          throw ExitCode(128 + signal)
        }
        guard let key = terminal.readKey(timeout: 1000) else { continue }
        if key == .resize {
          (picker.width, picker.height) = terminal.size
          terminal.invalidate()
        }
        switch picker.handle(key) {
        case .stay: terminal.draw(picker.render())
        case .quit:
          terminal.close()
          return
        case .open(let name):
          session.workspaceName = name
          workspace = try session.read()
          break choosing
        }
      }
      terminal.invalidate()
    }
    let size = terminal.size
    var state = AppState(
      workspace: workspace,
      session: SessionInfo(
        repository: demo ? "demo (temporary)" : session.repository.root, user: session.actor.user,
        readonly: session.readonly),
      width: size.width, height: size.height, ascii: ascii || !utf8)
    if let themeProblem { state.message = Message(text: themeProblem, isError: true) }
    TUIRuntime(session: session, terminal: terminal).run(&state)
    terminal.close()
    if let signal = QuitSignal.pending { throw ExitCode(128 + signal) }
  }
}

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

/// The loop: read a key, turn it into an action, update the state, carry out the effects
/// (saving through the same model commands as the CLI), draw. Between keys it polls the
/// repository so that changes from another process appear without a restart.
struct TUIRuntime {
  let session: Session
  let terminal: Terminal

  func run(_ state: inout AppState) {
    var stamp = session.repository.changeStamp(workspace: state.workspace.id)
    // The first frame does not wait for the history, which only the History screen and the
    // detail pane's "recent changes" show.
    terminal.draw(render(state))
    loadHistory(into: &state)
    terminal.draw(render(state))
    while QuitSignal.pending == nil {
      guard let key = terminal.readKey(timeout: 250) else {
        let now = session.repository.changeStamp(workspace: state.workspace.id)
        if now != stamp {
          stamp = now
          if let workspace = try? session.repository.read(workspace: state.workspace.name) {
            _ = update(&state, .reloaded(workspace))
            loadHistory(into: &state)
            terminal.draw(render(state))
          }
        }
        continue
      }
      var effects: [Effect] = []
      if key == .resize {
        let size = terminal.size
        terminal.invalidate()
        effects = update(&state, .resize(width: size.width, height: size.height))
      } else if let action = Keymap.action(for: key, in: state.keyContext) {
        effects = update(&state, action)
      }
      for effect in effects {
        switch effect {
        case .quit: return
        case .apply(let commands, let confirmed):
          apply(commands, confirmed: confirmed, to: &state)
          stamp = session.repository.changeStamp(workspace: state.workspace.id)
        case .undo, .redo:
          revert(undo: effect == .undo, to: &state)
          stamp = session.repository.changeStamp(workspace: state.workspace.id)
        case .loadHistory:
          loadHistory(into: &state)
        case .redraw:
          terminal.repaint()
        }
      }
      if effects.contains(where: { $0 != .loadHistory && $0 != .quit && $0 != .redraw }) {
        loadHistory(into: &state)
      }
      terminal.draw(render(state))
    }
  }

  static let historyShown = 500

  /// What a failed save says on the message line: the same words as the CLI's.
  static func message(for error: any Error) -> String {
    UserMessage(error)?.oneLine ?? "\(error)"
  }

  private func loadHistory(into state: inout AppState) {
    // The History screen and the detail pane show recent changes: read only the newest entries,
    // not the whole log, at start-up and after every save.
    let entries =
      (try? session.repository.history(workspace: state.workspace.name, last: Self.historyShown)) ?? []
    let lines = entries.reversed().map { entry in
      HistoryLine(
        sequence: entry.sequence, time: entry.time.formatted(.iso8601), user: entry.user,
        command: entry.command + (entry.undoes.map { " #\($0)" } ?? "")
          + (entry.redoes.map { " #\($0)" } ?? ""),
        summary: entry.summary, keys: entry.changes.map(\.key))
    }
    _ = update(&state, .historyLoaded(lines))
  }

  /// The application layer for the Workspace on screen (the CLI's own, with its name).
  private func application(for state: AppState) -> Application {
    var application = session.application
    application.workspaceName = state.workspace.name
    return application
  }

  private func revert(undo: Bool, to state: inout AppState) {
    do {
      let application = application(for: state)
      let (entry, workspace) = undo ? try application.undo() : try application.redo()
      _ = update(&state, .reloaded(workspace))
      let what = undo ? "undid #\(entry.undoes ?? 0)" : "redid #\(entry.redoes ?? 0)"
      _ = update(&state, .applied(Outcome(message: what + ": " + entry.summary)))
    } catch {
      _ = update(&state, .failed(Self.message(for: error)))
    }
  }

  private func apply(_ commands: [Command], confirmed: Bool, to state: inout AppState) {
    do {
      // The state written is the latest (the change was applied to what was on disk under the
      // lock), so it is shown as it is, without reading the repository again.
      let performed = try application(for: state).perform(commands, confirmed: confirmed)
      _ = update(&state, .reloaded(performed.workspace))
      _ = update(&state, .applied(performed.outcome))
    } catch {
      // A failed save keeps an open form as it was, with this message (an object deleted
      // meanwhile says who deleted it and when).
      _ = update(&state, .failed(Self.message(for: error)))
    }
  }
}
