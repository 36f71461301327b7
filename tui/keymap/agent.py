"""Keys of the agent inbox (section 8): proposals an MCP client made, reviewed one by one."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("agent.approve", "a", "approve", "Approve"),
    bind("agent.reject", "x", "reject", "Reject"),
    bind("agent.edit", "e", "edit", "Edit+approve"),
    bind("agent.approve_all", "A", "approve_all", "Approve all"),
    bind("agent.up", "up,k", "cursor(-1)", "Up", show=False),
    bind("agent.down", "down,j", "cursor(1)", "Down", show=False),
]

REASON_BINDINGS: Bindings = [
    bind("agent.reason_cancel", "escape", "cancel", "Cancel"),
]
