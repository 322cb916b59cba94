/// A rectangle of the screen, in cells.
public struct Rect: Equatable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
}

/// Where each part of the main screen is, from its size alone. `update` (how far a page key
/// moves, what must stay in view) and `render` (where things are drawn) both take their sizes
/// from here, so the two can never disagree about how many rows a list shows.
public struct ScreenLayout: Equatable, Sendable {
  public let header: Rect
  public let tabs: Rect
  /// Everything between the tabs and the footer.
  public let body: Rect
  public let footer: Rect
  public let messageLine: Rect
  /// The list pane (a column header, then rows) and the detail pane, after a border column.
  public let list: Rect
  public let detail: Rect
  /// The help overlay's box, centred over the body.
  public let helpBox: Rect

  public init(width: Int, height: Int) {
    header = Rect(x: 0, y: 0, width: width, height: 1)
    tabs = Rect(x: 0, y: 1, width: width, height: 1)
    body = Rect(x: 0, y: 2, width: width, height: height - 4)
    footer = Rect(x: 0, y: height - 2, width: width, height: 1)
    messageLine = Rect(x: 0, y: height - 1, width: width, height: 1)
    let listWidth = min(46, max(30, width * 2 / 5))
    list = Rect(x: 0, y: body.y, width: listWidth, height: body.height)
    detail = Rect(x: listWidth + 2, y: body.y, width: width - listWidth - 3, height: body.height)
    let helpWidth = min(width - 4, 76)
    helpBox = Rect(x: (width - helpWidth) / 2, y: 1, width: helpWidth, height: height - 2)
  }

  /// Rows of the list below its column header.
  public var listRows: Int { max(1, list.height - 1) }
  /// Rows of the matrix: a column header and a rule above, a status line and the legend below.
  public var matrixRows: Int { max(1, body.height - 4) }
  /// Rows of the History screen below its title and column header.
  public var historyRows: Int { max(1, body.height - 2) }
  /// Rows of the Workspaces screen below its title, hint and a blank line.
  public var workspaceRows: Int { max(1, body.height - 3) }
  /// Rows inside the help box's border.
  public var helpRows: Int { max(1, helpBox.height - 2) }
}
