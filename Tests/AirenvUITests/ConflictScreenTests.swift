import AirenvModel
import AirenvUI
import Foundation
import Testing

/// The screen a Workspace a git merge left in conflict opens on: what it shows (goldens), and
/// which settlement each key asks for.
@Suite("Merge-conflicts screen")
struct ConflictScreenTests {
  /// The demo Workspace as a merge can leave it: a second `warehouse_db` from the other clone,
  /// and a variable still excluding a Deployment deleted on this side.
  static let merged: Workspace = {
    var workspace = UIFixture.workspace
    // The demo's ids are random: the files the screen names are fixed here.
    let ours = workspace.connections.firstIndex { $0.key == "warehouse_db" }!
    workspace.connections[ours].id = "con_00000000000000aa"
    workspace.variables[0].id = "var_00000000000000bb"
    var theirs = workspace.connections[ours]
    theirs.id = "con_0123456789abcdef"
    theirs.base.fields[.host] = "theirs.example.com"
    theirs.stamp.updatedBy = "bob"
    workspace.connections.append(theirs)
    workspace.variables[0].exclusions.insert("dep_gone00000000000")
    return workspace
  }()

  static func screen(width: Int = 120, height: Int = 20, ascii: Bool = false) -> ConflictScreen {
    ConflictScreen(workspace: merged, width: width, height: height, ascii: ascii)
  }

  @Test(arguments: [false, true])
  func showsEachConflictWithItsFilesAndWhatTellsThemApart(ascii: Bool) throws {
    let screen = Self.screen(ascii: ascii)
    #expect(screen.conflicts.count == 2)
    #expect(!screen.mayContinue)
    let text = screen.render().text
    #expect(text.contains("A git merge left 2 conflicts in this Workspace."))
    #expect(text.contains("connections/con_0123456789abcdef.json"))
    #expect(text.contains("host theirs.example.com") && text.contains("changed by bob"))
    // Nothing secret reaches the screen: the demo's passwords are not in it.
    for connection in Self.merged.connections {
      if let password = connection.base.fields[.password], password.count > 3 {
        #expect(!text.contains(password))
      }
    }
    let suffix = ascii ? "-ascii" : ""
    try GoldenScreenTests().check(text, "conflicts-120x20\(suffix).txt")
    if !ascii { try GoldenScreenTests().check(screen.render().styleMap, "conflicts-120x20.styles") }
  }

  @Test func keepAsksFirstWithNoFocused() {
    var screen = Self.screen()
    #expect(screen.handle(.character("j")) == .stay)
    #expect(screen.handle(.character("K")) == .stay)
    #expect(screen.render().text.contains("and delete connections/"))
    // Enter chooses the focused button, No: nothing happens.
    #expect(screen.handle(.enter) == .stay)
    #expect(screen.render().text.contains("nothing changed"))
    _ = screen.handle(.character("K"))
    guard case .settle(.keep(let id)) = screen.handle(.character("y")) else {
      Issue.record("y did not keep")
      return
    }
    #expect(Self.merged.conflicts()[0].ids[1] == id)
  }

  @Test func renameTakesAnyNameAPersonCanType() {
    var screen = Self.screen()
    _ = screen.handle(.character("R"))
    #expect(screen.render().text.contains("new name: warehouse_db"))
    _ = screen.handle(.control("u"))
    #expect(screen.handle(.enter) == .stay, "an empty name is not sent")
    for character in "wh_ünïcode👍🏽" { _ = screen.handle(.character(character)) }
    let id = Self.merged.conflicts()[0].ids[0]
    #expect(screen.handle(.enter) == .settle(.rename(id: id, to: "wh_ünïcode👍🏽")))
    // Esc while typing cancels the rename only.
    _ = screen.handle(.character("R"))
    #expect(screen.handle(.escape) == .stay)
    #expect(!screen.render().text.contains("new name:"))
  }

  @Test func danglingReferencesAreDroppedOrLeftOnceNoDuplicateRemains() {
    var screen = Self.screen()
    #expect(screen.handle(.escape) == .stay)
    #expect(screen.render().text.contains("settle every duplicate first"))
    _ = screen.handle(.character("x"))
    #expect(screen.handle(.character("y")) == .settle(.dropDangling))

    var settled = Self.merged
    settled.connections.removeLast()
    screen.show(settled)
    #expect(screen.mayContinue)
    #expect(screen.render().text.contains("Drop the dangling references, or Esc"))
    // On a dangling row there is nothing to keep or rename.
    _ = screen.handle(.character("K"))
    #expect(screen.render().text.contains("choose one of two with the same name to keep"))
    #expect(screen.handle(.escape) == .proceed)
    #expect(screen.handle(.character("q")) == .quit)
  }

  /// The screen reads its keys from the keymap's table, as the help and README list them.
  @Test func everyBoundKeyDoesSomething() {
    for binding in Keymap.bindings where binding.contexts.contains(.conflicts) {
      for key in binding.keys {
        var screen = Self.screen()
        _ = screen.handle(.down)
        let before = screen
        let outcome = screen.handle(key)
        #expect(screen != before || outcome != .stay, "\(key.label) (\(binding.summary)) did nothing")
      }
    }
  }

  @Test func aTinyTerminalDrawsWithoutTrapping() {
    for (width, height) in [(1, 1), (10, 3), (0, 0), (200, 5)] {
      var screen = Self.screen(width: width, height: height)
      for key in [Key.down, .pageDown, .character("K"), .character("y"), .character("R"), .enter] {
        _ = screen.handle(key)
        _ = screen.render()
      }
    }
  }
}
