import AirenvModel
import ArgumentParser
import Foundation

struct ResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve", abstract: "Everything one Deployment gets, with where each field comes from.")
  @OptionGroup var global: GlobalOptions
  @Option(help: "The Deployment.", completion: Completions.deployments) var deployment: String
  @Flag(help: "Show secret values.") var reveal = false
  @Option(name: .shortAndLong, help: "table, json or yaml.") var output: OutputFormat = .table

  func run() throws {
    let session = global.session
    let (workspace, policy) = try session.read(reveal: reveal, allowingConflicts: true)
    let resolved = try ResolvedSet(workspace: workspace, deployment: deployment, policy: policy)
    try session.requireUnlocked(resolved.lockedFields, reveal: reveal)
    // Shown, as a listing is, but said: export and delivery refuse it.
    _ = try session.unverified(in: workspace)
    try Output.print(resolved, as: output) { resolved.table }
  }
}
