"""Insights keys (section 7): the forecast, the charts, their filters and drill-down."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("insights.forecast", "f", "view('forecast')", "Forecast"),
    bind("insights.won_lost", "w", "view('won_lost')", "Won/lost"),
    bind("insights.funnel", "n", "view('funnel')", "Funnel"),
    bind("insights.reasons", "x", "view('reasons')", "Lost reasons", show=False),
    bind("insights.owners", "t", "view('owners')", "Win rate by owner", show=False),
    bind("insights.activities", "a", "view('activities')", "Activities per week", show=False),
    bind("insights.goals", "G", "view('goals')", "Goals", show=False),
    bind("insights.next_view", "tab", "cycle(1)", "Next chart", show=False),
    bind("insights.prev_view", "shift+tab", "cycle(-1)", "Previous chart", show=False),
    bind("insights.left", "left,h", "column(-1)", "Prev column", show=False),
    bind("insights.right", "right,l", "column(1)", "Next column", show=False),
    bind("insights.up", "up,k", "row(-1)", "Up", show=False),
    bind("insights.down", "down,j", "row(1)", "Down", show=False),
    bind("insights.later", "greater_than_sign", "shift(1)", "Close a month later"),
    bind("insights.earlier", "less_than_sign", "shift(-1)", "Close a month earlier", show=False),
    bind("insights.undo", "u", "undo", "Undo", show=False),
    bind("insights.open", "enter", "open", "Open"),
    bind("insights.pipeline", "p", "pipeline", "Pipeline"),
    bind("insights.owner", "o", "owner", "Owner"),
    bind("insights.period", "d", "period", "Period"),
    bind("insights.converted", "dollar_sign", "converted", "One currency", show=False),
    bind("insights.refetch", "R", "refetch", "Refetch rates and goals (40 + 20 + 20 a goal tokens)", show=False),
]

DRILL_BINDINGS: Bindings = [
    bind("drill.open", "enter", "open", "Open deal"),
    bind("drill.close", "escape", "dismiss", "Back"),
]
