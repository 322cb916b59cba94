import AirenvModel
import AirenvStore
import ArgumentParser
import Foundation

struct UndoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "undo",
    abstract: "Revert your most recent change that is not undone yet (refused if someone changed it since).")
  @OptionGroup var global: GlobalOptions

  func run() throws {
    let (entry, workspace) = try global.session.application.undo()
    Console.out(
      "undid #\(entry.undoes ?? 0): \(entry.summary(deploymentNames: workspace.deploymentNamesByID))")
  }
}
