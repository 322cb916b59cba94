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

  /// K sends the keep unconfirmed; the model's question comes back through `ask`, and only "y"
  /// (not Enter, on the focused No) carries it out.
  @Test func keepAsksTheModelsQuestionWithNoFocused() throws {
    var screen = Self.screen()
    #expect(screen.handle(.character("j")) == .stay)
    let id = Self.merged.conflicts()[0].ids[1]
    #expect(screen.handle(.character("K")) == .settle(.keep(id: id), confirmed: false))
    var asking = Self.merged
    let refusal = Result { try asking.apply(.settle(.keep(id: id)), by: UIFixture.actor) }
    guard case .failure(let error) = refusal, case .needsConfirmation(let impact)? = error as? ModelError
    else {
      Issue.record("keeping one deleted the other without asking")
      return
    }
    let question = impact.question
    screen.ask(question, before: .keep(id: id))
    let text = screen.render().text
    #expect(text.contains("Keep connections/con_0123456789abcdef.json and"))
    #expect(text.contains("[ No ]") && text.contains("[ Yes ]"))
    // Enter chooses the focused button, No: nothing happens.
    #expect(screen.handle(.enter) == .stay)
    #expect(screen.render().text.contains("nothing changed"))
    screen.ask(question, before: .keep(id: id))
    #expect(screen.handle(.character("y")) == .settle(.keep(id: id), confirmed: true))
  }

  /// A rename the model refuses comes back as typed, with the reason, for another try.
  @Test func aRefusedRenameKeepsWhatWasTyped() {
    var screen = Self.screen()
    _ = screen.handle(.character("R"))
    for character in "/bad" { _ = screen.handle(.character(character)) }
    guard case .settle(.rename(_, let name), confirmed: false) = screen.handle(.enter) else {
      Issue.record("Enter did not send the rename")
      return
    }
    #expect(name == "warehouse_db/bad")
    screen.refused("conn_id \"warehouse_db/bad\" is not allowed")
    let text = screen.render().text
    #expect(text.contains("new name: warehouse_db/bad") && text.contains("is not allowed"))
  }

  /// However few rows the terminal has, the selected row is drawn.
  @Test func theSelectedRowShowsOnAShortTerminal() {
    for height in 6...12 {
      var screen = Self.screen(height: height)
      for _ in 0..<3 { _ = screen.handle(.down) }
      #expect(screen.render().text.contains("var_00000000000000bb"), "height \(height)")
      _ = screen.handle(.up)
      #expect(screen.render().text.contains("con_0123456789abcdef"), "height \(height)")
    }
  }

  @Test func renameTakesAnyNameAPersonCanType() {
    var screen = Self.screen()
    _ = screen.handle(.character("R"))
    #expect(screen.render().text.contains("new name: warehouse_db"))
    _ = screen.handle(.control("u"))
    #expect(screen.handle(.enter) == .stay, "an empty name is not sent")
    for character in "wh_ünïcode👍🏽" { _ = screen.handle(.character(character)) }
    let id = Self.merged.conflicts()[0].ids[0]
    #expect(screen.handle(.enter) == .settle(.rename(id: id, to: "wh_ünïcode👍🏽"), confirmed: false))
    // Esc while typing cancels the rename only.
    _ = screen.handle(.character("R"))
    #expect(screen.handle(.escape) == .stay)
    #expect(!screen.render().text.contains("new name:"))
  }

  @Test func danglingReferencesAreDroppedOrLeftOnceNoDuplicateRemains() {
    var screen = Self.screen()
    #expect(screen.handle(.escape) == .stay)
    #expect(screen.render().text.contains("settle every duplicate first"))
    #expect(screen.handle(.character("x")) == .settle(.dropDangling, confirmed: false))

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
      screen.ask(String(repeating: "a long question ", count: 40), before: .dropDangling)
      _ = screen.render()
    }
  }
}
