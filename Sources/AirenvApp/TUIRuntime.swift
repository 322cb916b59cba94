import AirenvDelivery
import AirenvModel
import AirenvStore
import AirenvText
import AirenvUI
import Foundation

/// The loop: read a key, turn it into an action, update the state, carry out the effects
/// (saving through `Application`, as the CLI does), draw. Between keys it polls the repository
/// so that changes from another process appear without a restart. It knows the terminal only
/// as a `TerminalDriver`, so tests run it in-process with a scripted one.
public struct TUIRuntime {
  let application: Application
  let driver: any TerminalDriver
  /// Asked between keys (and at least every `idleTimeout`): true ends the loop (a signal).
  let stopRequested: () -> Bool
  let idleTimeout: Int32

  public init(
    application: Application, driver: any TerminalDriver, idleTimeout: Int32 = 250,
    stopRequested: @escaping () -> Bool = { false }
  ) {
    self.application = application
    self.driver = driver
    self.idleTimeout = idleTimeout
    self.stopRequested = stopRequested
  }

  public static let historyShown = 500
  /// Seconds between background measurements of the targets' sync state while idle.
  static let syncInterval: TimeInterval = 30

  /// The Workspace picker (more than one Workspace and none chosen): the name chosen, or nil
  /// when the user quit (or a signal came) instead.
  public func choose(from names: [String], ascii: Bool) -> String? {
    var picker = WorkspacePicker(
      names: names, width: driver.size.width, height: driver.size.height, ascii: ascii)
    driver.draw(picker.render())
    while !stopRequested() {
      guard let key = driver.readKey(timeout: idleTimeout) else { continue }
      if key == .resize {
        (picker.width, picker.height) = driver.size
        driver.invalidate()
      }
      switch picker.handle(key) {
      case .stay: driver.draw(picker.render())
      case .redraw:
        driver.repaint()
        driver.draw(picker.render())
      case .quit: return nil
      case .open(let name):
        driver.invalidate()
        return name
      }
    }
    return nil
  }

  /// The merge-conflicts screen, for a Workspace a git merge left in conflict (read with
  /// `allowingConflicts`): each settlement is saved as the CLI's `conflicts resolve` saves it, one
  /// history entry, and the Workspace read again. Returns the Workspace to open once no
  /// duplicate is left (and the person goes on), or nil when they quit (or a signal came).
  public func settle(_ workspace: Workspace, ascii: Bool) -> Workspace? {
    settle(workspace, ascii: ascii, deliveries: nil)
  }

  /// The same, while an apply of `deliveries` may run: quitting then asks twice, as it does
  /// on the Workspace.
  func settle(_ workspace: Workspace, ascii: Bool, deliveries: DeliveryRunner?) -> Workspace? {
    var screen = ConflictScreen(
      workspace: workspace, width: driver.size.width, height: driver.size.height, ascii: ascii)
    var current = workspace
    // Bound to this Workspace by name: the runtime's own may name none (the picker chose it).
    var application = application
    application.workspaceName = workspace.name
    var stamp = application.repository.changeStamp(workspace: workspace.id)
    driver.draw(screen.render())
    while !stopRequested() {
      guard let key = driver.readKey(timeout: idleTimeout) else {
        // Settled (or changed) by another process or a teammate's pull while this is open.
        let now = application.repository.changeStamp(workspace: workspace.id)
        guard now != stamp else { continue }
        stamp = now
        guard
          let reread = try? application.repository.read(workspaceID: workspace.id, allowingConflicts: true)
        else { continue }
        current = reread
        application.workspaceName = reread.name
        screen.show(reread)
        if reread.conflicts().isEmpty {
          driver.invalidate()
          return reread
        }
        driver.draw(screen.render())
        continue
      }
      if key == .resize {
        (screen.width, screen.height) = driver.size
        driver.invalidate()
      }
      switch screen.handle(key) {
      case .stay: break
      case .redraw: driver.repaint()
      case .quit:
        if let deliveries, let busy = deliveries.busy, deliveries.firstQuitDuringApply() {
          screen.message = Message(
            text: "an apply to \(busy) is running: q again quits anyway (the next apply finishes it)",
            isError: true)
          break
        }
        return nil
      case .proceed:
        driver.invalidate()
        return current
      case .settle(let settlement, let confirmed):
        do {
          let performed = try application.perform([.settle(settlement)], confirmed: confirmed)
          stamp = application.repository.changeStamp(workspace: workspace.id)
          current =
            try application.repository.read(workspaceID: workspace.id, allowingConflicts: true) ?? current
          application.workspaceName = current.name
          screen.show(current)
          screen.message = Message(text: performed.outcome.message, isError: false)
        } catch ModelError.needsConfirmation(let impact) {
          // The model's own question, naming what goes: the CLI asks the same.
          screen.ask(impact.question, before: settlement)
        } catch {
          screen.refused(Self.message(for: error))
        }
        if current.conflicts().isEmpty {
          driver.invalidate()
          return current
        }
      }
      driver.draw(screen.render())
    }
    return nil
  }

