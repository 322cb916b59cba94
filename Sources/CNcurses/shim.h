#ifndef AIRENV_CNCURSES_SHIM_H
#define AIRENV_CNCURSES_SHIM_H

/* The wide-character API (get_wch, setcchar, mvadd_wch) is only declared with these. */
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1

#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <curses.h>
#include <term.h>

/* Swift 6 refuses to read ncurses' mutable globals and cannot import these macros. */
static inline WINDOW *airenv_stdscr(void) { return stdscr; }
static inline SCREEN *airenv_newterm(const char *type) { return newterm(type, stdout, stdin); }
static inline int airenv_lines(void) { return LINES; }
static inline int airenv_columns(void) { return COLS; }
static inline int airenv_colors(void) { return COLORS; }
static inline int airenv_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t airenv_attribute_normal(void) { return A_NORMAL; }
static inline attr_t airenv_attribute_bold(void) { return A_BOLD; }
static inline attr_t airenv_attribute_reverse(void) { return A_REVERSE; }
static inline attr_t airenv_attribute_underline(void) { return A_UNDERLINE; }
static inline attr_t airenv_attribute_dim(void) { return A_DIM; }
static inline int airenv_wcwidth(wchar_t c) { return wcwidth(c); }
static inline const char *airenv_codeset(void) { return nl_langinfo(CODESET); }

/* Whether the terminal can move the cursor (TERM=dumb cannot). */
static inline int airenv_can_address_cursor(void) {
  char *cup = tigetstr("cup");
  return cup != NULL && cup != (char *)-1;
}

#endif
