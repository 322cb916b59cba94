import AirenvApp
import AirenvDelivery
import AirenvModel
import AirenvText
import ArgumentParser
import Foundation

/// Options shared by `plan` and `apply`.
struct DeliveryScope: ParsableArguments {
  @Option(name: .shortAndLong, help: "The Deployment to deliver.") var deployment: String?
  @Flag(help: "Every Deployment that has a target.") var all = false
  @Flag(help: "Delete objects airenv applied before and no longer has (never others).") var prune = false
  @Flag(help: "Take over objects of the same id that airenv did not create.") var adopt = false

  func deployments(in session: Session) throws -> [String] {
    switch (deployment, all) {
    case (let name?, false): return [name]
    case (nil, true):
      let names = try session.read().sortedDeployments.filter { $0.target != nil }.map(\.name)
      if names.isEmpty {
        throw Failure.validation("no Deployment has a target; see `airenv target set`")
      }
      return names
    case (nil, false): throw Failure.usage("give --deployment NAME or --all")
    default: throw Failure.usage("give --deployment or --all, not both")
    }
  }
}

struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what applying would change in each Deployment's Airflow.",
    discussion: """
      States: create, update (the fields named), drifted (changed in Airflow since airenv applied it),
      conflict (an object airenv did not create has that id), orphaned (applied by airenv, no longer in
      airenv: deleted only with --prune), delete, unchanged. Secrets are compared with what airenv last
      applied, never read from Airflow. Exit status: 0 when nothing differs, 6 when something does,
      another non-zero code on an error. With --all, a Deployment that cannot be planned is reported and
      the others are still shown (in JSON in its place, with "status": "error", no objects, and its
      "error" and "exitCode"); the exit status is then the first such error's.
      """)
  static let differencesExitCode: Int32 = 6

  @OptionGroup var global: GlobalOptions
  @OptionGroup var scope: DeliveryScope
  @Option(name: .shortAndLong, help: "table or json.") var output: PlanOutput = .table
  @Flag(help: "List unchanged objects too.") var verbose = false

  enum PlanOutput: String, ExpressibleByArgument, CaseIterable {
    case table, json
  }

  func run() throws {
    let session = global.session
    var entries: [PlanText.Entry] = []
    for name in try scope.deployments(in: session) {
      do {
        entries.append(
          .planned(try session.application.planDelivery(of: name, prune: scope.prune, adopt: scope.adopt)))
      } catch {
        // With --all, a Deployment whose target cannot be planned is reported and the others
        // are still shown; the exit code is then that failure's, never "differences".
        guard scope.all else { throw error }
        let (code, message) = Failure.report(error, about: "Deployment \(TerminalText.escaped(name))")
        let address = (try? session.application.configuredTarget(of: name))?.2.address ?? ""
        entries.append(
          .failed(PlanText.Failed(deployment: name, target: address, message: message, exitCode: code)))
      }
    }
    let plans = entries.compactMap(\.plan)
    switch output {
    case .json: Console.out(PlanText.json(entries))
    case .table: for plan in plans { Console.out(PlanText.table(plan, verbose: verbose)) }
    }
    if let failure = entries.lazy.compactMap(\.failure).first { throw ExitCode(failure.exitCode) }
    if plans.contains(where: \.hasDifferences) { throw ExitCode(Self.differencesExitCode) }
  }
}

/// A plan in words and in JSON; secret values never appear, only field names.
enum PlanText {
  static func table(_ plan: DeliveryPlan, verbose: Bool) -> String {
    var lines = [
      "Deployment \(TerminalText.escaped(plan.deployment)) → \(TerminalText.escaped(plan.target))"
        + (plan.airflowVersion.hasPrefix("files")
          ? "" : " (Airflow \(TerminalText.escaped(plan.airflowVersion)))")
    ]
    lines += plan.warnings.map { "warning: " + TerminalText.escaped($0) }
    var table = TextTable("KIND", "ID", "STATE", "DETAIL")
    for object in plan.objects where verbose || object.state.isDifference {
      table.add([
        object.kind.rawValue, object.id, object.state.rawValue, object.detail.joined(separator: "; "),
      ])
    }
    if !table.rows.isEmpty { lines.append(table.rendered) }
    let summary = PlanState.allCases.compactMap { state -> String? in
      let count = plan.count(state)
      return count == 0 ? nil : "\(count) \(state.rawValue)"
    }
    lines.append(
      plan.hasDifferences
        ? "plan: " + summary.joined(separator: ", ") : "in sync: \(counted(plan.objects.count, "object"))")
    return lines.joined(separator: "\n")
  }

  /// A Deployment that `--all` could not plan.
  struct Failed {
    var deployment: String
    var target: String
    var message: String
    var exitCode: Int32
  }

  /// One Deployment's outcome, in the order the Deployments were planned.
  enum Entry {
    case planned(DeliveryPlan)
    case failed(Failed)

    var plan: DeliveryPlan? { if case .planned(let plan) = self { plan } else { nil } }
    var failure: Failed? { if case .failed(let failure) = self { failure } else { nil } }
  }

  /// Every entry has the same members, so a script can walk `.[].objects[]`; a Deployment that
  /// could not be planned has `"status": "error"`, no objects, and its error and exit code.
  static func json(_ entries: [Entry]) -> String {
    let value = JSONValue.array(
      entries.map { entry in
        switch entry {
        case .failed(let failure):
          .object([
            "deployment": .string(failure.deployment), "target": .string(failure.target),
            "status": .string("error"), "airflowVersion": .null, "inSync": .bool(false),
            "warnings": .array([]),
            "objects": .array([]), "error": .string(failure.message),
            "exitCode": .integer(Int64(failure.exitCode)),
          ])
        case .planned(let plan):
          .object([
            "deployment": .string(plan.deployment), "target": .string(plan.target),
            "status": .string("planned"), "airflowVersion": .string(plan.airflowVersion),
            "inSync": .bool(!plan.hasDifferences), "warnings": .array(plan.warnings.map(JSONValue.string)),
            "objects": .array(
              plan.objects.map { object in
                .object([
                  "kind": .string(object.kind.rawValue), "id": .string(object.id),
                  "state": .string(object.state.rawValue),
                  "fields": .array(object.fields.map(JSONValue.string)),
                  "drifted": .array(object.drifted.map(JSONValue.string)),
                  "notes": .array(object.notes.map(JSONValue.string)),
                ])
              }),
          ])
        }
      })
    return Output.json(value)
  }
}