  /// Runs until the user quits or `stopRequested` says so.
  public func run(_ state: inout AppState) {
    var live = LiveChanges(application: application(for: state), workspace: state.workspace.id)
    let sync = SyncMonitor(application: application)
    let deliveries = DeliveryRunner()
    // The first frame does not wait for the history, which only the History screen and the
    // detail pane's "recent changes" show, nor for the targets, which are read in the background.
    driver.draw(render(state))
    loadHistory(into: &state)
    verifyObjects(in: &state)
    sync.refresh(state.workspace)
    driver.draw(render(state))
    while !stopRequested() {
      guard var key = driver.readKey(timeout: idleTimeout) else {
        if followDelivery(deliveries, &state) { sync.refresh(state.workspace) }
        sync.refresh(state.workspace, ifOlderThan: Self.syncInterval)
        if let states = sync.take() {
          _ = update(&state, .syncUpdated(states))
          driver.draw(render(state))
        }
        if let conflicted = live.takeConflicted() {
          // A git merge under the open TUI left the Workspace in conflict: settle it first.
          guard let settled = settle(conflicted, ascii: state.ascii, deliveries: deliveries) else { return }
          _ = update(&state, .reloaded(settled))
          live.acknowledge(settled)
          loadHistory(into: &state)
          verifyObjects(in: &state)
          sync.refresh(state.workspace)
          driver.draw(render(state))
        }
        if let change = live.poll(state.workspace) {
          _ = update(&state, change)
          if case .reloaded = change {
            loadHistory(into: &state)
            verifyObjects(in: &state)
            sync.refresh(state.workspace)
          }
          driver.draw(render(state))
        }
        if state.mode == .workspaces, state.overlay == nil {
          // The list follows other processes' creations, renames and deletions while it is open.
          let before = state.workspaces
          perform(.list, on: &state)
          if state.workspaces != before { driver.draw(render(state)) }
        }
        continue
      }
      // Keys already waiting (a paste arrives as thousands) are all handled before one draw.
      let started = DispatchTime.now()
      while true {
        guard handle(key, &state, &live, sync, deliveries) else { return }
        let elapsed = DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds
        guard elapsed < 50_000_000, let next = driver.readKey(timeout: 0) else { break }
        key = next
      }
      // An apply may end while keys keep coming: its outcome is not left for an idle moment.
      if followDelivery(deliveries, &state, drawing: false) { sync.refresh(state.workspace) }
      driver.draw(render(state))
    }
  }

  /// One key through the keymap and `update`, and its effects carried out; false to quit.
  private func handle(
    _ key: Key, _ state: inout AppState, _ live: inout LiveChanges, _ sync: SyncMonitor,
    _ deliveries: DeliveryRunner
  ) -> Bool {
    var effects: [Effect] = []
    if key == .resize {
      let size = driver.size
      driver.invalidate()
      effects = update(&state, .resize(width: size.width, height: size.height))
    } else if let action = Keymap.action(for: key, in: state.keyContext) {
      effects = update(&state, action)
    }
    for effect in effects {
      switch effect {
      case .quit:
        // Quitting ends the apply where it is; the next apply finishes what it began.
        if let busy = deliveries.busy, deliveries.firstQuitDuringApply() {
          _ = update(
            &state,
            .notice(
              "an apply to \(busy) is running: q again quits anyway (the next apply finishes it)",
              isError: true))
          continue
        }
        return false
      case .apply(let commands, let confirmed):
        apply(commands, confirmed: confirmed, to: &state)
        live.acknowledge(state.workspace)
        sync.refresh(state.workspace)
      case .deliver(let id):
        deliver(id, with: deliveries, to: &state)
      case .undo, .redo:
        revert(undo: effect == .undo, to: &state)
        live.acknowledge(state.workspace)
      case .loadHistory:
        loadHistory(into: &state)
      case .redraw:
        driver.repaint()
      case .workspace(let request):
        perform(request, on: &state)
        if live.workspace != state.workspace.id {
          live = LiveChanges(application: application(for: state), workspace: state.workspace.id)
        } else {
          live.acknowledge(state.workspace)
        }
      }
    }
    if effects.contains(where: { $0 != .loadHistory && $0 != .quit && $0 != .redraw }) {
      loadHistory(into: &state)
      verifyObjects(in: &state)
    }
    return true
  }

  /// Marks the objects nobody allowed to has vouched for (see `Repository.unverifiedObjects`):
  /// after the first frame, as the history, and again after every save or reload, when only
  /// the files that changed are read again.
  func verifyObjects(in state: inout AppState) {
    let reasons = (try? application.unverifiedObjects(in: state.workspace))?.mapValues(\.reason) ?? [:]
    if reasons != state.unverified { _ = update(&state, .verified(reasons)) }
  }

