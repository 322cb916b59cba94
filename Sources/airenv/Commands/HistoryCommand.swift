import AirenvModel
import AirenvStore
import AirenvText
import ArgumentParser
import Foundation

struct HistoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history",
    abstract: "Who changed what and when, newest first (secret values are never recorded).",
    subcommands: [List.self, Purge.self], defaultSubcommand: List.self)

  struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "purge",
      abstract: "Remove the earlier plaintext of values that are secret now from the history.",
      discussion: """
        A variable flagged secret (or renamed to a sensitive key) after its value was saved, or an
        extra key marked secret later, left that value in the history as plaintext. purge drops the
        recorded values of those fields and keeps the earlier versions (for undo) with them
        encrypted and marked secret. The history files are rewritten in place; commit them as usual.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The variable whose history to purge.") var variable: String?
    @Option(help: "The connection whose history to purge.") var connection: String?
    @Option(
      name: .customLong("scope-deployment"), help: "The Deployment that owns a Deployment-scoped object.")
    var scopeDeployment: String?

    func validate() throws {
      if (variable == nil) == (connection == nil) {
        throw ValidationError("give either --variable KEY or --connection ID")
      }
    }

    func run() throws {
      let session = global.session
      try session.refuseIfReadonly()
      let reference =
        variable.map { ObjectReference(.variable, $0, scopeDeployment: scopeDeployment) }
        ?? ObjectReference(.connection, connection!, scopeDeployment: scopeDeployment)
      // Who acts is proven first, as for every change (a member known by a key needs it here).
      _ = try session.application.read(onlyObjectsKeyed: [])
      let report = try session.repository.purgePlaintext(
        of: reference, workspace: session.workspaceName, by: session.actor)
      if report.entries.isEmpty {
        Console.out(
          "the history holds no plaintext of \(reference.kind.rawValue) \(reference.key)'s secret fields")
      } else {
        Console.out(
          "purged \(counted(report.values, "recorded value")) and encrypted "
            + "\(counted(report.snapshots, "earlier version")) in "
            + "\(counted(report.entries.count, "history entry", plural: "history entries")) "
            + "(#\(report.entries.map(String.init).joined(separator: ", #")))")
      }
    }
  }
}

extension HistoryCommand {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "Who changed what and when, newest first (the default).",
      discussion: """
        SIGNED says whether the entry is signed by the key the Workspace records for its user
        (verified), carries no signature (unsigned), or cannot be proven theirs (not verifiable: the
        JSON's signatureProblem says why, e.g. the entry was changed after it was signed). A signed
        change of the member list that does not count when the list is replayed from its signed
        changes (voided by a change that demoted its author, dated back, or made by someone no
        Owner made an Owner) is "not counted", and the JSON's notCounted says why.
        """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Show at most N entries.") var limit = 20
    @Option(
      help: "Only changes to this conn_id, variable key or Deployment.", completion: Completions.objects)
    var object: String?
    @Option(help: "Only changes that touch this Deployment.", completion: Completions.deployments)
    var deployment: String?
    @Option(name: .shortAndLong, help: "table or json.") var output: OutputFormat = .table

    struct Item: Encodable {
      var sequence: Int
      var time: String
      var user: String
      var command: String
      var deployment: String?
      var summary: String
      var undoes: Int?
      var redoes: Int?
      /// verified, unsigned or not verifiable (see `HistoryVerification`), and why not.
      var signature: String
      var signatureProblem: String?
      /// Why a signed change of the member list does not count (see `TrustedMembers`).
      var notCounted: String?
      var changes: [Change]

      struct Change: Encodable {
        var kind: String
        var id: String
        var key: String
        var action: String
        var revision: Int?
        var fields: [FieldChange]
      }
    }

    func run() throws {
      let session = global.session
      // What a merge brought is worth reading before it is settled.
      let workspace = try session.read(allowingConflicts: true)
      // Every member sees what changed, as the TUI's History screen shows it; the values before
      // and after need the right to see field values (secret ones are never recorded).
      let values = workspace.allows(.viewValues, for: session.actor.user)
      // Without a filter only the newest entries are needed; a filter has to look at them all.
      let filtered = object != nil || deployment != nil
      var (entries, unreadable) = try session.repository.readableHistory(
        workspace: workspace.name, last: filtered ? nil : max(0, limit))
      for problem in unreadable.prefix(10) {
        // One line each: a file name may hold a newline, which must not make a line of its own.
        Console.error(
          "airenv: warning: a history entry is passed over: \(TerminalText.escaped(problem.message))")
      }
      if unreadable.count > 10 {
        Console.error("airenv: warning: and \(unreadable.count - 10) more history entries are passed over")
      }
      if let object {
        entries = entries.filter { $0.changes.contains { $0.key.lowercased() == object.lowercased() } }
      }
      if let deployment {
        guard let target = workspace.deployment(named: deployment) else {
          throw ModelError.notFound(what: "Deployment", name: deployment, workspace: workspace.name)
        }
        entries = entries.filter { entry in
          entry.changes.contains { change in
            entry.deployment == target.name || change.id == target.id
              || change.fields.contains { $0.name.contains(target.id) }
          }
        }
      }
      let names = HistoryEntry.deploymentNames(in: entries, current: workspace.deploymentNamesByID)
      let shown = Array(entries.suffix(max(0, limit)).reversed())
      let verdicts = try session.repository.verification(of: shown, workspace: workspace.name)
      let uncounted =
        shown.contains { $0.changes.contains { $0.kind == "workspace" } }
        ? try session.repository.uncountedMemberChanges(workspace: workspace.name) : [:]
      let items = shown.map { entry in
        Item(
          sequence: entry.sequence, time: entry.time.formatted(.iso8601), user: entry.user,
          command: entry.command, deployment: entry.deployment,
          summary: entry.summary(deploymentNames: names), undoes: entry.undoes, redoes: entry.redoes,
          signature: verdicts[entry.name]?.label ?? "unsigned",
          signatureProblem: verdicts[entry.name]?.reason,
          notCounted: verdicts[entry.name]?.holds == true ? uncounted[entry.name] : nil,
          changes: entry.changes.map { change in
            Item.Change(
              kind: change.kind, id: change.id, key: change.key, action: change.verb,
              revision: change.revision,
              fields: values ? change.fields : change.fields.map(\.withoutValues))
          })
      }
      try Output.print(Array(items), as: output) {
        var table = TextTable("#", "TIME", "USER", "SIGNED", "COMMAND", "WHAT")
        for item in items {
          let command =
            item.command + (item.deployment.map { " \($0)" } ?? "") + (item.undoes.map { " #\($0)" } ?? "")
            + (item.redoes.map { " #\($0)" } ?? "")
          let signed = item.notCounted == nil ? item.signature : "not counted"
          table.add([String(item.sequence), item.time, item.user, signed, command, item.summary])
        }
        guard items.isEmpty else { return table.rendered }
        if limit <= 0 { return "--limit \(limit) shows no entries\n" }
        if let object {
          let exists =
            workspace.connections.contains { $0.key.lowercased() == object.lowercased() }
            || workspace.variables.contains { $0.key.lowercased() == object.lowercased() }
            || workspace.deployment(named: object) != nil
          return exists
            ? "no change to \"\(object)\" is recorded\n"
            : "no connection, variable or Deployment \"\(object)\" exists, and no change to one is recorded\n"
        }
        if let deployment { return "no change about Deployment \"\(deployment)\" is recorded\n" }
        return "no changes recorded yet\n"
      }
    }
  }
}
