import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

struct RedoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "redo", abstract: "Re-apply the change your latest undo reverted.")
  @OptionGroup var global: GlobalOptions

  func run() throws {
    let (entry, workspace) = try global.session.application.redo()
    Console.out(
      "redid #\(entry.redoes ?? 0): \(entry.summary(deploymentNames: workspace.deploymentNamesByID))")
  }
}