  func loadHistory(into state: inout AppState) {
    // The History screen and the detail pane show recent changes: read only the newest entries,
    // not the whole log, at start-up and after every save.
    let entries: [HistoryEntry]
    do {
      entries = try application.repository.history(workspace: state.workspace.name, last: Self.historyShown)
    } catch {
      let message = UserMessage(error)?.oneLine ?? "\(error)"
      _ = update(
        &state,
        .historyUnreadable(message.replacingOccurrences(of: application.repository.root + "/", with: "")))
      return
    }
    let names = HistoryEntry.deploymentNames(in: entries, current: state.workspace.deploymentNamesByID)
    let values = state.workspace.allows(.viewValues, for: application.user)
    let lines = entries.reversed().map { entry in
      HistoryLine(
        sequence: entry.sequence, time: entry.time.formatted(.iso8601), user: entry.user,
        command: entry.command + (entry.undoes.map { " #\($0)" } ?? "")
          + (entry.redoes.map { " #\($0)" } ?? ""),
        summary: entry.summary(deploymentNames: names), keys: entry.changes.map(\.key),
        detail: HistoryDetail.lines(entry, deploymentNames: names, values: values))
    }
    _ = update(&state, .historyLoaded(lines))
  }

  /// The application layer for the Workspace on screen.
  private func application(for state: AppState) -> Application {
    var application = application
    application.workspaceName = state.workspace.name
    return application
  }

  private func revert(undo: Bool, to state: inout AppState) {
    do {
      let application = application(for: state)
      let (entry, workspace) = undo ? try application.undo() : try application.redo()
      _ = update(&state, .reloaded(workspace))
      let what = undo ? "undid #\(entry.undoes ?? 0)" : "redid #\(entry.redoes ?? 0)"
      _ = update(
        &state,
        .applied(
          Outcome(message: what + ": " + entry.summary(deploymentNames: workspace.deploymentNamesByID))))
    } catch {
      _ = update(&state, .failed(Self.message(for: error)))
    }
  }

  private func apply(_ commands: [Command], confirmed: Bool, to state: inout AppState) {
    do {
      // The state written is the latest (the change was applied to what was on disk under the
      // lock), so it is shown as it is, without reading the repository again.
      let performed = try application(for: state).perform(commands, confirmed: confirmed)
      var outcome = performed.outcome
      if outcome.changed { outcome.notes.append("u undoes it") }
      _ = update(&state, .reloaded(performed.workspace))
      _ = update(&state, .applied(outcome))
    } catch {
      // A failed save keeps an open form as it was, with this message (an object deleted
      // meanwhile says who deleted it and when).
      _ = update(&state, .failed(Self.message(for: error)))
    }
  }

  /// Starts applying a Deployment's plan (confirmed by the user) in the background; what
  /// reached Airflow is said when it ends (`followDelivery`).
  private func deliver(_ id: DeploymentID, with deliveries: DeliveryRunner, to state: inout AppState) {
    guard let deployment = state.workspace.deployment(id: id) else { return }
    if let busy = deliveries.busy {
      _ = update(
        &state, .notice("an apply to \(busy) is still running; A again once it has ended", isError: true))
      return
    }
    guard deliveries.start(application(for: state), deployment: deployment.name) else {
      _ = update(&state, .notice("the last apply has just ended; A again to apply once more", isError: true))
      return
    }
    _ = update(&state, .notice("applying to \(deployment.target?.address ?? "")…", isError: false))
  }

  /// Between keys: the running apply's progress on the message line, and once it ends what
  /// reached Airflow. True when it ended (the sync states are then measured again).
  private func followDelivery(_ deliveries: DeliveryRunner, _ state: inout AppState, drawing: Bool = true)
    -> Bool
  {
    guard let finished = deliveries.takeFinished() else {
      // Progress does not cover an error the person has not read yet.
      if let busy = deliveries.busy, let (done, total) = deliveries.takeProgress(),
        state.message?.isError != true
      {
        _ = update(&state, .notice("applying to \(busy)… \(done)/\(total)", isError: false))
        if drawing { driver.draw(render(state)) }
      }
      return false
    }
    switch finished.result {
    case .success(let report):
      let applied = report.counts.filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
      let what = "applied to \(finished.deployment): " + (applied.isEmpty ? "nothing" : applied)
      if report.succeeded {
        _ = update(&state, .notice(what, isError: false))
      } else {
        let first =
          report.unwritten ?? report.failed.first.map { "\($0.kind.rawValue) \($0.id): \($0.reason)" }
          ?? report.unverified.first ?? ""
        _ = update(&state, .notice("\(what); not all of it: \(first); A tries again", isError: true))
      }
    case .failure(let error):
      _ = update(&state, .notice(Self.message(for: error), isError: true))
    }
    loadHistory(into: &state)
    verifyObjects(in: &state)
    if drawing { driver.draw(render(state)) }
    return true
  }

  /// What a failed save says on the message line: the same words as the CLI's.
  static func message(for error: any Error) -> String {
    UserMessage(error)?.oneLine ?? "\(error)"
  }
}
