"""App-wide keys."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("app.board", "1", "section('board')", "Board"),
    bind("app.agenda", "2", "section('agenda')", "Agenda"),
    bind("app.people", "3", "section('people')", "People"),
    bind("app.organizations", "4", "section('organizations')", "Orgs"),
    bind("app.leads", "5", "section('leads')", "Leads", show=False),  # in the palette and ? help
    bind("app.triage", "6", "section('triage')", "Triage", show=False),  # in the palette and ? help
    bind("app.insights", "7", "section('insights')", "Insights", show=False),  # in the palette and ? help
    bind("app.agent", "8", "section('agent')", "Agent inbox", show=False),  # proposals of MCP clients (in the palette)
    bind("app.search", "g", "search", "Search", show=False),  # in ? help and the palette
    bind("app.help", "question_mark", "help", "Help"),
    bind("app.palette", "ctrl+p", "command_palette", "Commands", show=False),
    bind("app.quit", "q", "quit", "Quit"),
    bind("app.sync", "r", "sync", "Sync now", show=False),
    bind("app.login", "L", "login", "Log in again", show=False),
    bind("app.conflicts", "exclamation_mark", "conflicts", "Conflicts", show=False),
]

CONFLICT_BINDINGS: Bindings = [
    bind("conflicts.mine", "m", "keep('mine')", "Keep mine"),
    bind("conflicts.theirs", "t", "keep('theirs')", "Keep theirs"),
    bind("conflicts.edit", "e", "edit", "Edit"),
    bind("conflicts.close", "escape", "close", "Close"),
]

LOGIN_BINDINGS: Bindings = [
    bind("login.cancel", "escape", "cancel", "Cancel"),
]

FIRST_RUN_BINDINGS: Bindings = [
    bind("first_run.quit", "q,escape", "app.quit", "Quit"),
]

HELP_BINDINGS: Bindings = [
    bind("help.close", "escape,question_mark,q", "dismiss", "Close"),
]
