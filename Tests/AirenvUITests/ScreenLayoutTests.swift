import AirenvModel
import Testing

@testable import AirenvUI

/// One layout for update and render: whatever the size, the panes tile the screen and the row
/// the cursor is moved to by paging is a row that is drawn.
@Suite("Screen layout shared by update and render")
struct ScreenLayoutTests {
  static let sizes = [(80, 24), (81, 25), (100, 30), (133, 41), (200, 60)]

  @Test(arguments: sizes)
  func thePanesTileTheScreen(width: Int, height: Int) {
    let layout = ScreenLayout(width: width, height: height)
    #expect(layout.header.y == 0 && layout.tabs.y == 1 && layout.body.y == 2)
    #expect(layout.body.maxY == layout.footer.y && layout.footer.maxY == layout.messageLine.y)
    #expect(layout.messageLine.maxY == height)
    // The list, one border column and a space, then the detail pane to the last column but one.
    #expect(layout.list.maxX + 2 == layout.detail.x && layout.detail.maxX == width - 1)
    #expect(layout.helpBox.x + layout.helpBox.width <= width && layout.helpBox.maxY <= height)
  }

  @Test(arguments: sizes)
  func pagingLandsOnADrawnRow(width: Int, height: Int) {
    var state = UIFixture.state(width: width, height: height)
    var workspace = UIFixture.workspace
    for number in 0..<150 {
      try! workspace.apply(
        .createVariable(key: "paged_\(number)", fields: VariableChanges(value: "v"), sharing: .restricted),
        by: UIFixture.actor)
    }
    _ = update(&state, .reloaded(workspace))
    _ = update(&state, .selectTab(.variables))
    for mode in ["list", "matrix"] {
      if mode == "matrix" { _ = update(&state, .toggleMatrix) }
      for _ in 0..<3 {
        _ = update(&state, .pageDown)
        let key = state.selectedVariable!.key
        let screen = render(state)
        // In the list pane (or the matrix's id column), not the detail pane's title.
        let columns = mode == "list" ? state.layout.list.width : 28
        let row = (state.layout.body.y + 1..<state.layout.body.maxY).first { y in
          String(screen.lines[y].prefix(columns)).contains(" \(key) ")
        }
        #expect(row != nil, "\(mode) \(width)x\(height): \(key) is not drawn")
        if let row, mode == "list" { #expect(screen[1, row].role == .selection) }
      }
    }
  }
}
